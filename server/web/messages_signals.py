"""Messages of the signal rules added with the digest, the ILP page and the meeting pack."""

from shared.i18n import register

register(
    {
        "web.signals.rule.ds_drop": {"id": "D/S turun tajam", "en": "D/S dropped sharply"},
        "web.signals.rule.bgm_cluster": {
            "id": "BGM mengelompok di satu desa",
            "en": "BGM clustered in one desa",
        },
        "web.signals.rule.dpt_dropout_rising": {
            "id": "Drop-out DPT-HB-Hib naik",
            "en": "DPT-HB-Hib drop-out rising",
        },
        "web.signals.rule.quality_flags_rising": {
            "id": "Tanda mutu data bertambah",
            "en": "Data-quality flags rising",
        },
        "web.nav.ilp": {"id": "ILP", "en": "ILP"},
        "web.nav.meeting_pack": {"id": "Paket rapat", "en": "Meeting pack"},
        "web.ilp.title": {
            "id": "Layanan ILP per siklus hidup",
            "en": "Primary-care integration (ILP) by life stage",
        },
        "web.ilp.served": {"id": "Sasaran dilayani per klaster", "en": "Target people served"},
        "web.ilp.programme": {
            "id": "Imunisasi, skrining dan nifas",
            "en": "Immunisation, screening, postpartum",
        },
        "web.ilp.coverage": {
            "id": "Cakupan imunisasi per antigen",
            "en": "Immunisation coverage per antigen",
        },
        "web.ilp.uci_desa": {"id": "Desa UCI (IDL ≥ 80 %)", "en": "UCI desa (IDL ≥ 80 %)"},
        "web.ilp.total": {"id": "Jumlah", "en": "Total"},
        "web.ilp.up": {"id": "Kembali ke atas", "en": "Back to the top"},
        "web.ilp.download": {"id": "Unduh XLSX", "en": "Download XLSX"},
        "web.ilp.none": {"id": "Tidak ada data.", "en": "No data."},
        "web.ilp.note": {
            "id": "Setiap angka: persentase (pembilang/penyebut), dijumlahkan dari posyandu.",
            "en": "Each figure: percentage (numerator/denominator), summed from the posyandu.",
        },
        "web.pack.title": {"id": "Paket rapat kesehatan", "en": "Health meeting pack"},
        "web.pack.bad_span": {
            "id": "Rentang harus triwulan atau tahun.",
            "en": "The span must be a quarter or a year.",
        },
        "web.pack.span.quarter": {"id": "Triwulan", "en": "Quarter"},
        "web.pack.span.year": {"id": "Tahun", "en": "Year"},
        "web.pack.unit": {"id": "Wilayah", "en": "Area"},
        "web.pack.until": {"id": "Sampai bulan", "en": "Up to month"},
        "web.pack.print": {"id": "Cetak / simpan PDF", "en": "Print / save as PDF"},
        "web.pack.download": {"id": "Unduh XLSX", "en": "Download XLSX"},
        "web.pack.indicators": {
            "id": "1. Indikator utama dan trennya",
            "en": "1. Main indicators and their trend",
        },
        "web.pack.change": {"id": "Perubahan (poin)", "en": "Change (points)"},
        "web.pack.worst": {
            "id": "2. Unit terjauh dari target (bulan terakhir)",
            "en": "2. Units furthest from target (last month)",
        },
        "web.pack.target": {"id": "Target", "en": "Target"},
        "web.pack.gap": {"id": "Jarak (poin)", "en": "Gap (points)"},
        "web.pack.deaths": {
            "id": "3. Kematian dan status kajiannya",
            "en": "3. Deaths and their review status",
        },
        "web.pack.odf": {"id": "4. Kemajuan ODF/STBM", "en": "4. ODF/STBM progress"},
        "web.pack.signals": {
            "id": "5. Sinyal dibuka dan ditutup",
            "en": "5. Signals opened and closed",
        },
        "web.pack.lokmin": {
            "id": "6. Status kesepakatan lokmin",
            "en": "6. Lokmin agreements' status",
        },
        "web.pack.none": {"id": "Tidak ada.", "en": "None."},
        "web.pack.status.reviewed": {"id": "Sudah dikaji", "en": "Reviewed"},
        "web.pack.status.notified": {
            "id": "Dilaporkan, belum dikaji",
            "en": "Notified, not reviewed",
        },
        "web.pack.status.none": {"id": "Belum dilaporkan", "en": "Not notified"},
        "web.pack.start": {"id": "Awal periode", "en": "Start of the span"},
        "web.pack.end": {"id": "Akhir periode", "en": "End of the span"},
        "web.pack.raised": {"id": "Muncul", "en": "Raised"},
        "web.pack.closed": {"id": "Ditutup", "en": "Closed"},
        "web.pack.open_now": {"id": "Masih terbuka", "en": "Still open"},
        "web.pack.overdue_now": {"id": "Lewat batas waktu", "en": "Overdue"},
        "web.pack.overdue_agreements": {
            "id": "Kesepakatan lewat tenggat",
            "en": "Agreements past their due date",
        },
        "web.pack.show": {"id": "Tampilkan", "en": "Show"},
    }
)

