"""PostgreSQL clusters of our own for the province run: a primary and a streaming replica.

The machine's PostgreSQL (port 5432) is shared and cannot be restarted for ``wal_level`` or
``pg_hba`` changes, so the province run makes its own primary (``initdb``, ``wal_level=replica``)
on a free port and a hot standby of it with ``pg_basebackup -R`` on another: a real streaming
replica, as a province would run it, only on one machine. Both run as the ``postgres`` OS user
(PostgreSQL refuses root) in a temporary directory, on loopback with trust authentication.
"""

from __future__ import annotations

import contextlib
import glob
import os
import shutil
import subprocess
import time
from pathlib import Path

from bench.procs import free_port


def _newest_initdb() -> list[str]:
    return sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(p.split("/")[4]))


def _bindir() -> Path:
    """Return the newest PostgreSQL server's bin directory (``pg_config`` is the client's)."""
    found = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(p.split("/")[4])
    )
    if not found:
        raise RuntimeError("PostgreSQL server binaries not found (/usr/lib/postgresql/*/bin)")
    return Path(found[-1]).parent


def _as_postgres(args: list[str], **kwargs) -> subprocess.CompletedProcess:
    """Run a PostgreSQL tool as the postgres OS user when we are root (it refuses root)."""
    tool = Path(args[0]).name
    if os.geteuid() == 0:
        args = ["runuser", "-u", "postgres", "--", *args]
    done = subprocess.run(args, capture_output=True, text=True, **kwargs)
    if done.returncode:
        raise RuntimeError(f"{tool} failed: {done.stderr[-2000:]}")
    return done


PRIMARY_CONF = """
listen_addresses = '127.0.0.1'
port = {port}
unix_socket_directories = '{root}'
wal_level = replica
max_wal_senders = 5
hot_standby = on
hot_standby_feedback = on
max_connections = 200
shared_buffers = 256MB
max_wal_size = 4GB
logging_collector = off
"""

HBA = """
local all all trust
host all all 127.0.0.1/32 trust
host replication all 127.0.0.1/32 trust
"""


class Cluster:
    """One PostgreSQL cluster in ``root`` on ``port`` (started by ``primary`` or ``replica_of``)."""

    def __init__(self, root: Path, port: int):
        self.root, self.port = root, port
        self.data = root / "data"
        self.log = root / "server.log"

    @staticmethod
    def available() -> bool:
        """True when the PostgreSQL server binaries are installed."""
        return bool(_newest_initdb())

    def url(self, database: str) -> str:
        """Return the SQLAlchemy URL of ``database`` on this cluster."""
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{database}"

    @classmethod
    def _make_root(cls, parent: Path, name: str) -> Path:
        root = parent / name
        root.mkdir(parents=True)
        if os.geteuid() == 0:
            shutil.chown(parent, "postgres", "postgres")
            shutil.chown(root, "postgres", "postgres")
        return root

    @classmethod
    def primary(cls, parent: Path) -> Cluster:
        """Make and start a primary that accepts streaming replicas."""
        cluster = cls(cls._make_root(parent, "primary"), free_port())
        _as_postgres(
            [str(_bindir() / "initdb"), "-D", str(cluster.data), "-U", "postgres", "-A", "trust"]
        )
        with open(cluster.data / "postgresql.conf", "a") as conf:
            conf.write(PRIMARY_CONF.format(port=cluster.port, root=cluster.root))
        (cluster.data / "pg_hba.conf").write_text(HBA)
        cluster.start()
        return cluster

    @classmethod
    def replica_of(cls, primary: Cluster, parent: Path) -> Cluster:
        """Copy ``primary`` with pg_basebackup (WAL streamed) and start it as a hot standby."""
        cluster = cls(cls._make_root(parent, "replica"), free_port())
        _as_postgres(
            [
                str(_bindir() / "pg_basebackup"),
                "-h",
                "127.0.0.1",
                "-p",
                str(primary.port),
                "-U",
                "postgres",
                "-D",
                str(cluster.data),
                "-R",  # standby.signal and primary_conninfo: a streaming replica
                "-X",
                "stream",
                "-c",
                "fast",
            ]
        )
        with open(cluster.data / "postgresql.auto.conf", "a") as conf:
            conf.write(f"port = {cluster.port}\nunix_socket_directories = '{cluster.root}'\n")
        cluster.start()
        return cluster

    def start(self) -> None:
        """Start the cluster and wait until it accepts connections."""
        _as_postgres(
            [str(_bindir() / "pg_ctl"), "-D", str(self.data), "-l", str(self.log), "-w", "start"]
        )

    def stop(self) -> None:
        """Stop the cluster (fast shutdown); a cluster already stopped is fine."""
        with contextlib.suppress(RuntimeError):
            _as_postgres([str(_bindir() / "pg_ctl"), "-D", str(self.data), "-m", "fast", "stop"])

    def sql(self, statement: str, database: str = "postgres") -> str:
        """Run one statement through psql; return its unaligned output."""
        return _as_postgres(
            [
                str(_bindir() / "psql"),
                "-h",
                "127.0.0.1",
                "-p",
                str(self.port),
                "-U",
                "postgres",
                "-d",
                database,
                "-Atc",
                statement,
            ]
        ).stdout.strip()

    def wait_caught_up(self, primary: Cluster, timeout: float = 120) -> float:
        """Wait until this standby has replayed the primary's current WAL; return the seconds."""
        target = primary.sql("SELECT pg_current_wal_flush_lsn()")
        t0 = time.monotonic()
        while time.monotonic() - t0 < timeout:
            done = self.sql(f"SELECT pg_last_wal_replay_lsn() >= '{target}'::pg_lsn")
            if done == "t":
                return time.monotonic() - t0
            time.sleep(0.2)
        raise TimeoutError(f"the replica did not replay {target} within {timeout} s")
