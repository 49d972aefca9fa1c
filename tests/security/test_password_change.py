"""Audit #18, finding 9: a password change ends every device token and web session of the user.

The client tells a kader whose token is refused that the password may have been changed; before
the fix a changed password left every signed-in device working (a lost or stolen phone kept
syncing). Now ``update-user --set-password`` (and re-creating a user with a new password, the
only other path that sets one) revokes the user's devices and ends its web sessions; other
users keep theirs.
"""

from __future__ import annotations

import pytest

from server.cli import cli
from testkit import world as world_mod
from tests.web.conftest import sign_in

NEW_PASSWORD = "Kapal-Layar-Sukadana-7"


def device_token(client, username: str) -> dict:
    response = client.post(
        "/api/v1/auth/login",
        json={"username": username, "password": world_mod.PASSWORD, "device_name": "hp"},
    )
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json['token']}"}


@pytest.fixture
def password_file(tmp_path):
    path = tmp_path / "new-password.txt"
    path.write_text(NEW_PASSWORD + "\n")
    path.chmod(0o600)
    return str(path)


@pytest.mark.parametrize("how", ["update-user --set-password", "update-user --password-file"])
def test_changing_a_password_revokes_the_users_devices_and_sessions(app, world, how, password_file):
    client = app.test_client()
    kader, other = device_token(client, "kader_a1"), device_token(client, "kader_a2")
    second = device_token(client, "kader_a1")
    web = sign_in(app.test_client(), "kader_a1")
    assert client.get("/api/v1/auth/me", headers=kader).status_code == 200
    assert web.get("/ringkasan").status_code == 200
    runner = app.test_cli_runner()
    if how.endswith("--set-password"):
        args = ["update-user", "kader_a1", "--set-password"]
        result = runner.invoke(cli, args, input=f"{NEW_PASSWORD}\n{NEW_PASSWORD}\n")
    else:
        result = runner.invoke(cli, ["update-user", "kader_a1", "--password-file", password_file])
    assert result.exit_code == 0, result.output
    assert "kata sandi diganti" in result.output
    for headers in (kader, second):
        refused = client.get("/api/v1/auth/me", headers=headers)
        assert refused.status_code == 401
        assert refused.json["error"]["details"]["reason"] == "revoked"
    assert web.get("/ringkasan").status_code == 302  # back to the sign-in page
    assert client.get("/api/v1/auth/me", headers=other).status_code == 200  # others unaffected
    # The new password works; the old one does not.
    ok = client.post(
        "/api/v1/auth/login",
        json={"username": "kader_a1", "password": NEW_PASSWORD, "device_name": "hp"},
    )
    assert ok.status_code == 200
    assert client.get("/api/v1/auth/me", headers=_bearer(ok)).status_code == 200


def _bearer(response) -> dict:
    return {"Authorization": f"Bearer {response.json['token']}"}


def test_recreating_a_user_with_a_new_password_revokes_too(app, world):
    client = app.test_client()
    kader = device_token(client, "kader_a1")
    result = app.test_cli_runner().invoke(
        cli,
        ["create-user", "--username", "kader_a1", "--role", "kader", "--facility", "PSY-A1"],
        input=f"{NEW_PASSWORD}\n{NEW_PASSWORD}\n",
    )
    assert result.exit_code == 0, result.output
    assert client.get("/api/v1/auth/me", headers=kader).status_code == 401


def test_other_changes_leave_the_devices_signed_in(app, world):
    client = app.test_client()
    kader = device_token(client, "kader_a1")
    result = app.test_cli_runner().invoke(cli, ["update-user", "kader_a1", "--name", "Siti"])
    assert result.exit_code == 0, result.output
    assert client.get("/api/v1/auth/me", headers=kader).status_code == 200


def test_a_refused_new_password_changes_nothing(app, world):
    client = app.test_client()
    kader = device_token(client, "kader_a1")
    result = app.test_cli_runner().invoke(
        cli, ["update-user", "kader_a1", "--set-password"], input="12345678\n12345678\n"
    )
    assert result.exit_code != 0
    assert client.get("/api/v1/auth/me", headers=kader).status_code == 200
    assert device_token(client, "kader_a1")  # the old password still works
