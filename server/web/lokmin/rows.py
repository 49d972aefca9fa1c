"""The meeting form as rows: attendance, agreements (RTL) and each sector's plan.

Rows arrive as ``<group>-<n>-<field>`` form fields (``attendance-0-name``, ``agreement-2-due_date``,
``plan-1-sector``). A row whose every field is blank is left out. The form model built here is
also what the template renders, so a refused form comes back exactly as it was typed.
"""

from __future__ import annotations

import re

from flask import request

from server.web.params import parse_quarter

GROUPS = {
    "attendance": ("name", "position", "sector", "institution", "signed"),
    "agreement": (
        "action",
        "sector",
        "pic_name",
        "pic_role",
        "start_date",
        "due_date",
        "budget_source",
        "status",
        "progress_note",
    ),
    "plan": ("sector", "activity", "target", "month", "budget_source"),
}
# Fields of a row that do not make it "filled" on their own (defaults, a tick box).
DEFAULTED = {"status", "signed"}
MEETING_FIELDS = (
    "kecamatan_code",
    "kind",
    "year",
    "quarter",
    "meeting_date",
    "status",
    "venue",
    "chair_name",
    "agenda",
    "minutes",
)
MAX_ROWS = 300
ROW_KEY = re.compile(r"^(attendance|agreement|plan)-(\d{1,3})-(\w+)$")
BLANK_ROWS = {"attendance": 4, "agreement": 2, "plan": 2}


def clean(value) -> str | None:
    value = (value or "").strip() if isinstance(value, str) else value
    return value or None


def as_int(value):
    value = clean(value)
    if value is None:
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return value  # validation reports it in Indonesian


def form_rows(form, group: str) -> list[dict]:
    """Return the rows of ``group`` in index order (blank rows kept; see ``filled``)."""
    found: dict[int, dict] = {}
    for key in form:
        match = ROW_KEY.match(key)
        if not match or match.group(1) != group or int(match.group(2)) >= MAX_ROWS:
            continue
        name = match.group(3)
        if name in GROUPS[group] or name in ("id", "hapus"):
            found.setdefault(int(match.group(2)), {})[name] = (form.get(key) or "").strip()
    return [found[i] for i in sorted(found)]


def filled(group: str, row: dict) -> bool:
    """Tell whether a row holds anything typed (an existing agreement always counts)."""
    if row.get("id"):
        return True
    return any(row.get(name) for name in GROUPS[group] if name not in DEFAULTED)


def model_from_form(form) -> dict:
    """Return the form model (``fields`` and the three row groups) of a posted meeting form."""
    return {
        "fields": {name: (form.get(name) or "").strip() for name in MEETING_FIELDS}
        | {"problems": form.get("problems") or ""},
        **{group: form_rows(form, group) for group in GROUPS},
    }


def model_from_records(meeting: dict, agreements: list[dict]) -> dict:
    """Return the form model of a stored meeting and its agreements."""
    fields = {name: meeting.get(name) for name in MEETING_FIELDS}
    fields["problems"] = "\n".join(
        p.get("description") or "" for p in meeting.get("problems") or []
    )
    return {
        "fields": {k: ("" if v is None else v) for k, v in fields.items()},
        "attendance": [dict(r) for r in meeting.get("attendance") or []],
        "agreement": [dict(a) for a in agreements],
        "plan": [dict(p) for p in meeting.get("plans") or []],
    }


def with_blank_rows(model: dict, add: str | None = None, new: bool = False) -> dict:
    """Return the model with blank rows to type into (more on a new form; one more of ``add``)."""
    out = dict(model)
    for group in GROUPS:
        rows = [r for r in model[group] if filled(group, r) or r.get("hapus")]
        submitted_blanks = len(model[group]) - len(rows)
        if group == add:
            blanks = submitted_blanks + 1
        else:
            blanks = max(BLANK_ROWS[group] if new and not rows else 1, submitted_blanks)
        out[group] = rows + [{} for _ in range(min(blanks, MAX_ROWS - len(rows)))]
    return out


def added_group() -> str | None:
    """The group whose "Tambah baris" button was pressed (None when the form is submitted)."""
    value = (request.form.get("tambah") or "").strip()
    return value if value in GROUPS else None


def problems_from(text: str, stored: list[dict]) -> list[dict]:
    """Return the problem rows of the text lines, keeping what a stored line already had."""
    known = {p.get("description"): p for p in stored}
    return [
        known.get(line.strip(), {"description": line.strip()})
        for line in text.splitlines()
        if line.strip()
    ]


def meeting_values(model: dict, stored: dict) -> dict:
    """Return the meeting's record values from the form model over the stored fields."""
    f = model["fields"]
    values = dict(stored)
    for name in ("kind", "meeting_date", "venue", "chair_name", "agenda", "minutes"):
        values[name] = clean(f.get(name))
    values["year"] = as_int(f.get("year"))
    values["quarter"] = parse_quarter(clean(f.get("quarter")))
    values["status"] = clean(f.get("status")) or "planned"
    values["attendance"] = [
        {k: clean(row.get(k)) for k in GROUPS["attendance"]} | {"signed": bool(row.get("signed"))}
        for row in model["attendance"]
        if filled("attendance", row)
    ]
    values["plans"] = [
        {k: clean(row.get(k)) for k in GROUPS["plan"]}
        for row in model["plan"]
        if filled("plan", row)
    ]
    values["problems"] = problems_from(f.get("problems") or "", stored.get("problems") or [])
    return values


def agreement_values(row: dict, stored: dict | None) -> dict:
    """Return an agreement's record values from a form row over the stored fields."""
    values = dict(stored or {})
    for name in GROUPS["agreement"]:
        values[name] = clean(row.get(name))
    values["status"] = values.get("status") or "planned"
    return values
