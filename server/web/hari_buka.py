"""The stored hari buka of a posyandu (issue #16): "tanggal N setiap bulan".

Most posyandu open once a month on a fixed date of the month agreed in the desa ("posyandu
buka setiap tanggal 10"), so that is the rule stored: a day of the month 1–31, clamped to the
last day of a shorter month. (A rule like "minggu ke-2 hari Selasa" is also met in the field;
it is not stored here: the puskesmas enters the date that rule falls on most months.)

The puskesmas sets it for its own posyandu (the admin for any), on Evaluasi mingguan's
drill-down (``POST /evaluasi-mingguan/hari-buka/<posyandu>``; an empty day removes it), or from
a CSV through ``flask hari-buka FILE`` (``posyandu_id,tanggal``). Evaluasi mingguan counts a
posyandu as scheduled in the week of its stored day, and Rekonsiliasi places the paper count in
that week; without a stored day both infer it from the posyandu's sessions, and say so.
"""

from __future__ import annotations

import csv
import io

import sqlalchemy as sa
from flask import abort, g, redirect, render_template, request, url_for

from server.extensions import db
from server.models import HariBuka, utcnow
from server.scope import FacilityIndex, ScopeKeys
from server.web import bp, language, login_required
from server.web.params import check_code, parse_week
from shared.i18n import register, t

EDITORS = {"puskesmas", "admin"}
DAYS = range(1, 32)

register(
    {
        "web.hari_buka.set": {"id": "Atur hari buka", "en": "Set the hari buka"},
        "web.hari_buka.day": {"id": "Tanggal setiap bulan", "en": "Day of each month"},
        "web.hari_buka.hint": {
            "id": "Kosongkan untuk memakai perkiraan dari sesi.",
            "en": "Leave empty to infer it from the sessions.",
        },
        "web.hari_buka.save": {"id": "Simpan", "en": "Save"},
        "web.hari_buka.saved": {"id": "Hari buka disimpan.", "en": "The hari buka was saved."},
        "web.hari_buka.stored": {
            "id": "Hari buka: tanggal {day} setiap bulan",
            "en": "Opens on day {day} of each month",
        },
        "web.hari_buka.inferred": {
            "id": "Hari buka: tanggal {day} (perkiraan dari sesi terakhir)",
            "en": "Opens on day {day} (inferred from the latest session)",
        },
        "web.hari_buka.inferred_count": {
            "id": "Jadwal {n} posyandu diperkirakan dari sesi terakhir (hari buka belum diatur); "
            "{none} posyandu tanpa jadwal.",
            "en": "The schedule of {n} posyandu is inferred from their latest session (no hari "
            "buka set); {none} posyandu have no schedule.",
        },
        "web.hari_buka.bad_day": {
            "id": "Tanggal hari buka harus bilangan bulat 1 sampai 31, atau kosong.",
            "en": "The hari buka must be a whole number from 1 to 31, or empty.",
        },
        "web.hari_buka.not_yours": {
            "id": "Posyandu ini di luar wilayah kerja Anda.",
            "en": "This posyandu is outside your area.",
        },
    }
)


def stored_days(ids: list[str] | None = None) -> dict[str, int]:
    """Return the stored hari buka (day of the month) of some posyandu (all when None)."""
    query = sa.select(HariBuka.posyandu_id, HariBuka.day)
    if ids is not None:
        query = query.where(HariBuka.posyandu_id.in_(ids or [""]))
    return dict(db.session.execute(query).all())


def may_set(facility: dict) -> bool:
    """Tell whether the signed-in user may set this posyandu's hari buka (its puskesmas, admin)."""
    return g.web_user.role in EDITORS and g.scope.can_review(ScopeKeys.of_posyandu(facility))


def parse_day(raw: str | None) -> int | None:
    """Return the day 1–31 (None: empty, remove it), or raise ValueError."""
    raw = (raw or "").strip()
    if not raw:
        return None
    if not (raw.isascii() and raw.isdigit()) or len(raw) > 2 or int(raw) not in DAYS:
        raise ValueError(raw)
    return int(raw)


def save_day(posyandu_id: str, day: int | None, who: str) -> None:
    """Store (or, with None, remove) a posyandu's hari buka, in the caller's transaction."""
    row = db.session.get(HariBuka, posyandu_id)
    if day is None:
        if row is not None:
            db.session.delete(row)
        return
    if row is None:
        row = HariBuka(posyandu_id=posyandu_id)
        db.session.add(row)
    row.day, row.entered_by, row.entered_at = day, who, utcnow()


def parse_csv(text: str, posyandu: set[str]) -> list[tuple[str, int | None]]:
    """Return the (posyandu, day) lines of a ``posyandu_id,tanggal`` CSV (an empty day removes
    the stored one), or raise ValueError naming the first wrong line (in Indonesian)."""
    lines = list(csv.reader(io.StringIO(text)))
    if not lines or [c.strip().lower() for c in lines[0]] != ["posyandu_id", "tanggal"]:
        raise ValueError("Baris pertama CSV harus: posyandu_id,tanggal.")
    out, seen = [], set()
    for number, cells in enumerate(lines[1:], start=2):
        if not any(c.strip() for c in cells):
            continue
        name = cells[0].strip() if cells else ""
        try:
            if len(cells) != 2 or name not in posyandu or name in seen:
                raise ValueError(name)
            out.append((name, parse_day(cells[1])))
        except ValueError:
            raise ValueError(
                f"Baris {number}: harus berisi posyandu terdaftar (sekali saja) dan tanggal "
                "1 sampai 31 atau kosong. Tidak ada yang disimpan."
            ) from None
        seen.add(name)
    return out


@bp.route("/evaluasi-mingguan/hari-buka/<posyandu_id>", methods=["POST"])
@login_required(EDITORS)
def hari_buka_save(posyandu_id: str):
    """Set or remove one posyandu's hari buka (its puskesmas, or the admin)."""
    lang = language()
    facility = FacilityIndex.load(db.session).get(posyandu_id)
    if not facility or facility.get("kind") != "posyandu":
        abort(404)
    if not may_set(facility):
        message = t("web.hari_buka.not_yours", lang)
        return render_template("web/error.html", status=403, message=message), 403
    try:
        day = parse_day(request.form.get("tanggal"))
    except ValueError:
        message = t("web.hari_buka.bad_day", lang)
        return render_template("web/error.html", status=400, message=message), 400
    save_day(posyandu_id, day, g.web_user.username)
    db.session.commit()
    week = request.form.get("week") or ""
    args = {"week": week} if parse_week(week) else {}
    unit = check_code(facility.get("parent_id"), required=False)
    return redirect(
        url_for("web.weekly", puskesmas=unit, saved=1, **args) + "#weekly-posyandu", 303
    )
