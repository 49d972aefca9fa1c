"""Invisible and bidi characters are removed by the shared Text field: on the server, from any
client, not only by the field client's own form cleaning (field_client/names.py)."""

from __future__ import annotations

from shared import records
from testkit.factories import person

HIDDEN = "\u200b\u200c\u200d\u2060\ufeff\u202e\u2066\u200f\u00ad"


def test_validation_removes_invisible_and_bidi_characters():
    data = person(name=f"A{HIDDEN}ni", address=f"\u202eDusun I{HIDDEN}")
    result = records.validate("person", data, lang="id")
    assert result.ok, result.errors
    assert result.values["name"] == "Ani"
    assert result.values["address"] == "Dusun I"


def test_a_name_of_only_invisible_characters_is_missing_in_indonesian():
    result = records.validate("person", person(name=HIDDEN), lang="id")
    assert not result.ok
    assert result.errors["name"] == ["Nama wajib diisi."]


def test_the_server_stores_the_name_without_them_from_any_client(device):
    kader = device("kader_a1")
    p = person(name="Si\u200bti\u202e Aminah")
    response = kader.push([kader.mutation("person", p)])
    assert response.status_code == 200, response.text
    assert response.json()["results"][0]["status"] == "applied"
    pulled = {c["id"]: c for c in kader.pull_all()}
    assert pulled[p["id"]]["fields"]["name"] == "Siti Aminah"
