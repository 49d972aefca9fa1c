"""What the journeys touched, and which controls the pages have (issue #14, journey coverage).

Every journey's browser context gets :data:`RECORDER_JS` as an init script: it listens, in the
capture phase, to what a user does (a trusted click, typing or choosing in a field, a form being
submitted) and reports the control's stable identifier to Python through an exposed binding.
``test_journey_coverage`` renders every page of the app, collects the identifiers of its controls
with the same :data:`IDENTIFY_JS`, and fails for each control no passing journey touched.

A control's identifier does not depend on the data: record ids in links and element ids become
``{id}``, months ``{bulan}``, quarantine numbers ``{seq}``. So "a link to a person's page" is one
control however many people are listed, and the Hapus button of a visit is one control whichever
visit it deletes. Controls with an ``id`` are named by it (``button#sync-now``); fields of a form
by the form and their name (``form#visit-form [name=weight_kg]``); links by where they are (the
top bar or the page) and their address pattern.

The touches of each run are written to ``tests/artifacts/journey-touches.json``.
"""

from __future__ import annotations

import json
import os
from collections import defaultdict
from typing import Any

ARTIFACTS = os.path.join(os.path.dirname(__file__), "..", "artifacts")
TOUCHES_FILE = os.path.join(ARTIFACTS, "journey-touches.json")
CONTROLS = "a[href], button, input:not([type=hidden]), select, textarea, form, summary"

# One function, used both to report a touch and to list a page's controls.
IDENTIFY_JS = r"""
(el) => {
  const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;
  const norm = (s) => String(s || "")
    .replace(UUID, "{id}")
    .replace(/\b\d{4}-\d{2}(?!-)\b/g, "{bulan}")
    .replace(/^fix-\d+/, "fix-{seq}");
  const tag = el.tagName.toLowerCase();
  const form = el.closest("form");
  const formName = form ? (form.id ? "form#" + norm(form.id)
    : "form[action=" + (form.getAttribute("action") || "") + "]") : "";
  if (tag === "form") return formName;
  if (tag === "summary") {
    const details = el.closest("details");
    return "summary@" + (details && details.id ? norm(details.id)
      : norm(el.textContent.trim()));
  }
  const box = el.closest(".delete-box");
  const where = box ? " @delete:" + (box.querySelector("[data-delete-kind]") || {dataset: {}})
    .dataset.deleteKind : "";
  if (el.id && !/-\d+$/.test(el.id)) return tag + "#" + norm(el.id) + where;
  if (tag === "a") {
    const place = el.closest("header.topbar") ? "topbar " : "";
    return place + "a[href=" + norm(el.getAttribute("href")) + "]";
  }
  if (tag === "button") {
    for (const attr of el.getAttributeNames()) {
      if (attr.startsWith("data-") && attr !== "data-redirect") {
        return (formName ? formName + " " : "") + "button[" + attr + "]" + where;
      }
    }
    return (formName ? formName + " " : "") + "button[type=" + (el.type || "submit") + "]";
  }
  const name = el.getAttribute("name") || el.getAttribute("data-group-toggle") || "";
  const value = el.type === "checkbox" && el.value && el.value !== "on" ? "=" + el.value : "";
  return (formName ? formName + " " : "") + "[name=" + name + value + "]";
}
"""

RECORDER_JS = (
    """
(() => {
  const identify = """
    + IDENTIFY_JS
    + """;
  const SELECTOR = "a[href], button, input, select, textarea, summary";
  const report = (el) => {
    try { window.__journeyTouch(identify(el)); } catch (e) { /* binding not ready */ }
  };
  document.addEventListener("click", (event) => {
    if (!event.isTrusted) return;
    const control = event.target.closest && event.target.closest(SELECTOR);
    if (control) report(control);
  }, true);
  for (const type of ["input", "change"]) {
    document.addEventListener(type, (event) => {
      const t = event.target;
      if (t && t.matches && t.matches("input, select, textarea")) report(t);
    }, true);
  }
  document.addEventListener("submit", (event) => report(event.target), true);
})();
"""
)

# identifier -> journeys that touched it (passing journeys only, see finish())
TOUCHED: dict[str, set[str]] = defaultdict(set)
PASSED: set[str] = set()
FAILED: set[str] = set()
_pending: dict[str, set[str]] = defaultdict(set)


def record_touches(page: Any, journey: str) -> None:
    """Report every control the user touches in ``page``'s browser context under ``journey``."""

    def touch(source: Any, identifier: str) -> None:
        if identifier:
            _pending[journey].add(str(identifier))

    page.context.expose_binding("__journeyTouch", touch)
    page.context.add_init_script(RECORDER_JS)


def finish(journey: str, passed: bool) -> None:
    """Keep the touches of a journey that passed (a failed journey proves nothing; a journey
    run several times, parametrized, passes only if every run did)."""
    touched = _pending.pop(journey, set())
    if not passed:
        FAILED.add(journey)
        PASSED.discard(journey)
        return
    if journey not in FAILED:
        PASSED.add(journey)
    for identifier in touched:
        TOUCHED[identifier].add(journey)


