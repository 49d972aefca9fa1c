"""The posyandu-server commands, run as an operator would."""

import json

import pytest
from click.testing import CliRunner

from server.cli import cli


@pytest.fixture
def run(tmp_path, monkeypatch):
    """Run a posyandu-server command on a fresh SQLite instance folder."""
    monkeypatch.setenv("POSYANDU_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("DATABASE_URL", raising=False)
    runner = CliRunner()

    def invoke(*args, input=None):
        result = runner.invoke(cli, list(args), input=input, catch_exceptions=False)
        return result

    return invoke


def test_init_load_wilayah_facilities_users_and_revoke(run):
    assert run("init").exit_code == 0
    loaded = run("load-wilayah")
    assert loaded.exit_code == 0 and "50 baru" in loaded.output  # kabupaten + 6 kec + 43 desa
    assert (
        run(
            "add-facility",
            "--id",
            "PKM-X",
            "--name",
            "Puskesmas X",
            "--kind",
            "puskesmas",
            "--desa",
            "61.11.01.2001",
            "--wilayah-kerja",
            "6111012001,6111012002",
        ).exit_code
        == 0
    )
    assert (
        run(
            "add-facility",
            "--id",
            "PSY-X1",
            "--name",
            "Posyandu X1",
            "--kind",
            "posyandu",
            "--desa",
            "6111012001",
            "--parent",
            "PKM-X",
        ).exit_code
        == 0
    )
    listed = json.loads(run("facilities", "--json").output)
    assert [f["id"] for f in listed] == ["PKM-X", "PSY-X1"]
    assert listed[0]["wilayah_kerja"] == ["6111012001", "6111012002"]
    made = run(
        "create-user",
        "--username",
        "Siti",
        "--role",
        "kader",
        "--facility",
        "PSY-X1",
        input="rahasia-123\nrahasia-123\n",
    )
    assert made.exit_code == 0, made.output
    assert (
        run(
            "create-user",
            "--username",
            "x",
            "--role",
            "kader",
            "--facility",
            "PKM-X",
            input="rahasia-123\nrahasia-123\n",
        ).exit_code
        != 0
    )  # a kader belongs to a posyandu
    assert run("revoke-device", "no-such-device").exit_code != 0


def test_update_user_moves_a_kader_and_checks_the_new_unit(run):
    from server import create_app
    from server.extensions import db
    from server.models import User

    run("init")
    run("load-wilayah")
    for fid, parent in (("PKM-X", None), ("PSY-X1", "PKM-X"), ("PSY-X2", "PKM-X")):
        kind = "puskesmas" if parent is None else "posyandu"
        assert (
            run(
                "add-facility",
                "--id",
                fid,
                "--name",
                fid,
                "--kind",
                kind,
                "--desa",
                "6111012001",
                *(["--parent", parent] if parent else []),
            ).exit_code
            == 0
        )
    run(
        "create-user",
        "--username",
        "siti",
        "--role",
        "kader",
        "--facility",
        "PSY-X1",
        input="rahasia-123\nrahasia-123\n",
    )
    refused = run("update-user", "siti", "--facility", "PKM-X")  # a kader belongs to a posyandu
    assert refused.exit_code != 0 and "tidak cocok" in refused.output
    assert run("update-user", "nobody", "--inactive").exit_code != 0
    moved = run("update-user", "Siti", "--facility", "PSY-X2", "--inactive")
    assert moved.exit_code == 0, moved.output
    with create_app().app_context():
        user = db.session.query(User).filter_by(username="siti").one()
        assert (user.role, user.unit, user.active) == ("kader", "PSY-X2", False)
        db.engine.dispose()


def test_bad_facility_is_refused_with_a_reason_and_nothing_saved(run):
    run("init")
    result = run("add-facility", "--id", "PSY-Y", "--name", "Y", "--kind", "posyandu")
    assert result.exit_code != 0
    assert "ditolak" in result.output
    assert json.loads(run("facilities", "--json").output) == []


def test_seed_demo_is_deterministic_and_prints_credentials(run):
    first = run("seed-demo", "--seed", "3", "--scale", "0.03")
    assert first.exit_code == 0, first.output
    assert "kader.melati" in first.output and "demo-kader-2026" not in first.output
    again = run("seed-demo", "--seed", "3", "--scale", "0.03")
    assert "0 baru, 0 diperbarui" in again.output  # same seed: same records, nothing to change
    assert "kata sandi tetap" in again.output  # the demo users keep their passwords


def test_rebuild_indicators_recomputes_the_aggregates(run):
    run("seed-demo", "--seed", "3", "--scale", "0.03")
    result = run("rebuild-indicators")
    assert result.exit_code == 0
    assert int(result.output.split(":")[1].split()[0]) > 0


def test_hari_buka_from_a_csv_is_stored_whole_or_not_at_all(run, tmp_path):
    assert run("init").exit_code == 0 and run("load-wilayah").exit_code == 0
    for args in (
        ("--id", "PKM-X", "--name", "Puskesmas X", "--kind", "puskesmas"),
        ("--id", "PSY-X1", "--name", "Posyandu X1", "--kind", "posyandu", "--parent", "PKM-X"),
        ("--id", "PSY-X2", "--name", "Posyandu X2", "--kind", "posyandu", "--parent", "PKM-X"),
    ):
        assert run("add-facility", *args, "--desa", "6111012001").exit_code == 0
    bad = tmp_path / "bad.csv"
    bad.write_text("posyandu_id,tanggal\nPSY-X1,10\nPSY-X2,32\n")
    refused = run("hari-buka", str(bad))
    assert refused.exit_code != 0 and "Baris 3" in refused.output
    assert stored_days() == {}  # nothing of the refused file
    good = tmp_path / "good.csv"
    good.write_text("posyandu_id,tanggal\nPSY-X1,10\nPSY-X2,\n")
    done = run("hari-buka", str(good))
    assert done.exit_code == 0, done.output
    assert "2 posyandu disimpan" in done.output
    assert stored_days() == {"PSY-X1": 10}


def stored_days() -> dict[str, int]:
    from server.cli import _create_app
    from server.extensions import db
    from server.models import HariBuka

    with _create_app().app_context():
        return {r.posyandu_id: r.day for r in db.session.query(HariBuka)}
