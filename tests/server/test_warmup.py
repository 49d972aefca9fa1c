"""Each server process loads the reference tables a push needs when it starts (issue #19): the
first push a gunicorn worker takes no longer pays for reading them (about 50 ms)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

PROBE = """
import os, sys
os.environ["POSYANDU_DATA_DIR"] = sys.argv[1]
from shared.growth import tables
from shared.growth.monitoring import _read_kbm_csv
from shared.immunisation.schedule import load_schedule
from shared.indicators import ilp
loaders = (tables.table, _read_kbm_csv, load_schedule, ilp._parameter_rows)
before = [f.cache_info().currsize for f in loaders]
from server import create_app
create_app()
after = [f.cache_info().currsize for f in loaders]
import json
print(json.dumps([before, after]))
"""


def test_a_new_server_process_has_the_growth_and_immunisation_tables_loaded(tmp_path):
    out = subprocess.run(
        [sys.executable, "-c", PROBE, str(tmp_path)], capture_output=True, text=True, check=True
    ).stdout.strip()
    before, after = json.loads(out)
    assert before[0] == 0 and before[3] == 0, out  # the WHO tables and ILP parameters: not yet
    assert all(n > 0 for n in after), out


def test_a_server_process_freezes_its_start_up_objects_but_a_test_app_does_not(tmp_path):
    probe = (
        "import gc, os, sys; os.environ['POSYANDU_DATA_DIR'] = sys.argv[1]\n"
        "from server import create_app\n"
        "create_app({'TESTING': sys.argv[2] == 'test'}); print(gc.get_freeze_count())"
    )

    def frozen(kind: str, freeze: str) -> int:
        env = {**os.environ, "POSYANDU_GC_FREEZE": freeze}
        done = subprocess.run(
            [sys.executable, "-c", probe, str(tmp_path), kind],
            capture_output=True,
            text=True,
            check=True,
            env=env,
        )
        return int(done.stdout.strip())

    assert frozen("server", "1") > 50_000  # the app, its modules and tables
    assert frozen("test", "1") == 0
    assert frozen("server", "0") == 0
