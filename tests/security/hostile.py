"""The shared hostile-input generator: hypothesis strategies of values no field should choke on.

A value is a JSON *fragment* (raw body text), because the worst cases cannot be written by
``json.dumps``: a lone UTF-16 surrogate (the escape ``"\\ud800"``), number literals that read as
infinity or zero (``1e999``, ``-1e999``, ``1e-999``), integers of 400 digits. Text cases add
bidi controls and zero-width characters (which the shared Text field removes), and the script and
spreadsheet-formula payloads of the hostile world (conftest ``HOSTILE``).

``body_with(fields, name, fragment)`` returns a JSON body text: ``fields`` with ``name`` holding
the raw fragment. Used by tests/security/test_hostile_generated.py (the server, every kind and
field, both databases) and tests/security/test_field_client_hostile.py (every local API route).
"""

from __future__ import annotations

import json
from collections.abc import Mapping

import hypothesis.strategies as st

from tests.security.conftest import HOSTILE

NUMBER_LITERALS = ("1e999", "-1e999", "1e-999", "9" * 400, "-" + "9" * 400, "1" + "0" * 399)
SURROGATES = ('"\\ud800"', '"x\\udfff"', '"\\udc00ab"', '"a\\ud83d"')
BIDI_ZERO_WIDTH = (
    "\u202e",
    "\u202d",
    "\u2066",
    "\u2067",
    "\u2068",
    "\u2069",
    "\u200e",
    "\u200f",
    "\u200b",
    "\u200c",
    "\u200d",
    "\u2060",
    "\ufeff",
    "\u00ad",
)
_SENTINEL = "\x00HOSTILE\x00"


def _texts() -> st.SearchStrategy[str]:
    """Text around bidi and zero-width characters, or only them, or a hostile payload."""
    hidden = st.text(st.sampled_from(BIDI_ZERO_WIDTH), min_size=1, max_size=6)
    around = st.tuples(st.sampled_from(["Ani", "Dusun I", "6111", ""]), hidden).map(
        lambda pair: pair[1] + pair[0] + pair[1]
    )
    return st.one_of(hidden, around, st.sampled_from(HOSTILE))


def fragments() -> st.SearchStrategy[str]:
    """Raw JSON fragments: number literals, lone surrogates, hostile text, wrong shapes."""
    return st.one_of(
        st.sampled_from(NUMBER_LITERALS),
        st.sampled_from(SURROGATES),
        _texts().map(json.dumps),
        st.sampled_from(["[]", "{}", "null", "true", '"1e999"', '"NaN"', "-0", "[1e999]"]),
    )


def body_with(fields: Mapping, name: str, fragment: str) -> str:
    """Return ``fields`` as JSON text with ``name`` set to the raw ``fragment``."""
    text = json.dumps({**fields, name: _SENTINEL})
    return text.replace(json.dumps(_SENTINEL), fragment, 1)


def body_of(fragment: str) -> str:
    """Return a JSON body that is the fragment itself (a non-object top level)."""
    return fragment
