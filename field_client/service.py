"""What the pages and the local API do with records: validate, derive, save, search, report.

Views stay thin: they call these functions, which call ``shared`` for the domain rules (record
kinds, growth, indicators) and the :class:`~field_client.store.Store` for persistence.
"""

from __future__ import annotations

import calendar
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from types import SimpleNamespace
from typing import Any

from shared import records as shared_records
from shared.derive import derive_adult_visit, derive_anc_visit
from shared.growth import GrowthInputError, assess
from shared.growth.monitoring import (
    DEFAULT_RULES,
    age_in_completed_months,
    classify_weighing,
    is_bgm,
    monthly_growth,
)
from shared.i18n import t

from . import ilp, plausibility
from .duplicates import Candidate, find_candidates
from .formats import format_date, iso_date_or_same
from .names import clean_input
from .store import Record, Store

CHILD_MAX_MONTHS = 59
KEK_MUAC_BELOW_CM = 23.5
HYPERTENSION = (140, 90)
ANAEMIA_HB_BELOW = 11.0
GROWTH_INPUTS = ("weight_kg", "length_cm", "position", "head_cm", "muac_cm", "oedema")
Z_KEYS = ("waz", "lhaz", "wlhz", "baz", "hcz", "acz")
CLOCK_WARNING_SECONDS = 300
MEASURES = ("weight_kg", "length_cm", "head_cm", "muac_cm")
ILP_DERIVED = ("youth_visit", "postpartum_visit", "tb_screening")
BBLR_BELOW_KG = 2.5  # BRIEF §1.6: birth weight < 2.5 kg = BBLR (berat badan lahir rendah)


class Invalid(Exception):
    """Input a kader must correct; ``errors`` is ``{field: [sentences]}``."""

    def __init__(self, errors: Mapping[str, list[str]], code: str = "validation_error"):
        super().__init__(code)
        self.errors = {k: list(v) for k, v in errors.items()}
        self.code = code


class PossibleDuplicate(Exception):
    """A registration that looks like a person already on the device (``candidates``)."""

    def __init__(self, candidates: list[dict[str, Any]]):
        super().__init__("possible_duplicate")
        self.candidates = candidates


class UnknownKind(LookupError):
    """A kind that ``shared.records`` does not define."""


class ReadOnlyKind(Exception):
    """A reference kind (wilayah, facility): pulled from the server, never edited here."""


def editable_kinds() -> tuple[str, ...]:
    """Return the kinds a device may create and edit."""
    return tuple(k for k in shared_records.KINDS if k not in shared_records.REFERENCE_KINDS)


def check_kind(kind: str, *, write: bool = False) -> None:
    """Raise UnknownKind / ReadOnlyKind unless ``kind`` can be used that way."""
    if kind not in shared_records.KINDS:
        raise UnknownKind(kind)
    if write and kind in shared_records.REFERENCE_KINDS:
        raise ReadOnlyKind(kind)


def is_bblr(fields: Mapping[str, Any]) -> bool | None:
    """Tell whether a person was born with low birth weight (None when it was not recorded)."""
    weight = fields.get("birth_weight_kg")
    if weight is None or isinstance(weight, bool) or not isinstance(weight, int | float):
        return None
    return float(weight) < BBLR_BELOW_KG


def _as_date(value: Any) -> date | None:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value)[:10]) if value else None
    except ValueError:
        return None


