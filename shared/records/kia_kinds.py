"""Record kinds of the KIA, ODF and signal pages: ODF/STBM verification events and signals.

``odf_verification``: a desa's ODF/STBM status as a dated verification event (who verified, the
decree or declaration), filed at the desa (BRIEF §5.1). ``signal``: trouble a rule of
``server/signals/rules.csv`` raised on a posyandu, with its evidence, assignee, due date and status.
A signal's id is derived from rule + unit + period, so a rule raises it once.
"""

from __future__ import annotations

from shared import i18n

from .fields import Choice, Date, FacilityCode, Text, Uuid, desa_code_field
from .kinds import NAME, NOTE, ODF_STATUSES, RecordSchema, Rules, notes_field

SIGNAL_STATUSES = ("open", "closed")
REVIEW_STEPS = ("notified", "reviewed")  # [K] a death is notified, then reviewed (AMP/audit)


class OdfVerificationSchema(RecordSchema):
    """A desa's ODF/STBM verification: date, team, decree or declaration (BRIEF §5.1)."""

    label_prefix = "odf_verification"

    id = Uuid(required=True)
    desa_code = desa_code_field(required=True)
    verified_on = Date(required=True, not_future=True)
    status = Choice(ODF_STATUSES, "odf_status", required=True)
    team = Text(NAME)
    decree = Text(NAME)
    notes = notes_field()


class DeathReviewSchema(RecordSchema):
    """The review of a recorded death: notified on, reviewed on, with the follow-up agreed."""

    label_prefix = "death_review"

    id = Uuid(required=True)
    person_id = Uuid(required=True)
    posyandu_id = FacilityCode(required=True)
    notified_on = Date(required=True, not_future=True)
    reviewed_on = Date(not_future=True)
    follow_up = Text(NOTE, multiline=True)
    notes = notes_field()

    def check(self, data, rules: Rules) -> None:
        notified, reviewed = data.get("notified_on"), data.get("reviewed_on")
        if notified is not None and reviewed is not None and reviewed < notified:
            rules.add("reviewed_on", "records.rule.reviewed_before_notified", notified=notified)


class SignalSchema(RecordSchema):
    """A signal raised by a rule on a posyandu, followed up to its closing."""

    label_prefix = "signal"

    id = Uuid(required=True)
    posyandu_id = FacilityCode(required=True)
    rule = Text(40, required=True)
    period = Text(20, required=True)
    raised_on = Date(required=True)
    evidence = Text(NOTE, multiline=True)
    assignee = Text(NAME)
    due_date = Date()
    status = Choice(SIGNAL_STATUSES, "signal_status", default="open")
    closed_on = Date()
    note = Text(NOTE, multiline=True)

    def check(self, data, rules: Rules) -> None:
        if data.get("status") == "closed" and "note" in data and not data.get("note"):
            rules.add("note", "records.rule.signal_close_needs_note")


SCHEMAS = {
    "odf_verification": OdfVerificationSchema,
    "death_review": DeathReviewSchema,
    "signal": SignalSchema,
}
SCOPES = {"odf_verification": "desa_code"}
EVENT_DATES = {"odf_verification": "verified_on", "death_review": "notified_on", "signal": "period"}
REFS = {
    "odf_verification": {"desa_code": "wilayah"},
    "death_review": {"person_id": "person", "posyandu_id": "facility"},
    "signal": {"posyandu_id": "facility"},
}

i18n.register(
    {
        "records.kind.odf_verification": {
            "id": "Verifikasi ODF/STBM",
            "en": "ODF/STBM verification",
        },
        "records.kind.death_review": {"id": "Kajian kematian", "en": "Death review"},
        "records.label.notified_on": {"id": "Tanggal dilaporkan", "en": "Notified on"},
        "records.label.reviewed_on": {"id": "Tanggal dikaji", "en": "Reviewed on"},
        "records.label.follow_up": {"id": "Tindak lanjut", "en": "Follow-up"},
        "records.rule.reviewed_before_notified": {
            "id": "Tanggal kajian tidak boleh sebelum tanggal dilaporkan ({notified}).",
            "en": "The review date cannot be before the notification date ({notified}).",
        },
        "records.kind.signal": {"id": "Sinyal", "en": "Signal"},
        "records.label.verified_on": {"id": "Tanggal verifikasi", "en": "Verification date"},
        "records.label.odf_verification.status": {"id": "Status ODF/STBM", "en": "ODF/STBM status"},
        "records.label.team": {"id": "Tim verifikasi", "en": "Verification team"},
        "records.label.decree": {"id": "SK / deklarasi", "en": "Decree / declaration"},
        "records.label.rule": {"id": "Aturan", "en": "Rule"},
        "records.label.signal.period": {"id": "Periode", "en": "Period"},
        "records.label.raised_on": {"id": "Tanggal muncul", "en": "Raised on"},
        "records.label.evidence": {"id": "Bukti", "en": "Evidence"},
        "records.label.assignee": {"id": "Penanggung jawab", "en": "Assignee"},
        "records.label.signal.due_date": {"id": "Batas waktu", "en": "Due date"},
        "records.label.signal.status": {"id": "Status sinyal", "en": "Signal status"},
        "records.label.closed_on": {"id": "Tanggal ditutup", "en": "Closed on"},
        "records.label.note": {"id": "Catatan", "en": "Note"},
        "records.choice.signal_status.open": {"id": "Terbuka", "en": "Open"},
        "records.choice.signal_status.closed": {"id": "Ditutup", "en": "Closed"},
        "records.rule.signal_close_needs_note": {
            "id": "Sinyal ditutup dengan catatan.",
            "en": "A signal is closed with a note.",
        },
    }
)
