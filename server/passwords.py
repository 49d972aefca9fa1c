"""Password policy and the bound on concurrent password hashing.

Policy (every password set on the server, from the CLI or any other path): at least 10
characters; not a common password, also not one with digits or punctuation around it
(``Password2024!``); not made of fewer than 4 different characters; not holding the username.
The list of common passwords ships in ``server/data/common-passwords.txt``.

Hashing: a password check costs a 32 MiB scrypt. At most ``LOGIN_HASH_CONCURRENCY`` checks run
at once in a process; the others wait up to ``LOGIN_HASH_WAIT_SECONDS``, then get 503 with
Retry-After, so a burst of sign-ins cannot take the server's memory.
"""

from __future__ import annotations

import string
import threading
from functools import cache
from importlib import resources

from flask import Flask, current_app

MIN_LENGTH = 10
MIN_DISTINCT = 4
_DECORATION = string.digits + string.punctuation + string.whitespace


class WeakPassword(ValueError):
    """A password the policy refuses; ``problems`` are catalogue keys with their parameters."""

    def __init__(self, problems: list[tuple[str, dict]]):
        super().__init__(", ".join(key for key, _ in problems))
        self.problems = problems

    def messages(self, lang: str = "id") -> list[str]:
        from shared.i18n import t

        return [t(key, lang, **params) for key, params in self.problems]


@cache
def common_passwords() -> frozenset[str]:
    """Return the shipped list of common passwords (lower case)."""
    text = (resources.files("server") / "data" / "common-passwords.txt").read_text("utf-8")
    return frozenset(
        line.strip().lower() for line in text.splitlines() if line.strip() and line[0] != "#"
    )


def password_problems(password: str, username: str = "") -> list[tuple[str, dict]]:
    """Return what the policy has against ``password`` (empty: acceptable)."""
    problems: list[tuple[str, dict]] = []
    if len(password) < MIN_LENGTH:
        problems.append(("server.password_too_short", {"min": MIN_LENGTH}))
    lowered = password.lower()
    common = common_passwords()
    if (
        lowered in common
        or lowered.strip(_DECORATION) in common
        or len(set(lowered)) < MIN_DISTINCT
    ):
        problems.append(("server.password_common", {}))
    name = username.strip().lower()
    if name and (lowered == name or (len(name) >= 3 and name in lowered)):
        problems.append(("server.password_has_username", {}))
    return problems


def check_password_policy(password: str, username: str = "") -> None:
    """Raise WeakPassword unless ``password`` meets the policy."""
    problems = password_problems(password, username)
    if problems:
        raise WeakPassword(problems)


class HashSlots:
    """A per-app bound on concurrent password checks (each a 32 MiB scrypt)."""

    def __init__(self, slots: int, wait_seconds: float):
        self._semaphore = threading.BoundedSemaphore(max(1, slots))
        self.wait_seconds = wait_seconds

    def acquire(self) -> bool:
        """Take a slot, waiting at most ``wait_seconds``; tell whether one was had."""
        return self._semaphore.acquire(timeout=self.wait_seconds)

    def release(self) -> None:
        self._semaphore.release()


def init_hash_slots(app: Flask) -> None:
    """Give ``app`` its hashing slots (from LOGIN_HASH_CONCURRENCY, LOGIN_HASH_WAIT_SECONDS)."""
    app.extensions["posyandu_hash_slots"] = HashSlots(
        int(app.config["LOGIN_HASH_CONCURRENCY"]), float(app.config["LOGIN_HASH_WAIT_SECONDS"])
    )


def hash_slots() -> HashSlots:
    """Return the current app's hashing slots."""
    return current_app.extensions["posyandu_hash_slots"]
