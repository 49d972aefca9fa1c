"""``posyandu-client``: open the field client, or sign in, sync and report from the shell."""

from __future__ import annotations

import argparse
import getpass
import json
import os
import platform
import sqlite3
import sys
from collections.abc import Sequence
from pathlib import Path

from shared.i18n import register, t

from .store import StoreTooNew
from .sync import SyncError

register(
    {
        "client.cli.empty_secret": {
            "id": "Baris pertama {path} kosong.",
            "en": "The first line of {path} is empty.",
        },
        "client.cli.unreadable_secret": {
            "id": "{path} tidak dapat dibaca: {reason}.",
            "en": "{path} cannot be read: {reason}.",
        },
        "client.cli.which_user": {
            "id": "Sebutkan kader yang membuka data dengan --user (salah satu dari: {users}).",
            "en": "Say which kader opens the data with --user (one of: {users}).",
        },
        "client.store.too_new": {
            "id": "Data di perangkat ini dibuat oleh versi aplikasi yang lebih baru. Pasang lagi "
            "versi itu (atau yang lebih baru); data tidak diubah.",
            "en": "The data on this device was written by a newer version of the app. Install "
            "that version (or a newer one) again; the data was not changed.",
        },
    }
)

APP_FOLDER = "posyandu-sync"


def default_data_dir() -> Path:
    """Return the user's data folder for the client (``POSYANDU_CLIENT_DATA_DIR`` overrides it)."""
    if os.environ.get("POSYANDU_CLIENT_DATA_DIR"):
        return Path(os.environ["POSYANDU_CLIENT_DATA_DIR"])
    system = platform.system()
    if system == "Windows":
        base = Path(os.environ.get("APPDATA") or Path.home() / "AppData" / "Roaming")
    elif system == "Darwin":
        base = Path.home() / "Library" / "Application Support"
    else:
        base = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
    return base / APP_FOLDER


def _common_options() -> argparse.ArgumentParser:
    """Return the options every command takes: the data folder and who unlocks it."""
    common = argparse.ArgumentParser(add_help=False, allow_abbrev=False)
    common.add_argument(
        "--data-dir",
        type=Path,
        default=argparse.SUPPRESS,
        help="folder of the device database (default: the user's data folder)",
    )
    common.add_argument(
        "--user",
        default=argparse.SUPPRESS,
        help="which kader's PIN opens the encrypted store (default: the only one)",
    )
    common.add_argument(
        "--pin-file",
        type=Path,
        default=argparse.SUPPRESS,
        help="read the PIN from the first line of FILE ('-': standard input); else it is asked",
    )
    return common


def build_parser() -> argparse.ArgumentParser:
    """Describe the command line."""
    common = _common_options()
    parser = argparse.ArgumentParser(
        allow_abbrev=False,  # "--password" must not pass for "--password-file"
        prog="posyandu-client",
        parents=[common],
        description="Posyandu Sync field client: offline recording for kader.",
    )
    parser.add_argument(
        "--browser",
        action="store_true",
        help="serve the app to a web browser instead of opening a window",
    )
    parser.add_argument(
        "--port", type=int, default=0, help="local port (127.0.0.1 only; default: a free one)"
    )
    parser.add_argument(
        "--no-open",
        action="store_true",
        help="in browser mode, print the address but do not open a browser",
    )
    parser.add_argument(
        "--server-url",
        default=None,
        help="server address offered on the sign-in form (default: POSYANDU_SERVER_URL)",
    )
    _add_commands(parser.add_subparsers(dest="command"), common)
    return parser


def _add_commands(commands, common: argparse.ArgumentParser) -> None:
    opener = commands.add_parser(
        "open", parents=[common], help="open the client already running on this data folder"
    )
    opener.add_argument("--no-open", action="store_true", help="print the address only")
    login = commands.add_parser(
        "login", parents=[common], allow_abbrev=False, help="sign this device in (online)"
    )
    login.add_argument("--server", required=True, help="server address, e.g. http://host:5000")
    login.add_argument("--username", required=True)
    login.add_argument(
        "--password-file",
        type=Path,
        help="read the password from the first line of FILE ('-': standard input); "
        "else it is asked for. Never on the command line: other accounts can read it there",
    )
    login.add_argument("--device-name", default=platform.node() or "posyandu-client")
    commands.add_parser("sync", parents=[common], help="push unsent changes and pull updates")
    status = commands.add_parser("status", parents=[common], help="show the sync status")
    status.add_argument("--json", action="store_true", help="as JSON")
    bundle = commands.add_parser(
        "bundle", parents=[common], help="sync by file where there is no signal"
    )
    actions = bundle.add_subparsers(dest="bundle_command", required=True)
    export = actions.add_parser(
        "export", parents=[common], help="write the unsent changes to a file for the server"
    )
    export.add_argument("file", type=Path)
    export.add_argument("--json", action="store_true", help="print the summary as JSON")
    load = actions.add_parser(
        "import", parents=[common], help="take in the server's file for this device"
    )
    load.add_argument("file", type=Path)
    load.add_argument("--json", action="store_true", help="print the outcome as JSON")


class Refused(Exception):
    """The command cannot run (wrong PIN, no such kader): its message says why."""


def read_secret(path: Path | None, prompt: str) -> str:
    """Read a password or PIN from a file (its first line; ``-``: standard input), else a
    prompt that does not echo. Never from the command line (the server's rule too)."""
    if path is None:
        return getpass.getpass(prompt)
    if str(path) == "-":
        first = sys.stdin.readline()
    else:
        try:
            with open(path, encoding="utf-8") as fh:
                first = fh.readline()
        except OSError as exc:
            text = t("client.cli.unreadable_secret", "id", path=path, reason=exc.strerror)
            raise Refused(text) from None
    secret = first.rstrip("\r\n")
    if not secret:
        raise Refused(t("client.cli.empty_secret", "id", path=path))
    return secret


