"""Messages of Ringkasan, Tren, Anak and the exports (``web.summary.*``), Indonesian first."""

from shared.i18n import register

register(
    {
        # parameters and errors
        "web.summary.bad_period": {
            "id": "Bulan tidak sah: gunakan format TTTT-BB, misalnya 2026-06.",
            "en": "Invalid month: use the format YYYY-MM, e.g. 2026-06.",
        },
        "web.summary.bad_level": {
            "id": "Tingkat wilayah tidak dikenal.",
            "en": "Unknown area level.",
        },
        "web.summary.bad_area": {
            "id": "Kode wilayah atau fasilitas tidak sah.",
            "en": "Invalid area or facility code.",
        },
        "web.summary.bad_format": {
            "id": "Format unduhan tidak dikenal (csv atau xlsx).",
            "en": "Unknown download format (csv or xlsx).",
        },
        # levels
        "web.summary.level.kabupaten": {"id": "Kabupaten", "en": "District"},
        "web.summary.level.kecamatan": {"id": "Kecamatan", "en": "Sub-district"},
        "web.summary.level.puskesmas": {"id": "Puskesmas", "en": "Health centre"},
        "web.summary.level.desa": {"id": "Desa", "en": "Village"},
        "web.summary.level.posyandu": {"id": "Posyandu", "en": "Posyandu"},
        # Ringkasan
        "web.summary.period": {"id": "Bulan", "en": "Month"},
        "web.summary.show": {"id": "Tampilkan", "en": "Show"},
        "web.summary.up": {"id": "Naik satu tingkat", "en": "Up one level"},
        "web.summary.top": {"id": "Tingkat teratas", "en": "Top level"},
        "web.summary.headline": {"id": "Indikator utama", "en": "Headline indicators"},
        "web.summary.reporting": {
            "id": "Kelengkapan laporan (posyandu buka dan sinkron)",
            "en": "Reporting completeness (posyandu opened and synced)",
        },
        "web.summary.table": {"id": "Rincian per {level}", "en": "Breakdown by {level}"},
        "web.summary.name": {"id": "Nama", "en": "Name"},
        "web.summary.code": {"id": "Kode", "en": "Code"},
        "web.summary.download": {"id": "Unduh", "en": "Download"},
        "web.summary.immunizations": {
            "id": "Imunisasi menurut antigen",
            "en": "Immunisations by antigen",
        },
        "web.summary.births_deaths": {
            "id": "Kelahiran dan kematian (jumlah)",
            "en": "Births and deaths (counts)",
        },
        "web.summary.odf": {"id": "Desa ODF / STBM", "en": "ODF / STBM villages"},
        "web.summary.strata": {"id": "Strata posyandu", "en": "Posyandu strata"},
        "web.summary.vitamin_a_round": {
            "id": "Bulan kampanye vitamin A (Februari/Agustus)",
            "en": "Vitamin A campaign month (February/August)",
        },
        "web.summary.not_round": {"id": "bukan bulan kampanye", "en": "not a campaign month"},
        "web.summary.children": {
            "id": "Anak dan status terakhir",
            "en": "Children and their latest status",
        },
        "web.summary.no_rows": {"id": "Tidak ada data.", "en": "No data."},
        "web.summary.trend_link": {"id": "Lihat tren 12 bulan", "en": "See the 12-month trend"},
        "web.summary.exports": {"id": "Ekspor", "en": "Exports"},
        "web.summary.export_eppgbm": {"id": "Workbook e-PPGBM", "en": "e-PPGBM workbook"},
        "web.summary.export_sip6": {"id": "SIP Format 6", "en": "SIP Format 6"},
        "web.summary.births_live": {"id": "Lahir hidup", "en": "Live births"},
        "web.summary.births_still": {"id": "Lahir mati", "en": "Stillbirths"},
        "web.summary.deaths_maternal": {"id": "Kematian ibu", "en": "Maternal deaths"},
        "web.summary.deaths_neonatal": {
            "id": "Kematian neonatal (0–28 hari)",
            "en": "Neonatal deaths (0–28 days)",
        },
        "web.summary.deaths_infant": {
            "id": "Kematian bayi (< 1 tahun)",
            "en": "Infant deaths (< 1 year)",
        },
        "web.summary.deaths_under5": {"id": "Kematian balita", "en": "Under-five deaths"},
        "web.summary.strata_none": {"id": "Belum ditetapkan", "en": "Not set"},
        # Anak
        "web.summary.child": {"id": "Riwayat anak", "en": "Child history"},
        "web.summary.birth_date": {"id": "Tanggal lahir", "en": "Date of birth"},
        "web.summary.sex": {"id": "Jenis kelamin", "en": "Sex"},
        "web.summary.sex.M": {"id": "Laki-laki", "en": "Male"},
        "web.summary.sex.F": {"id": "Perempuan", "en": "Female"},
        "web.summary.mother": {"id": "Nama ibu", "en": "Mother"},
        "web.summary.nik": {"id": "NIK", "en": "NIK"},
        "web.summary.visits": {"id": "Kunjungan", "en": "Visits"},
        "web.summary.visit_date": {"id": "Tanggal", "en": "Date"},
        "web.summary.age_months": {"id": "Umur (bln)", "en": "Age (mo)"},
        "web.summary.weight": {"id": "BB (kg)", "en": "Weight (kg)"},
        "web.summary.length": {"id": "PB/TB (cm)", "en": "Length/height (cm)"},
        "web.summary.waz": {"id": "BB/U", "en": "WAZ"},
        "web.summary.lhaz": {"id": "PB/U atau TB/U", "en": "LHAZ"},
        "web.summary.wlhz": {"id": "BB/PB atau BB/TB", "en": "WLHZ"},
        "web.summary.growth": {"id": "N/T", "en": "N/T"},
        "web.summary.alerts": {"id": "Peringatan", "en": "Alerts"},
        "web.summary.services": {"id": "Layanan", "en": "Services"},
        "web.summary.chart_weight": {
            "id": "Berat badan menurut umur (BB/U, standar WHO)",
            "en": "Weight-for-age (WHO standard)",
        },
        "web.summary.chart_length": {
            "id": "Panjang/tinggi badan menurut umur (PB/U, TB/U)",
            "en": "Length/height-for-age",
        },
        "web.summary.child_point": {"id": "Anak ini", "en": "This child"},
        "web.summary.latest": {"id": "Kunjungan terakhir", "en": "Latest visit"},
        # Tren
        "web.summary.trend_title": {"id": "Tren 12 bulan: {name}", "en": "12-month trend: {name}"},
        "web.summary.chart_skdn": {"id": "SKDN (D/S, N/D, K/S)", "en": "SKDN (D/S, N/D, K/S)"},
        "web.summary.chart_stunting": {"id": "Stunting", "en": "Stunting"},
        "web.summary.chart_balok": {
            "id": "SKDN balok (jumlah S, K, D, N)",
            "en": "SKDN bars (S, K, D, N counts)",
        },
        "web.summary.count": {"id": "Jumlah", "en": "Count"},
        "web.summary.percent": {"id": "Persen", "en": "Percent"},
        # exports
        "web.summary.sip6_title": {
            "id": "Format 6 SIP: data hasil kegiatan posyandu",
            "en": "SIP Format 6: posyandu activity results",
        },
        "web.summary.not_recorded": {"id": "tidak dicatat", "en": "not recorded"},
        "web.summary.yes": {"id": "Ya", "en": "Yes"},
        "web.summary.no": {"id": "Tidak", "en": "No"},
        # month in progress, months without data
        "web.summary.running": {"id": "berjalan", "en": "in progress"},
        "web.summary.running_note": {
            "id": "Bulan berjalan: {done} dari {total} posyandu sudah melapor; angka belum final.",
            "en": "Month in progress: {done} of {total} posyandu have reported; not final.",
        },
        "web.summary.no_data": {"id": "belum ada data", "en": "no data yet"},
        "web.summary.no_data_note": {
            "id": "Belum ada posyandu yang melapor untuk bulan ini.",
            "en": "No posyandu has reported for this month yet.",
        },
        "web.summary.gap_note": {
            "id": "Bulan berjalan dan bulan tanpa laporan tidak digambar (bukan nol).",
            "en": "Months in progress and months without reports are not drawn (not zero).",
        },
        "web.summary.completeness": {
            "id": "{done}/{total} posyandu",
            "en": "{done}/{total} posyandu",
        },
    }
)

register(
    {
        "web.rank.bad_indicator": {"id": "Indikator tidak dikenal.", "en": "Unknown indicator."},
        "web.rank.title": {"id": "Peringkat {indicator}", "en": "Ranking: {indicator}"},
        "web.rank.link": {"id": "Peringkat per indikator", "en": "Ranking by indicator"},
    }
)

register(
    {
        "web.lokmin.filter_overdue": {
            "id": "Hanya yang melewati tenggat",
            "en": "Only what is past its deadline",
        },
        "web.lokmin.filter_all": {"id": "Tampilkan semua", "en": "Show all"},
    }
)