# Words instead of codes on the Pokjanal pages: rule descriptions, ages, month names, no-data lines.
register(
    {
        "web.signals.person_unknown": {
            "id": "orang di luar wilayah Anda",
            "en": "a person outside your area",
        },
        "web.signals.rules.rule": {"id": "Aturan", "en": "Rule"},
        "web.signals.rules.when": {"id": "Muncul bila", "en": "Raised when"},
        "web.signals.rules.due": {"id": "Tenggat tindak lanjut", "en": "Follow-up due in"},
        "web.signals.rules.source": {"id": "Sumber", "en": "Source"},
        "web.signals.rules.off": {"id": "tidak aktif", "en": "disabled"},
        "web.signals.rule_note.maternal_death": {
            "id": "Seorang ibu meninggal saat hamil atau sampai 42 hari setelah bersalin; "
            "setiap kematian ibu dikaji.",
            "en": "A woman died during pregnancy or up to 42 days after delivery; "
            "every maternal death is reviewed.",
        },
        "web.signals.rule_note.posyandu_silent": {
            "id": "Tidak ada kunjungan anak dan tidak ada sesi posyandu selama {n} bulan "
            "(bulan ini termasuk).",
            "en": "No child visit and no posyandu session for {n} months (this month included).",
        },
        "web.signals.rule_note.gizi_buruk_no_follow_up": {
            "id": "Anak dengan BB/PB(TB) di bawah −3 SD, LiLA di bawah 11,5 cm atau edema "
            "tidak dikunjungi ulang dalam {n} hari.",
            "en": "A child with weight-for-length below −3 SD, MUAC below 11.5 cm or oedema "
            "not visited again within {n} days.",
        },
        "web.signals.rule_note.device_not_synced": {
            "id": "Perangkat kader tidak mengirim atau mengambil data lebih dari {n} hari.",
            "en": "A kader's device has not sent or fetched data for more than {n} days.",
        },
        "web.signals.rule_note.ds_drop": {
            "id": "D/S posyandu turun lebih dari {n} poin persen dari bulan sebelumnya ke "
            "bulan lengkap terakhir.",
            "en": "A posyandu's D/S fell by more than {n} percentage points from the month "
            "before to the last complete month.",
        },
        "web.signals.rule_note.bgm_cluster": {
            "id": "Sedikitnya {n} balita BGM di satu desa dalam satu bulan (bulan lengkap "
            "terakhir dan bulan ini diperiksa).",
            "en": "At least {n} BGM children in one desa in one month (the last complete "
            "month and this month are checked).",
        },
        "web.signals.rule_note.dpt_dropout_rising": {
            "id": "Drop-out DPT-HB-Hib 1 ke 3 (anak 12–23 bulan) naik lebih dari {n} poin "
            "persen dari bulan sebelumnya ke bulan lengkap terakhir.",
            "en": "Drop-out DPT-HB-Hib 1 to 3 (children 12–23 months) rose by more than {n} "
            "percentage points from the month before to the last complete month.",
        },
        "web.signals.rule_note.quality_flags_rising": {
            "id": "Kunjungan bertanda nilai tidak masuk akal pada bulan lengkap terakhir "
            "bertambah sedikitnya {n} dibanding bulan sebelumnya.",
            "en": "Visits flagged implausible in the last complete month exceed the month "
            "before by at least {n}.",
        },
        "web.signals.rule_source.maternal_death": {
            "id": "Kajian kematian ibu (AMP)",
            "en": "Maternal death review (AMP)",
        },
        "web.signals.rule_source.posyandu_silent": {
            "id": "Laporan keaktifan posyandu",
            "en": "Posyandu activity report",
        },
        "web.signals.rule_source.gizi_buruk_no_follow_up": {
            "id": "Daftar kasus gizi buruk dan tindak lanjutnya",
            "en": "Gizi buruk case list and its follow-up",
        },
        "web.signals.rule_source.device_not_synced": {
            "id": "Pemantauan sinkronisasi perangkat",
            "en": "Device sync monitoring",
        },
        "web.signals.rule_source.ds_drop": {
            "id": "SKDN: D/S per wilayah dan trennya",
            "en": "SKDN: D/S per area and its trend",
        },
        "web.signals.rule_source.bgm_cluster": {
            "id": "Daftar balita BGM per desa",
            "en": "BGM lists per desa",
        },
        "web.signals.rule_source.dpt_dropout_rising": {
            "id": "Drop-out imunisasi DPT-HB-Hib",
            "en": "DPT-HB-Hib immunisation drop-out",
        },
        "web.signals.rule_source.quality_flags_rising": {
            "id": "Tanda mutu data yang belum selesai",
            "en": "Unresolved data-quality flags",
        },
        "web.age.days": {"id": "{n} hari", "en": "{n} days"},
        "web.age.months": {"id": "{n} bulan", "en": "{n} months"},
        "web.age.years": {"id": "{n} tahun", "en": "{n} years"},
        "web.deaths.age": {"id": "Umur", "en": "Age"},
        "web.reconcile.no_units": {"id": "Belum ada data.", "en": "No data yet."},
    }
)
