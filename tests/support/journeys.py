"""Journey coverage, shared by the field client and the Pokjanal pages (issue #14).

Every journey's browser context gets a recorder script: it listens, in the capture phase, to
what a user does (a trusted click, typing or choosing in a field, a form being submitted) and
reports the control's stable identifier to Python through an exposed binding. Each app's
coverage test renders every page, collects the identifiers of its controls with the same
identifying function, and fails for each control no passing journey touched.

A control's identifier does not depend on the data: record ids in links and element ids become
``{id}``, months ``{bulan}``, and each app adds its own rules (:class:`Recorder` ``rules``). So "a
link to a person's page" is one control however many people are listed. Controls with an ``id``
are named by it (``button#sync-now``); fields of a form by the form and their name
(``form#visit-form [name=weight_kg]``); links by where they are (the top bar or the page) and
their address pattern.

This module is also a pytest plugin (tests/conftest.py): it keeps each phase's report on the
item, runs the coverage tests last, and settles a journey's touches once its teardown is over.
"""

from __future__ import annotations

import importlib
import inspect
import json
import os
import re
from collections import defaultdict
from typing import Any

import pytest

ARTIFACTS = os.path.join(os.path.dirname(__file__), "..", "artifacts")
CONTROLS = "a[href], button, input:not([type=hidden]), select, textarea, form, summary"
REPORTS = pytest.StashKey[dict]()
WATCH_FAILED = pytest.StashKey[bool]()  # a journey's watch saw a console error or failed request
JOURNEY = pytest.StashKey[tuple]()  # (recorder, journey) to settle after the teardown