def open_store(args: argparse.Namespace):
    """Open the device store; when it is encrypted shut, with a kader's PIN."""
    from . import auth, crypto, security  # noqa: F401  (auth registers the unlock texts)

    store = crypto.open_device_store(args.data_dir)
    if store is not None:
        return store
    keyring = crypto.Keyring(args.data_dir)
    names = [u["username"] for u in keyring.users()]
    username = getattr(args, "user", None) or (names[0] if len(names) == 1 else None)
    if username not in names:
        raise Refused(t("client.cli.which_user", "id", users=", ".join(names)))
    pin = read_secret(getattr(args, "pin_file", None), f"PIN {username}: ")
    verdict, key = security.attempt(keyring, username, pin)
    if verdict != "ok":
        seconds = security.wait_seconds(keyring, username=username)
        name = "signin_again" if verdict == "signin" else verdict
        raise Refused(t(f"client.unlock.{name}", "id", seconds=seconds))
    return crypto.open_device_store(args.data_dir, key)


def _agent(args: argparse.Namespace):
    from .sync import DIGEST_EVERY, SyncAgent

    store = open_store(args)
    return SyncAgent(store, lang=store.get_meta("lang") or "id", digest_every=DIGEST_EVERY)


def cmd_login(args: argparse.Namespace) -> int:
    """Sign in and keep the device token."""
    password = read_secret(args.password_file, "Kata sandi: ")
    agent = _agent(args)
    try:
        user = agent.login(args.server, args.username, password, args.device_name)
    except SyncError as exc:
        print(_error_text(exc, agent.lang), file=sys.stderr)
        return 1
    finally:
        agent.store.close()
    print(f"OK: {user.get('name') or args.username} ({user.get('role', '')})")
    return 0


def cmd_sync(args: argparse.Namespace) -> int:
    """Run one sync and say what it did."""
    agent = _agent(args)

    def progress(state: dict) -> None:
        print(
            f"{state['phase']}: {state['done']}"
            + (f"/{state['total']}" if state.get("total") else ""),
            file=sys.stderr,
        )

    try:
        report = agent.sync(progress)
    except SyncError as exc:
        print(_error_text(exc, agent.lang), file=sys.stderr)
        return 1
    finally:
        agent.store.close()
    print(json.dumps(report.to_dict(), ensure_ascii=False))
    return 0


def cmd_status(args: argparse.Namespace) -> int:
    """Print pending, quarantined, last sync and last error."""
    agent = _agent(args)
    try:
        status = agent.status()
    finally:
        agent.store.close()
    if args.json:
        print(json.dumps(status, ensure_ascii=False, indent=2))
    else:
        for key in ("server_url", "pending", "quarantined", "last_sync_at", "clock_offset_seconds"):
            print(f"{key}: {status.get(key)}")
        if status.get("last_error"):
            print(f"last_error: {status['last_error'].get('code')}")
    return 0


def cmd_bundle(args: argparse.Namespace) -> int:
    """Write this device's bundle, or import the server's bundle for it."""
    from .bundle import BundleError, export_bundle, import_bundle

    agent = _agent(args)
    try:
        if args.bundle_command == "export":
            outcome = export_bundle(agent.store, args.file)
            text = (
                f"{outcome['count']} perubahan disimpan ke {args.file}; tetap tersimpan di "
                "perangkat sampai jawaban server diterima"
            )
        else:
            outcome = import_bundle(agent.store, args.file)
            text = (
                f"{outcome['acked']} perubahan diterima server, {outcome['quarantined']} ditolak, "
                f"{outcome['pulled']} data diperbarui; {outcome['pending_left']} belum terkirim"
            )
    except BundleError as exc:
        print(exc.text(agent.lang), file=sys.stderr)
        return 1
    finally:
        agent.store.close()
    print(json.dumps(outcome, ensure_ascii=False) if args.json else text)
    return 0


def _error_text(exc: SyncError, lang: str) -> str:
    from .auth import sync_error_text

    return sync_error_text(exc, lang)


def _storage_error_text(exc: sqlite3.Error, data_dir: Path) -> str:
    from .recovery import problem_text
    from .store import DB_FILENAME

    return problem_text(exc, data_dir / DB_FILENAME)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``posyandu-client`` console script."""
    from . import messages  # noqa: F401  (registers the client.* texts)

    args = build_parser().parse_args(argv)
    if not hasattr(args, "data_dir"):
        args.data_dir = default_data_dir()
    args.data_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    commands = {"login": cmd_login, "sync": cmd_sync, "status": cmd_status, "bundle": cmd_bundle}
    if args.command in commands:
        try:
            return commands[args.command](args)
        except sqlite3.Error as exc:  # a full disk, a damaged or foreign database file
            print(_storage_error_text(exc, args.data_dir), file=sys.stderr)
            return 2
        except StoreTooNew:  # a newer app wrote this data folder: leave it as it is
            print(t("client.store.too_new", "id"), file=sys.stderr)
            return 2
        except Refused as exc:
            print(exc, file=sys.stderr)
            return 1
    from .launcher import open_running, run

    if args.command == "open":
        return open_running(args.data_dir, open_browser=not args.no_open)
    return run(
        args.data_dir,
        browser=args.browser,
        port=args.port,
        open_browser=not args.no_open,
        server_url=args.server_url,
    )


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