@dataclass
class RecordService:
    """Record operations for one device store, in one language."""

    store: Store
    lang: str = "id"
    today: date | None = None

    # -- context and defaults ----------------------------------------------------------------

    def person(self, person_id: Any) -> dict[str, Any] | None:
        """Return a person's fields (with id), or None."""
        if not person_id:
            return None
        record = self.store.get("person", str(person_id))
        return None if record is None else {**record.fields, "id": record.id}

    def context(self, kind: str, data: Mapping[str, Any]) -> dict[str, Any]:
        """Return the related records a kind's validation needs (the person of a visit)."""
        context: dict[str, Any] = {}
        pregnancy = None
        if data.get("pregnancy_id"):
            found = self.store.get("pregnancy", str(data["pregnancy_id"]))
            if found is not None:
                pregnancy = {**found.fields, "id": found.id}
                context["pregnancy"] = pregnancy
        person = self.person(data.get("person_id") or (pregnancy or {}).get("person_id"))
        if person is not None:
            context["person"] = person
        if kind == "desa_report" and data.get("desa_code") and data.get("period"):
            from .desa_report import month_facts

            facts = month_facts(self.store, str(data["desa_code"]), str(data["period"]))
            context["desa_month"] = {"registered_births": facts["births_live"]}
        return context

    def defaults(self, kind: str, data: dict[str, Any]) -> dict[str, Any]:
        """Fill the record's scope key from the signed-in user's scope when it has one value."""
        data = dict(data)
        scope_field = shared_records.spec(kind).scope_field
        if scope_field and not data.get(scope_field):
            scope = self.store.get_meta("scope") or {}
            plural = {
                "posyandu_id": "posyandu",
                "desa_code": "desa",
                "kecamatan_code": "kecamatan",
                "puskesmas_id": "puskesmas",
            }.get(scope_field)
            values = scope.get(plural) if plural else None
            if isinstance(values, list) and len(values) == 1:
                data[scope_field] = values[0]
            elif scope_field != "posyandu_id" and data.get("posyandu_id"):
                pass
        if kind != "person" and scope_field == "posyandu_id" and not data.get("posyandu_id"):
            related = self.context(kind, data).get("person") or {}
            if related.get("posyandu_id"):
                data["posyandu_id"] = related["posyandu_id"]
        return data

    # -- validation and derived values -----------------------------------------------------------

    def validate(self, kind: str, data: Mapping[str, Any]) -> dict[str, Any]:
        """Return the record's JSON-ready values, or raise Invalid with sentences in our language.

        Dates may come as the kader writes them (dd/mm/yyyy) as well as ISO; invisible format
        characters are removed from the text first (:func:`field_client.names.clean_input`).
        """
        data = clean_input(data)
        dates = _date_fields(kind)
        data = {k: iso_date_or_same(v) if k in dates else v for k, v in data.items()}
        result = shared_records.validate(
            kind, dict(data), context=self.context(kind, data), lang=self.lang, today=self.today
        )
        if not result.ok:
            errors = dict(result.errors)
            for name in errors.keys() & dates:
                if isinstance(data.get(name), str) and _as_date(data[name]) is None:
                    label = shared_records.field_label(kind, name, self.lang)
                    errors[name] = [t("client.error.date_format", self.lang, field=label)]
            raise Invalid(errors)
        return dict(result.values)

    def derive(
        self, kind: str, fields: Mapping[str, Any], *, exclude_id: str | None = None
    ) -> dict[str, Any]:
        """Compute the display-only derived values of a record (never sent to the server)."""
        if kind == "child_visit":
            person = self.person(fields.get("person_id"))
            if person is None:
                return {}
            try:
                return self.child_assessment(person, fields, exclude_id=exclude_id)
            except GrowthInputError:
                return {}
        if kind == "anc_visit":
            return anc_alerts(fields, self.context(kind, fields).get("pregnancy"))
        if kind == "adult_visit":
            return adult_derived(fields)
        if kind == "person":
            return {"bblr": is_bblr(fields)}
        if kind in ILP_DERIVED:
            return ilp.derive(self.store, kind, fields, self.lang)
        return {}

    def child_assessment(
        self, person: Mapping[str, Any], inputs: Mapping[str, Any], *, exclude_id: str | None = None
    ) -> dict[str, Any]:
        """Assess a child's measurement: z-scores, categories, N/T vs last month, BGM, 2T."""
        visit_date = _as_date(inputs.get("visit_date"))
        if visit_date is None:
            raise GrowthInputError("growth.bad_date", "measured_on", value=inputs.get("visit_date"))
        args = {k: inputs.get(k) for k in GROWTH_INPUTS if inputs.get(k) not in (None, "")}
        if "length_cm" not in args:
            args.pop("position", None)
        args["oedema"] = bool(args.get("oedema", False))
        assessment = assess(person.get("sex"), person.get("birth_date"), visit_date, **args)
        derived = assessment.to_dict()
        derived["levels"] = {
            key: category_level(key, derived.get(key)) for key in ("waz", "lhaz", "wlhz", "baz")
        }
        derived["bgm"] = (
            is_bgm(assessment.waz, oedema=args["oedema"])
            if assessment.waz is not None or args["oedema"]
            else False
        )
        growth = None
        birth = _as_date(person.get("birth_date"))
        weight = args.get("weight_kg")
        if weight is not None and birth is not None:
            history = self.weighings(person["id"], exclude_id=exclude_id)
            month = classify_weighing(birth, visit_date, float(weight), history, DEFAULT_RULES)
            previous = [
                w for w in history if (w[0].year, w[0].month) < (visit_date.year, visit_date.month)
            ]
            growth = {
                "status": month.status,
                "gain_g": month.gain_g,
                "kbm_g": month.kbm_g,
                "two_t": month.two_t,
                "previous": None
                if not previous
                else {"date": previous[-1][0].isoformat(), "weight_kg": previous[-1][1]},
            }
        derived["growth"] = growth
        derived.update(
            growth_status=(growth or {}).get("status"),
            growth_gain_g=(growth or {}).get("gain_g"),
            kbm_g=(growth or {}).get("kbm_g"),
            two_t=bool((growth or {}).get("two_t")),
        )
        derived["alerts"] = self.child_alerts(derived)
        return derived

    def child_alerts(self, derived: Mapping[str, Any]) -> list[dict[str, str]]:
        """List the alerts a kader must see for a child's measurement."""
        alerts = []
        growth = derived.get("growth") or {}
        if derived.get("implausible"):
            alerts.append(("implausible", "danger"))
        if derived.get("bgm"):
            alerts.append(("bgm", "danger"))
        if growth.get("two_t"):
            alerts.append(("two_t", "danger"))
        elif growth.get("status") == "T":
            alerts.append(("t", "warning"))
        if "oedema" in (derived.get("flags") or ()):
            alerts.append(("oedema", "danger"))
        if derived.get("acz") is not None and derived.get("acz") < -3:
            alerts.append(("muac_low", "danger"))
        return [
            {"code": code, "level": level, "message": t(f"client.alert.{code}", self.lang)}
            for code, level in alerts
        ]

    def weighings(
        self, person_id: str, *, exclude_id: str | None = None
    ) -> list[tuple[date, float]]:
        """Return a child's saved weighings (date, kg) in date order."""
        out = []
        for visit in self.store.list("child_visit", person_id=person_id):
            on = _as_date(visit.fields.get("visit_date"))
            weight = visit.fields.get("weight_kg")
            if visit.id != exclude_id and on is not None and weight is not None:
                out.append((on, float(weight)))
        return sorted(out)

    def growth_preview(self, data: Mapping[str, Any]) -> dict[str, Any]:
        """Assess unsaved inputs of a child visit (the live preview of the visit form).

        A value outside the field's hard limits (95 kg for a toddler) gets its error and no
        z-score at all: it cannot be saved, so nothing may suggest confirming it.
        """
        data = {k: iso_date_or_same(v) for k, v in data.items()}
        errors = self.hard_limits(data)
        if errors:
            return {"hard_limit": True, "errors": errors, "implausible": False, "alerts": []}
        person = self.person(data.get("person_id")) or {}
        visit_id = data.get("visit_id") or data.get("id")
        person = {
            "id": person.get("id") or "",
            "sex": data.get("sex") or person.get("sex"),
            "birth_date": data.get("birth_date") or person.get("birth_date"),
        }
        try:
            result = self.child_assessment(person, data, exclude_id=visit_id)
        except GrowthInputError as exc:
            raise Invalid({exc.field: [exc.message(self.lang)]}) from exc
        found = self.history_check(data, person["id"], visit_id) if person["id"] else []
        confirmed = bool(found) and self.already_confirmed(visit_id, found)
        result.update(hard_limit=False, needs_remeasure=bool(found) and not confirmed)
        result["history"] = [c.message(self.lang) for c in found]
        result["alerts"] += [
            {"code": "history", "level": "warning", "message": c.message(self.lang)} for c in found
        ]
        return result

    def hard_limits(self, data: Mapping[str, Any]) -> dict[str, list[str]]:
        """Return the errors of the measurements that no confirmation can save (range, type)."""
        measures = {k: data[k] for k in MEASURES if data.get(k) not in (None, "")}
        if not measures:
            return {}
        result = shared_records.validate(
            "child_visit", {**data, **measures}, lang=self.lang, today=self.today
        )
        return {k: list(v) for k, v in result.errors.items() if k in measures}

    def history_check(
        self, values: Mapping[str, Any], person_id: str, visit_id: str | None
    ) -> list[plausibility.Contradiction]:
        """Check a child's measurement against the child's other visits."""
        history = [
            v.fields
            for v in self.store.list("child_visit", person_id=person_id)
            if v.id != visit_id
        ]
        return plausibility.check(values, history)

    # -- writes ------------------------------------------------------------------------------------

    def create(self, kind: str, data: Mapping[str, Any], *, confirm: bool = False) -> Record:
        """Validate and save a new record with its outbox mutation."""
        check_kind(kind, write=True)
        doses = data.get(ilp.DOSES_FIELD) if kind == "child_visit" else None
        data = self.defaults(kind, clean_input(_own_fields(data)))
        record_id = str(data.get("id") or uuid.uuid4())
        data["id"] = record_id
        if self.store.get(None, record_id, include_deleted=True) is not None:
            raise Invalid({"id": [t("client.error.id_taken", self.lang)]})
        values = self.validate(kind, data)
        self.check_immunization(kind, values, record_id)
        derived = self.derive(kind, values, exclude_id=record_id)
        self._check_plausible(derived, confirm)
        flags = self._remeasure_flags(kind, values, record_id, derived, confirm)
        values = _with_remeasured(values, flags)
        dose_records = self.visit_doses(values, doses)
        record, _ = self.store.save(kind, record_id, values, derived, flags=flags)
        self.save_doses(dose_records)
        return record

    def check_immunization(self, kind: str, values: Mapping[str, Any], record_id: str) -> None:
        """Refuse an ``immunization`` record the schedule says is invalid, with the reason."""
        if kind != "immunization":
            return
        person = self.person(values.get("person_id")) or {}
        on = _as_date(values.get("given_on"))
        codes = [str(values.get("antigen"))]
        _, refused = ilp.check_doses(self.store, person, codes, on, self.lang, record_id)
        if refused:
            raise Invalid({"antigen": refused})

    def visit_doses(self, visit: Mapping[str, Any], doses: Any) -> list[dict[str, Any]]:
        """Judge the doses ticked on a child visit (``_doses``) for the visit's date; return
        their validated ``immunization`` records, or raise Invalid naming each refused dose."""
        if doses in (None, []):
            return []
        if not isinstance(doses, list) or not all(isinstance(c, str) for c in doses):
            raise Invalid({ilp.DOSES_FIELD: [t("client.ilp.dose_list", self.lang)]})
        person = self.person(visit.get("person_id")) or {}
        on = _as_date(visit.get("visit_date"))
        accepted, refused = ilp.check_doses(self.store, person, doses, on, self.lang)
        if refused:
            raise Invalid({ilp.DOSES_FIELD: refused})
        return [self.validate("immunization", r) for r in ilp.dose_records(person, accepted, on)]

    def save_doses(self, dose_records: list[dict[str, Any]]) -> None:
        """Save the validated ``immunization`` records of a visit's doses (each synced)."""
        for values in dose_records:
            self.store.save("immunization", values["id"], values, {})

    def update(
        self, kind: str, record_id: str, patch: Mapping[str, Any], *, confirm: bool = False
    ) -> Record:
        """Validate the record with ``patch`` applied and save the changed fields."""
        check_kind(kind, write=True)
        current = self.store.get(kind, record_id)
        if current is None:
            raise LookupError(record_id)
        doses = patch.get(ilp.DOSES_FIELD) if kind == "child_visit" else None
        data = {**current.fields, **clean_input(_own_fields(patch)), "id": record_id}
        values = self.validate(kind, data)
        self.check_immunization(kind, values, record_id)
        derived = self.derive(kind, values, exclude_id=record_id)
        self._check_plausible(derived, confirm)
        flags = self._remeasure_flags(kind, values, record_id, derived, confirm)
        values = _with_remeasured(values, flags)
        dose_records = self.visit_doses(values, doses)
        record, _ = self.store.save(kind, record_id, values, derived, flags=flags)
        self.save_doses(dose_records)
        return record

    def delete(self, kind: str, record_id: str) -> None:
        """Tombstone a record (a delete mutation goes to the server)."""
        check_kind(kind, write=True)
        self.store.delete(kind, record_id)

    def restore(self, kind: str, record_id: str) -> Record:
        """Undo a delete: the record comes back with every field (an upsert goes to the server)."""
        check_kind(kind, write=True)
        record, _ = self.store.restore(kind, record_id)
        return record

    def _remeasure_flags(
        self,
        kind: str,
        values: Mapping[str, Any],
        record_id: str,
        derived: Mapping[str, Any],
        confirm: bool,
    ) -> dict[str, dict[str, Any]] | None:
        """Refuse a child's value its own history contradicts, unless re-measured; return the
        visit's flags (``remeasured`` with the reasons the kader confirmed, or none)."""
        if kind != "child_visit":
            return None
        found = self.history_check(values, str(values.get("person_id")), record_id)
        if found and not confirm and not self.already_confirmed(record_id, found):
            errors: dict[str, list[str]] = {}
            for contradiction in found:
                errors.setdefault(contradiction.field, []).append(contradiction.message(self.lang))
            raise Invalid(errors, code="needs_remeasure")
        reasons = [c.to_dict() for c in found]
        if derived.get("implausible"):
            reasons += [
                {"rule": flag}
                for flag in derived.get("flags", ())
                if flag.startswith("implausible")
            ]
        return {"remeasured": {"reasons": reasons}} if reasons else {}

    def already_confirmed(
        self, record_id: str | None, found: list[plausibility.Contradiction]
    ) -> bool:
        """Tell whether the kader already confirmed these very values of this visit (an edit of
        its notes must not ask again)."""
        if not record_id:
            return False
        confirmed = {
            (reason.get("rule"), reason.get("field"), reason.get("value"))
            for flag in self.store.flags([record_id])
            if flag["code"] == "remeasured"
            for reason in flag["details"].get("reasons", ())
        }
        return all((c.rule, c.field, c.value) in confirmed for c in found)

    def resend(self, seq: int, corrected: Mapping[str, Any]) -> int:
        """Fix a quarantined mutation and queue it again under a new seq."""
        entry = next((m for m in self.store.quarantined() if m.seq == seq), None)
        if entry is None:
            raise LookupError(seq)
        if entry.op == "upsert":
            current = self.store.get(entry.kind, entry.id, include_deleted=True)
            base = {} if current is None else current.fields
            values = self.validate(
                entry.kind, {**base, **entry.fields, **corrected, "id": entry.id}
            )
            changed = {
                k: v
                for k, v in values.items()
                if k in entry.fields or k in corrected or base.get(k) != v
            }
            return self.store.resend_quarantined(
                seq, changed, self.derive(entry.kind, values, exclude_id=entry.id)
            )
        return self.store.resend_quarantined(seq, {})

    def _check_plausible(self, derived: Mapping[str, Any], confirm: bool) -> None:
        if derived.get("implausible") and not confirm:
            fields = {
                flag.removeprefix("implausible_")
                for flag in derived.get("flags", ())
                if flag.startswith("implausible_")
            }
            source = {
                "waz": "weight_kg",
                "wlhz": "weight_kg",
                "baz": "weight_kg",
                "lhaz": "length_cm",
                "hcz": "head_cm",
                "acz": "muac_cm",
            }
            message = t("client.error.implausible", self.lang)
            raise Invalid(
                {source.get(f, f): [message] for f in sorted(fields)} or {"weight_kg": [message]},
                code="implausible",
            )

    # -- reading for pages ---------------------------------------------------------------------------

    def find_duplicates(self, data: Mapping[str, Any]) -> list[Candidate]:
        """Return people who are likely the one in ``data`` (see :mod:`field_client.duplicates`)."""
        data = clean_input(data)
        return find_candidates(
            self.store, {**data, "birth_date": iso_date_or_same(data.get("birth_date"))}
        )

    def duplicate_candidates(self, data: Mapping[str, Any]) -> list[dict[str, Any]]:
        """Return the likely duplicates as the registration page shows them."""
        out = []
        for candidate in self.find_duplicates(data):
            fields = candidate.fields
            last = self.store.last_visit(candidate.id)
            out.append(
                {
                    "id": candidate.id,
                    "name": fields.get("name"),
                    "birth_date": fields.get("birth_date"),
                    "birth_date_text": format_date(fields.get("birth_date")),
                    "mother_name": fields.get("mother_name"),
                    "nik": fields.get("nik"),
                    "last_visit": last,
                    "last_visit_text": format_date(last),
                    "reasons": list(candidate.reasons),
                    "url": f"/orang/{candidate.id}",
                }
            )
        return out

    def check_new_person(self, data: Mapping[str, Any]) -> None:
        """Raise Invalid for a wrong registration, PossibleDuplicate for a likely duplicate."""
        cleaned = self.defaults("person", clean_input(_own_fields(data)))
        values = self.validate("person", {**cleaned, "id": cleaned.get("id") or str(uuid.uuid4())})
        found = self.duplicate_candidates({**values, "id": cleaned.get("id")})
        if found:
            raise PossibleDuplicate(found)

    def child_history(self, person: Record) -> list[dict[str, Any]]:
        """Return a child's visits, oldest first, each with its month's N/T classification."""
        visits = self.store.list("child_visit", person_id=person.id)
        birth = _as_date(person.fields.get("birth_date"))
        weighings = [
            (d, float(v.fields["weight_kg"]))
            for v in visits
            if (d := _as_date(v.fields.get("visit_date"))) is not None
            and v.fields.get("weight_kg") is not None
        ]
        months = monthly_growth(birth, weighings) if birth else {}
        out = []
        for visit in visits:
            derived = dict(visit.derived)
            if not derived and birth is not None:
                derived = self.derive("child_visit", visit.fields, exclude_id=visit.id)
            on = _as_date(visit.fields.get("visit_date"))
            month = months.get((on.year, on.month)) if on else None
            out.append(
                {
                    "record": visit,
                    "derived": derived,
                    "month": None if month is None or month.weighed_on != on else month,
                }
            )
        return out

    def month_report(self, year: int, month: int) -> dict[str, Any]:
        """Return the month's SKDN and indicators, computed from the local records.

        Reused until the next write to the store (Beranda, Laporan bulanan and its print page
        all read it); after a write only the touched persons are counted again
        (``field_client.month_report``). Read-only for callers.
        """
        from .month_report import month_report

        return self.store.cached(
            ("month_report", year, month), lambda: month_report(self.store, year, month)
        )

    def _month_report(self, year: int, month: int) -> dict[str, Any]:
        """Compute the month's report live. Only what the definitions read is loaded: the visits
        of this month and the two before (N/T and 2T), plus each child's last weighing before
        that (B or O)."""
        from shared.indicators import month_indicators

        first, last = month_bounds(year, month)
        window = date(year - (month <= 2), (month - 3) % 12 + 1, 1).isoformat()
        persons = self.store.rows("person")
        recent = self.store.rows(
            "child_visit", date_from=window, date_to=last.isoformat(), derived_keys=Z_KEYS
        )
        visits = recent + self.store.last_before(
            "child_visit", window, having="weight_kg", derived_keys=Z_KEYS
        )
        anc = self.store.rows("anc_visit", date_from=first.isoformat(), date_to=last.isoformat())
        sessions = self.store.rows(
            "posyandu_session", date_from=first.isoformat(), date_to=last.isoformat()
        )
        result = month_indicators(persons, visits, year, month, anc_visits=anc, sessions=sessions)
        # persons and the window's visits go back too, so a page need not read them again
        return {
            "indicators": result,
            "sessions": sessions,
            "persons": persons,
            "recent_child_visits": recent,
        }

    def children(
        self, on: date | None = None, persons: list[dict[str, Any]] | None = None
    ) -> list[SimpleNamespace]:
        """Return the balita (0–59 completed months on ``on``) still living in the area.

        Each is ``id`` plus ``fields`` (a light view for lists, without sync state).
        ``persons`` are the live person rows when the caller has read them already.
        """
        on = on or self.today or date.today()
        out = []
        for person in self.store.rows("person") if persons is None else persons:
            birth = _as_date(person.get("birth_date"))
            if birth is None or birth > on or person.get("died_on") or person.get("moved_out_on"):
                continue
            if age_in_completed_months(birth, on) <= CHILD_MAX_MONTHS:
                out.append(SimpleNamespace(id=person["id"], fields=person))
        out.sort(key=lambda c: str(c.fields.get("name", "")).lower())
        return out


