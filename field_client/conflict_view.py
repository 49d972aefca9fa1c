"""What the Sinkronisasi page shows of a conflict: what it is about, the value in use and the other
one in the kader's words, who decided and when, and whether this user may decide."""

from __future__ import annotations

import re
from typing import Any

from shared import records as shared_records
from shared.i18n import t
from shared.records.titles import DELETED

from .describe import conflict_label
from .formats import format_date, format_instant, format_number
from .store import Store

ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def value_text(kind: str, field: str, value: Any, lang: str) -> str:
    """Write a conflict's value as a kader reads it (choices by label, dates dd/mm/yyyy)."""
    if field == DELETED:
        return t(
            "client.sync.conflict_deleted" if value is True else "client.sync.conflict_not_deleted",
            lang,
        )
    if value is None or value == "" or value == []:
        return t("client.sync.conflict_empty", lang)
    if isinstance(value, bool):
        return t("client.yes" if value else "client.no", lang)
    if isinstance(value, int | float):
        return format_number(value, lang=lang)
    if isinstance(value, list):
        return ", ".join(value_text(kind, field, v, lang) for v in value)
    text = str(value)
    if ISO_DAY.fullmatch(text) and format_date(text, lang):
        return format_date(text, lang)
    try:
        return shared_records.choice_label(kind, field, text, lang)
    except shared_records.UnknownKind:
        return text


def standing_choice(conflict: dict[str, Any]) -> str:
    """Return which value the record holds: the last decision's, else the merge's winner."""
    if conflict.get("status") == "resolved" and conflict.get("resolution"):
        return str(conflict["resolution"])
    for event in reversed(conflict.get("events") or []):
        if event.get("action") == "resolved" and event.get("choice"):
            return str(event["choice"])
    return "winner"


def conflict_view(store: Store, conflict: dict[str, Any], lang: str) -> dict[str, Any]:
    """Return one conflict ready for the page."""
    kind, field = str(conflict.get("kind") or ""), str(conflict.get("field") or "")
    kept = standing_choice(conflict)
    other = "loser" if kept == "winner" else "winner"

    def text(choice: str) -> str:
        return value_text(kind, field, conflict.get(f"{choice}_value"), lang)

    def when(value: Any) -> str:
        return format_instant(value, store, lang)

    history = [
        t(
            f"client.sync.conflict_event.{e.get('action')}",
            lang,
            when=when(e.get("at")),
            who=e.get("actor") or "",
            value=value_text(kind, field, e.get("kept_value"), lang),
        )
        for e in conflict.get("events") or []
        if e.get("action") in ("resolved", "reopened")
    ]
    server_id = str(conflict.get("id") or "")
    return {
        "id": server_id,
        "label": conflict_label(store, conflict, lang),
        "status": conflict.get("status") or "open",
        "kept": {"choice": kept, "text": text(kept)},
        "other": {"choice": other, "text": text(other)},
        "resolved_by": conflict.get("resolved_by") or "",
        "resolved_at": when(conflict.get("resolved_at")),
        "history": history,
        # Only a conflict the server listed (a numeric id) can be decided from here.
        "may_resolve": bool(conflict.get("may_resolve")) and server_id.isdigit(),
    }
