"""A field client in its own process, for the SIGKILL tests.

``python -m tests.faults.child save DATA_DIR PROGRESS``: create persons in a loop; after each save
has committed, append its id to PROGRESS (the parent kills this process at any point).
``python -m tests.faults.child sync DATA_DIR PROGRESS [PULL_LIMIT]``: write "started" to PROGRESS,
then run one ``SyncAgent.sync()`` (the proxy holds an answer until the parent kills it).
"""

from __future__ import annotations

import sys
from pathlib import Path


def save(data_dir: str, progress: str) -> None:
    from field_client.service import RecordService
    from field_client.store import Store
    from tests.faults.conftest import POSYANDU, new_id

    store = Store.open(data_dir)
    service = RecordService(store, today=None)
    with open(progress, "a", buffering=1) as out:
        for i in range(1_000_000):
            record = service.create(
                "person",
                {
                    "id": new_id(i),
                    "posyandu_id": POSYANDU,
                    "name": f"Anak {i}",
                    "sex": "F",
                    "birth_date": "2025-06-10",
                    "mother_name": "Siti",
                },
            )
            out.write(record.id + "\n")


def sync(data_dir: str, progress: str, pull_limit: str = "500") -> None:
    from field_client.store import Store
    from field_client.sync import SyncAgent

    store = Store.open(data_dir)
    agent = SyncAgent(store, pull_limit=int(pull_limit))
    Path(progress).write_text("started\n")
    agent.sync()
    Path(progress).write_text("finished\n")


if __name__ == "__main__":
    {"save": save, "sync": sync}[sys.argv[1]](*sys.argv[2:])
