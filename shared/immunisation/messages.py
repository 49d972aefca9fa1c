"""User-facing texts of the immunisation package, registered as ``immunisation.*`` at import.

Keys: ``immunisation.status.<status>`` (the six statuses of ``assess``),
``immunisation.reason.<reason>`` (why a dose is invalid or cannot be given, with the parameters
of ``DoseStatus.reason_params``), ``immunisation.indicator.<IDL|IBL>``.
"""

from __future__ import annotations

from datetime import date

from shared.calendar import format_date
from shared.i18n import register, t

STATUSES = {
    "given": ("Sudah diberikan", "Given"),
    "given_late": ("Diberikan terlambat", "Given late"),
    "due": ("Jadwalnya sekarang", "Due"),
    "overdue": ("Terlambat, belum diberikan", "Overdue"),
    "not_yet": ("Belum waktunya", "Not yet due"),
    "invalid": ("Tidak sah, perlu diulang", "Invalid, to be repeated"),
}

REASONS = {
    "below_minimum_age": (
        "Umur anak belum cukup: {age_days} hari, paling muda {minimum_days} hari.",
        "The child is too young: {age_days} days old, at least {minimum_days} days needed.",
    ),
    "above_maximum_age": (
        "Sudah lewat batas umur dosis ini (paling lambat umur {maximum_days} hari).",
        "Past the age limit of this dose (at most {maximum_days} days old).",
    ),
    "birth_dose_window": (
        "HB0 hanya diberikan sebelum bayi berumur 24 jam (hari lahir atau hari berikutnya).",
        "HB0 is given only before the baby is 24 hours old (the day of birth or the next day).",
    ),
    "previous_dose_missing": (
        "Dosis sebelumnya ({previous}) belum tercatat.",
        "The previous dose ({previous}) has not been recorded.",
    ),
    "before_previous_dose": (
        "Tanggal pemberian lebih awal dari dosis sebelumnya ({previous}, {previous_on}).",
        "Given before the previous dose ({previous}, {previous_on}).",
    ),
    "interval_too_short": (
        "Jarak dari {previous} baru {interval_days} hari; paling sedikit {minimum_interval_days}"
        " hari.",
        "Only {interval_days} days since {previous}; at least {minimum_interval_days} days needed.",
    ),
    "already_given": (
        "Dosis ini sudah diberikan pada {given_on}.",
        "This dose was already given on {given_on}.",
    ),
    "not_in_schedule": (
        "{code} tidak ada dalam jadwal imunisasi anak ini.",
        "{code} is not in this child's immunisation schedule.",
    ),
}

INDICATORS = {
    "IDL": ("Imunisasi Dasar Lengkap (IDL)", "Complete basic immunisation (IDL)"),
    "IBL": ("Imunisasi Baduta Lengkap (IBL)", "Complete under-two immunisation (IBL)"),
}

OTHER = {"immunisation.other": {"id": "Lainnya", "en": "Other"}}


def _messages(prefix: str, texts: dict[str, tuple[str, str]]) -> dict[str, dict[str, str]]:
    return {f"{prefix}.{key}": {"id": id_, "en": en} for key, (id_, en) in texts.items()}


MESSAGES = {
    **_messages("immunisation.status", STATUSES),
    **_messages("immunisation.reason", REASONS),
    **_messages("immunisation.indicator", INDICATORS),
    **OTHER,
}

register(MESSAGES)


def reason_text(reason: str | None, params: dict[str, object], lang: str | None = "id") -> str:
    """Return a reason key as a sentence, dates written dd/mm/yyyy as on every page."""
    if reason is None:
        return ""
    shown = {k: format_date(v) if isinstance(v, date) else v for k, v in params.items()}
    return t(reason, lang, **shown)
