"""JSON with orjson, giving exactly what the standard library gives (reading and writing).

Reading: the server's JSON columns (``server/__init__.py`` gives it to SQLAlchemy) and the
field client's pull pages (issue #19: decoding was a tenth of an initial pull's client time). orjson refuses some of what
the standard library takes (NaN, lone surrogates in strings): those are read as before. It reads
an integer past 64 bits as a float, where the standard library keeps it exact: a document with a
run of 19 digits or more (only such a number, or such digits inside a string) is read by the
standard library too.

Writing: :func:`dumps_sorted` is the device store's encoding (compact, keys sorted, non-ASCII
kept), a fifth of an initial pull's client time with the standard library. orjson writes the
same text only for some values: NaN and infinities become ``null``, floats below 1e-4 or from
1e16 on are spelled differently (``0.00001`` for ``1e-05``), and it accepts types the standard
library refuses (dates, dataclasses). Any value with such a float or another type is written by
the standard library (:func:`_orjson_writes_it_alike`).
"""

from __future__ import annotations

import json
from typing import Any

import orjson

# In bytes, digits become "0" and everything else " ": a run of 19 digits is then a substring
# search, a tenth of the regular expression's time on a 1 MB pull page.
_DIGITS_ONLY = bytes(48 if byte in b"0123456789" else 32 for byte in range(256))
_DIGIT_RUN = b"0" * 19


def has_long_digits(text) -> bool:
    """Tell whether ``text`` holds a run of 19 digits or more."""
    if isinstance(text, str):
        # UTF-8 keeps ASCII digits as they are and writes every other character without one: a
        # fifth of the regular expression's time on a stored record (the server reads a
        # thousand of them in an incremental push). "surrogatepass": a lone surrogate too.
        text = text.encode("utf-8", "surrogatepass")
    elif not isinstance(text, bytes | bytearray):
        # A TypeError, as json.loads gives: SQLAlchemy's SQLite JSON type relies on it to hand
        # back a number SQLite stored as one (a JSON column holding a bare number).
        raise TypeError(f"JSON text must be str or bytes, not {type(text).__name__}")
    return _DIGIT_RUN in text.translate(_DIGITS_ONLY)


def loads(text):
    """Return the value of a JSON document as ``json.loads`` would."""
    if has_long_digits(text):
        return json.loads(text)
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError:
        return json.loads(text)


# One encoder for every call: json.dumps with options builds a new one per call.
_STDLIB_SORTED = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode
_SCALARS = frozenset({str, int, bool, type(None)})
# Floats orjson spells as repr() does (checked over every float class in tests/shared).
_PLAIN_FLOAT_MIN, _PLAIN_FLOAT_END = 1e-4, 1e16


def _orjson_writes_it_alike(value: Any) -> bool:
    """Tell whether orjson writes ``value`` as the standard library would (see the module
    docstring). Integers past 64 bits and non-string keys make orjson raise instead."""
    stack = [value]
    while stack:
        item = stack.pop()
        for v in item.values() if type(item) is dict else item:
            kind = type(v)
            if kind in _SCALARS:
                continue
            if kind is float:
                # False for NaN and the infinities too (every comparison with NaN is False).
                if v == 0 or _PLAIN_FLOAT_MIN <= abs(v) < _PLAIN_FLOAT_END:
                    continue
                return False
            if kind is dict or kind is list:
                stack.append(v)
                continue
            return False
    return True


def dumps_sorted(value: Any) -> str:
    """Return ``json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True)``."""
    if type(value) is dict and _orjson_writes_it_alike(value):
        try:
            return orjson.dumps(value, option=orjson.OPT_SORT_KEYS).decode()
        except TypeError:  # a key that is not a string, an integer past 64 bits, deep nesting
            pass
    return _STDLIB_SORTED(value)


def dumps(value: Any) -> str:
    """Return JSON text that reads back as the value ``json.dumps(value)`` writes (the server's
    JSON columns: ``json.dumps`` was a twentieth of a bulk push, six values per record).

    The text itself is orjson's where it writes the same value (compact, UTF-8 rather than
    escapes; any reader, the pull splicing the stored text into its answer included, reads the
    same value); anything else, NaN and dates included, goes through the standard library.
    """
    kind = type(value)
    if kind in _SCALARS or ((kind is dict or kind is list) and _orjson_writes_it_alike(value)):
        try:
            return orjson.dumps(value).decode()
        except TypeError:  # a key that is not a string, an integer past 64 bits, deep nesting
            pass
    return json.dumps(value)
