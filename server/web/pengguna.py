"""Pengguna (admin): users, devices and facilities; revoking a device; each user's digest address.

``?format=csv|xlsx&table=users|devices|facilities`` downloads one of the page's tables. Akun saya
(``/akun``, every signed-in user): one's own digest address and when the last digest went. An
address is checked by the rule of ``posyandu-server signals email`` (``valid_email``).
"""

from __future__ import annotations

import sqlalchemy as sa
from flask import abort, current_app, g, redirect, render_template, request, url_for

from server.extensions import db
from server.models import Device, Record, User, utcnow
from server.scope import FacilityIndex
from server.signals.digest import valid_email
from server.web import bp, language, login_required, messages_users  # noqa: F401
from server.web.format import column_labels, role_words, show_value, when, yes_no
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
    return render_template(
        "web/review/users.html", when=when, notice=users_notice(data["people"]), **data
    )


def users_notice(people: list[User]) -> str | None:
    """Return the notice of the last change (``?ok=``), naming the user whose address changed
    (only a user who exists: a crafted link cannot put words on the page)."""
    ok = request.args.get("ok")
    username = request.args.get("user")
    if ok in ("email", "email_removed"):
        if username not in {u.username for u in people}:
            return None
        return t(
            f"web.users.{'email_saved' if ok == 'email' else ok}", language(), username=username
        )
    return t("web.review.users.revoked_done", language()) if ok else None


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
    # CSV is for machines (codes); the page and the XLSX are for people (words)
    header, rows = TABLES[table](data, language(), words=fmt != "csv")
    return download(
        fmt, f"pengguna-{table}", t(f"web.review.sheet.{table}", language()), header, rows
    )


def users_table(data: dict, lang: str, words: bool = True) -> tuple[list, list]:
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
        [
            u.username,
            u.name,
            role_words(u.role) if words else u.role,
            u.unit,
            names.get(u.unit) or "",
            yes_no(u.active, lang),
        ]
        for u in data["people"]
    ]
    return header, rows


def devices_table(data: dict, lang: str, words: bool = True) -> tuple[list, list]:
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


def facilities_table(data: dict, lang: str, words: bool = True) -> tuple[list, list]:
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
            show_value("facility", "kind", f.get("kind"), lang) if words else f.get("kind"),
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


# -- the digest address ---------------------------------------------------------------------------


def posted_address() -> tuple[str | None, str | None]:
    """Return (the address, or None to remove it; the error message key) from the posted form."""
    if request.form.get("remove"):
        return None, None
    address = (request.form.get("email") or "").strip()
    if not address:
        return None, "web.users.email_empty"
    if not valid_email(address):
        return None, "web.users.email_invalid"
    return address, None


def change_email(user: User, address: str | None) -> None:
    """Set (or remove) the user's digest address and log who did it (no address in the log)."""
    user.email = address
    db.session.commit()
    current_app.logger.info(
        "digest e-mail of %s %s by %s",
        user.username,
        "set" if address else "removed",
        g.web_user.username,
    )


@bp.route("/pengguna/<int:user_id>/email", methods=["POST"])
@login_required({"admin"})
def set_user_email(user_id: int):
    """Set or remove a user's digest address (admin); a bad address changes nothing."""
    user = db.session.get(User, user_id)
    if user is None:
        abort(404)
    address, error = posted_address()
    if error:
        failed = {"user_id": user.id, "message": t(error, language())}
        failed["value"] = (request.form.get("email") or "")[:300]
        page = render_template(
            "web/review/users.html", when=when, notice=None, email_error=failed, **users_data()
        )
        return page, 400
    change_email(user, address)
    ok = "email" if address else "email_removed"
    return redirect(url_for("web.users", ok=ok, user=user.username, _anchor=f"user-{user.id}"), 303)


@bp.route("/akun")
@login_required()
def account():
    """Akun saya: one's own digest address and when the last digest was sent."""
    ok = request.args.get("ok")
    notice = t(f"web.account.{ok}", language()) if ok in ("saved", "removed") else None
    return render_template("web/account.html", **account_data(), notice=notice)


def account_data() -> dict:
    """Return the signed-in user, the name of their unit and when their last digest went."""
    user = db.session.get(User, g.web_user.id)
    unit = db.session.get(Record, user.unit)
    name = (unit.fields.get("name") if unit is not None and not unit.deleted else None) or user.unit
    return {"me": user, "unit_name": name, "last_sent": when(user.digest_sent_at)}


@bp.route("/akun/email", methods=["POST"])
@login_required()
def set_own_email():
    """Set or remove one's own digest address; a bad address changes nothing."""
    address, error = posted_address()
    if error:
        value = (request.form.get("email") or "")[:300]
        page = render_template(
            "web/account.html", **account_data(), error=t(error, language()), value=value
        )
        return page, 400
    change_email(db.session.get(User, g.web_user.id), address)
    return redirect(url_for("web.account", ok="saved" if address else "removed"), 303)
