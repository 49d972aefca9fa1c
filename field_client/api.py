"""The local JSON API the pages (and browser tests and automation) use.

Field names are those of ``shared.records``. Errors have the protocol's shape:
``{"error": {"code", "message", "details"}}``; invalid input is 422 with per-field messages.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, g, jsonify, request

from shared import records as shared_records
from shared import strict_json
from shared.i18n import t

from . import security
from .formats import format_instant
from .service import (
    Invalid,
    PossibleDuplicate,
    ReadOnlyKind,
    RecordService,
    UnknownKind,
    check_kind,
)
from .store import RecordNotFound, StoreError, set_author
from .sync import SyncError

bp = Blueprint("api", __name__, url_prefix="/api")

LIST_FILTERS = ("person_id", "pregnancy_id", "posyandu_id")
MAX_LIST = 5000


def ctx():
    """Return the app's store, agent and auto-sync."""
    return current_app.extensions["posyandu"]


@bp.before_app_request
def name_the_author() -> None:
    """Make this request's saves the unlocked kader's (several kader share one laptop): the
    outbox records who, and the push tells the server. Not unlocked (the launch-token API):
    the device's own account."""
    context = current_app.extensions.get("posyandu")
    set_author(security.unlocked_user(context) if context is not None else None)


@bp.teardown_app_request
def forget_the_author(_exc: BaseException | None = None) -> None:
    """Leave no author behind for the next request of this thread."""
    set_author(None)


def service() -> RecordService:
    """Return the record service in the request's language."""
    return RecordService(ctx().store, lang=g.get("lang", "id"))


def error(
    code: str, status: int, details: dict[str, Any] | None = None, message: str | None = None
):
    """Return an error response in the protocol's shape."""
    text = message or t(f"client.error.{code}", g.get("lang", "id"))
    return jsonify({"error": {"code": code, "message": text, "details": details or {}}}), status


def body() -> dict[str, Any]:
    """Return the JSON object in the request body (raising Invalid for anything else)."""
    raw = request.get_data(cache=True)
    lang = g.get("lang", "id")
    try:  # strictly, as the server reads: what the store could not hold is refused here
        data = strict_json.parse_strictly(raw) if request.is_json else None
    except (strict_json.NonFinite, strict_json.TooLarge):
        raise Invalid({"_schema": [t("client.error.json_number", lang)]}) from None
    except (RecursionError, ValueError):  # nested too deep, or not JSON
        data = None
    if data is not None and strict_json.has_lone_surrogate(raw, data):
        raise Invalid({"_schema": [t("client.error.json_surrogate", lang)]})
    if not isinstance(data, dict):
        raise Invalid(
            {"_schema": [t("client.error.json_object", g.get("lang", "id"))]}, code="bad_request"
        )
    return data


# A value the child's own history contradicts can be saved once re-measured: a conflict with
# what is stored (409), not malformed input (422).
INVALID_STATUS = {"bad_request": 400, "needs_remeasure": 409}


@bp.errorhandler(Invalid)
def _invalid(exc: Invalid):
    return error(exc.code, INVALID_STATUS.get(exc.code, 422), exc.errors)


@bp.errorhandler(PossibleDuplicate)
def _possible_duplicate(exc: PossibleDuplicate):
    response, status = error("possible_duplicate", 409)
    payload = response.get_json()
    payload["error"]["candidates"] = exc.candidates
    return jsonify(payload), status


@bp.errorhandler(UnknownKind)
@bp.errorhandler(RecordNotFound)
@bp.errorhandler(LookupError)
def _not_found(exc: Exception):
    return error("not_found", 404)


@bp.errorhandler(ReadOnlyKind)
def _read_only(exc: ReadOnlyKind):
    return error("read_only", 405)


@bp.errorhandler(StoreError)
def _store_error(exc: StoreError):
    return error("bad_request", 400, message=str(exc))


def confirmed(data: dict[str, Any]) -> bool:
    """Tell whether the kader confirmed re-measuring an implausible value (``_confirm``)."""
    return data.get("_confirm") is True or request.args.get("confirm") in ("1", "true")


def different_person(data: dict[str, Any]) -> bool:
    """Tell whether the kader chose "Orang yang berbeda, tetap simpan" (``_different_person``)."""
    return data.get("_different_person") is True


@bp.get("/records/<kind>")
def list_records(kind: str):
    """List records of a kind, filtered by person, pregnancy, posyandu, dates or a search."""
    check_kind(kind)
    args = request.args
    filters = {key: args[key] for key in LIST_FILTERS if args.get(key)}
    try:
        limit = min(int(args.get("limit", MAX_LIST)), MAX_LIST)
    except ValueError:
        limit = MAX_LIST
    found = ctx().store.list(
        kind,
        date_from=args.get("from") or None,
        date_to=args.get("to") or None,
        search=args.get("q") or None,
        limit=limit,
        newest_first=args.get("order") == "newest",
        **filters,
    )
    return jsonify({"records": [r.to_dict() for r in found], "count": len(found)})


@bp.post("/records/<kind>")
def create_record(kind: str):
    """Create a record (validated; saved together with its outbox mutation)."""
    check_kind(kind, write=True)
    data = body()
    records = service()
    if kind == "person" and not different_person(data):
        records.check_new_person(data)  # 409 with the candidates: the kader must choose
    record = records.create(kind, data, confirm=confirmed(data))
    return jsonify(record.to_dict()), 201


