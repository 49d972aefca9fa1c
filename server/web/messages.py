"""Messages of the web skeleton (navigation, sign-in)."""

from shared.i18n import register

register(
    {
        "web.app_name": {"id": "Pokjanal Posyandu", "en": "Posyandu Pokjanal"},
        "web.nav.summary": {"id": "Ringkasan", "en": "Summary"},
        "web.nav.trend": {"id": "Tren", "en": "Trends"},
        "web.nav.rank": {"id": "Peringkat", "en": "Ranking"},
        "web.nav.quality": {"id": "Mutu data", "en": "Data quality"},
        "web.nav.conflicts": {"id": "Konflik", "en": "Conflicts"},
        "web.nav.lokmin": {"id": "Lokmin lintas sektor", "en": "Cross-sector lokmin"},
        "web.nav.weekly": {"id": "Evaluasi mingguan", "en": "Weekly review"},
        "web.nav.users": {"id": "Pengguna", "en": "Users"},
        "web.login.title": {"id": "Masuk", "en": "Sign in"},
        "web.login.username": {"id": "Nama pengguna", "en": "Username"},
        "web.login.password": {"id": "Kata sandi", "en": "Password"},
        "web.login.submit": {"id": "Masuk", "en": "Sign in"},
        "web.logout": {"id": "Keluar", "en": "Sign out"},
        "web.forbidden": {
            "id": "Halaman ini di luar wewenang Anda.",
            "en": "This page is outside your role.",
        },
        "web.not_found": {"id": "Halaman tidak ditemukan.", "en": "Page not found."},
        "web.replica_stale": {
            "id": "Data di halaman ini tertinggal {minutes} menit dari server utama.",
            "en": "The data on this page is {minutes} minutes behind the main server.",
        },
        "web.csrf_failed": {
            "id": "Formulir ini sudah kedaluwarsa atau tidak sah. Muat ulang halaman, lalu kirim lagi.",
            "en": "This form has expired or is not valid. Reload the page and send it again.",
        },
    }
)
