"""Find a person on the device by name, NIK or mother's name (Beranda and every page's header).

Names are compared normalised (``names.normalise_name``: case, accents of compatibility forms,
punctuation and invisible characters do not matter). A query of digits (at least
``NIK_MIN_DIGITS``, spaces and dots ignored) finds the persons whose NIK contains it. Other
queries find, best first: names containing the query, mothers' names containing it, then names
and mothers' names that are close (rapidfuzz ``WRatio`` or, word by word, ``partial_token_ratio``
at least ``FUZZY_MIN``: "Angraini" finds "Siti Anggraini", "Rudi" does not find "Budi"). The normalised index of the persons is kept until the next write to the store.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from flask import Blueprint, current_app, g, render_template, request
from rapidfuzz import fuzz, process

from shared.i18n import t

from .names import normalise_name
from .worklists import person_href

bp = Blueprint("search", __name__)

MAX_QUERY = 100
NIK_MIN_DIGITS = 4
FUZZY_MIN = 85
FUZZY_MIN_LENGTH = 3
LIMIT = 50
MATCH_NAME, MATCH_MOTHER, MATCH_NIK = "name", "mother", "nik"


class QueryTooLong(ValueError):
    """A query longer than ``MAX_QUERY`` characters."""


@dataclass(frozen=True)
class Match:
    """One person found: the row, what matched and how well (100 = contains the query)."""

    person: Mapping[str, Any]
    matched: str
    score: float


class SearchIndex:
    """The persons' names, mothers' names and NIKs, normalised once."""

    def __init__(self, persons: Iterable[Mapping[str, Any]]):
        self.persons = [p for p in persons if p.get("name")]
        self.names = [normalise_name(p.get("name")) for p in self.persons]
        self.mothers = [normalise_name(p.get("mother_name")) for p in self.persons]
        self.niks = [str(p.get("nik") or "") for p in self.persons]

    def find(self, query: str, limit: int = LIMIT) -> list[Match]:
        """Return the persons matching ``query``, best first (at most ``limit``)."""
        query = (query or "").strip()
        if len(query) > MAX_QUERY:
            raise QueryTooLong(query[:MAX_QUERY])
        digits = re.sub(r"[\s.]", "", query)
        if digits.isdigit():
            if len(digits) < NIK_MIN_DIGITS:
                return []
            found = [
                Match(self.persons[i], MATCH_NIK, 100.0)
                for i, nik in enumerate(self.niks)
                if digits in nik
            ]
            return self._ranked(found, limit)
        text = normalise_name(query)
        if not text:
            return []
        best: dict[int, Match] = {}
        for i, name in enumerate(self.names):
            if text in name:
                best[i] = Match(self.persons[i], MATCH_NAME, 100.0 + name.startswith(text))
            elif text in self.mothers[i]:
                best[i] = Match(self.persons[i], MATCH_MOTHER, 99.0)
        if len(text) >= FUZZY_MIN_LENGTH:
            for matched, choices, scorer in (
                (MATCH_NAME, self.names, fuzz.WRatio),
                (MATCH_NAME, self.names, fuzz.partial_token_ratio),
                (MATCH_MOTHER, self.mothers, fuzz.WRatio),
                (MATCH_MOTHER, self.mothers, fuzz.partial_token_ratio),
            ):
                for _, score, i in process.extract(
                    text, choices, scorer=scorer, score_cutoff=FUZZY_MIN, limit=limit
                ):
                    # a mother's name ranks below a name equally close
                    score = score - (matched == MATCH_MOTHER)
                    if i not in best or best[i].score < score:
                        best[i] = Match(self.persons[i], matched, score)
        return self._ranked(list(best.values()), limit)

    @staticmethod
    def _ranked(found: list[Match], limit: int) -> list[Match]:
        found.sort(key=lambda m: (-m.score, str(m.person.get("name", "")).casefold()))
        return found[:limit]


def index_of(store: Any) -> SearchIndex:
    """Return the store's search index, rebuilt only after a write."""
    return store.cached(("search_index",), lambda: SearchIndex(store.rows("person")))


@bp.get("/cari")
def page():
    """The search page: the header's and Beranda's search box lead here."""
    ctx = current_app.extensions["posyandu"]
    query = request.args.get("q", "")
    error, matches = None, []
    try:
        matches = index_of(ctx.store).find(query)
    except QueryTooLong:
        error = t("client.search.too_long", g.lang, n=MAX_QUERY)
        query = query[:MAX_QUERY]
    today = ctx.today()
    return render_template(
        "search.html",
        query=query.strip(),
        error=error,
        matches=matches,
        href=lambda person: person_href(person, today),
        today=today,
    ), (400 if error else 200)
