"""Messages of the lokmin pages (Indonesian first, English second), registered as ``web.lokmin.*``."""

from shared.i18n import register

register(
    {
        "web.lokmin.edit": {"id": "Ubah", "en": "Edit"},
        "web.lokmin.edit_meeting": {"id": "Ubah pertemuan", "en": "Edit meeting"},
        "web.lokmin.open_report": {"id": "Laporan pertemuan", "en": "Meeting report"},
        "web.lokmin.report_title": {
            "id": "Laporan Lokakarya Mini Lintas Sektor",
            "en": "Cross-sector mini-workshop report",
        },
        "web.lokmin.print": {"id": "Cetak", "en": "Print"},
        "web.lokmin.download_xlsx": {"id": "Unduh XLSX", "en": "Download XLSX"},
        "web.lokmin.attendance_rows": {"id": "Daftar hadir", "en": "Attendance"},
        "web.lokmin.agreement_rows": {
            "id": "Kesepakatan (rencana tindak lanjut)",
            "en": "Agreements (follow-up plan)",
        },
        "web.lokmin.plan_rows": {
            "id": "Rencana kegiatan tiap sektor",
            "en": "Each sector's plan of activities",
        },
        "web.lokmin.plan_hint": {
            "id": "Keluaran pertemuan yang dinyatakan tiap sektor, di samping kesepakatan tertulis.",
            "en": "The output each sector stated at the meeting, beside the written agreements.",
        },
        "web.lokmin.add_row": {"id": "Tambah baris", "en": "Add a row"},
        "web.lokmin.remove_row": {"id": "Hapus baris ini", "en": "Remove this row"},
        "web.lokmin.problem_lines": {
            "id": "Masalah prioritas (satu per baris)",
            "en": "Priority problems (one per line)",
        },
        "web.lokmin.row": {"id": "Baris {n}", "en": "Row {n}"},
        "web.lokmin.delete_meeting": {"id": "Hapus pertemuan", "en": "Delete meeting"},
        "web.lokmin.delete_confirm": {
            "id": "Hapus pertemuan {name} beserta {n} kesepakatannya? Riwayatnya tetap tercatat.",
            "en": "Delete the meeting {name} and its {n} agreements? Its history stays recorded.",
        },
        "web.lokmin.delete_yes": {"id": "Ya, hapus", "en": "Yes, delete"},
        "web.lokmin.deleted": {"id": "Pertemuan dihapus.", "en": "Meeting deleted."},
        "web.lokmin.history": {"id": "Riwayat perubahan", "en": "Change history"},
        "web.lokmin.history_recent": {
            "id": "Riwayat perubahan terbaru",
            "en": "Recent changes",
        },
        "web.lokmin.history.when": {"id": "Waktu", "en": "When"},
        "web.lokmin.history.who": {"id": "Oleh", "en": "By"},
        "web.lokmin.history.what": {"id": "Data", "en": "Record"},
        "web.lokmin.history.changes": {"id": "Perubahan", "en": "Changes"},
        "web.lokmin.action.create": {"id": "dibuat", "en": "created"},
        "web.lokmin.action.update": {"id": "diubah", "en": "changed"},
        "web.lokmin.action.delete": {"id": "dihapus", "en": "deleted"},
        "web.lokmin.kind.lokmin_meeting": {"id": "Pertemuan", "en": "Meeting"},
        "web.lokmin.kind.lokmin_agreement": {"id": "Kesepakatan", "en": "Agreement"},
        "web.lokmin.kind.attachment": {"id": "Lampiran", "en": "Attachment"},
        "web.lokmin.n_rows": {"id": "{n} baris", "en": "{n} rows"},
        "web.lokmin.attachments": {"id": "Lampiran", "en": "Attachments"},
        "web.lokmin.attachments_none": {"id": "Belum ada lampiran.", "en": "No attachments yet."},
        "web.lokmin.attach": {"id": "Unggah lampiran", "en": "Upload an attachment"},
        "web.lokmin.attach_file": {
            "id": "Berkas (PDF, JPEG atau PNG, paling besar 10 MB)",
            "en": "File (PDF, JPEG or PNG, at most 10 MB)",
        },
        "web.lokmin.attach_label": {"id": "Jenis lampiran", "en": "Attachment type"},
        "web.lokmin.attach_label.notulen": {"id": "Notulen", "en": "Minutes"},
        "web.lokmin.attach_label.kesepakatan": {
            "id": "Kesepakatan yang ditandatangani",
            "en": "Signed agreement",
        },
        "web.lokmin.attach_label.foto": {"id": "Foto kegiatan", "en": "Photo"},
        "web.lokmin.attach_label.lainnya": {"id": "Lainnya", "en": "Other"},
        "web.lokmin.attach_saved": {"id": "Lampiran tersimpan.", "en": "Attachment saved."},
        "web.lokmin.attach_deleted": {"id": "Lampiran dihapus.", "en": "Attachment deleted."},
        "web.lokmin.attach_delete": {"id": "Hapus lampiran", "en": "Delete attachment"},
        "web.lokmin.attach_missing": {
            "id": "Pilih berkas yang akan diunggah.",
            "en": "Choose a file to upload.",
        },
        "web.lokmin.attach_type": {
            "id": "Berkas harus PDF, JPEG atau PNG (isi berkas diperiksa, bukan namanya).",
            "en": "The file must be a PDF, JPEG or PNG (its content is checked, not its name).",
        },
        "web.lokmin.attach_size": {
            "id": "Berkas terlalu besar: paling besar 10 MB.",
            "en": "The file is too large: at most 10 MB.",
        },
        "web.lokmin.attach_empty": {"id": "Berkas kosong.", "en": "The file is empty."},
        "web.lokmin.size_kb": {"id": "{n} KB", "en": "{n} KB"},
        "web.lokmin.meeting": {"id": "Pertemuan", "en": "Meeting"},
        "web.lokmin.by_sector": {
            "id": "Rencana dan kesepakatan per sektor",
            "en": "Plans and agreements per sector",
        },
        "web.lokmin.signature": {"id": "Tanda tangan", "en": "Signature"},
        "web.lokmin.printed_at": {"id": "Dicetak {when}", "en": "Printed {when}"},
        "web.lokmin.not_found_row": {
            "id": "Kesepakatan ini tidak ditemukan pada pertemuan ini.",
            "en": "This agreement is not part of this meeting.",
        },
    }
)
