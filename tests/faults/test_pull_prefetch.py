"""The pull fetches page N+1 while it applies page N (issue #19): real client, real server on
loopback, the fault proxy between them. A page's failure or reset lands when that page is
reached, the pages before it stay applied with their own cursor, and no thread outlives pull."""

from __future__ import annotations

import threading

import pytest
import requests
from click.testing import CliRunner
from flask.cli import ScriptInfo

from field_client.sync import SyncError

PAGE = 2  # records a page, so a small scope spans many pages


def prefetch_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name.startswith("pull-prefetch")]


def server_pages(server, device, persons: int = 1) -> list[dict]:
    """Return the device's pull pages up to the one that brings its ``persons``-th person, read
    straight from the server with its token (a pull only reads, so the device's own pull gets
    the same pages)."""
    headers = {"Authorization": f"Bearer {device.store.get_meta('token')}"}
    pages, cursor, seen = [], None, 0
    while seen < persons:
        params = {"limit": PAGE, **({"cursor": cursor} if cursor else {})}
        page = requests.get(
            f"{server.url}/api/v1/sync/pull", params=params, headers=headers, timeout=30
        ).json()
        assert page["more"] and not page["reset"]
        pages.append(page)
        seen += sum(c["kind"] == "person" for c in page["changes"])
        cursor = page["cursor"]
    return pages


def held_ids(device) -> set[str]:
    return set(device.store.synced_versions())


def ids_of(pages: list[dict]) -> set[str]:
    return {c["id"] for page in pages for c in page["changes"] if not c.get("deleted")}


def pull_requests(proxy) -> int:
    return sum("/sync/pull" in e["path"] for e in proxy.log if e["path"])


def logged_pull_requests(proxy, at_least: int) -> int:
    """Return the pull requests the proxy saw, once it logged ``at_least`` (it logs an
    exchange just after answering it, so the client may be done before the entry is in)."""
    proxy.wait_for(lambda: pull_requests(proxy) >= at_least, timeout=10)
    return pull_requests(proxy)


def run_cli(app, command, args: list[str]) -> None:
    result = CliRunner().invoke(command, args, obj=ScriptInfo(create_app=lambda: app))
    assert result.exit_code == 0, result.output


def in_between(proxy, after_pages: int, action):
    """Return a progress callback that, once ``after_pages`` pages are applied, waits until the
    next page's request is held at the proxy (it was sent while the page was applied), runs
    ``action`` and lets the request go. What went wrong is kept in the returned list."""
    problems: list[str] = []
    pages = 0

    def progress(state):
        nonlocal pages
        if state["phase"] != "pull" or state["done"] == 0:
            return
        pages += 1
        if pages != after_pages:
            return
        if not proxy.wait_for(proxy.held.is_set, timeout=10):
            problems.append(f"page {after_pages + 1} was not requested during page {pages}")
        action()
        proxy.release()

    return progress, problems


@pytest.fixture
def scope(make_device):
    """A kader device holding 12 persons on the server, and a fresh device of the same kader."""
    writer = make_device("writer")
    ids = {writer.register(f"Anak {i}").id for i in range(12)}
    writer.agent.sync()
    return make_device("reader", retries=0, pull_limit=PAGE), ids


def test_a_page_refused_after_the_prefetch_leaves_the_pages_before_it_and_their_cursor(
    scope, proxy, server, app
):
    from server.cli import revoke_device_command

    reader, mine = scope
    pages = server_pages(server, reader, persons=3)  # the last of them brings a person
    n, before = len(pages), pull_requests(proxy)
    proxy.arm("hold_request", path="/sync/pull", skip=n)  # page n + 1 waits at the proxy
    progress, problems = in_between(
        proxy, n, lambda: run_cli(app, revoke_device_command, [reader.device_id])
    )
    with pytest.raises(SyncError) as error:
        reader.agent.pull(progress=progress)

    assert problems == []
    assert error.value.code == "unauthorized" and error.value.status == 401
    assert reader.store.get_meta("cursor") == pages[-1]["cursor"]
    assert held_ids(reader) == ids_of(pages) and held_ids(reader) & mine
    assert logged_pull_requests(proxy, before + n + 1) - before == n + 1
    assert prefetch_threads() == []


def test_a_page_cut_on_the_wire_leaves_the_pages_before_it_and_their_cursor(scope, proxy, server):
    reader, mine = scope
    pages = server_pages(server, reader, persons=3)
    proxy.arm("cut_response", path="/sync/pull", skip=len(pages), fraction=0.5)
    with pytest.raises(SyncError) as error:
        reader.agent.pull()

    assert error.value.code in ("offline", "network")
    assert reader.store.get_meta("cursor") == pages[-1]["cursor"]
    assert held_ids(reader) == ids_of(pages) and held_ids(reader) & mine
    assert prefetch_threads() == []


def test_a_reset_answered_to_the_prefetched_page_drops_it_and_starts_over(
    scope, proxy, make_device, server, app
):
    from server.cli import update_user_command

    reader, mine = scope
    other = make_device("mawar", username="kader_a2")
    theirs = other.register("Di Mawar", posyandu_id="PSY-A2").id
    other.agent.sync()
    pages = server_pages(server, reader, persons=3)
    n = len(pages)
    held_before: list[set[str]] = []

    def move():
        held_before.append(held_ids(reader))
        run_cli(app, update_user_command, ["kader_a1", "--facility", "PSY-A2"])

    proxy.arm("hold_request", path="/sync/pull", skip=n)  # page n + 1 waits at the proxy
    progress, problems = in_between(proxy, n, move)
    report = reader.agent.pull(progress=progress)

    assert problems == []
    assert held_before == [ids_of(pages)] and held_before[0] & mine
    assert report.resets == 1 and report.digest_ok is True
    persons = {r.id for r in reader.store.list("person")}
    assert persons == {theirs}  # nothing of PSY-A1's pages is kept
    assert prefetch_threads() == []


def test_a_failure_while_applying_waits_for_the_prefetch_and_keeps_the_pages_before(
    scope, make_device, proxy, server
):
    def derived_fields(kind):  # the agent's hook: the first page with a person fails
        if kind == "person":
            raise RuntimeError("disk gone")
        return ()

    reader = make_device("failing", retries=0, pull_limit=PAGE, derived_fields=derived_fields)
    pages = server_pages(server, reader)
    before = pull_requests(proxy)
    with pytest.raises(RuntimeError, match="disk gone"):
        reader.agent.pull()

    assert prefetch_threads() == []
    assert reader.store.get_meta("cursor") == pages[-2]["cursor"]
    assert held_ids(reader) == ids_of(pages[:-1])
    # The next page was asked for while the failing one was applied, and no page after it.
    expected = len(pages) + 1
    assert logged_pull_requests(proxy, before + expected) - before == expected


def test_a_whole_pull_in_small_pages_matches_the_server_and_leaves_no_thread(scope, proxy):
    reader, mine = scope
    report = reader.agent.pull()
    assert report.digest_ok is True
    assert mine <= {r.id for r in reader.store.list("person")}
    assert reader.store.get_meta("clock_offset_seconds") is not None
    assert prefetch_threads() == []