def page_controls(page: Any) -> list[str]:
    """Return the identifiers of the controls on the page, in page order, without repeats."""
    found = page.eval_on_selector_all(
        CONTROLS, "(els) => els.map(" + IDENTIFY_JS.strip() + ")", None
    )
    out: list[str] = []
    for identifier in found:
        if identifier and identifier not in out:
            out.append(identifier)
    return out


def write_touches(controls: dict[str, list[str]], exempt: list[str]) -> dict[str, Any]:
    """Write the run's touches and the pages' controls to TOUCHES_FILE; return what was written.

    ``exempt`` controls (unreachable, with a reason in the coverage test) are not ``uncovered``.
    """
    all_controls = sorted({c for found in controls.values() for c in found})
    covered = [c for c in all_controls if TOUCHED.get(c)]
    summary = {
        "journeys": sorted(PASSED),
        "controls": len(all_controls),
        "covered": len(covered),
        "exempt": sorted(exempt),
        "uncovered": [c for c in all_controls if not TOUCHED.get(c) and c not in exempt],
        "pages": controls,
        "touched": {k: sorted(v) for k, v in sorted(TOUCHED.items())},
    }
    os.makedirs(ARTIFACTS, exist_ok=True)
    with open(TOUCHES_FILE, "w", encoding="utf-8") as handle:
        json.dump(summary, handle, indent=1, ensure_ascii=False)
    return summary


# -- a store with something on every page ----------------------------------------------------


def seed_world(app: Any, today: Any, posyandu: str, desa: str) -> dict[str, str]:
    """Fill the device with one of everything a page shows; return the ids (and ``month``).

    A child with weighings and immunisations (one value re-measured, one visit deleted so the
    Urungkan banner can be shown), a mother with a pregnancy and an ANC visit, a lansia with a
    visit, this month's opening day and desa report, a refused change and a conflict.
    """
    from datetime import timedelta

    from field_client.service import RecordService

    store = app.extensions["posyandu"].store
    service = RecordService(store, today=today)

    def days(n: int) -> str:
        return (today - timedelta(days=n)).isoformat()

    person = {"posyandu_id": posyandu, "desa_code": desa}
    child = service.create(
        "person",
        {
            **person,
            "name": "Bima",
            "sex": "M",
            "birth_date": days(400),
            "mother_name": "Wati",
            "nik": "6111010101250001",
            "has_kia_book": True,
            "birth_weight_kg": 3.1,
        },
    )
    ids = {"child": child.id, "month": f"{today.year:04d}-{today.month:02d}"}
    for key, ago, kg, extra in (
        ("visit_old", 60, 9.0, {"immunizations": ["MR1"]}),
        ("visit_prev", 31, 9.2, {}),
        ("visit", 2, 9.5, {"length_cm": 76.5, "position": "lying"}),
        ("deleted_visit", 1, 9.6, {}),
    ):
        visit = {"person_id": child.id, "visit_date": days(ago), "weight_kg": kg, **extra}
        ids[key] = service.create("child_visit", visit).id
    service.delete("child_visit", ids["deleted_visit"])
    other = service.create(
        "person", {**person, "name": "Citra", "sex": "F", "birth_date": days(300)}
    )
    ids["other_child"] = other.id
    service.create("child_visit", {"person_id": other.id, "visit_date": days(40), "weight_kg": 8.2})
    remeasured = {"person_id": other.id, "visit_date": days(1), "weight_kg": 6.1}
    ids["remeasured_visit"] = service.create("child_visit", remeasured, confirm=True).id
    ids.update(_seed_adults(service, person, days))
    ids.update(_seed_reports(service, store, posyandu, desa, days, ids["month"]))
    ids.update(seed_ilp(service, person, days, ids))
    return ids


