"""Reading the database's JSON columns: orjson, with the standard library for what it refuses.

A push reads every stored record of the children it touches (an 80-visit push: about a thousand
``fields`` objects); ``json.loads`` was a sixth of such a push, orjson reads them in a third of
the time. orjson refuses some of what the standard library takes (NaN, lone surrogates in
strings): those are read as before. It reads an integer past 64 bits as a float, where the
standard library keeps it exact: a document with a run of 19 digits or more (only such a number,
or such digits inside a string) is read by the standard library too. Writing stays with the
standard library: orjson would write NaN as null.
"""

from __future__ import annotations

import json
import re

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
