"""Names as typed and names as compared.

Text pasted from chat apps carries characters nobody sees: zero-width spaces and joiners, the byte
order mark, word joiners, and bidirectional controls that can make "Ani" and "inA" look alike.
They are removed from every text a kader enters, so that two records of one person are not kept
apart by an invisible character (``strip_invisible`` is shared: every ``Text`` field of
shared/records applies it, so the server removes them from any client too). For comparison, names are further lower-cased, stripped of
punctuation and their spaces collapsed ("Bayi Ny.  Siti" -> "bayi ny siti").
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from typing import Any

from shared.records.fields import strip_invisible

__all__ = ["clean_input", "normalise_name", "strip_invisible"]


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
