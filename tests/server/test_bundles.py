"""File bundles on the server: import through the push path, export since the device's cursor.

Devices are scripted over real HTTP (tests/support/server_fixtures.HttpDevice) so that bundles and
online pushes of the same device meet; the server side runs as the operator would, through
``posyandu-server bundle ...`` on the test app. SQLite, and PostgreSQL when TEST_DATABASE_URL is set.
"""

from __future__ import annotations

import gzip
import json
import uuid

import pytest
import sqlalchemy as sa

from server.cli import cli
from shared.sync import bundle as fmt
from testkit import factories


def person(dev, name: str = "Ani") -> dict:
    return dev.mutation("person", factories.person("PSY-A1", name=name))


def device_bundle(dev, mutations: list[dict], *, cursor: str | None = None, token=None) -> bytes:
    """Return a device's bundle as field_client/bundle.py writes it."""
    payload = {
        "bundle_id": str(uuid.uuid4()),
        "device_id": dev.device_id,
        "username": "kader_a1",
        "first_seq": mutations[0]["seq"] if mutations else None,
        "last_seq": mutations[-1]["seq"] if mutations else None,
        "next_seq": (mutations[-1]["seq"] + 1) if mutations else 1,
        "cursor": cursor,
        "mutations": mutations,
    }
    return fmt.pack(fmt.DEVICE, payload, fmt.token_hash(token or dev.token))


@pytest.fixture
def bundle_cli(app, tmp_path):
    """Run ``posyandu-server bundle ...`` (or another command) on the test app."""
    runner = app.test_cli_runner()

    def run(*args: str, data: bytes | None = None):
        if data is not None:
            path = tmp_path / f"{uuid.uuid4()}.psb"
            path.write_bytes(data)
            args = tuple(str(path) if a == "FILE" else a for a in args)
        return runner.invoke(cli, list(args), catch_exceptions=False)

    return run


def import_json(bundle_cli, data: bytes) -> tuple[int, dict]:
    result = bundle_cli("bundle", "import", "FILE", "--json", data=data)
    return result.exit_code, json.loads(result.output)


def db_scalar(app, query):
    from server.extensions import db

    with app.app_context():
        return db.session.execute(query).scalar()


def log_count(app, device_id: str) -> int:
    from server.models import MutationLog

    return db_scalar(
        app,
        sa.select(sa.func.count())
        .select_from(MutationLog)
        .where(MutationLog.device_id == device_id),
    )


def test_import_applies_once_and_a_second_import_is_all_duplicates(app, device, bundle_cli):
    dev = device("kader_a1")
    mutations = [person(dev, f"Anak {i}") for i in range(5)]
    code, first = import_json(bundle_cli, device_bundle(dev, mutations))
    assert code == 0
    assert (first["applied"], first["duplicate"], first["mutations"]) == (5, 0, 5)
    assert first["device_id"] == dev.device_id and first["last_seq"] == 5
    code, second = import_json(bundle_cli, device_bundle(dev, mutations))
    assert code == 0
    assert (second["applied"], second["duplicate"]) == (0, 5)
    assert log_count(app, dev.device_id) == 5
    dev.pull_all()
    assert {m["id"] for m in mutations} <= set(dev.replica)


def test_plain_output_names_every_count(device, bundle_cli):
    dev = device("kader_a1")
    result = bundle_cli("bundle", "import", "FILE", data=device_bundle(dev, [person(dev)]))
    assert result.exit_code == 0
    assert "1 diterapkan" in result.output and "0 ditolak" in result.output


def test_bundle_then_online_push_of_the_same_device_doubles_nothing(app, device, bundle_cli):
    dev = device("kader_a1")
    mutations = [person(dev, f"Anak {i}") for i in range(3)]
    assert import_json(bundle_cli, device_bundle(dev, mutations))[1]["applied"] == 3
    answer = dev.push(mutations)  # the device, back in signal, sends the same outbox
    assert answer.status_code == 200
    assert [r["status"] for r in answer.json()["results"]] == ["duplicate"] * 3
    assert [r["outcome"] for r in answer.json()["results"]] == ["applied"] * 3
    more = [person(dev, "Baru")]  # and carries on numbering after the bundle
    assert dev.push(more).json()["results"][0]["status"] == "applied"
    assert log_count(app, dev.device_id) == 4


def test_online_push_then_bundle_of_the_same_device_doubles_nothing(app, device, bundle_cli):
    dev = device("kader_a1")
    mutations = [person(dev, f"Anak {i}") for i in range(3)]
    assert dev.push(mutations[:2]).status_code == 200  # part went online before the bundle
    code, report = import_json(bundle_cli, device_bundle(dev, mutations))
    assert code == 0
    assert (report["duplicate"], report["applied"]) == (2, 1)
    assert log_count(app, dev.device_id) == 3


