"""Getting back in: the sign-in form knows the server ``make run`` started, and a running client
is opened again from its data folder, its launch token still required (issue #14, item 12)."""

import os
import stat
import threading
from contextlib import contextmanager

import pytest
import requests

from field_client.app import create_app
from field_client.cli import main
from field_client.launcher import local_server

from .conftest import TOKEN

DEMO_SERVER = "http://127.0.0.1:5000"


def setup_form(app) -> str:
    client = app.test_client()
    assert client.get(f"/?launch={TOKEN}").status_code == 302
    return client.get("/setup").get_data(as_text=True)


def test_the_sign_in_form_offers_the_server_make_run_started(data_dir, monkeypatch):
    monkeypatch.setenv("POSYANDU_SERVER_URL", DEMO_SERVER)
    app = create_app(data_dir, TOKEN, test_config={"TESTING": True})
    try:
        assert f'name="server_url" type="text" inputmode="url" required value="{DEMO_SERVER}"' in (
            setup_form(app)
        )
    finally:
        app.extensions["posyandu"].close()


def test_the_launcher_option_and_a_known_server_come_before_the_default(data_dir, monkeypatch):
    monkeypatch.setenv("POSYANDU_SERVER_URL", DEMO_SERVER)
    app = create_app(data_dir, TOKEN, default_server_url="http://pkm.local:5000")
    try:
        assert 'value="http://pkm.local:5000"' in setup_form(app)
        app.extensions["posyandu"].store.set_meta(server_url="http://dinkes.example:8000")
        assert 'value="http://dinkes.example:8000"' in setup_form(app)
    finally:
        app.extensions["posyandu"].close()


@contextmanager
def running(data_dir):
    """Serve a client on data_dir and describe it, as the launcher does."""
    from field_client.instance import remove_instance, write_instance

    app = create_app(data_dir, TOKEN)
    server = local_server(app, 0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    write_instance(data_dir, server.server_port, TOKEN)
    try:
        yield server
    finally:
        remove_instance(data_dir, TOKEN)
        server.shutdown()
        thread.join(10)
        server.server_close()
        app.extensions["posyandu"].close()


@pytest.mark.skipif(os.name != "posix", reason="file modes are POSIX")
def test_the_running_client_is_described_for_this_account_only(data_dir):
    from field_client.instance import instance_path, read_instance

    with running(data_dir) as server:
        mode = stat.S_IMODE(instance_path(data_dir).stat().st_mode)
        assert mode == 0o600
        assert read_instance(data_dir)["port"] == server.server_port
    assert not instance_path(data_dir).exists()


def test_open_gives_a_launch_url_that_still_needs_the_token(data_dir, capsys):
    from field_client.instance import running_url

    with running(data_dir) as server:
        assert main(["open", "--data-dir", str(data_dir), "--no-open"]) == 0
        url = running_url(data_dir)
        assert url == f"http://127.0.0.1:{server.server_port}/?launch={TOKEN}"
        assert url in capsys.readouterr().out
        http = requests.Session()
        http.trust_env = False
        opened = http.get(url, timeout=10, allow_redirects=False)
        assert opened.status_code == 302 and "posyandu_launch" in opened.headers["Set-Cookie"]
        bare = f"http://127.0.0.1:{server.server_port}/api/sync/status"
        stranger = requests.Session()
        stranger.trust_env = False
        assert stranger.get(bare, timeout=10).status_code == 403  # no token: still refused


def test_open_says_so_when_nothing_runs_and_a_stale_file_is_ignored(data_dir, capsys):
    from field_client.instance import running_url, write_instance

    assert main(["open", "--data-dir", str(data_dir), "--no-open"]) == 1
    assert "belum berjalan" in capsys.readouterr().err
    with running(data_dir) as server:
        port = server.server_port
    write_instance(data_dir, port, TOKEN)  # a client killed before it could clean up
    assert running_url(data_dir) is None
    with running(data_dir) as server:
        write_instance(data_dir, server.server_port, "another-token")
        assert running_url(data_dir) is None  # the app there does not answer that token


def test_starting_again_opens_the_running_client(data_dir, capsys):
    from field_client.instance import read_instance
    from field_client.launcher import run

    with running(data_dir):
        assert run(data_dir, browser=True, open_browser=False) == 0
        assert "sudah berjalan" in capsys.readouterr().out
        assert read_instance(data_dir)["token"] == TOKEN  # left as it was
