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
