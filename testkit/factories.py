"""Valid record fields for tests (ids are fresh UUIDs unless given)."""

from __future__ import annotations

import uuid


def new_id() -> str:
    return str(uuid.uuid4())


def person(posyandu_id: str = "PSY-A1", *, desa_code: str = "6111012001", **over) -> dict:
    fields = {
        "id": new_id(),
        "posyandu_id": posyandu_id,
        "name": "Siti Aminah",
        "sex": "F",
        "birth_date": "2025-06-10",
        "mother_name": "Nur Aini",
        "has_kia_book": True,
        "desa_code": desa_code,
        "address": "RT 01 RW 02",
    }
    return {**fields, **over}


def child_visit(person_fields: dict, **over) -> dict:
    fields = {
        "id": new_id(),
        "person_id": person_fields["id"],
        "posyandu_id": person_fields["posyandu_id"],
        "visit_date": "2026-06-10",
        "weight_kg": 9.0,
        "length_cm": 72.0,
        "position": "lying",
    }
    return {**fields, **over}