@bp.get("/records/<kind>/<record_id>")
def get_record(kind: str, record_id: str):
    """Return one record."""
    check_kind(kind)
    record = ctx().store.get(kind, record_id)
    if record is None:
        raise LookupError(record_id)
    return jsonify(record.to_dict())


@bp.patch("/records/<kind>/<record_id>")
def update_record(kind: str, record_id: str):
    """Change some fields of a record (the whole record is validated again)."""
    check_kind(kind, write=True)
    data = body()
    record = service().update(kind, record_id, data, confirm=confirmed(data))
    return jsonify(record.to_dict())


@bp.delete("/records/<kind>/<record_id>")
def delete_record(kind: str, record_id: str):
    """Delete a record (a tombstone; the delete is synced)."""
    check_kind(kind, write=True)
    service().delete(kind, record_id)
    return "", 204


@bp.post("/records/<kind>/<record_id>/restore")
def restore_record(kind: str, record_id: str):
    """Undo a delete ("Urungkan"): the record comes back with all its fields (synced)."""
    check_kind(kind, write=True)
    record = service().restore(kind, record_id)
    return jsonify(record.to_dict())


@bp.get("/flags")
def flags():
    """List the values kaders confirmed after re-measuring (local flags on visits)."""
    return jsonify({"flags": ctx().store.flags()})


@bp.post("/records/<kind>/derive")
def derive_record(kind: str):
    """Return the derived values of unsaved inputs (IMT, KEK...) without saving them."""
    check_kind(kind, write=True)
    data = body()
    return jsonify({"derived": service().derive(kind, data, exclude_id=data.get("id"))})


@bp.get("/persons/duplicates")
def person_duplicates():
    """List people who are likely the one being registered (NIK, similar name, birth, mother)."""
    found = service().duplicate_candidates(request.args.to_dict())
    return jsonify({"candidates": found, "count": len(found)})


@bp.post("/growth/preview")
def growth_preview():
    """Assess unsaved child-visit inputs: z-scores, categories, N/T, BGM and 2T alerts."""
    return jsonify(service().growth_preview(body()))


@bp.get("/kinds")
def kinds():
    """Describe the record kinds and their fields (labels in the request's language)."""
    from .forms import kind_form

    lang = g.get("lang", "id")
    return jsonify({kind: kind_form(kind, lang) for kind in shared_records.KINDS})


@bp.get("/desa-report/facts")
def desa_report_facts():
    """Count a desa's births and deaths in a month from this device's records (``desa_code``,
    ``period``): what a new desa report starts from."""
    from .desa_report import month_facts

    args = request.args
    return jsonify(month_facts(ctx().store, args.get("desa_code"), args.get("period")))


@bp.post("/sync")
def start_sync():
    """Start a sync in the background (the "Kirim sekarang" button)."""
    started = ctx().start_sync()
    return jsonify({"started": started, **sync_state()}), 202


def sync_state() -> dict[str, Any]:
    """Return the agent's status plus the last sync written in the device's local time."""
    status = ctx().agent.status()
    text = format_instant(status.get("last_sync_at"), ctx().store, g.get("lang", "id"))
    return {**status, "last_sync_text": text}


@bp.get("/sync/status")
def sync_status():
    """Return pending, quarantined, last sync, last error, progress and clock offset."""
    return jsonify(sync_state())


@bp.get("/sync/outbox")
def outbox():
    """List quarantined mutations (with the server's reasons) and reported conflicts."""
    store = ctx().store
    return jsonify(
        {"quarantined": [m.to_dict() for m in store.quarantined()], "conflicts": store.conflicts()}
    )


@bp.post("/sync/quarantine/<int:seq>/resend")
def resend(seq: int):
    """Queue a fixed quarantined mutation again under a new seq."""
    new_seq = service().resend(seq, body().get("fields") or {})
    return jsonify({"seq": new_seq})


@bp.post("/sync/quarantine/<int:seq>/discard")
def discard(seq: int):
    """Give up a rejected mutation; the server's version comes back at the next sync."""
    ctx().store.discard_quarantined(seq)
    return jsonify({"discarded": seq})


@bp.post("/sync/conflicts/<conflict_id>/resolve")
def resolve_conflict(conflict_id: str):
    """Decide a conflict on the server (a reviewer, online): keep one value (``choice``)."""
    choice = body().get("choice")
    if choice not in ("winner", "loser"):
        raise Invalid({"choice": [t("client.error.conflict_choice", g.get("lang", "id"))]})
    return _review(conflict_id, lambda agent, cid: agent.resolve_conflict(cid, choice))


@bp.post("/sync/conflicts/<conflict_id>/reopen")
def reopen_conflict(conflict_id: str):
    """Reopen a decided conflict on the server (a reviewer, online)."""
    body()
    return _review(conflict_id, lambda agent, cid: agent.reopen_conflict(cid))


def _review(conflict_id: str, act):
    """Run a reviewer's action on the server, then sync so the value in use comes here too."""
    if not conflict_id.isdigit() or len(conflict_id) > 12:
        return error("not_found", 404)  # a notice from a push answer: the server has not listed it
    answer = act(ctx().agent, conflict_id)
    try:
        ctx().agent.sync()  # a short pull: the page then shows the record as it now stands
    except SyncError:
        ctx().start_sync()  # another sync is running (it will pull it), or the link dropped
    return jsonify(answer)


@bp.errorhandler(SyncError)
def _sync_error(exc: SyncError):
    from .auth import sync_error_text

    return error(
        exc.code,
        502 if exc.code in ("offline", "timeout") else 400,
        message=sync_error_text(exc, g.get("lang", "id")),
    )
