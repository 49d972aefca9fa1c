"""Users named for people: "Siti Aminah (Bidan desa)", never a username or a device id.

Records, audit rows and conflicts keep who acted as a key: a username (web pages, reviews), a
device id (a device's push) or the name of a system writer (``server``, ``signals``). A kader or
the dinas reads names, so every page and message that shows who did something names them here,
in one query for many. A key that names no one any more reads "pengguna terhapus", never the key.
"""

from __future__ import annotations

from collections.abc import Iterable

import sqlalchemy as sa

from server.models import Device, User
from shared.i18n import register, t

ROLE_WORDS = {
    "kader": ("Kader", "Kader"),
    "bidan_desa": ("Bidan desa", "Village midwife"),
    "puskesmas": ("Petugas puskesmas", "Puskesmas officer"),
    "kecamatan": ("Tim kecamatan", "Kecamatan team"),
    "dinas": ("Dinas kesehatan", "District health office"),
    "admin": ("Administrator", "Administrator"),
}
# The writers with no user behind them (server/reference.py, server/signals/evaluate.py).
SYSTEM_ACTORS = frozenset({"server", "signals", "system", "demo", "cli"})

register({f"web.role.{k}": {"id": i, "en": e} for k, (i, e) in ROLE_WORDS.items()})
register(
    {
        "people.named": {"id": "{name} ({role})", "en": "{name} ({role})"},
        "people.unknown": {"id": "pengguna terhapus", "en": "deleted user"},
        "people.system": {"id": "sistem", "en": "the system"},
    }
)


def role_text(role: str | None, lang: str | None) -> str:
    """Name a role in words (the code itself only when it is not a known role)."""
    return t(f"web.role.{role}", lang) if role in ROLE_WORDS else str(role or "")


def person_text(user: User, lang: str | None) -> str:
    """Return "Name (Role words)" of one user."""
    return t("people.named", lang, name=user.name, role=role_text(user.role, lang))


def names_of(session, keys: Iterable[str | None], lang: str | None) -> dict[str, str]:
    """Name each username or device id in ``keys`` (two queries at most, however many)."""
    wanted = {str(k) for k in keys if k}
    if not wanted:
        return {}
    users = session.execute(sa.select(User).where(User.username.in_(wanted))).scalars()
    found = {u.username: person_text(u, lang) for u in users}
    rest = wanted - set(found)
    if rest:
        devices = session.execute(
            sa.select(Device.id, User)
            .join(User, Device.user_id == User.id)
            .where(Device.id.in_(rest))
        ).all()
        found |= {device_id: person_text(user, lang) for device_id, user in devices}
    for key in wanted - set(found):
        found[key] = t("people.system" if key in SYSTEM_ACTORS else "people.unknown", lang)
    return found


def name_of(session, key: str | None, lang: str | None) -> str:
    """Name one username or device id (empty when there is no key)."""
    return names_of(session, [key], lang).get(str(key), "") if key else ""