# (pattern, flags, replacement) applied to ids, actions and addresses before naming a control
BASE_RULES = (
    (r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", "gi", "{id}"),
    (r"\b\d{4}-\d{2}(?!-)\b", "g", "{bulan}"),
)

IDENTIFY_JS = r"""
(el) => {
  const norm = (s) => RULES.reduce(
    (out, [pattern, flags, to]) => out.replace(new RegExp(pattern, flags), to), String(s || ""));
  // A form without an id: its class, where it posts (the page itself when no action is
  // written) and the step it takes (a hidden action or status: Tutup and Buka lagi of a signal)
  const unnamedForm = (form) => {
    const step = form.querySelector("input[type=hidden][name=action], input[type=hidden][name=status]");
    return "form" + (form.classList.length ? "." + form.classList[0] : "")
      + "[action=" + norm(form.getAttribute("action") || location.pathname) + "]"
      + (step ? "{" + step.value + "}" : "");
  };
  const tag = el.tagName.toLowerCase();
  const form = el.closest("form");
  const formName = form ? (form.id ? "form#" + norm(form.id) : unnamedForm(form)) : "";
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
    if (el.name && BUTTON_VALUES) {
      return (formName ? formName + " " : "") + "button[name=" + el.name + "=" + el.value + "]";
    }
    for (const attr of el.getAttributeNames()) {
      if (attr.startsWith("data-") && attr !== "data-redirect") {
        return (formName ? formName + " " : "") + "button[" + attr + "]" + where;
      }
    }
    return (formName ? formName + " " : "") + "button[type=" + (el.type || "submit") + "]";
  }
  const name = norm(el.getAttribute("name") || el.getAttribute("data-group-toggle") || "");
  const value = el.type === "checkbox" && el.value && el.value !== "on" ? "=" + el.value : "";
  return (formName ? formName + " " : "") + "[name=" + name + value + "]";
}
"""

RECORDER_JS = """
(() => {
  const identify = IDENTIFY;
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


class Recorder:
    """What the journeys of one app touched, and which controls its pages have."""

    def __init__(self, touches_file: str, rules: tuple = (), button_values: bool = False):
        """``button_values``: a button with a name is named by its name and value (Simpan and
        Tambah baris of one form are two controls)."""
        self.touches_file = os.path.join(ARTIFACTS, touches_file)
        rules_js = json.dumps([list(rule) for rule in (*BASE_RULES, *rules)])
        self.identify_js = (
            IDENTIFY_JS.strip()
            .replace("RULES", rules_js, 1)
            .replace("BUTTON_VALUES", json.dumps(button_values), 1)
        )
        self.recorder_js = RECORDER_JS.replace("IDENTIFY", self.identify_js)
        self.touched: dict[str, set[str]] = defaultdict(set)  # identifier -> journeys
        self.passed: set[str] = set()
        self.failed: set[str] = set()
        self._pending: dict[str, set[str]] = defaultdict(set)

    def record(self, page: Any, journey: str) -> None:
        """Report every control the user touches in ``page``'s browser context under ``journey``."""

        def touch(source: Any, identifier: str) -> None:
            if identifier:
                self._pending[journey].add(str(identifier))

        page.context.expose_binding("__journeyTouch", touch)
        page.context.add_init_script(self.recorder_js)

    def finish(self, journey: str, passed: bool) -> None:
        """Keep the touches of a journey that passed (a failed journey proves nothing; a journey
        run several times, parametrized, passes only if every run did)."""
        touched = self._pending.pop(journey, set())
        if not passed:
            self.failed.add(journey)
            self.passed.discard(journey)
            return
        if journey not in self.failed:
            self.passed.add(journey)
        for identifier in touched:
            self.touched[identifier].add(journey)

    def drop(self, journey: str) -> None:
        """Forget the touches of a journey that was skipped (neither passed nor failed)."""
        self._pending.pop(journey, None)

    def page_controls(self, page: Any) -> list[str]:
        """Return the identifiers of the controls on the page, in page order, without repeats."""
        found = page.eval_on_selector_all(CONTROLS, f"(els) => els.map({self.identify_js})")
        return list(dict.fromkeys(identifier for identifier in found if identifier))

    def write(
        self, controls: dict[str, list[str]], exempt: list[str], journeys: set[str] | None = None
    ) -> dict[str, Any]:
        """Write the run's touches and the pages' controls; return what was written.

        ``exempt`` controls (with a reason in the coverage test) are not ``uncovered``; only the
        touches of ``journeys`` count when it is given (a crawler is not a journey).
        """
        touched = {
            control: who if journeys is None else who & journeys
            for control, who in self.touched.items()
        }
        all_controls = sorted({c for found in controls.values() for c in found})
        covered = [c for c in all_controls if touched.get(c)]
        summary = {
            "journeys": sorted(self.passed if journeys is None else self.passed & journeys),
            "controls": len(all_controls),
            "covered": len(covered),
            "exempt": sorted(exempt),
            "uncovered": [c for c in all_controls if not touched.get(c) and c not in exempt],
            "pages": controls,
            "touched": {k: sorted(v) for k, v in sorted(touched.items()) if v},
        }
        os.makedirs(ARTIFACTS, exist_ok=True)
        with open(self.touches_file, "w", encoding="utf-8") as handle:
            json.dump(summary, handle, indent=1, ensure_ascii=False)
        return summary


def journey_tests(modules: tuple[str, ...], fixtures: tuple[str, ...], qualified=False) -> set[str]:
    """Return the journeys of ``modules``: their tests that ask for one of ``fixtures``
    (``module::name`` when ``qualified``)."""
    names = set()
    for module_name in modules:
        module = importlib.import_module(module_name)
        for name, function in vars(module).items():
            if (
                name.startswith("test_")
                and callable(function)
                and getattr(function, "__module__", module_name) == module_name
                and set(fixtures) & set(inspect.signature(function).parameters)
            ):
                names.add(f"{module_name}::{name}" if qualified else name)
    return names


def exempted(controls: list[str], exemptions: tuple[tuple[str, str], ...]) -> list[str]:
    """Return the controls matched by one of the exemptions' patterns."""
    return [c for c in controls if any(re.search(pattern, c) for pattern, _ in exemptions)]


def slug(address: str) -> str:
    """A file name for an address."""
    plain = address.replace("{", "").replace("}", "")
    return re.sub(r"[^a-z0-9]+", "-", plain.lower()).strip("-") or "beranda"


# -- the pytest plugin -------------------------------------------------------------------------


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "journey_coverage: compares the pages' controls with what journeys touched"
    )


def pytest_collection_modifyitems(config, items):
    """Run the journey coverage tests last: they read what the journeys touched."""
    coverage = [item for item in items if item.get_closest_marker("journey_coverage")]
    items[:] = [item for item in items if item not in coverage] + coverage


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    """Keep each phase's report on the item; settle a journey once its teardown is done (a
    fixture's own check after the journey, e.g. no console error, counts too)."""
    report = yield
    reports = item.stash.setdefault(REPORTS, {})
    reports[report.when] = report
    if report.when == "teardown" and JOURNEY in item.stash:
        recorder, journey = item.stash[JOURNEY]
        if any(r.skipped for r in reports.values()):
            recorder.drop(journey)
        else:
            recorder.finish(journey, all(r.passed for r in reports.values()))
    return report
