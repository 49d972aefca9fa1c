"""Pengguna (admin): users, devices and facilities; revoking a device.

``?format=csv|xlsx&table=users|devices|facilities`` downloads one of the page's tables.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask import abort, redirect, render_template, request, url_for

from server.extensions import db
from server.models import Device, User, utcnow
from server.scope import FacilityIndex
from server.web import bp, language, login_required
from server.web.format import column_labels, when, yes_no
from server.web.lembar_tabel import download  # XLSX for people, CSV as before
from server.web.params import download_format, download_table
from server.web.scoped import device_pairs, wilayah_names
from shared.i18n import t

USERS_TABLES = ("users", "devices", "facilities")


@bp.route("/pengguna")
@login_required({"admin"})
def users():
    """Show users, facilities and devices (admin)."""
    fmt = download_format()
    table = download_table(USERS_TABLES) if fmt else None
    data = users_data()
    if fmt:
        return users_download(fmt, table, data)
    notice = t("web.review.users.revoked_done", language()) if request.args.get("ok") else None
    return render_template("web/review/users.html", when=when, notice=notice, **data)


def users_data() -> dict:
    """Return the tables of the Pengguna page: users, unit names, devices, facilities."""
    people = db.session.execute(sa.select(User).order_by(User.role, User.username)).scalars().all()
    facilities = FacilityIndex.load(db.session)
    names = {**wilayah_names(), **{k: v.get("name") for k, v in facilities.facilities.items()}}
    return {
        "people": people,
        "names": names,
        "devices": device_pairs(db.session),
        "facilities": sorted(
            facilities.facilities.values(), key=lambda f: (f.get("kind") or "", f.get("id"))
        ),
    }


def users_download(fmt: str, table: str, data: dict):
    """Download one table of the Pengguna page."""
    header, rows = TABLES[table](data, language())
    return download(
        fmt, f"pengguna-{table}", t(f"web.review.sheet.{table}", language()), header, rows
    )


def users_table(data: dict, lang: str) -> tuple[list, list]:
    names = data["names"]
    header = column_labels(
        "web.review.users.username",
        "web.review.users.name",
        "web.review.users.role",
        "web.review.users.unit",
        "web.review.users.unit_name",
        "web.review.users.active",
    )
    rows = [
        [u.username, u.name, u.role, u.unit, names.get(u.unit) or "", yes_no(u.active, lang)]
        for u in data["people"]
    ]
    return header, rows


def devices_table(data: dict, lang: str) -> tuple[list, list]:
    header = column_labels(
        "web.review.quality.device",
        "web.review.quality.device_id",
        "web.review.quality.user",
        "web.review.users.username",
        "web.review.users.last_seen",
        "web.review.users.revoked_col",
    )
    rows = [
        [
            d.name,
            d.id,
            u.name,
            u.username,
            when(d.last_seen_at),
            when(d.revoked_at) if d.revoked_at else "",
        ]
        for d, u in data["devices"]
    ]
    return header, rows


def facilities_table(data: dict, lang: str) -> tuple[list, list]:
    names = data["names"]
    header = column_labels(
        "web.review.users.code",
        "web.review.users.name",
        "web.review.users.kind",
        "web.review.users.parent",
        "web.review.users.parent_code",
    )
    rows = [
        [
            f.get("id"),
            f.get("name"),
            f.get("kind"),
            names.get(f.get("parent_id")) or "",
            f.get("parent_id") or "",
        ]
        for f in data["facilities"]
    ]
    return header, rows


TABLES = {"users": users_table, "devices": devices_table, "facilities": facilities_table}


@bp.route("/pengguna/perangkat/<device_id>/cabut", methods=["POST"])
@login_required({"admin"})
def revoke_device(device_id: str):
    """Revoke a device: its token stops working at once."""
    device = db.session.get(Device, device_id)
    if device is None:
        abort(404)
    device.revoked_at = device.revoked_at or utcnow()
    db.session.commit()
    return redirect(url_for("web.users", ok=1), 303)
