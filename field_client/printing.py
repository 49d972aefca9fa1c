"""Printing: a child's card (KMS page of the Buku KIA) and the posyandu's monthly report.

Each is a page of its own, laid out for A4 paper (``@media print`` in ``app.css``). The "Cetak"
button of the child page and of the monthly page opens it with ``?cetak=1``, and ``app.js`` then
prints it: ``window.print()`` in a browser; in the app's own window (pywebview on Qt, where
``window.print()`` does nothing) it asks ``POST /api/cetak/pdf``, which renders the window's page
with Qt's ``printToPdf`` (the renderer the launcher registers with :func:`set_pdf_renderer`) and
saves the PDF in the user's Documents folder (the data folder when that cannot be written).

The numbers are those of the screens they come from: the card reads ``RecordService.child_history``
as the child page does, the report ``RecordService.month_report`` as "Laporan bulanan" does.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from flask import Blueprint, abort, current_app, g, jsonify, render_template, request
from markupsafe import Markup

from shared import records as shared_records
from shared.growth.monitoring import is_bgm
from shared.i18n import t
from shared.indicators import COUNTS, INDICATORS

from .chart import chart_span, growth_chart
from .formats import format_date, format_number
from .service import RecordService, month_bounds

bp = Blueprint("printing", __name__)

RECENT_WEIGHINGS = 12  # the card's table: the last year of monthly weighings
REPORT_INDICATORS = ("ds", "ks", "nd", "bgm", "two_t")  # the SKDN percentages of the report
PDF_RENDERER = "posyandu_pdf_renderer"  # app.extensions key: () -> PDF bytes of the window's page
_PERIOD = re.compile(r"^(\d{4})-(\d{2})$")
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def _ctx():
    return current_app.extensions["posyandu"]


def _service() -> RecordService:
    return RecordService(_ctx().store, lang=g.get("lang", "id"), today=_ctx().today())


def _as_date(value: Any) -> date | None:
    try:
        return date.fromisoformat(str(value)[:10]) if value else None
    except ValueError:
        return None


def mask_nik(nik: Any) -> str:
    """Show only the last four digits of a NIK: ``•••• •••• •••• 1234``.

    A printed card leaves the posyandu (kept by the mother, shown at the puskesmas, photographed);
    the growth record does not need the number, and four digits are enough to match a card to
    the register. The full NIK stays on the device (UU 27/2022, personal data).
    """
    digits = "".join(ch for ch in str(nik or "") if ch.isdigit())
    if len(digits) < 8:
        return ""
    return "•••• •••• •••• " + digits[-4:]


def posyandu_name() -> str:
    """Return the name of the device's posyandu (its code when the facility was not pulled)."""
    store = _ctx().store
    names = []
    for code in (store.get_meta("scope") or {}).get("posyandu") or []:
        facility = store.get("facility", code)
        names.append(str(facility.fields.get("name") or code) if facility else code)
    return ", ".join(names)


def pdf_name(*parts: Any) -> str:
    """Return a safe file name (no folders, no spaces) for a PDF, without ``.pdf``."""
    text = "-".join(str(p) for p in parts if p not in (None, ""))
    return _UNSAFE.sub("-", text).strip(".-")[:80] or "posyandu"


# -- the child's card ------------------------------------------------------------------------


def immunisation_rows(visits: list[Any], doses: list[Any] = ()) -> list[dict[str, Any]]:
    """Return every programme antigen in schedule order with the first date it was given: the
    ``immunization`` records and the antigen lists of older visits, read as one list of doses
    (``shared.derive.immunisation_events``)."""
    from shared.derive import immunisation_events

    records = [("child_visit", v.fields) for v in visits]
    records += [("immunization", {**d.fields, "id": d.id}) for d in doses]
    given: dict[str, str] = {}
    for event in immunisation_events(records):  # earliest first
        given.setdefault(event.code, event.given_on.isoformat())
    return [
        {**antigen, "given_on": given.get(str(antigen["code"]))}
        for antigen in shared_records.antigens()
    ]


