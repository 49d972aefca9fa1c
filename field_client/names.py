"""Names as typed and names as compared.

Text pasted from chat apps carries characters nobody sees: zero-width spaces and joiners, the byte
order mark, word joiners, and bidirectional controls that can make "Ani" and "inA" look alike.
They are removed from every text a kader enters, so that two records of one person are not kept
apart by an invisible character. For comparison, names are further lower-cased, stripped of
punctuation and their spaces collapsed ("Bayi Ny.  Siti" -> "bayi ny siti").
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from typing import Any

# U+200B-U+200D zero-width space/non-joiner/joiner, U+2060 word joiner, U+FEFF BOM,
# U+202A-U+202E bidi embeddings and overrides, U+2066-U+2069 bidi isolates.
INVISIBLE = frozenset(
    [0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF, *range(0x202A, 0x202F), *range(0x2066, 0x206A)]
)
_DROP = dict.fromkeys(INVISIBLE)


def strip_invisible(text: str) -> str:
    """Return ``text`` without zero-width and bidirectional control characters."""
    return text.translate(_DROP)


def clean_input(data: Mapping[str, Any]) -> dict[str, Any]:
    """Strip invisible characters from every text value; collapse the spaces of names."""
    out = {}
    for key, value in data.items():
        if isinstance(value, str):
            value = strip_invisible(value)
            if key == "name" or key.endswith("_name"):
                value = " ".join(value.split())
        out[key] = value
    return out


def normalise_name(value: Any) -> str:
    """Return a name as compared: NFKC, no invisible characters, lower case, letters and digits
    separated by single spaces."""
    text = unicodedata.normalize("NFKC", strip_invisible(str(value or ""))).casefold()
    kept = "".join(ch if ch.isalnum() else " " for ch in text)
    return " ".join(kept.split())
