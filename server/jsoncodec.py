"""The database's JSON columns, read and written with orjson, with the standard library for what
orjson refuses or would write differently.

A push reads every stored record of the children it touches (an 80-visit push: about a thousand
``fields`` objects); ``json.loads`` was a sixth of such a push, orjson reads them in a third of
the time. orjson refuses some of what the standard library takes (NaN, lone surrogates in
strings): those are read as before. It reads an integer past 64 bits as a float, where the
standard library keeps it exact: a document with a run of 19 digits or more (only such a number,
or such digits inside a string) is read by the standard library too.

Writing: ``json.dumps`` was a twentieth of a bulk push (six JSON values per record: the record's
fields and field times, the log's fields, errors, conflicts and refusal details). orjson writes
the same values more compactly (no spaces, UTF-8 rather than escapes): any reader, the pull
that splices the stored text into its answer included, reads the same value. Where orjson would
write something else, the standard library writes it: NaN and infinities (orjson writes null),
integers past 64 bits, non-string keys, dates and anything it does not know (those it refuses).
"""

from __future__ import annotations

import json
import re
from typing import Any

import orjson

_LONG_DIGITS = re.compile(r"[0-9]{19}")
_LONG_DIGITS_BYTES = re.compile(rb"[0-9]{19}")


def loads(text):
    """Return the value of a JSON document as ``json.loads`` would."""
    pattern = _LONG_DIGITS_BYTES if isinstance(text, bytes | bytearray) else _LONG_DIGITS
    if pattern.search(text):
        return json.loads(text)
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError:
        return json.loads(text)


# orjson's own handling of dates and dataclasses is off: the standard library refuses them, and
# refusing keeps a bug (a date where a string belongs) from being written silently.
_WRITE_OPTIONS = orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_PASSTHROUGH_DATACLASS


def dumps(value: Any) -> str:
    """Return ``value`` as JSON text; read back, it is the value ``json.dumps`` would have written."""
    try:
        text = orjson.dumps(value, option=_WRITE_OPTIONS)
    except TypeError:  # orjson.JSONEncodeError: big integers, non-string keys, dates, depth
        return json.dumps(value)
    if b"null" in text and not _finite(value):  # NaN and infinities become null in orjson
        return json.dumps(value)
    return text.decode()


def _finite(value: Any) -> bool:
    """Tell whether no float inside ``value`` is NaN or infinite (a loop, not a call per item:
    the check runs on most records, whose optional fields are null)."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            inner = item.values()
        elif isinstance(item, list | tuple):
            inner = item
        elif isinstance(item, float):
            if item - item != 0.0:  # NaN and infinities give NaN
                return False
            continue
        else:
            continue
        for x in inner:
            kind = type(x)
            if kind is str or kind is int or x is None or kind is bool:
                continue
            if kind is float:
                if x - x != 0.0:
                    return False
            else:
                stack.append(x)
    return True
