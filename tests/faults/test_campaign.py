"""A small seeded fault campaign (soak/campaign.py) on each backend: every invariant holds."""

from __future__ import annotations

import json

import pytest

from soak.campaign import CAMPAIGN_FAULTS, DEVICES, SYNCS_PER_ROUND, run_campaign
from tests.support import servers

SEED = 20261124
SCENARIOS = 50


@pytest.mark.slow
def test_small_seeded_campaign_holds_every_invariant(backend, tmp_path):
    url = servers.database_url(backend, str(tmp_path)) if backend == "postgres" else None
    out = tmp_path / "campaign.json"
    result = run_campaign(SCENARIOS, SEED, url, out)
    where = f"seed {SEED} on {backend}; rerun: python -m soak.campaign --scenarios {SCENARIOS} " \
            f"--seed {SEED}"
    assert result["failures"] == [], where + "\n" + "\n".join(result["failures"])
    assert json.loads(out.read_text()) == result
    assert (result["scenarios"], result["seed"], result["backend"]) == (
        SCENARIOS, SEED, "postgresql" if backend == "postgres" else "sqlite")
    # Every scenario armed one fault, and (nearly) all of them hit a request.
    assert sum(result["faults_armed"].values()) == SCENARIOS, where
    assert set(result["faults_armed"]) == set(CAMPAIGN_FAULTS), where
    assert result["faults_fired_total"] >= SCENARIOS * 0.9, where
    assert result["syncs_failed_under_fault"] > 0, where
    assert (result["lost"], result["doubled"], result["digest_mismatches"]) == (0, 0, 0), where
    assert result["mutations_created"] > SCENARIOS, where
    assert result["mutations_created"] == (result["mutations_applied"]
                                           + result["mutations_rejected"]), where
    assert result["concurrent_same_field_edits"] == result["conflicts_found"] > 0, where
    rounds = -(-SCENARIOS // (len(DEVICES) * SYNCS_PER_ROUND))
    assert result["rounds"] == rounds
    assert result["replicas_checked"] == rounds * len(DEVICES)
