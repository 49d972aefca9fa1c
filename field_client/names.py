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


def strip_invisible(text: str) -> str:
    """Return ``text`` without invisible format characters, normalised to NFC.

    Format characters (Unicode category Cf) are the bidi controls that turn text around
    (U+202A-U+202E, U+2066-U+2069, U+200E, U+200F), the zero-width ones that hide inside a name
    (U+200B-U+200D, U+2060, U+FEFF) and the soft hyphen: none belongs in a posyandu record, and a
    name holding them looks like another name or escapes the duplicate check.
    """
    return unicodedata.normalize(
        "NFC", "".join(ch for ch in text if unicodedata.category(ch) != "Cf")
    )


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