def test_rejected_mutation_in_a_bundle_is_counted_and_consumes_its_seq(device, bundle_cli):
    dev = device("kader_a1")
    good = person(dev)
    bad = dev.mutation("person", factories.person("PSY-B1"))  # another posyandu: outside scope
    code, report = import_json(bundle_cli, device_bundle(dev, [good, bad]))
    assert code == 0
    assert (report["applied"], report["rejected"], report["last_seq"]) == (1, 1, 2)


def test_tampered_bundle_is_refused_and_nothing_is_applied(app, device, bundle_cli):
    dev = device("kader_a1")
    data = device_bundle(dev, [person(dev, "Asli")])
    envelope = json.loads(gzip.decompress(data))
    envelope["payload"] = envelope["payload"].replace("Asli", "Palsu")
    tampered = gzip.compress(json.dumps(envelope).encode())
    result = bundle_cli("bundle", "import", "FILE", data=tampered)
    assert result.exit_code == 1
    assert "Tanda tangan kiriman tidak cocok" in result.output
    assert "Tidak ada data yang disimpan" in result.output
    assert log_count(app, dev.device_id) == 0


def test_bundle_signed_without_the_devices_token_is_refused(app, device, bundle_cli):
    dev = device("kader_a1")
    forged = device_bundle(dev, [person(dev)], token="not-the-token")
    code, body = import_json(bundle_cli, forged)
    assert code == 1 and body["error"]["code"] == "signature"
    assert log_count(app, dev.device_id) == 0


def test_not_a_bundle_and_a_servers_bundle_are_refused_in_plain_words(device, bundle_cli):
    dev = device("kader_a1")
    code, body = import_json(bundle_cli, b"just some bytes")
    assert code == 1 and body["error"]["code"] == "not_bundle"
    assert "bukan kiriman Posyandu Sync" in body["error"]["message"]
    server_kind = fmt.pack(fmt.SERVER, {"device_id": dev.device_id}, fmt.token_hash(dev.token))
    code, body = import_json(bundle_cli, server_kind)
    assert code == 1 and body["error"]["code"] == "wrong_kind"


def test_revoked_devices_bundle_is_refused_both_ways(app, device, bundle_cli, tmp_path):
    dev = device("kader_a1")
    data = device_bundle(dev, [person(dev)])
    assert bundle_cli("revoke-device", dev.device_id).exit_code == 0
    result = bundle_cli("bundle", "import", "FILE", data=data)
    assert result.exit_code == 1
    assert "sudah dicabut" in result.output and "Data tetap tersimpan di perangkat" in result.output
    assert "--rescue" in result.output
    assert log_count(app, dev.device_id) == 0
    rescued = bundle_cli("bundle", "import", "--rescue", "FILE", data=data)
    assert rescued.exit_code == 0, rescued.output
    assert log_count(app, dev.device_id) == 1
    out = tmp_path / "untuk-perangkat.psb"
    result = bundle_cli("bundle", "export", "--device", dev.device_id, str(out))
    assert result.exit_code == 1 and "sudah dicabut" in result.output
    assert not out.exists()


def test_deactivated_users_bundle_is_refused(app, device, bundle_cli):
    dev = device("kader_a1")
    assert bundle_cli("update-user", "kader_a1", "--inactive").exit_code == 0
    code, body = import_json(bundle_cli, device_bundle(dev, [person(dev)]))
    assert code == 1 and body["error"]["code"] == "inactive"
    assert "dinonaktifkan" in body["error"]["message"]


def test_a_bundle_after_a_missing_one_is_refused_with_the_expected_seq(app, device, bundle_cli):
    dev = device("kader_a1")
    first = [person(dev, "Satu")]
    later = [person(dev, "Dua")]
    code, body = import_json(bundle_cli, device_bundle(dev, later))
    assert code == 1 and body["error"]["code"] == "seq_gap"
    assert "menunggu nomor 1" in body["error"]["message"]
    assert import_json(bundle_cli, device_bundle(dev, first))[1]["applied"] == 1
    assert import_json(bundle_cli, device_bundle(dev, later))[1]["applied"] == 1


def open_server_bundle(path, dev) -> dict:
    envelope = fmt.open_bundle(path.read_bytes())
    assert envelope.kind == fmt.SERVER
    envelope.verify(fmt.token_hash(dev.token))
    return envelope.payload


