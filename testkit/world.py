"""A small registry for server tests: two kecamatan, two puskesmas, three posyandu, one user per role.

Kecamatan 611101 (Sukadana) holds desa 6111012001 (posyandu A1, A2) under PKM-A; kecamatan 611102
holds desa 6111022001 (posyandu B1) under PKM-B.
"""

from __future__ import annotations

PASSWORD = "rahasia-123"

WILAYAH = [
    {
        "id": "6111",
        "code": "6111",
        "name": "Kayong Utara",
        "level": "kabupaten",
        "parent_code": "61",
        "kind": None,
        "aliases": [],
    },
    {
        "id": "611101",
        "code": "611101",
        "name": "Sukadana",
        "level": "kecamatan",
        "parent_code": "6111",
        "kind": None,
        "aliases": [],
    },
    {
        "id": "611102",
        "code": "611102",
        "name": "Simpang Hilir",
        "level": "kecamatan",
        "parent_code": "6111",
        "kind": None,
        "aliases": [],
    },
    {
        "id": "6111012001",
        "code": "6111012001",
        "name": "Sutera",
        "level": "desa",
        "parent_code": "611101",
        "kind": "desa",
        "aliases": [],
    },
    {
        "id": "6111022001",
        "code": "6111022001",
        "name": "Teluk Melano",
        "level": "desa",
        "parent_code": "611102",
        "kind": "desa",
        "aliases": [],
    },
]


def _posyandu(pid: str, name: str, desa: str, parent: str) -> dict:
    return {
        "id": pid,
        "code": pid,
        "name": name,
        "kind": "posyandu",
        "parent_id": parent,
        "desa_code": desa,
        "kecamatan_code": desa[:6],
        "wilayah_kerja": [],
    }


FACILITIES = [
    {
        "id": "DINKES-6111",
        "code": "DINKES-6111",
        "name": "Dinas Kesehatan Kayong Utara",
        "kind": "dinkes",
        "kecamatan_code": "611101",
        "desa_code": "6111012001",
        "wilayah_kerja": [],
    },
    {
        "id": "PKM-A",
        "code": "PKM-A",
        "name": "Puskesmas Sukadana",
        "kind": "puskesmas",
        "parent_id": "DINKES-6111",
        "desa_code": "6111012001",
        "kecamatan_code": "611101",
        "wilayah_kerja": ["6111012001"],
    },
    {
        "id": "PKM-B",
        "code": "PKM-B",
        "name": "Puskesmas Teluk Melano",
        "kind": "puskesmas",
        "parent_id": "DINKES-6111",
        "desa_code": "6111022001",
        "kecamatan_code": "611102",
        "wilayah_kerja": ["6111022001"],
    },
    _posyandu("PSY-A1", "Posyandu Melati", "6111012001", "PKM-A"),
    _posyandu("PSY-A2", "Posyandu Mawar", "6111012001", "PKM-A"),
    _posyandu("PSY-B1", "Posyandu Anggrek", "6111022001", "PKM-B"),
]

USERS = {
    "kader_a1": ("kader", "PSY-A1"),
    "kader_a2": ("kader", "PSY-A2"),
    "kader_b1": ("kader", "PSY-B1"),
    "bidan_a": ("bidan_desa", "6111012001"),
    "pkm_a": ("puskesmas", "PKM-A"),
    "pkm_b": ("puskesmas", "PKM-B"),
    "kec_a": ("kecamatan", "611101"),
    "dinas": ("dinas", "DINKES-6111"),
    "admin": ("admin", "DINKES-6111"),
}


def build(app) -> None:
    """Write the registry and users into the app's (empty) database."""
    from server.cli import create_user
    from server.extensions import db
    from server.reference import write_records

    with app.app_context():
        report = write_records(
            db.session, [("wilayah", w) for w in WILAYAH] + [("facility", f) for f in FACILITIES]
        )
        assert not report.rejected, report.rejected
        for username, (role, unit) in USERS.items():
            create_user(username, username.replace("_", " ").title(), role, unit, PASSWORD)
        db.session.commit()
