"""Messages of the KIA, Kematian, ODF and Sinyal pages (``web.kia.*``), Indonesian first."""

from shared.i18n import register

register(
    {
        "web.nav.kia": {"id": "KIA", "en": "Maternal & child health"},
        "web.nav.deaths": {"id": "Kematian", "en": "Deaths"},
        "web.deaths.title": {
            "id": "Kematian ibu, bayi dan balita",
            "en": "Maternal, infant and child deaths",
        },
        "web.deaths.definitions": {
            "id": "Kasus: orang dengan tanggal meninggal. Neonatal 0–28 hari, bayi < 1 tahun,"
            " balita < 5 tahun; kematian ibu: meninggal saat hamil atau ≤ 42 hari setelah"
            " persalinan. AKI per 100.000, AKB dan AKN per 1.000 kelahiran hidup (laporan desa),"
            " hanya di tingkat kabupaten; di tingkat lain hanya jumlah.",
            "en": "Cases: persons with a date of death. Neonatal 0–28 days, infant < 1 year,"
            " under-five < 5 years; maternal: died in pregnancy or ≤ 42 days after delivery."
            " MMR per 100,000, IMR and NMR per 1,000 live births (desa reports), only at the"
            " district level; counts elsewhere.",
        },
        "web.deaths.window.ytd": {"id": "Tahun berjalan", "en": "Year to date"},
        "web.deaths.window.rolling": {"id": "12 bulan terakhir", "en": "Last 12 months"},
        "web.deaths.group.maternal": {"id": "Ibu", "en": "Maternal"},
        "web.deaths.group.neonatal": {"id": "Neonatal", "en": "Neonatal"},
        "web.deaths.group.infant": {"id": "Bayi", "en": "Infant"},
        "web.deaths.group.under5": {"id": "Balita", "en": "Under five"},
        "web.deaths.live_births": {
            "id": "Lahir hidup (laporan desa)",
            "en": "Live births (desa reports)",
        },
        "web.deaths.per_100000": {
            "id": "per 100.000 kelahiran hidup",
            "en": "per 100,000 live births",
        },
        "web.deaths.per_1000": {"id": "per 1.000 kelahiran hidup", "en": "per 1,000 live births"},
        "web.deaths.cases": {"id": "Kasus tahun berjalan", "en": "Cases this year"},
        "web.deaths.died_on": {"id": "Tanggal meninggal", "en": "Date of death"},
        "web.deaths.age_days": {"id": "Umur (hari)", "en": "Age (days)"},
        "web.deaths.groups": {"id": "Kelompok", "en": "Groups"},
        "web.deaths.place": {"id": "Tempat (posyandu · desa)", "en": "Place (posyandu · desa)"},
        "web.deaths.cause": {"id": "Penyebab (dilaporkan)", "en": "Cause (as reported)"},
        "web.deaths.reconciliation": {
            "id": "Laporan desa dibanding kasus tercatat (tahun berjalan)",
            "en": "Desa reports against recorded cases (year to date)",
        },
        "web.deaths.review": {"id": "Kajian (AMP)", "en": "Review (audit)"},
        "web.deaths.notified": {"id": "Dilaporkan", "en": "Notified"},
        "web.deaths.reviewed": {"id": "Dikaji", "en": "Reviewed"},
        "web.deaths.not_notified": {"id": "Belum dilaporkan", "en": "Not notified yet"},
        "web.deaths.save_review": {"id": "Simpan", "en": "Save"},
        "web.deaths.reported": {"id": "Laporan", "en": "Reported"},
        "web.deaths.recorded": {"id": "Tercatat", "en": "Recorded"},
        "web.deaths.difference": {"id": "Selisih", "en": "Difference"},
        "web.nav.odf": {"id": "ODF/STBM", "en": "ODF/STBM"},
        "web.odf.title": {"id": "Status ODF/STBM desa", "en": "Desa ODF/STBM status"},
        "web.odf.definition": {
            "id": "Status desa = status verifikasi terakhir (tanggal, tim, SK/deklarasi); tanpa"
            " verifikasi: belum. Kemajuan: desa ODF atau STBM ÷ desa yang terlihat.",
            "en": "A desa's status is its latest verification (date, team, decree); without one:"
            " not yet. Progress: desa ODF or STBM ÷ the desa shown.",
        },
        "web.odf.progress": {"id": "Kemajuan menuju target", "en": "Progress toward the target"},
        "web.odf.desa": {"id": "desa ODF/STBM", "en": "desa ODF/STBM"},
        "web.odf.target": {"id": "Target", "en": "Target"},
        "web.odf.status": {"id": "Status", "en": "Status"},
        "web.odf.timeline": {"id": "Riwayat verifikasi", "en": "Verification timeline"},
        "web.odf.record": {"id": "Catat verifikasi", "en": "Record a verification"},
        "web.odf.save": {"id": "Simpan", "en": "Save"},
        "web.nav.signals": {"id": "Sinyal", "en": "Signals"},
        "web.signals.title": {"id": "Sinyal masalah", "en": "Signals"},
        "web.signals.new": {"id": "Sinyal baru (7 hari)", "en": "New signals (7 days)"},
        "web.signals.list": {"id": "Semua sinyal", "en": "All signals"},
        "web.signals.summary": {
            "id": "Sinyal terbuka dan lewat batas waktu per puskesmas",
            "en": "Open and overdue signals per health centre",
        },
        "web.signals.open": {"id": "Terbuka", "en": "Open"},
        "web.signals.overdue": {"id": "Lewat batas waktu", "en": "Overdue"},
        "web.signals.none_open": {"id": "Tidak ada sinyal terbuka.", "en": "No open signals."},
        "web.signals.all": {"id": "Lihat semua sinyal", "en": "See all signals"},
        "web.signals.assign": {"id": "Tugaskan", "en": "Assign"},
        "web.signals.close": {"id": "Tutup dengan catatan", "en": "Close with a note"},
        "web.signals.reopen": {"id": "Buka kembali", "en": "Reopen"},
        "web.signals.note_required": {
            "id": "Sinyal ditutup dengan catatan.",
            "en": "A signal is closed with a note.",
        },
        "web.signals.refused": {"id": "Perubahan ditolak.", "en": "Change refused."},
        "web.signals.rules": {"id": "Aturan sinyal", "en": "Signal rules"},
        "web.signals.rule.maternal_death": {"id": "Kematian ibu", "en": "Maternal death"},
        "web.signals.rule.posyandu_silent": {
            "id": "Posyandu tanpa kegiatan",
            "en": "Posyandu silent",
        },
        "web.signals.rule.gizi_buruk_no_follow_up": {
            "id": "Gizi buruk tanpa tindak lanjut",
            "en": "Severe malnutrition without follow-up",
        },
        "web.signals.rule.device_not_synced": {
            "id": "Perangkat belum sinkron",
            "en": "Device not synced",
        },
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