def card_charts(person: Any, history: list[dict[str, Any]]) -> list[tuple[str, Markup]]:
    """Return the BB/U (and PB/U) charts with the child's points, as on the child page."""
    sex = person.fields.get("sex")
    if sex not in ("M", "F"):
        return []
    points = {
        index: [(h["derived"].get("age_days"), h["record"].fields.get(field)) for h in history]
        for index, field in (("waz", "weight_kg"), ("lhaz", "length_cm"))
    }
    ages = [d for d, _ in points["waz"] if d is not None]
    birth = _as_date(person.fields.get("birth_date"))
    if birth is not None:
        ages.append((_ctx().today() - birth).days)
    until = chart_span(max(ages) if ages else None)
    return [
        (index, Markup(growth_chart(index, sex, points[index], g.lang, until)))
        for index in ("waz", "lhaz")
    ]


@bp.get("/balita/<person_id>/cetak")
def child_card(person_id: str):
    """The child's card for the Buku KIA: identity, BB/U chart, weighings and immunisations."""
    person = _ctx().store.get("person", person_id)
    if person is None:
        abort(404)
    history = _service().child_history(person)
    measured = [
        h
        for h in history
        if h["record"].fields.get("weight_kg") is not None
        or h["record"].fields.get("length_cm") is not None
    ]
    return render_template(
        "print_child.html",
        person=person,
        nik=mask_nik(person.fields.get("nik")),
        charts=card_charts(person, history),
        weighings=measured[-RECENT_WEIGHINGS:],
        immunisations=immunisation_rows(
            [h["record"] for h in history],
            _ctx().store.list("immunization", person_id=person_id),
        ),
        posyandu=posyandu_name(),
        printed_on=_ctx().today(),
        pdf_window=PDF_RENDERER in current_app.extensions,
        pdf_name=pdf_name("kartu-anak", person.fields.get("name"), _ctx().today().isoformat()),
    )


# -- the monthly report ----------------------------------------------------------------------


def parse_period(period: str) -> tuple[int, int]:
    """Return (year, month) of ``yyyy-mm``; 404 for anything else."""
    found = _PERIOD.match(period or "")
    if not found or not 1 <= int(found.group(2)) <= 12 or int(found.group(1)) < 2000:
        abort(404)
    return int(found.group(1)), int(found.group(2))


def month_register(report: dict[str, Any], year: int, month: int) -> dict[str, list]:
    """Return the children weighed in the month (D) with their last weighing and N/T/O/B, and
    the children of S not weighed, both by name, written out for the page (a posyandu's register
    can be long: the template only places the words)."""
    indicators, lang = report["indicators"], g.get("lang", "id")
    persons = {p["id"]: p for p in report["persons"]}
    last_visit = _last_weighings(report["recent_child_visits"], year, month)
    status_words = {s: t(f"client.print.nt.{s}", lang) for s in ("N", "T", "O", "B")}
    weighed = []
    for person_id, growth in indicators.children.items():
        person, visit = persons.get(person_id, {}), last_visit.get(person_id, {})
        bgm = is_bgm(visit.get("waz"), oedema=bool(visit.get("oedema")))  # as BGM is counted
        weighed.append(
            {
                "id": person_id,
                "name": str(person.get("name") or ""),
                "sex": {"M": "L", "F": "P"}.get(person.get("sex"), ""),
                "birth_date": format_date(person.get("birth_date")),
                "weighed_on": format_date(growth.weighed_on),
                "weight": format_number(growth.weight_kg, lang=lang),
                "status": growth.status,
                "status_text": status_words.get(growth.status, ""),
                "gain": "" if growth.gain_g is None else str(growth.gain_g),
                "remarks": " ".join(m for m, on in (("2T", growth.two_t), ("BGM", bgm)) if on),
            }
        )
    weighed.sort(key=lambda r: r["name"].lower())
    children = _service().children(month_bounds(year, month)[1], persons=report["persons"])
    missing = [c.fields for c in children if c.id not in indicators.children]
    return {"weighed": weighed, "not_weighed": missing}


def _last_weighings(visits: list[dict[str, Any]], year: int, month: int) -> dict[str, dict]:
    """Return each child's last visit of the month with a weight (the one SKDN classifies)."""
    first, last = (d.isoformat() for d in month_bounds(year, month))
    found: dict[str, dict[str, Any]] = {}
    for visit in visits:
        day = str(visit.get("visit_date") or "")
        if first <= day <= last and visit.get("weight_kg") is not None:
            known = found.get(visit["person_id"])
            if known is None or (day, visit["id"]) >= (known["visit_date"], known["id"]):
                found[visit["person_id"]] = visit
    return found


