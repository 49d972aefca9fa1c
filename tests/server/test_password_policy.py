"""Audit #18, finding 12: a password policy, and passwords never on the command line.

Before the fix ``create-user --password 12345678`` made an admin whose password was also in
every shell history and in ``ps``. Now a password has at least 10 characters, is not a common
one (the list ships in the package; decorated forms like ``Password2024!`` count), has at least
4 different characters and does not hold the username; the CLI reads it from a hidden prompt or
``--password-file``, and ``--password`` is gone. The demo users get strong random passwords.
"""

from __future__ import annotations

import re

import pytest
from click.testing import CliRunner

from server.cli import cli, demo_password
from server.passwords import common_passwords, password_problems

WEAK = {
    "12345678": "server.password_too_short",
    "password": "server.password_too_short",
    "1234567890": "server.password_common",
    "qwertyuiop": "server.password_common",
    "Password2024!": "server.password_common",
    "bismillah123": "server.password_common",
    "Indonesia1945": "server.password_common",
    "aaaaaaaaaaaa": "server.password_common",
    "1212121212": "server.password_common",
    "admin-admin-99": "server.password_has_username",
}


@pytest.mark.parametrize("password", sorted(WEAK))
def test_weak_passwords_are_refused(password):
    keys = [key for key, _ in password_problems(password, "admin")]
    assert WEAK[password] in keys, keys


@pytest.mark.parametrize(
    "password", ["Kapal-Layar-Sukadana-7", "rahasia-123", "tiga kata acak pagi", "x7#Lq9!mZ2"]
)
def test_reasonable_passwords_pass(password):
    assert password_problems(password, "siti") == []


def test_the_common_list_ships_in_the_package():
    common = common_passwords()
    assert {"password", "123456", "qwerty", "bismillah", "indonesia"} <= common
    assert len(common) > 200


@pytest.fixture
def run(tmp_path, monkeypatch):
    monkeypatch.setenv("POSYANDU_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("DATABASE_URL", raising=False)
    runner = CliRunner()

    def invoke(*args, input=None):
        return runner.invoke(cli, list(args), input=input, catch_exceptions=False)

    invoke("init")
    invoke("load-wilayah")
    invoke(
        "add-facility", "--id", "DINKES-6111", "--name", "Dinkes", "--kind", "dinkes",
        "--desa", "6111012001",
    )  # fmt: skip
    return invoke


ADMIN = ("create-user", "--username", "admin", "--role", "admin", "--facility", "DINKES-6111")


@pytest.mark.parametrize("password", ["12345678", "password", "password123", "Admin-12345"])
def test_create_user_refuses_a_weak_password_for_the_admin_too(run, password):
    result = run(*ADMIN, input=f"{password}\n{password}\n")
    assert result.exit_code != 0
    assert "kata sandi ditolak" in result.output


def test_the_password_is_never_a_command_line_argument(run):
    result = CliRunner().invoke(cli, [*ADMIN, "--password", "Kapal-Layar-Sukadana-7"])
    assert result.exit_code == 2 and "No such option" in result.output
    update = CliRunner().invoke(cli, ["update-user", "admin", "--password", "x"])
    assert update.exit_code == 2


def test_the_prompt_hides_and_confirms(run):
    mismatch = run(*ADMIN, input="Kapal-Layar-Sukadana-7\nKapal-Layar-Sukadana-8\n")
    assert mismatch.exit_code != 0
    made = run(*ADMIN, input="Kapal-Layar-Sukadana-7\nKapal-Layar-Sukadana-7\n")
    assert made.exit_code == 0, made.output
    assert "Kapal-Layar" not in made.output  # hidden input is not echoed


def test_password_file_and_standard_input(run, tmp_path):
    path = tmp_path / "pw.txt"
    path.write_text("Kapal-Layar-Sukadana-7\n")
    assert run(*ADMIN, "--password-file", str(path)).exit_code == 0
    piped = run("update-user", "admin", "--password-file", "-", input="Perahu-Motor-Kendawangan\n")
    assert piped.exit_code == 0, piped.output
    empty = tmp_path / "empty.txt"
    empty.write_text("")
    assert run("update-user", "admin", "--password-file", str(empty)).exit_code != 0


def test_demo_passwords_are_random_and_meet_the_policy():
    made = {demo_password() for _ in range(50)}
    assert len(made) == 50
    for password in made:
        assert re.fullmatch(r"[a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4}", password)
        assert password_problems(password, "kader.melati") == []


def test_seed_demo_prints_new_strong_passwords_once(run):
    first = run("seed-demo", "--seed", "3", "--scale", "0.03")
    assert first.exit_code == 0, first.output
    lines = first.output.split("pengguna demo:")[1].strip().splitlines()
    passwords = [line.split()[2] for line in lines]
    assert len(passwords) == 6 and len(set(passwords)) == 6
    assert all(password_problems(p) == [] for p in passwords)
