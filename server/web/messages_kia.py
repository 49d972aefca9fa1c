"""Messages of the KIA, Kematian, ODF and Sinyal pages (``web.kia.*``), Indonesian first."""

from shared.i18n import register

register(
    {
        "web.nav.kia": {"id": "KIA", "en": "Maternal & child health"},
        "web.kia.title": {"id": "Kesehatan ibu dan anak (KIA)", "en": "Maternal and child health"},
        "web.kia.on": {"id": "Per tanggal", "en": "As of"},
        "web.kia.up": {"id": "Kembali ke atas", "en": "Back to the top"},
        "web.kia.total": {"id": "Jumlah", "en": "Total"},
        "web.kia.unit": {"id": "Unit", "en": "Unit"},
        "web.kia.bumil": {"id": "Ibu hamil", "en": "Pregnant women"},
        "web.kia.trimester": {"id": "Trimester {n}", "en": "Trimester {n}"},
        "web.kia.trimester_unknown": {"id": "Tanpa HPHT", "en": "No LMP"},
        "web.kia.sasaran": {
            "id": "Sasaran riil (terdaftar tahun ini)",
            "en": "Registered target (this year)",
        },
        "web.kia.k1": {"id": "K1", "en": "K1"},
        "web.kia.k4": {"id": "K4", "en": "K4"},
        "web.kia.k6": {"id": "K6", "en": "K6"},
        "web.kia.kek": {"id": "KEK", "en": "Chronic energy deficiency"},
        "web.kia.anaemia": {"id": "Anemia", "en": "Anaemia"},
        "web.kia.hypertension": {"id": "Hipertensi", "en": "Hypertension"},
        "web.kia.high_risk": {"id": "Risiko tinggi", "en": "High risk"},
        "web.kia.due_30": {
            "id": "Taksiran persalinan {days} hari ke depan",
            "en": "Due in the next {days} days",
        },
        "web.kia.deliveries": {"id": "Persalinan tahun ini", "en": "Deliveries this year"},
        "web.kia.pf": {"id": "PF (persalinan di fasyankes)", "en": "Facility deliveries (PF)"},
        "web.kia.denominator_note": {
            "id": "K1/K4/K6: kehamilan dengan ≥ 1/4/6 kunjungan ANC ÷ sasaran riil (kehamilan"
            " yang terdaftar tahun ini). PF: persalinan di fasyankes ÷ persalinan tahun ini yang"
            " tempatnya tercatat.",
            "en": "K1/K4/K6: pregnancies with ≥ 1/4/6 ANC contacts ÷ registered target (pregnancies"
            " registered this year). PF: facility deliveries ÷ this year's deliveries whose place"
            " is recorded.",
        },
        "web.kia.name": {"id": "Nama", "en": "Name"},
        "web.kia.hpl": {"id": "HPL", "en": "Due date"},
        "web.kia.alerts": {"id": "Tanda", "en": "Flags"},
        "web.kia.contacts": {"id": "Kunjungan ANC", "en": "ANC contacts"},
        "web.kia.none": {"id": "Tidak ada.", "en": "None."},
        "web.kia.no_data": {"id": "Belum ada data kehamilan.", "en": "No pregnancy data yet."},
        "web.kia.alert.kek": {"id": "KEK", "en": "KEK"},
        "web.kia.alert.anaemia": {"id": "anemia", "en": "anaemia"},
        "web.kia.alert.hypertension": {"id": "hipertensi", "en": "hypertension"},
        "web.kia.alert.short_stature": {"id": "TB < 145 cm", "en": "height < 145 cm"},
    }
)
