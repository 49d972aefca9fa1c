"""User-facing texts of the growth package (registered in ``shared.i18n`` at import)."""

from __future__ import annotations

from shared.i18n import register

MESSAGES = {
    "growth.unknown_sex": {
        "id": "Jenis kelamin tidak dikenal: {value!r}. Gunakan 'M' (laki-laki) atau 'F' (perempuan).",
        "en": "Unknown sex: {value!r}. Use 'M' (boy) or 'F' (girl).",
    },
    "growth.unknown_position": {
        "id": (
            "Posisi pengukuran tidak dikenal: {value!r}. "
            "Gunakan 'lying' (berbaring/PB) atau 'standing' (berdiri/TB)."
        ),
        "en": "Unknown measuring position: {value!r}. Use 'lying' (length) or 'standing' (height).",
    },
    "growth.bad_date": {
        "id": "{label} tidak valid: {value!r}. Gunakan format TTTT-BB-HH.",
        "en": "{label} is not a valid date: {value!r}. Use the format YYYY-MM-DD.",
    },
    "growth.date_before_birth": {
        "id": "Tanggal pengukuran ({measured_on}) sebelum tanggal lahir ({birth_date}).",
        "en": "The measurement date ({measured_on}) is before the date of birth ({birth_date}).",
    },
    "growth.not_a_number": {
        "id": "{label} harus berupa angka: {value!r}.",
        "en": "{label} must be a number: {value!r}.",
    },
    "growth.not_positive": {
        "id": "{label} harus lebih dari 0 (diisi: {value}).",
        "en": "{label} must be greater than 0 (got {value}).",
    },
    "growth.field.sex": {"id": "Jenis kelamin", "en": "Sex"},
    "growth.field.birth_date": {"id": "Tanggal lahir", "en": "Date of birth"},
    "growth.field.measured_on": {"id": "Tanggal pengukuran", "en": "Measurement date"},
    "growth.field.weight_kg": {"id": "Berat badan (kg)", "en": "Weight (kg)"},
    "growth.field.length_cm": {"id": "Panjang/tinggi badan (cm)", "en": "Length/height (cm)"},
    "growth.field.position": {"id": "Posisi pengukuran", "en": "Measuring position"},
    "growth.field.head_cm": {"id": "Lingkar kepala (cm)", "en": "Head circumference (cm)"},
    "growth.field.muac_cm": {
        "id": "Lingkar lengan atas/LiLA (cm)",
        "en": "Mid-upper arm circumference (cm)",
    },
}

register(MESSAGES)
