"""Messages of the digest address on Pengguna (admin) and on Akun saya (every signed-in user)."""

from shared.i18n import register

register(
    {
        "web.users.email": {"id": "E-mail ringkasan", "en": "Digest e-mail"},
        "web.users.email_label": {
            "id": "Alamat e-mail {name}",
            "en": "E-mail address of {name}",
        },
        "web.users.email_save": {"id": "Simpan", "en": "Save"},
        "web.users.email_remove": {"id": "Hapus", "en": "Remove"},
        "web.users.email_saved": {
            "id": "Alamat e-mail {username} tersimpan.",
            "en": "The e-mail address of {username} is saved.",
        },
        "web.users.email_removed": {
            "id": "Alamat e-mail {username} dihapus: ringkasan tidak lagi dikirim.",
            "en": "The e-mail address of {username} is removed: no more digests are sent.",
        },
        "web.users.email_invalid": {
            "id": "Alamat e-mail tidak sah. Contoh yang benar: bidan.desa@puskesmas.go.id "
            "(satu alamat, tanpa spasi, paling panjang 254 karakter). Tidak ada yang diubah.",
            "en": "Not a valid e-mail address. A correct one: bidan.desa@puskesmas.go.id "
            "(one address, no spaces, at most 254 characters). Nothing was changed.",
        },
        "web.users.email_empty": {
            "id": "Alamat e-mail kosong. Untuk berhenti menerima ringkasan, tekan Hapus.",
            "en": "The e-mail address is empty. To stop receiving digests, press Remove.",
        },
        "web.account.link": {"id": "Akun saya", "en": "My account"},
        "web.account.title": {"id": "Akun saya", "en": "My account"},
        "web.account.unit": {"id": "Wilayah kerja", "en": "Work area"},
        "web.account.digest": {
            "id": "Ringkasan sinyal lewat e-mail",
            "en": "Signal digest by e-mail",
        },
        "web.account.digest_intro": {
            "id": "Sekali seminggu, bila ada sinyal terbuka di wilayah Anda, ringkasannya dikirim "
            "ke alamat ini. Tanpa alamat, tidak ada yang dikirim.",
            "en": "Once a week, when signals are open in your area, their digest is sent to this "
            "address. Without an address nothing is sent.",
        },
        "web.account.email_now": {"id": "Alamat sekarang", "en": "Current address"},
        "web.account.last_sent": {
            "id": "Ringkasan terakhir dikirim",
            "en": "Last digest sent",
        },
        "web.account.saved": {"id": "Alamat e-mail tersimpan.", "en": "E-mail address saved."},
        "web.account.removed": {
            "id": "Alamat e-mail dihapus: ringkasan tidak lagi dikirim.",
            "en": "E-mail address removed: no more digests are sent.",
        },
    }
)
