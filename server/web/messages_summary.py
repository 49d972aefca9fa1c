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

# The workbooks for people (server/web/lembar.py): column headers, header block and units that
# no page shows under a label of its own; the rest come from the labels the pages use.
register(
    {
        "web.sheet.area": {"id": "Wilayah", "en": "Area"},
        "web.sheet.period": {"id": "Periode", "en": "Period"},
        "web.sheet.exported": {"id": "Waktu ekspor", "en": "Exported at"},
        "web.sheet.table": {"id": "Tabel", "en": "Table"},
        "web.sheet.all_quarters": {"id": "Semua triwulan", "en": "All quarters"},
        "web.sheet.with_unit": {"id": "{label} ({unit})", "en": "{label} ({unit})"},
        "web.sheet.numerator": {
            "id": "{label} – pembilang ({unit})",
            "en": "{label} – numerator ({unit})",
        },
        "web.sheet.denominator": {
            "id": "{label} – penyebut ({unit})",
            "en": "{label} – denominator ({unit})",
        },
        "web.sheet.percent": {"id": "{label} (%)", "en": "{label} (%)"},
        "web.sheet.indicator": {"id": "Indikator", "en": "Indicator"},
        "web.sheet.definition": {"id": "Definisi", "en": "Definition"},
        "web.sheet.source": {"id": "Sumber data", "en": "Data source"},
        "web.sheet.level": {"id": "Tingkat", "en": "Level"},
        "web.sheet.value": {"id": "Nilai", "en": "Value"},
        "web.sheet.unit": {"id": "Unit", "en": "Unit"},
        "web.sheet.when": {"id": "Saat", "en": "When"},
        "web.sheet.agreements": {"id": "Kesepakatan", "en": "Agreements"},
        "web.sheet.death_cause": {"id": "Sebab (dilaporkan)", "en": "Cause (as reported)"},
        "web.sheet.review_status": {"id": "Status kajian", "en": "Review status"},
        "web.sheet.month_state": {"id": "Keadaan bulan", "en": "State of the month"},
        "web.sheet.action": {"id": "Tindakan", "en": "Action"},
        "web.sheet.number": {"id": "No.", "en": "No."},
        "web.sheet.present": {"id": "Jumlah hadir", "en": "Number present"},
        "web.sheet.agreement_count": {"id": "Jumlah kesepakatan", "en": "Number of agreements"},
        "web.sheet.agreements_overdue": {
            "id": "Kesepakatan melewati tenggat",
            "en": "Agreements past their deadline",
        },
        "web.sheet.overdue": {"id": "Melewati tenggat", "en": "Past the deadline"},
        "web.sheet.days_late": {"id": "Hari terlambat", "en": "Days late"},
        "web.sheet.immunisation": {"id": "Imunisasi {antigen}", "en": "Immunisation {antigen}"},
        "web.sheet.bgm": {"id": "Di bawah garis merah (BGM)", "en": "Below the red line (BGM)"},
        "web.sheet.two_t": {"id": "Tidak naik 2 kali (2T)", "en": "No gain twice (2T)"},
        "web.sheet.unit.anak": {"id": "anak", "en": "children"},
        "web.sheet.unit.posyandu": {"id": "posyandu", "en": "posyandu"},
        "web.sheet.unit.desa": {"id": "desa", "en": "villages"},
        "web.sheet.unit.ibu_hamil": {"id": "ibu hamil", "en": "pregnant women"},
        "web.sheet.unit.kehamilan": {"id": "kehamilan", "en": "pregnancies"},
        "web.sheet.unit.terduga_TBC": {"id": "terduga TBC", "en": "presumptive TB cases"},
        "web.sheet.unit.orang": {"id": "orang", "en": "people"},
        "web.sheet.unit.lansia": {"id": "lansia", "en": "older people"},
        "web.sheet.unit.ibu_nifas": {"id": "ibu nifas", "en": "postpartum women"},
        "web.sheet.unit.jiwa": {"id": "jiwa", "en": "persons"},
        "web.sheet.unit.butir": {"id": "butir", "en": "items"},
        "web.sheet.unit.hari": {"id": "hari", "en": "days"},
        "web.sheet.unit.kategori": {"id": "kategori", "en": "category"},
        "web.sheet.unit.disamarkan": {"id": "disamarkan", "en": "masked"},
        "web.sheet.unit.lihat_Keterangan": {"id": "lihat Keterangan", "en": "see Keterangan"},
    }
)