def test_export_starts_at_the_cursor_the_device_showed_and_carries_answers(
    app, device, bundle_cli, tmp_path
):
    dev, other = device("kader_a1"), device("kader_a1")
    seen = [person(other, "Lama")]
    assert other.push(seen).status_code == 200
    dev.pull_all()
    dev.pull_all()  # the second pull shows the server the cursor the device holds
    news = [person(other, "Baru")]
    assert other.push(news).status_code == 200
    mine = [person(dev, "Milik saya"), dev.mutation("person", factories.person("PSY-B1"))]
    assert import_json(bundle_cli, device_bundle(dev, mine, cursor=dev.cursor))[0] == 0

    out = tmp_path / "jawaban.psb"
    result = bundle_cli("bundle", "export", "--device", dev.device_id, str(out), "--json")
    assert result.exit_code == 0, result.output
    payload = open_server_bundle(out, dev)
    assert payload["reset"] is False and payload["since_cursor"] == dev.cursor
    ids = {c["id"] for c in payload["changes"]}
    assert news[0]["id"] in ids and mine[0]["id"] in ids and seen[0]["id"] not in ids
    answers = {a["seq"]: a for a in payload["acks"]}
    assert answers[1]["status"] == "applied" and answers[1]["current"]["version"] == 1
    assert answers[2]["status"] == "rejected" and answers[2]["errors"]
    assert json.loads(result.output)["acks"] == 2


def test_export_for_a_device_that_never_showed_a_cursor_is_its_whole_scope(
    app, device, bundle_cli, tmp_path
):
    dev = device("kader_a1")
    assert dev.push([person(dev, "Satu"), person(dev, "Dua")]).status_code == 200
    out = tmp_path / "semua.psb"
    assert bundle_cli("bundle", "export", "--device", dev.device_id, str(out)).exit_code == 0
    payload = open_server_bundle(out, dev)
    assert payload["reset"] is True and payload["since_cursor"] is None
    dev.pull_all()
    assert {c["id"] for c in payload["changes"]} == set(dev.replica)
    assert payload["cursor"] == dev.cursor


def test_answers_already_acknowledged_are_not_sent_again(app, device, bundle_cli, tmp_path):
    dev = device("kader_a1")
    first, second = [person(dev, "Satu")], [person(dev, "Dua")]
    assert dev.push(first).status_code == 200
    assert dev.push(second).status_code == 200  # a batch from seq 2: seq 1 was answered
    out = tmp_path / "jawaban.psb"
    assert bundle_cli("bundle", "export", "--device", dev.device_id, str(out)).exit_code == 0
    assert [a["seq"] for a in open_server_bundle(out, dev)["acks"]] == [2]


def test_a_large_bundle_goes_in_push_batches_and_every_mutation_is_answered(
    app, device, bundle_cli, tmp_path
):
    dev = device("kader_a1")
    mutations = [person(dev, f"Anak {i}") for i in range(450)]
    code, report = import_json(bundle_cli, device_bundle(dev, mutations))
    assert code == 0 and report["applied"] == 450
    out = tmp_path / "jawaban.psb"
    assert bundle_cli("bundle", "export", "--device", dev.device_id, str(out)).exit_code == 0
    answers = open_server_bundle(out, dev)["acks"]
    assert [a["seq"] for a in answers] == list(range(1, 451))


def test_export_for_an_unknown_device_is_refused(bundle_cli, tmp_path, world):
    result = bundle_cli("bundle", "export", "--device", "no-such-device", str(tmp_path / "x"))
    assert result.exit_code == 1 and "tidak terdaftar" in result.output


def test_key_is_derived_from_the_hash_the_server_stores():
    from server.auth import hash_token

    assert fmt.token_hash("abc") == hash_token("abc")
    payload = {"device_id": "d", "mutations": []}
    envelope = fmt.open_bundle(fmt.pack(fmt.DEVICE, payload, hash_token("abc")))
    envelope.verify(hash_token("abc"))
    with pytest.raises(fmt.BundleInvalid):
        envelope.verify(hash_token("abd"))
    # The same payload signed as the server's bundle does not pass as the device's.
    server = fmt.open_bundle(fmt.pack(fmt.SERVER, payload, hash_token("abc")))
    assert server.signature != envelope.signature


def test_gzip_bomb_is_refused_before_parsing(monkeypatch):
    monkeypatch.setattr(fmt, "MAX_INFLATED_BYTES", 1000)
    with pytest.raises(fmt.BundleInvalid) as caught:
        fmt.open_bundle(gzip.compress(b" " * 5000))
    assert caught.value.code == "too_large"
