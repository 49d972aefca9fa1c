"""Smoke test of the real pywebview window (Qt offscreen): it loads the app and saves a record."""

import importlib.util
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from field_client.crypto import open_device_store

ROOT = Path(__file__).resolve().parents[2]

SCRIPT = textwrap.dedent("""
    import json, sys
    from field_client.launcher import run

    def drive(window, token):
        window.events.loaded.wait(60)
        # run_js, not evaluate_js: the latter wraps the code in eval(), which the app's
        # Content-Security-Policy (script-src 'self') rightly refuses.
        status = window.run_js(
            "var x = new XMLHttpRequest();"
            "x.open('POST', '/api/records/person', false);"
            "x.setRequestHeader('Content-Type', 'application/json');"
            "x.setRequestHeader('X-Launch-Token', " + json.dumps(token) + ");"
            "x.send(JSON.stringify({posyandu_id: 'PSY-A1', name: 'Dari Jendela', sex: 'F',"
            " birth_date: '2025-01-01'}));"
            "x.status")
        print("STATUS", status, flush=True)
        window.destroy()

    sys.exit(run(sys.argv[1], on_window=drive))
""")


@pytest.mark.slow
@pytest.mark.skipif(
    importlib.util.find_spec("webview") is None,
    reason="pywebview is not installed (pip install 'posyandu-sync[desktop]')",
)
def test_window_loads_the_app_and_saves_a_record(tmp_path):
    env = {
        **os.environ,
        "QT_QPA_PLATFORM": "offscreen",
        "QTWEBENGINE_DISABLE_SANDBOX": "1",
        "PYTHONPATH": str(ROOT),
    }
    proc = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(tmp_path)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "STATUS 201" in proc.stdout
    with open_device_store(tmp_path) as store:  # encrypted; no PIN yet: the pending key opens it
        assert store.encrypted
        assert [r.fields["name"] for r in store.list("person")] == ["Dari Jendela"]
