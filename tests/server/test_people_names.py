"""Users named for people: full name and role words, one query for many, never the raw key."""

import sqlalchemy as sa

from server.extensions import db
from server.models import Device, User
from server.people_names import name_of, names_of


def _add_device(username: str, device_id: str) -> None:
    user = db.session.execute(sa.select(User).filter_by(username=username)).scalar_one()
    db.session.add(Device(id=device_id, user_id=user.id, name="HP posyandu", token_hash=device_id))
    db.session.flush()


def test_usernames_and_device_ids_are_named_with_their_role_in_few_queries(app, world):
    with app.app_context():
        _add_device("kader_a1", "dev-kader-1")
        statements = []

        def seen(conn, cursor, statement, *rest):
            statements.append(statement)

        sa.event.listen(db.engine, "before_cursor_execute", seen)
        try:
            names = names_of(
                db.session,
                ["bidan_a", "kec_a", "pkm_a", "dev-kader-1", "gone_user", "server", None, ""],
                "id",
            )
        finally:
            sa.event.remove(db.engine, "before_cursor_execute", seen)
        assert names == {
            "bidan_a": "Bidan A (Bidan desa)",
            "kec_a": "Kec A (Tim kecamatan)",
            "pkm_a": "Pkm A (Petugas puskesmas)",
            "dev-kader-1": "Kader A1 (Kader)",
            "gone_user": "pengguna terhapus",
            "server": "sistem",
        }
        assert len([s for s in statements if s.lstrip().upper().startswith("SELECT")]) <= 2
        assert names_of(db.session, ["kec_a", "gone_user"], "en") == {
            "kec_a": "Kec A (Kecamatan team)",
            "gone_user": "deleted user",
        }
        assert name_of(db.session, None, "id") == ""
        assert name_of(db.session, "dinas", "id") == "Dinas (Dinas kesehatan)"
