"""Data ganda: persons registered twice in the viewer's scope, and their merge (issue #16).

A puskesmas sees the pairs within its wilayah kerja; dinas and admin across the kabupaten. Each
pair can be merged from the page (the second into the first, keeping the first one's fields; the
API ``POST /api/v1/persons/<id>/merge`` chooses field by field).
"""

from __future__ import annotations

from flask import g, redirect, render_template, request, url_for

from server.extensions import db
from server.indicators.rollup import mask_nik
from server.scope import FacilityIndex
from server.sync.person_merge import MERGE_ROLES, MergeError, find_duplicates, merge_person
from server.web import bp, language, login_required
from shared.i18n import register, t
from shared.records.nik import nik_warnings

register(
    {
        "web.nav.duplicates": {"id": "Data ganda", "en": "Duplicates"},
        "web.duplicates.title": {
            "id": "Data ganda: satu orang tercatat dua kali",
            "en": "Duplicates: one person recorded twice",
        },
        "web.duplicates.none": {"id": "Tidak ada data ganda.", "en": "No duplicates."},
        "web.duplicates.keep": {"id": "Dipertahankan", "en": "Kept"},
        "web.duplicates.merge": {"id": "Digabung", "en": "Merged"},
        "web.duplicates.why": {"id": "Alasan", "en": "Why"},
        "web.duplicates.why.nik": {"id": "NIK sama", "en": "Same NIK"},
        "web.duplicates.why.similar": {
            "id": "Nama, tanggal lahir dan ibu mirip",
            "en": "Similar name, birth date and mother",
        },
        "web.duplicates.do": {"id": "Gabungkan", "en": "Merge"},
        "web.duplicates.done": {"id": "Data sudah digabung.", "en": "The records were merged."},
        "web.duplicates.refused": {
            "id": "Penggabungan ditolak: {reason}",
            "en": "The merge was refused: {reason}",
        },
    }
)


def describe(person: dict, facilities: FacilityIndex, lang: str) -> dict:
    """Return what the page shows of a person: name, birth date, masked NIK, mother, posyandu,
    and where the NIK's structure disagrees with the record (a hint to which one is right)."""
    posyandu = facilities.get(person.get("posyandu_id")) or {}
    return {
        "warnings": [t(key, lang, **params) for key, params in nik_warnings(person)],
        "id": person["id"],
        "name": person.get("name"),
        "birth_date": person.get("birth_date"),
        "nik": mask_nik(person.get("nik")) or "",
        "mother": person.get("mother_name") or "",
        "posyandu": posyandu.get("name") or person.get("posyandu_id"),
    }


@bp.route("/data-ganda")
@login_required(set(MERGE_ROLES))
def duplicates():
    """List the likely duplicate persons in scope, each pair with a merge button."""
    facilities, lang = FacilityIndex.load(db.session), language()
    pairs = [
        (describe(a, facilities, lang), describe(b, facilities, lang), why)
        for a, b, why in find_duplicates(db.session, g.scope)
    ]
    return render_template("web/review/duplicates.html", pairs=pairs, done=request.args.get("ok"))


@bp.route("/data-ganda/gabung", methods=["POST"])
@login_required(set(MERGE_ROLES))
def merge_duplicate():
    """Merge the duplicate into the survivor (the survivor's fields kept)."""
    lang = language()
    try:
        merge_person(
            db.session,
            g.web_user.username,
            g.scope,
            request.form.get("duplicate", ""),
            request.form.get("survivor", ""),
            {},
            lang=lang,
        )
    except MergeError as exc:
        db.session.rollback()
        reason = " ".join(
            " ".join(v) if isinstance(v, list) else str(v) for v in exc.details.values()
        )
        status = {"not_found": 404, "forbidden": 403}.get(exc.code, 422)
        message = t("web.duplicates.refused", lang, reason=reason)
        return render_template("web/error.html", status=status, message=message), status
    db.session.commit()
    return redirect(url_for("web.duplicates", ok=1), 303)
