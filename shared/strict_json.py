"""Read a JSON body strictly, refusing what no database column or standard JSON can hold.

The server (``server/errors.py``, every API body) and the field client's local API
(``field_client/api.py``) both read bodies through :func:`parse_strictly` and
:func:`has_lone_surrogate`: NaN/Infinity and literals that overflow to them (``1e999``),
integers longer than 19 digits, and lone UTF-16 surrogates (``"\\ud800"``) are refused with a
clear error instead of reaching a database that cannot store them (a 500).
"""

from __future__ import annotations

import json
import math
import re

import orjson

from shared.jsoncodec import has_long_digits


class NonFinite(ValueError):
    """NaN, Infinity or a literal beyond a float's range (``1e999``) in a JSON body."""


class TooLarge(ValueError):
    """An integer literal longer than any value the protocol has (a 400-digit number)."""


# Integers in the protocol (seqs, versions, record values) fit in 64 bits: 19 digits.
MAX_INTEGER_DIGITS = 19
# A JSON escape of a UTF-16 surrogate (``\ud800``): alone it is not a character.
_SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89a-fA-F]")


def _refuse_constant(name: str):
    raise NonFinite(name)


def _finite_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise NonFinite(text)
    return value


def _bounded_int(text: str) -> int:
    if len(text.lstrip("-")) > MAX_INTEGER_DIGITS:
        raise TooLarge(text[:40])
    return int(text)


def parse_strictly(data: bytes):
    """Parse a JSON body, refusing what no database column or standard JSON can hold.

    orjson reads a body first (the standard library's scanner with these hooks was a sixtieth of
    a bulk push): it refuses NaN, Infinity, literals beyond a float's range and lone surrogates
    by itself. Whatever it refuses, and any body with a run of 19 digits (orjson reads a long
    integer as a float), is read again by the standard library, whose hooks give the refusal
    its reason.
    """
    if not has_long_digits(data):
        try:
            return orjson.loads(data)
        except orjson.JSONDecodeError:
            pass
    return json.loads(
        data, parse_constant=_refuse_constant, parse_float=_finite_float, parse_int=_bounded_int
    )


def has_lone_surrogate(data: bytes, body) -> bool:
    """Tell whether a parsed body holds a lone UTF-16 surrogate (only escapes can make one)."""
    if not _SURROGATE_ESCAPE.search(data):
        return False  # the common case: no surrogate escape at all, nothing more to check
    try:
        json.dumps(body, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False  # escaped surrogate pairs (an emoji) are fine
