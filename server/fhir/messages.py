"""Messages of the SATUSEHAT export (Indonesian first)."""

from shared.i18n import register

register(
    {
        "server.fhir_export.bad_period": {
            "id": "Periode '{value}' tidak sah: tulis bulan sebagai TTTT-BB, misalnya 2026-10.",
            "en": "Period '{value}' is not valid: write the month as YYYY-MM, e.g. 2026-10.",
        },
        "server.fhir_export.bad_area": {
            "id": "Wilayah '{value}' tidak dikenal: pakai kode kabupaten (4 angka), kecamatan "
            "(6 angka) atau desa (10 angka), atau kode puskesmas atau posyandu.",
            "en": "Area '{value}' is not known: use a kabupaten (4 digits), kecamatan (6 digits) "
            "or desa (10 digits) code, or a puskesmas or posyandu code.",
        },
        "server.fhir_export.forbidden": {
            "id": "Ekspor SATUSEHAT hanya untuk akun puskesmas, dinas kesehatan dan admin.",
            "en": "The SATUSEHAT export is for puskesmas, dinas kesehatan and admin accounts only.",
        },
    }
)