def seed_ilp(service: Any, person: dict, days: Any, ids: dict[str, str]) -> dict[str, str]:
    """The ILP records of issue #15: a schoolgirl with an anaemic youth visit, a mother 4 days
    after delivery with a nifas visit and KB, a TB screen, and an open and a closed referral."""
    pupil = service.create(
        "person", {**person, "name": "Rina", "sex": "F", "birth_date": days(12 * 365)}
    )
    links = {"person_id": pupil.id, "posyandu_id": person["posyandu_id"]}
    youth = service.create(
        "youth_visit", {**links, "visit_date": days(3), "weight_kg": 38.0, "hb_g_dl": 10.1}
    )
    mother = service.create(
        "person", {**person, "name": "Dewi", "sex": "F", "birth_date": days(28 * 365)}
    )
    links = {"person_id": mother.id, "posyandu_id": person["posyandu_id"]}
    pregnancy = service.create(
        "pregnancy",
        {
            **links,
            "registered_on": days(200),
            "lmp_date": days(280),
            "status": "delivered",
            "delivery_date": days(4),
            "outcome": "live_birth",
        },
    )
    nifas = service.create(
        "postpartum_visit", {**links, "pregnancy_id": pregnancy.id, "visit_date": days(1)}
    )
    kb = service.create(
        "family_planning", {**links, "visit_date": days(1), "status": "pus", "method": "suntik"}
    )
    elder = {"person_id": ids["elder"], "posyandu_id": person["posyandu_id"]}
    tb = service.create("tb_screening", {**elder, "visit_date": days(3), "symptoms": ["fever"]})
    referral = {**elder, "referral_date": days(3), "destination": "puskesmas"}
    open_ = service.create("referral", {**referral, "reason": "ptm"})
    closed = service.create(
        "referral",
        {**referral, "reason": "skilas", "status": "completed", "follow_up_date": days(1)},
    )
    return {
        "pupil": pupil.id,
        "youth_visit": youth.id,
        "nifas_mother": mother.id,
        "postpartum_visit": nifas.id,
        "family_planning": kb.id,
        "tb_screening": tb.id,
        "referral": open_.id,
        "closed_referral": closed.id,
    }


def _seed_adults(service: Any, person: dict, days: Any) -> dict[str, str]:
    mother = service.create(
        "person", {**person, "name": "Siti Aminah", "sex": "F", "birth_date": days(25 * 365)}
    )
    pregnancy = service.create(
        "pregnancy",
        {
            "person_id": mother.id,
            "posyandu_id": person["posyandu_id"],
            "registered_on": days(60),
            "lmp_date": days(120),
            "gravida": 1,
        },
    )
    anc = service.create(
        "anc_visit",
        {
            "pregnancy_id": pregnancy.id,
            "person_id": mother.id,
            "posyandu_id": person["posyandu_id"],
            "visit_date": days(5),
            "weight_kg": 55.0,
            "muac_cm": 24.0,
        },
    )
    elder = service.create(
        "person", {**person, "name": "Pak Umar", "sex": "M", "birth_date": "1950-01-01"}
    )
    adult_visit = service.create(
        "adult_visit",
        {
            "person_id": elder.id,
            "posyandu_id": person["posyandu_id"],
            "visit_date": days(3),
            "weight_kg": 60.0,
            "height_cm": 160.0,
        },
    )
    return {
        "mother": mother.id,
        "pregnancy": pregnancy.id,
        "anc_visit": anc.id,
        "elder": elder.id,
        "adult_visit": adult_visit.id,
    }


def _seed_reports(service, store, posyandu, desa, days, month) -> dict[str, str]:
    session = service.create(
        "posyandu_session",
        {"posyandu_id": posyandu, "session_date": days(2), "opened": True, "kader_present": 4},
    )
    report = service.create("desa_report", {"desa_code": desa, "period": month, "births_live": 1})
    refused = service.create(
        "person", {"posyandu_id": posyandu, "name": "Ditolak", "sex": "F", "birth_date": days(900)}
    )
    gone = service.create(
        "person", {"posyandu_id": posyandu, "name": "Dihapus", "sex": "M", "birth_date": days(800)}
    )
    service.delete("person", gone.id)
    seqs = {m.id: m.seq for m in store.pending() if m.op == "upsert"} | {
        m.id + ":delete": m.seq for m in store.pending() if m.op == "delete"
    }
    refusal = {"status": "rejected", "errors": {"name": ["Nama ditolak server."]}}
    store.apply_push_results(
        [{**refusal, "seq": seqs[refused.id]}, {**refusal, "seq": seqs[gone.id + ":delete"]}]
    )
    store.add_conflicts(_conflicts(report.id, refused.id))
    return {"session": session.id, "desa_report": report.id, "refused": refused.id, "gone": gone.id}


def _conflicts(report_id: str, person_id: str) -> list[dict[str, Any]]:
    """A kader's conflict notice, and two the server listed for a reviewer to decide: one open,
    one already decided (with its history), so Sinkronisasi shows every conflict control."""
    listed = {"kind": "person", "field": "name", "record_id": person_id, "may_resolve": True}
    return [
        {
            "id": "c-1",
            "record_id": report_id,
            "kind": "desa_report",
            "field": "births_live",
            "winner_value": 2,
            "loser_value": 1,
        },
        {
            **listed,
            "id": "101",
            "status": "open",
            "winner_value": "Ditolak",
            "loser_value": "Ditolak S",
        },
        {
            **listed,
            "id": "102",
            "field": "mother_name",
            "status": "resolved",
            "resolution": "loser",
            "winner_value": "Wati",
            "loser_value": "Wati S",
            "resolved_by": "pkm_a",
            "resolved_at": "2026-11-24T03:05:00+00:00",
            "events": [
                {
                    "action": "resolved",
                    "choice": "loser",
                    "actor": "pkm_a",
                    "at": "2026-11-24T03:05:00+00:00",
                    "kept_value": "Wati S",
                }
            ],
        },
    ]
