"""``/api/v1/indicators``: monthly indicators per unit, summed from the per-posyandu aggregates.

The numbers come from ``server.indicators.rollup.indicator_rows``, the same function the Pokjanal pages use.
"""

from __future__ import annotations

import json

from flask import Response, g
from marshmallow import Schema, fields, validate

from server.api.blueprint import Blueprint
from server.auth import user_scope
from server.errors import ApiError
from server.extensions import db, token_auth
from server.indicators import rollup

blp = Blueprint(
    "indicators",
    __name__,
    url_prefix="/api/v1/indicators",
    description="Monthly indicators by unit (kabupaten to posyandu)",
)

PERIOD = r"^[0-9]{4}-(0[1-9]|1[0-2])$"


class IndicatorQuerySchema(Schema):
    period = fields.String(
        required=True,
        validate=validate.Regexp(PERIOD),
        metadata={"description": "Month, YYYY-MM", "example": "2026-10"},
    )
    level = fields.String(required=True, validate=validate.OneOf(rollup.LEVELS))
    parent = fields.String(
        validate=validate.Length(1, 64),
        metadata={
            "description": "Code of a unit above the level: kabupaten or kecamatan code, "
            "puskesmas id, desa code"
        },
    )


class RatioSchema(Schema):
    numerator = fields.Integer(required=True)
    denominator = fields.Integer(required=True)


class IndicatorRowSchema(Schema):
    code = fields.String(required=True)
    name = fields.String(required=True)
    level = fields.String(required=True)
    indicators = fields.Dict(
        keys=fields.String(),
        values=fields.Nested(RatioSchema),
        metadata={
            "description": "shared/indicators keys: ds, ks, nd, "
            "nd_assessable, bgm, two_t, stunting, wasting, "
            "underweight, vitamin_a, kek, opened; ILP (shared/indicators/ilp.py): "
            "served_<cluster> (balita, usia_sekolah_remaja, dewasa, lansia, "
            "ibu_hamil_nifas), idl, ibl, dpt_dropout, imm_<antigen code>, "
            "tb_suspect_referred, ptm_screening, skilas, kf1, kf_complete, nifas_vitamin_a"
        },
    )
    counts = fields.Dict(
        keys=fields.String(),
        values=fields.Integer(),
        metadata={"description": "S, K, D, N, T, O, B, BGM, 2T"},
    )
    extra = fields.Dict(
        metadata={
            "description": "immunizations by antigen, vitamin A capsules "
            "given; above posyandu level births, deaths and desa reports"
        }
    )
    reporting = fields.Nested(
        RatioSchema,
        metadata={"description": "posyandu that opened in the month / posyandu in the unit"},
    )
    posyandu_strata = fields.Dict(keys=fields.String(), values=fields.Integer())
    odf_desa = fields.Nested(
        RatioSchema,
        allow_none=True,
        metadata={"description": "desa ODF or STBM / desa in the unit (null for a posyandu)"},
    )
    uci_desa = fields.Nested(
        RatioSchema,
        allow_none=True,
        metadata={
            "description": "desa with IDL >= 80% (UCI) / desa in the unit (null for a posyandu)"
        },
    )


class IndicatorResponseSchema(Schema):
    period = fields.String(required=True)
    level = fields.String(required=True)
    parent = fields.String(allow_none=True)
    rows = fields.List(fields.Nested(IndicatorRowSchema), required=True)


@blp.route("", methods=["GET"])
@blp.doc(security=[{"bearerAuth": []}])
@blp.arguments(IndicatorQuerySchema, location="query")
@blp.response(200, IndicatorResponseSchema)
@token_auth.login_required
def indicators(query):
    """Return one row per unit of ``level`` inside ``parent``, limited to the caller's scope."""
    scope = user_scope(db.session, g.user)
    parent = query.get("parent")
    try:
        rows = rollup.indicator_rows(db.session, scope, query["period"], query["level"], parent)
    except rollup.UnknownParent:
        raise ApiError(422, "validation_error", {"parent": ["unknown unit"]}) from None
    except ValueError:
        raise ApiError(422, "validation_error", {"period": ["YYYY-MM"]}) from None
    body = {"period": query["period"], "level": query["level"], "parent": parent, "rows": rows}
    return Response(
        json.dumps(body, separators=(",", ":"), ensure_ascii=False), mimetype="application/json"
    )
