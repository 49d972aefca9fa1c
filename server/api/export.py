"""``/api/v1/export/fhir``: a month of posyandu services as a SATUSEHAT (FHIR R4) Bundle.

For puskesmas, dinas and admin accounts; the Bundle holds only what the caller may read, whatever
area it names (a puskesmas naming the kabupaten gets its own posyandu). See ``server/fhir/bundle.py``
for why the Bundle is a ``collection``.
"""

from __future__ import annotations

from flask import Response, current_app, g, request, stream_with_context
from marshmallow import Schema, fields

from server.api.blueprint import Blueprint
from server.auth import user_scope
from server.errors import ApiError, request_language
from server.extensions import db, token_auth
from server.fhir import messages  # noqa: F401  (registers the export's messages)
from server.fhir.bundle import (
    BadArea,
    BadPeriod,
    Export,
    bundle_text,
    check_period,
    gzipped,
    resolve_area,
)
from server.scope import FacilityIndex
from shared.calendar import zone
from shared.i18n import t
from shared.sync import schemas

blp = Blueprint(
    "export",
    __name__,
    url_prefix="/api/v1/export",
    description="Exports for other systems (SATUSEHAT FHIR R4)",
)

EXPORT_ROLES = frozenset({"puskesmas", "dinas", "admin"})


class FhirQuerySchema(Schema):
    # Checked in the view, so that a bad value is a 400 with a sentence, not a 422.
    period = fields.String(
        metadata={"description": "Month, YYYY-MM (required)", "example": "2026-10"}
    )
    area = fields.String(
        metadata={
            "description": "Kabupaten (4 digits), kecamatan (6) or desa (10) code, or a puskesmas "
            "or posyandu code; absent: everything the caller may read",
            "example": "6111",
        }
    )


def _bad(field: str, key: str, value: str) -> ApiError:
    shown = value if len(value) <= 40 else value[:40] + "…"
    message = t(key, request_language(), value=shown)
    return ApiError(400, "bad_request", {field: [message]}, message=message)


@blp.route("/fhir", methods=["GET"])
@blp.doc(security=[{"bearerAuth": []}])
@blp.arguments(FhirQuerySchema, location="query")
@blp.response(
    200,
    {"type": "object", "description": "FHIR R4 Bundle (resourceType Bundle, type collection)"},
    description="A FHIR R4 Bundle of type collection: Patient, Encounter, Observation, "
    "Immunization, Location, Organization (streamed; gzip when accepted)",
    content_type="application/fhir+json",
)
@blp.alt_response(400, schema=schemas.ErrorSchema, description="period or area not valid")
@blp.alt_response(403, schema=schemas.ErrorSchema, description="not a puskesmas, dinas or admin")
@token_auth.login_required
def fhir_bundle(query):
    """Stream the SATUSEHAT Bundle of a month and area, limited to the caller's scope."""
    if g.user.role not in EXPORT_ROLES:
        raise ApiError(
            403, "forbidden", message=t("server.fhir_export.forbidden", request_language())
        )
    try:
        period = check_period(query.get("period"))
    except BadPeriod:
        raise _bad("period", "server.fhir_export.bad_period", query.get("period") or "") from None
    facilities = FacilityIndex.load(db.session)
    try:
        area = resolve_area(db.session, query.get("area"), facilities)
    except BadArea:
        raise _bad("area", "server.fhir_export.bad_area", query.get("area") or "") from None
    scope = user_scope(db.session, g.user, facilities)
    local_zone = zone(current_app.config["LOCAL_TIMEZONE"])
    export = Export.plan(period, area, scope, facilities, local_zone)
    chunks = bundle_text(db.session, export)
    name = f"satusehat-{area.code or 'semua'}-{period}.json"
    headers = {"Content-Disposition": f'attachment; filename="{name}"'}
    if "gzip" in request.headers.get("Accept-Encoding", "").lower():
        chunks = gzipped(chunks)
        headers.update({"Content-Encoding": "gzip", "Vary": "Accept-Encoding"})
    response = Response(
        stream_with_context(chunks), mimetype="application/fhir+json", headers=headers
    )
    response.direct_passthrough = True  # streamed: not to be buffered by compress_response
    return response
