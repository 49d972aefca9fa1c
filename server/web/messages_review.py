"""Messages of the review pages: Mutu data, Konflik, Lokmin, Evaluasi mingguan, Pengguna."""

from shared.i18n import register

register(
    {
        # shared
        "web.review.none": {"id": "Tidak ada data.", "en": "No data."},
        "web.review.never": {"id": "belum pernah", "en": "never"},
        "web.review.yes": {"id": "Ya", "en": "Yes"},
        "web.review.no": {"id": "Tidak", "en": "No"},
        "web.review.days": {"id": "{n} hari", "en": "{n} days"},
        "web.review.save": {"id": "Simpan", "en": "Save"},
        "web.review.show": {"id": "Tampilkan", "en": "Show"},
        "web.review.read_only": {
            "id": "Anda hanya dapat melihat halaman ini.",
            "en": "You can only view this page.",
        },
        "web.review.saved": {"id": "Tersimpan.", "en": "Saved."},
        "web.review.form_errors": {
            "id": "Data belum dapat disimpan. Periksa isian yang ditandai.",
            "en": "Not saved. Check the marked fields.",
        },
        "web.review.forbidden_write": {
            "id": "Anda tidak berwenang mengubah data ini.",
            "en": "You may not change this record.",
        },
        "web.review.not_found": {"id": "Data tidak ditemukan.", "en": "Record not found."},
        # downloads (?format=csv|xlsx)
        "web.review.download": {"id": "Unduh", "en": "Download"},
        "web.review.bad_format": {
            "id": "Format unduhan harus csv atau xlsx.",
            "en": "The download format must be csv or xlsx.",
        },
        "web.review.bad_table": {
            "id": "Tabel unduhan tidak dikenal.",
            "en": "Unknown table to download.",
        },
        "web.review.sheet.devices": {"id": "Perangkat", "en": "Devices"},
        "web.review.sheet.stale": {"id": "Posyandu tanpa sinkron", "en": "Posyandu without sync"},
        "web.review.sheet.implausible": {
            "id": "Nilai tidak masuk akal",
            "en": "Implausible values",
        },
        "web.review.sheet.skew": {"id": "Jam menyimpang", "en": "Clock skew"},
        "web.review.sheet.users": {"id": "Pengguna", "en": "Users"},
        "web.review.sheet.facilities": {"id": "Fasilitas", "en": "Facilities"},
        # conflicts
        "web.review.conflicts.intro": {
            "id": "Perubahan yang bersamaan pada isian yang sama. Nilai yang berlaku sudah diterapkan; "
            "pilih nilai lain untuk menerapkannya sebagai perubahan baru yang tersinkron ke perangkat.",
            "en": "Concurrent edits of the same field. The applied value is in place; choose the other "
            "value to apply it as a new change that syncs to devices.",
        },
        "web.review.conflicts.status_open": {"id": "Terbuka", "en": "Open"},
        "web.review.conflicts.status_resolved": {"id": "Selesai", "en": "Resolved"},
        "web.review.conflicts.status_all": {"id": "Semua", "en": "All"},
        "web.review.conflicts.record": {"id": "Data", "en": "Record"},
        "web.review.conflicts.field": {"id": "Isian", "en": "Field"},
        "web.review.conflicts.winner": {"id": "Nilai berlaku", "en": "Applied value"},
        "web.review.conflicts.loser": {"id": "Nilai lain", "en": "Other value"},
        "web.review.conflicts.by_at": {"id": "oleh {who}, {when}", "en": "by {who}, {when}"},
        "web.review.conflicts.status": {"id": "Status", "en": "Status"},
        "web.review.conflicts.choose": {"id": "Pilihan", "en": "Choice"},
        "web.review.conflicts.keep_winner": {
            "id": "Pakai nilai berlaku",
            "en": "Keep applied value",
        },
        "web.review.conflicts.take_loser": {"id": "Pakai nilai lain", "en": "Use other value"},
        "web.review.conflicts.resolved_by": {
            "id": "Diselesaikan oleh {who}, {when}: {choice}",
            "en": "Resolved by {who}, {when}: {choice}",
        },
        "web.review.conflicts.winner_by": {"id": "Nilai berlaku: oleh", "en": "Applied value: by"},
        "web.review.conflicts.winner_at": {
            "id": "Nilai berlaku: waktu",
            "en": "Applied value: time",
        },
        "web.review.conflicts.loser_by": {"id": "Nilai lain: oleh", "en": "Other value: by"},
        "web.review.conflicts.loser_at": {"id": "Nilai lain: waktu", "en": "Other value: time"},
        "web.review.conflicts.created": {"id": "Tercatat", "en": "Recorded"},
        "web.review.conflicts.resolver": {"id": "Diselesaikan oleh", "en": "Resolved by"},
        "web.review.conflicts.resolved_at": {"id": "Waktu selesai", "en": "Resolved at"},
        "web.review.conflicts.resolution": {"id": "Keputusan", "en": "Decision"},
        "web.review.conflicts.deleted_field": {"id": "Dihapus", "en": "Deleted"},
        "web.review.conflicts.done": {"id": "Konflik diselesaikan.", "en": "Conflict resolved."},
        "web.review.conflicts.reopened": {
            "id": "Konflik dibuka lagi. Nilai yang berlaku tetap sampai Anda memilih lagi.",
            "en": "Conflict reopened. The applied value stays until you choose again.",
        },
        "web.review.conflicts.reopen": {"id": "Buka lagi", "en": "Reopen"},
        "web.review.conflicts.confirm": {
            "id": "{record}: {field} menjadi \u201c{value}\u201d. Lanjutkan?",
            "en": "{record}: {field} becomes \u201c{value}\u201d. Go ahead?",
        },
        "web.review.conflicts.confirm_yes": {
            "id": "Ya, simpan pilihan ini",
            "en": "Yes, save this choice",
        },
        "web.review.conflicts.err_not_found": {
            "id": "Konflik tidak ditemukan.",
            "en": "Conflict not found.",
        },
        "web.review.conflicts.err_forbidden": {
            "id": "Anda tidak berwenang menyelesaikan konflik ini.",
            "en": "You may not resolve this conflict.",
        },
        "web.review.conflicts.err_conflict": {
            "id": "Konflik ini sudah diselesaikan.",
            "en": "This conflict is already resolved.",
        },
        "web.review.conflicts.err_validation_error": {
            "id": "Nilai yang dipilih tidak valid untuk data ini:",
            "en": "The chosen value is not valid for this record:",
        },
        "web.review.conflicts.err_choice": {
            "id": "Pilihan tidak dikenal.",
            "en": "Unknown choice.",
        },
        # lokmin
        "web.review.lokmin.meetings": {"id": "Pertemuan", "en": "Meetings"},
        "web.review.lokmin.quarter": {"id": "Triwulan {q} {year}", "en": "Quarter {q} {year}"},
        "web.review.lokmin.no_quarter": {
            "id": "{year} (tanpa triwulan)",
            "en": "{year} (no quarter)",
        },
        "web.review.lokmin.attendance": {
            "id": "Kehadiran per sektor",
            "en": "Attendance by sector",
        },
        "web.review.lokmin.problems": {"id": "Masalah", "en": "Problems"},
        "web.review.lokmin.agreements": {
            "id": "Kesepakatan / RTL",
            "en": "Agreements / follow-up plan",
        },
        "web.review.lokmin.overdue": {"id": "Terlambat", "en": "Overdue"},
        "web.review.lokmin.overdue_count": {
            "id": "{n} kesepakatan melewati tenggat.",
            "en": "{n} agreements past their due date.",
        },
        "web.review.lokmin.new_meeting": {"id": "Pertemuan baru", "en": "New meeting"},
        "web.review.lokmin.new_agreement": {"id": "Kesepakatan baru", "en": "New agreement"},
        "web.review.lokmin.update": {"id": "Perbarui", "en": "Update"},
        "web.review.lokmin.attendance_lines": {
            "id": "Daftar hadir (satu per baris: nama; sektor; instansi)",
            "en": "Attendance (one per line: name; sector; institution)",
        },
        "web.review.lokmin.problem_lines": {
            "id": "Masalah (satu per baris)",
            "en": "Problems (one per line)",
        },
        "web.review.lokmin.sectors_hint": {
            "id": "Kode sektor: {codes}",
            "en": "Sector codes: {codes}",
        },
        "web.review.lokmin.no_agreements": {
            "id": "Belum ada kesepakatan.",
            "en": "No agreements yet.",
        },
        "web.review.lokmin.kecamatan": {"id": "Kecamatan", "en": "Kecamatan"},
        "web.review.lokmin.meeting_date": {"id": "Tanggal pertemuan", "en": "Meeting date"},
        "web.review.lokmin.agreements_sheet": {"id": "Kesepakatan RTL", "en": "Agreements"},
        "web.review.lokmin.download_meetings": {"id": "Unduh pertemuan", "en": "Download meetings"},
        "web.review.lokmin.download_agreements": {
            "id": "Unduh kesepakatan",
            "en": "Download agreements",
        },
        "web.review.lokmin.pic": {"id": "Penanggung jawab", "en": "Person in charge"},
        # quality
        "web.review.quality.devices": {
            "id": "Sinkronisasi terakhir per perangkat",
            "en": "Last sync per device",
        },
        "web.review.quality.user": {"id": "Pengguna", "en": "User"},
        "web.review.quality.device": {"id": "Perangkat", "en": "Device"},
        "web.review.quality.last_push": {"id": "Kirim terakhir", "en": "Last push"},
        "web.review.quality.last_pull": {"id": "Ambil terakhir", "en": "Last pull"},
        "web.review.quality.stale": {
            "id": "Posyandu tanpa sinkronisasi selama {n} hari",
            "en": "Posyandu with no sync for {n} days",
        },
        "web.review.quality.days_label": {"id": "Jumlah hari", "en": "Days"},
        "web.review.quality.posyandu": {"id": "Posyandu", "en": "Posyandu"},
        "web.review.quality.last_sync": {"id": "Sinkron terakhir", "en": "Last sync"},
        "web.review.quality.implausible": {
            "id": "Nilai tidak masuk akal",
            "en": "Implausible values",
        },
        "web.review.quality.child": {"id": "Anak", "en": "Child"},
        "web.review.quality.visit_date": {"id": "Tanggal kunjungan", "en": "Visit date"},
        "web.review.quality.measure": {"id": "Ukuran", "en": "Measurements"},
        "web.review.quality.flags": {"id": "Tanda", "en": "Flags"},
        "web.review.quality.flag.implausible_waz": {
            "id": "z-skor BB/U di luar batas wajar",
            "en": "weight-for-age z-score outside the plausible range",
        },
        "web.review.quality.flag.implausible_lhaz": {
            "id": "z-skor PB/U atau TB/U di luar batas wajar",
            "en": "length/height-for-age z-score outside the plausible range",
        },
        "web.review.quality.flag.implausible_wlhz": {
            "id": "z-skor BB/PB atau BB/TB di luar batas wajar",
            "en": "weight-for-length/height z-score outside the plausible range",
        },
        "web.review.quality.flag.implausible_baz": {
            "id": "z-skor IMT/U di luar batas wajar",
            "en": "BMI-for-age z-score outside the plausible range",
        },
        "web.review.quality.flag.implausible_hcz": {
            "id": "z-skor lingkar kepala/U di luar batas wajar",
            "en": "head circumference-for-age z-score outside the plausible range",
        },
        "web.review.quality.flag.implausible_acz": {
            "id": "z-skor LILA/U di luar batas wajar",
            "en": "arm circumference-for-age z-score outside the plausible range",
        },
        "web.review.quality.remeasured": {"id": "Diukur ulang", "en": "Re-measured"},
        "web.review.quality.skew": {
            "id": "Perangkat dengan jam menyimpang",
            "en": "Devices with clock skew",
        },
        "web.review.quality.device_id": {"id": "ID perangkat", "en": "Device ID"},
        "web.review.quality.days_since": {"id": "Hari sejak sinkron", "en": "Days since sync"},
        "web.review.quality.skew_min": {"id": "Selisih (menit)", "en": "Offset (minutes)"},
        "web.review.quality.flagged": {"id": "Ditandai", "en": "Flagged"},
        # weekly
        "web.review.weekly.week": {
            "id": "Minggu ke-{number} tahun {year} ({start} s.d. {end})",
            "en": "Week {number} of {year} ({start} to {end})",
        },
        "web.review.weekly.bad_week": {
            "id": "Format minggu harus YYYY-Www, misalnya 2026-W48.",
            "en": "The week must look like YYYY-Www, e.g. 2026-W48.",
        },
        "web.review.weekly.prev": {"id": "Minggu sebelumnya", "en": "Previous week"},
        "web.review.weekly.next": {"id": "Minggu berikutnya", "en": "Next week"},
        "web.review.weekly.puskesmas": {"id": "Puskesmas", "en": "Puskesmas"},
        "web.review.weekly.sessions": {"id": "Posyandu buka", "en": "Sessions held"},
        "web.review.weekly.weighed": {"id": "Anak ditimbang", "en": "Children weighed"},
        "web.review.weekly.pregnancies": {"id": "Ibu hamil baru", "en": "New pregnancies"},
        "web.review.weekly.bgm": {"id": "BGM", "en": "BGM"},
        "web.review.weekly.two_t": {"id": "2T", "en": "2T"},
        "web.review.weekly.kek": {"id": "KEK", "en": "KEK"},
        "web.review.weekly.deaths": {"id": "Kematian", "en": "Deaths"},
        "web.review.weekly.sync_lag": {
            "id": "Hari sejak sinkron terakhir per posyandu",
            "en": "Days since last sync per posyandu",
        },
        "web.review.weekly.total": {"id": "Jumlah", "en": "Total"},
        # users
        "web.review.users.users": {"id": "Pengguna", "en": "Users"},
        "web.review.users.username": {"id": "Nama pengguna", "en": "Username"},
        "web.review.users.name": {"id": "Nama", "en": "Name"},
        "web.review.users.role": {"id": "Peran", "en": "Role"},
        "web.review.users.unit": {"id": "Unit", "en": "Unit"},
        "web.review.users.unit_name": {"id": "Nama unit", "en": "Unit name"},
        "web.review.users.parent_code": {"id": "Kode induk", "en": "Parent code"},
        "web.review.users.revoked_col": {"id": "Dicabut", "en": "Revoked"},
        "web.review.users.active": {"id": "Aktif", "en": "Active"},
        "web.review.users.facilities": {"id": "Fasilitas", "en": "Facilities"},
        "web.review.users.code": {"id": "Kode", "en": "Code"},
        "web.review.users.kind": {"id": "Jenis", "en": "Type"},
        "web.review.users.parent": {"id": "Induk", "en": "Parent"},
        "web.review.users.devices": {"id": "Perangkat", "en": "Devices"},
        "web.review.users.last_seen": {"id": "Terakhir aktif", "en": "Last seen"},
        "web.review.users.revoked": {"id": "Dicabut {when}", "en": "Revoked {when}"},
        "web.review.users.revoke": {"id": "Cabut", "en": "Revoke"},
        "web.review.users.revoke_confirm": {
            "id": "Cabut akses perangkat ini?",
            "en": "Revoke this device's access?",
        },
        "web.review.users.revoked_done": {
            "id": "Akses perangkat dicabut.",
            "en": "Device revoked.",
        },
    }
)