@bp.get("/laporan-bulanan/<period>/cetak")
def monthly_report(period: str):
    """The month's SKDN, its percentages and the register of the children weighed."""
    year, month = parse_period(period)
    report = _service().month_report(year, month)
    indicators = report["indicators"]
    return render_template(
        "print_monthly.html",
        indicators=indicators,
        count_labels=COUNTS,
        indicator_labels=[(k, label) for k, label in INDICATORS if k in REPORT_INDICATORS],
        month_label=f"{t(f'client.month.{month}', g.lang)} {year}",
        month_value=f"{year:04d}-{month:02d}",
        register=month_register(report, year, month),
        month_end=month_bounds(year, month)[1],
        posyandu=posyandu_name(),
        printed_on=_ctx().today(),
        pdf_window=PDF_RENDERER in current_app.extensions,
        pdf_name=pdf_name("laporan-bulanan", posyandu_name(), f"{year:04d}-{month:02d}"),
    )


# -- saving a PDF from the app's window --------------------------------------------------------


def set_pdf_renderer(app, renderer: Callable[[], bytes]) -> None:
    """Let the app save PDFs: ``renderer()`` returns the window's current page as PDF bytes."""
    app.extensions[PDF_RENDERER] = renderer


def documents_folder(home: Path | None = None) -> Path:
    """Return the user's Documents folder: ``~/Documents`` (``%USERPROFILE%\\Documents`` on
    Windows), or the folder a Linux desktop names in its own language (XDG user dirs)."""
    home = home or Path.home()
    dirs = home / ".config" / "user-dirs.dirs"
    try:
        for line in dirs.read_text(encoding="utf-8").splitlines():
            name, _, value = line.partition("=")
            if name.strip() == "XDG_DOCUMENTS_DIR":
                path = Path(value.strip().strip('"').replace("$HOME", str(home)))
                if path != home:
                    return path
    except OSError:
        pass
    return home / "Documents"


def write_pdf(data: bytes, name: str, fallback: Path) -> Path:
    """Write ``data`` as ``<name>.pdf`` in Documents (created if missing), else in ``fallback``;
    a name already taken gets ``-2``, ``-3``… Return the path written."""
    for folder in (documents_folder(), fallback):
        try:
            folder.mkdir(parents=True, exist_ok=True)
            for number in range(1, 1000):
                path = folder / (f"{name}.pdf" if number == 1 else f"{name}-{number}.pdf")
                try:
                    with open(path, "xb") as handle:  # never overwrite an earlier print
                        handle.write(data)
                    return path
                except FileExistsError:
                    continue
        except OSError:
            continue
    raise OSError(f"cannot write {name}.pdf")


def _problem(code: str, status: int):
    message = t(f"client.print.{code}", g.get("lang", "id"))
    return jsonify({"error": {"code": code, "message": message, "details": {}}}), status


@bp.post("/api/cetak/pdf")
def save_pdf():
    """Save the window's page as PDF; answer its path (404 when there is no app window)."""
    renderer = current_app.extensions.get(PDF_RENDERER)
    if renderer is None:
        return _problem("no_window", 404)
    body = request.get_json(silent=True) or {}
    name = pdf_name(body.get("name") or "posyandu")
    try:
        data = renderer()
    except NotImplementedError:  # a window whose own print works: the page calls print()
        return _problem("no_window", 404)
    except Exception:  # Qt failed or timed out: say so, the kader can try again
        current_app.logger.exception("printToPdf failed")
        return _problem("pdf_failed", 500)
    if not data:
        return _problem("pdf_failed", 500)
    fallback = Path(current_app.config["DATA_DIR"]) / "cetak"
    try:
        path = write_pdf(data, name, fallback)
    except OSError:
        return _problem("pdf_unwritable", 500)
    text = t("client.print.saved", g.get("lang", "id"), path=str(path))
    return jsonify({"path": str(path), "folder": str(path.parent), "message": text}), 201
