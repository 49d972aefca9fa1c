"""Issue #16: a person merge through the fault proxy; sent again after a lost answer, it succeeds
with the same survivor and has one effect."""

from __future__ import annotations

import pytest
import requests

from testkit.factories import child_visit, person
from tests.support.server_fixtures import HttpDevice

from .conftest import server_records

# (fault, options, the first attempt's answer reaches the client)
FAULTS = [
    ("drop_response", {}, False),
    ("cut_response", {"fraction": 0.3}, False),
    ("duplicate", {"which": "first"}, True),
    ("duplicate", {"which": "second"}, True),
]


def merge(dev: HttpDevice, duplicate: str, survivor: str) -> requests.Response:
    return dev.http.post(
        f"{dev.base}/persons/{duplicate}/merge", json={"into": survivor}, timeout=30
    )


def state(app) -> dict:
    """Return the server's persons and visits: {id: (version, deleted, fields)}."""
    return {**server_records(app, "person"), **server_records(app, "child_visit")}


@pytest.mark.parametrize(
    ("fault", "options", "answered"), FAULTS, ids=[f[0] + str(i) for i, f in enumerate(FAULTS)]
)
def test_a_merge_sent_again_after_a_fault_has_one_effect(
    app, device, proxy, fault, options, answered
):
    kader = device("kader_a1")  # straight to the server
    a, b = person(name="Siti Aminah"), person(name="Siti Aminah", birth_date="2025-06-12")
    va, vb = child_visit(a, visit_date="2026-06-10"), child_visit(b, visit_date="2026-06-11")
    pushed = kader.push(
        [kader.mutation(k, f) for k, f in (("person", a), ("person", b))]
        + [kader.mutation("child_visit", v) for v in (va, vb)]
    ).json()["results"]
    assert {r["status"] for r in pushed} == {"applied"}
    pkm = HttpDevice(proxy.url, "pkm_a")
    proxy.arm(fault, path="/merge", **options)
    if answered:
        first = merge(pkm, b["id"], a["id"])
        assert first.status_code == 200, first.text
        # the answer of the first (the merge) or the second (its replay) of the two requests
        replayed = options["which"] == "second"
        assert first.json() == {
            "merged_into": a["id"],
            "moved": {} if replayed else {"child_visit": [vb["id"]]},
            "already_merged": replayed,
        }
    else:
        with pytest.raises((requests.ConnectionError, requests.exceptions.ChunkedEncodingError)):
            merge(pkm, b["id"], a["id"])
    # the proxy notes a request once it closed the client's connection
    assert proxy.wait_for(lambda: any(e["path"].endswith("/merge") for e in proxy.log))
    merges = [e for e in proxy.log if e["path"].endswith("/merge")]
    assert [e.get("upstream_status") for e in merges] == [200]  # the server merged, once
    if fault == "duplicate":
        assert merges[0]["upstream_status_2"] == 200
    after_first = state(app)
    assert after_first[b["id"]][:2] == (2, True)
    assert after_first[b["id"]][2]["merged_into"] == a["id"]
    assert after_first[vb["id"]][2]["person_id"] == a["id"]
    # The client, having no answer (or not trusting it), sends the same merge again.
    again = merge(pkm, b["id"], a["id"])
    assert again.status_code == 200, again.text
    assert again.json() == {"merged_into": a["id"], "moved": {}, "already_merged": True}
    assert state(app) == after_first  # no second effect: no version moved
    # Into another survivor it is still refused: the duplicate is gone.
    other = person(name="Budi")
    kader.push([kader.mutation("person", other)])
    assert merge(pkm, b["id"], other["id"]).status_code == 404