def _own_fields(data: Mapping[str, Any]) -> dict[str, Any]:
    """Drop the request's own switches (``_confirm``, ``_different_person``)."""
    return {k: v for k, v in data.items() if not k.startswith("_")}


def _date_fields(kind: str) -> set[str]:
    """Return the names of a kind's date fields."""
    spec = shared_records.spec(kind)
    return {n for n in spec.fields if shared_records.field_info(kind, n).type == "date"}


def category_level(index: str, z: float | None) -> str:
    """Return the colour level of a z-score: ok, warning or danger (Permenkes 2/2020 bands)."""
    if z is None:
        return "none"
    if z < -3:
        return "danger"
    if z < -2:
        return "warning"
    if index == "waz":
        return "warning" if z > 1 else "ok"
    if index == "lhaz":
        return "info" if z > 3 else "ok"
    if z > 3:
        return "danger"
    return "warning" if z > 1 else "ok"


def anc_alerts(
    fields: Mapping[str, Any], pregnancy: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """Return KEK (LiLA < 23.5), gestational age, hypertension and anaemia of an ANC visit."""
    derived = derive_anc_visit(fields, pregnancy)
    derived["hypertension"] = _hypertension(fields)
    hb = fields.get("hb_g_dl")
    derived["anaemia"] = None if hb is None else float(hb) < ANAEMIA_HB_BELOW
    return derived


def _hypertension(fields: Mapping[str, Any]) -> bool | None:
    systolic, diastolic = fields.get("systolic_bp"), fields.get("diastolic_bp")
    if systolic is None and diastolic is None:
        return None
    return bool((systolic or 0) >= HYPERTENSION[0] or (diastolic or 0) >= HYPERTENSION[1])


def adult_derived(fields: Mapping[str, Any]) -> dict[str, Any]:
    """Return IMT, its category, hypertension and the SKILAS referral of an adult visit."""
    derived = derive_adult_visit(fields)
    skilas = fields.get("skilas") or {}
    positive = (
        sorted(k for k, v in skilas.items() if v is True) if isinstance(skilas, Mapping) else []
    )
    derived.update(skilas_positive=positive, refer=bool(positive))
    return derived


def month_bounds(year: int, month: int) -> tuple[date, date]:
    """Return the first and last day of a month."""
    return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])


def parse_month(text: str | None, default: date) -> tuple[int, int]:
    """Read ``YYYY-MM`` (falling back to ``default``'s month)."""
    try:
        year, month = (int(p) for p in str(text).split("-")[:2])
        if 1 <= month <= 12 and 1900 <= year <= 2100:
            return year, month
    except ValueError:
        pass
    return default.year, default.month


def _with_remeasured(values: dict[str, Any], flags: Mapping[str, Any] | None) -> dict[str, Any]:
    """Carry a child visit's local ``remeasured`` flag in its synced ``remeasured`` field, so the
    server's Mutu data page lists it (None for other kinds: nothing to carry)."""
    if flags is None:
        return values
    if "remeasured" in flags:
        return {**values, "remeasured": True}
    if values.get("remeasured"):
        return {**values, "remeasured": None}
    return values
