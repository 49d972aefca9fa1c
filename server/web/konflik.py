"""Konflik: the conflict queue in the user's scope, and its resolution by a reviewer.

Conflicts are read through the same read filter as records, on their copied scope keys; only a
reviewer of the record's units (``can_review``) may resolve one.
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from flask import g, redirect, render_template, request, url_for

from server.extensions import db
from server.models import Conflict, MutationLog, User
from server.people_names import names_of, person_text
from server.scope import ScopeKeys
from server.sync.conflicts import (
    ResolveError,
    conflicts_in_scope,
    describe_many,
    may_resolve,
    reopen,
    resolve,
)
from server.web import bp, language, local_zone, login_required
from server.web.format import column_labels, field_name, show_value, when
from server.web.lembar_tabel import download  # XLSX for people, CSV as before
from server.web.params import download_format
from shared import records
from shared.i18n import t

CONFLICT_STATUS = {"open": "open", "resolved": "resolved", "all": None}
DOWNLOAD_COLUMNS = (
    "web.review.conflicts.record",
    "web.review.users.kind",
    "web.review.conflicts.field",
    "web.review.conflicts.winner",
    "web.review.conflicts.winner_by",
    "web.review.conflicts.winner_at",
    "web.review.conflicts.loser",
    "web.review.conflicts.loser_by",
    "web.review.conflicts.loser_at",
    "web.review.conflicts.created",
    "web.review.conflicts.status",
    "web.review.conflicts.resolver",
    "web.review.conflicts.resolved_at",
    "web.review.conflicts.resolution",
)


def hlc_time(hlc: str | None) -> dt.datetime | None:
    """Return the wall-clock time of a hybrid logical clock stamp."""
    try:
        return dt.datetime.fromtimestamp(int(str(hlc).split(":")[0]) / 1000, dt.UTC)
    except (ValueError, OverflowError, OSError):
        return None


def _authors(items: list[Conflict]) -> dict[tuple, User]:
    """Return the kader each side's mutation named as its author (several kader share a device),
    by ("winner" or "loser", conflict id); a side without one (an older client) is absent.

    Each side's mutation is the mutation-log row of its device with its stamp (absent when the
    server itself wrote it). The name is the device's attestation, checked at the push against
    that kader's scope (server/sync/incoming.py), not a proof.
    """
    if not items:
        return {}
    stamps = {c.winner_hlc for c in items} | {c.loser_hlc for c in items}
    rows = db.session.execute(
        sa.select(MutationLog.device_id, MutationLog.record_id, MutationLog.hlc, User)
        .join(User, User.id == MutationLog.author_user_id)
        .where(
            MutationLog.record_id.in_({c.record_id for c in items}),
            MutationLog.hlc.in_({s for s in stamps if s}),
        )
    ).all()
    by_stamp = {(r[0], r[1], r[2]): r[3] for r in rows}
    found: dict[tuple, User] = {}
    for c in items:
        for side, device_id, stamp in (
            ("winner", c.winner_device, c.winner_hlc),
            ("loser", c.loser_device, c.loser_hlc),
        ):
            if (device_id, c.record_id, stamp) in by_stamp:
                found[side, c.id] = by_stamp[device_id, c.record_id, stamp]
    return found


def conflict_rows(items: list[Conflict], lang: str) -> list[dict]:
    """Describe conflicts for the page: record, field label, both values, who and when."""
    authors = _authors(items)
    people = names_of(
        db.session,
        {k for c in items for k in (c.winner_device, c.loser_device, c.loser_user, c.resolved_by)},
        lang,
    )

    def who(device_id, fallback=None, author: User | None = None) -> str:
        # the kader who made the change (several kader share a device), else the device's user
        if author is not None:
            return person_text(author, lang)
        return people.get(device_id) or people.get(fallback) or "—"

    names = describe_many(items, db.session, lang)
    out = []
    for c in items:
        named = names.get(c.id) or {}
        keys = ScopeKeys(c.posyandu_id, c.desa_code, c.kecamatan_code, c.puskesmas_id)
        out.append(
            {
                "c": c,
                "kind": records.kind_label(c.kind, lang),
                "title": named.get("record") or records.kind_label(c.kind, lang),
                "field": named.get("field") or field_name(c.kind, c.field, lang),
                "winner": show_value(c.kind, c.field, c.winner_value, lang),
                "loser": show_value(c.kind, c.field, c.loser_value, lang),
                "winner_who": who(c.winner_device, author=authors.get(("winner", c.id))),
                "winner_when": when(hlc_time(c.winner_hlc)),
                "loser_who": who(c.loser_device, c.loser_user, author=authors.get(("loser", c.id))),
                "loser_when": when(hlc_time(c.loser_hlc)),
                "created": when(c.created_at),
                "resolved_when": when(c.resolved_at),
                "resolver": people.get(c.resolved_by, ""),
                "can_resolve": c.status == "open" and g.scope.can_review(keys),
                "can_reopen": c.status == "resolved" and may_resolve(g.scope, c),
            }
        )
    return out


def render_conflicts(
    status_key: str, error: str | None = None, details=None, notice=None, code: int = 200
):
    lang = language()
    items = conflicts_in_scope(db.session, g.scope, CONFLICT_STATUS[status_key])
    return render_template(
        "web/review/conflicts.html",
        rows=conflict_rows(items, lang),
        status=status_key,
        error=error,
        details=details or {},
        notice=notice,
    ), code


@bp.route("/konflik")
@login_required()
def conflicts():
    """Show the conflict queue in scope (open, resolved or all)."""
    status = request.args.get("status", "open")
    status = status if status in CONFLICT_STATUS else "open"
    fmt = download_format()
    if fmt:
        lang = language()
        rows = conflict_rows(conflicts_in_scope(db.session, g.scope, CONFLICT_STATUS[status]), lang)
        return download(
            fmt,
            f"konflik-{status}",
            t("web.nav.conflicts", lang),
            column_labels(*DOWNLOAD_COLUMNS),
            [conflict_line(r, lang) for r in rows],
        )
    ok = request.args.get("ok")
    notice = None
    if ok:
        key = "web.review.conflicts.reopened" if ok == "reopened" else "web.review.conflicts.done"
        notice = t(key, language())
    return render_conflicts(status, notice=notice)


def conflict_line(row: dict, lang: str) -> list:
    """Return one conflict of the page as a download row."""
    c, is_open = row["c"], row["c"].status == "open"
    choice = {
        "winner": "web.review.conflicts.keep_winner",
        "loser": "web.review.conflicts.take_loser",
    }.get(c.resolution or "")
    return [
        row["title"],
        row["kind"],
        row["field"],
        row["winner"],
        row["winner_who"],
        row["winner_when"],
        row["loser"],
        row["loser_who"],
        row["loser_when"],
        row["created"],
        t(f"web.review.conflicts.status_{'open' if is_open else 'resolved'}", lang),
        "" if is_open else row["resolver"],
        "" if is_open else row["resolved_when"],
        t(choice, lang) if choice and not is_open else "",
    ]


@bp.route("/konflik/<int:conflict_id>/selesaikan", methods=["POST"])
@login_required()
def resolve_conflict(conflict_id: int):
    """Resolve a conflict: keep the applied value or apply the other one as a new change."""
    lang = language()
    status = request.form.get("status", "open")
    status = status if status in CONFLICT_STATUS else "open"
    choice = request.form.get("choice")
    if choice not in ("winner", "loser"):
        return render_conflicts(status, t("web.review.conflicts.err_choice", lang), code=400)
    try:
        resolve(
            db.session,
            g.scope,
            conflict_id,
            choice,
            g.web_user.username,
            lang=lang,
            zone=local_zone(),
        )
    except ResolveError as exc:
        db.session.rollback()
        codes = {"not_found": 404, "forbidden": 403, "conflict": 409, "validation_error": 422}
        details = {field_name_for(conflict_id, f, lang): v for f, v in exc.details.items()}
        return render_conflicts(
            status,
            t(f"web.review.conflicts.err_{exc.code}", lang),
            details,
            code=codes.get(exc.code, 400),
        )
    db.session.commit()
    return redirect(url_for("web.conflicts", status=status, ok=1), 303)


def field_name_for(conflict_id: int, field: str, lang: str) -> str:
    conflict = db.session.get(Conflict, conflict_id)
    return field_name(conflict.kind, field, lang) if conflict and field != "_schema" else ""


@bp.route("/konflik/<int:conflict_id>/buka-lagi", methods=["POST"])
@login_required()
def reopen_conflict(conflict_id: int):
    """Reopen a resolved conflict (audited); the record keeps its value until decided again."""
    lang = language()
    try:
        reopen(db.session, g.scope, conflict_id, g.web_user.username)
    except ResolveError as exc:
        db.session.rollback()
        codes = {"not_found": 404, "forbidden": 403, "conflict": 409}
        return render_conflicts(
            "resolved",
            t(f"web.review.conflicts.err_{exc.code}", lang),
            code=codes.get(exc.code, 400),
        )
    db.session.commit()
    return redirect(url_for("web.conflicts", status="open", ok="reopened"), 303)
