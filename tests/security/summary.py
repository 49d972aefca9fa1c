"""Summarise a junit XML run of tests/security per module, as JSON, for the reliability report.

    .venv/bin/python -m pytest tests/security --junitxml=security.xml
    .venv/bin/python -m tests.security.summary security.xml > security.json

Each module's ``attacks`` is the first line of its docstring; counts are per test case (the
junit ``testcase`` elements, one per parametrized id and backend).
"""

from __future__ import annotations

import importlib
import json
import sys
import xml.etree.ElementTree as ET
from collections import defaultdict


def summarise(junit_path: str) -> dict:
    modules: dict[str, dict] = defaultdict(
        lambda: {"cases": 0, "passed": 0, "failed": 0, "skipped": 0, "xfailed": 0, "seconds": 0.0}
    )
    for case in ET.parse(junit_path).iter("testcase"):
        module = (
            case.get("classname", "").rsplit(".", 1)[0]
            if case.get("classname", "").count(".") > 2
            else case.get("classname", "")
        )
        row = modules[module]
        row["cases"] += 1
        row["seconds"] = round(row["seconds"] + float(case.get("time") or 0), 2)
        skipped = case.find("skipped")
        if case.find("failure") is not None or case.find("error") is not None:
            row["failed"] += 1
        elif skipped is not None:
            row[
                "xfailed"
                if "xfail" in (skipped.get("type") or "") + (skipped.get("message") or "")
                else "skipped"
            ] += 1
        else:
            row["passed"] += 1
    for name, row in modules.items():
        try:
            doc = importlib.import_module(name).__doc__ or ""
        except ImportError:
            doc = ""
        row["attacks"] = doc.strip().splitlines()[0] if doc.strip() else ""
    return dict(sorted(modules.items()))


if __name__ == "__main__":
    json.dump(summarise(sys.argv[1]), sys.stdout, indent=2, ensure_ascii=False)
    print()
