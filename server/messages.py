"""Server messages for the translation catalogue (Indonesian first)."""

from shared.i18n import register

register(
    {
        "server.kind_unknown": {
            "id": "Jenis data '{kind}' tidak dikenal oleh server.",
            "en": "The server does not know the record kind '{kind}'.",
        },
        "server.kind_mismatch": {
            "id": "Nomor data ini sudah dipakai untuk jenis data lain.",
            "en": "This record id is already used by a record of another kind.",
        },
        "server.outside_scope": {
            "id": "Anda tidak berwenang mengubah data ini (di luar wilayah tugas Anda).",
            "en": "You may not change this record (outside your area).",
        },
        "server.unit_unknown": {
            "id": "Unit '{value}' tidak terdaftar di server.",
            "en": "Unit '{value}' is not registered on the server.",
        },
        "server.ref_missing": {
            "id": "Data yang dirujuk belum ada di server atau di luar wilayah Anda; kirim data itu dahulu.",
            "en": "The referenced record is not on the server or is outside your area; send it first.",
        },
        "server.puskesmas_not_in_kecamatan": {
            "id": "Puskesmas '{value}' tidak terdaftar sebagai puskesmas di kecamatan {kecamatan}.",
            "en": "'{value}' is not a registered puskesmas of kecamatan {kecamatan}.",
        },
        "server.invalid_cursor": {
            "id": "Penanda sinkronisasi tidak sah; perangkat akan mengunduh ulang data.",
            "en": "The sync cursor is not valid; the device will download its data again.",
        },
        "server.batch_repeats_seq": {
            "id": "Nomor urut {seq} muncul lebih dari sekali dalam satu kiriman.",
            "en": "Sequence number {seq} appears more than once in one batch.",
        },
        "server.not_json": {
            "id": "Isi permintaan bukan JSON yang sah.",
            "en": "The request body is not valid JSON.",
        },
        "server.nul_char": {
            "id": "Isi permintaan mengandung karakter kosong (NUL) yang tidak diizinkan.",
            "en": "The request contains a NUL character, which is not allowed.",
        },
        "server.not_utf8": {
            "id": "Isi permintaan harus berupa teks UTF-8.",
            "en": "The request body must be UTF-8 text.",
        },
        "server.bad_gzip": {
            "id": "Isi permintaan terkompresi (gzip) rusak.",
            "en": "The gzip-compressed request body is corrupt.",
        },
        "server.login_failed": {
            "id": "Nama pengguna atau kata sandi salah.",
            "en": "Wrong username or password.",
        },
        "server.login_throttled": {
            "id": "Terlalu banyak percobaan masuk yang gagal. Coba lagi setelah {minutes} menit.",
            "en": "Too many failed sign-in attempts. Try again in {minutes} minutes.",
        },
        "server.login_throttled_seconds": {
            "id": "Terlalu banyak percobaan masuk yang gagal. Coba lagi setelah {seconds} detik.",
            "en": "Too many failed sign-in attempts. Try again in {seconds} seconds.",
        },
        "server.login_busy": {
            "id": "Server sedang sibuk memeriksa kata sandi lain. Coba lagi sebentar lagi.",
            "en": "The server is busy checking other passwords. Try again in a moment.",
        },
        "server.password_too_short": {
            "id": "Kata sandi minimal {min} karakter.",
            "en": "The password must have at least {min} characters.",
        },
        "server.password_common": {
            "id": "Kata sandi ini terlalu umum atau mudah ditebak; pilih yang lain.",
            "en": "This password is too common or easy to guess; choose another one.",
        },
        "server.password_has_username": {
            "id": "Kata sandi tidak boleh memuat nama pengguna.",
            "en": "The password must not contain the username.",
        },
        "server.conflict_resolved": {
            "id": "Konflik ini sudah diselesaikan.",
            "en": "This conflict is already resolved.",
        },
        "server.device_mismatch": {
            "id": "Perangkat dalam kiriman tidak sama dengan perangkat yang masuk.",
            "en": "The device in the request is not the signed-in device.",
        },
        "server.token_missing": {
            "id": "Permintaan ini memerlukan token perangkat. Masuk terlebih dahulu.",
            "en": "This request needs a device token. Sign in first.",
        },
        "server.token_invalid": {
            "id": "Token perangkat tidak dikenal. Masuk lagi untuk mendapat token baru.",
            "en": "The device token is not known. Sign in again to get a new one.",
        },
        "server.token_revoked": {
            "id": "Akses perangkat ini sudah dicabut oleh admin. Masuk lagi bila masih berhak.",
            "en": "This device's access was revoked by an administrator. Sign in again if allowed.",
        },
        "server.token_expired": {
            "id": "Token perangkat sudah kedaluwarsa. Masuk lagi untuk melanjutkan sinkronisasi.",
            "en": "The device token has expired. Sign in again to continue syncing.",
        },
        "server.too_deep": {
            "id": "Isi permintaan bersarang terlalu dalam untuk dibaca.",
            "en": "The request body is nested too deeply to be read.",
        },
        "server.json_number_too_large": {
            "id": "Isi permintaan memuat bilangan bulat yang terlalu panjang (lebih dari 19 digit).",
            "en": "The request body holds an integer that is too long (more than 19 digits).",
        },
        "server.lone_surrogate": {
            "id": "Isi permintaan memuat teks dengan karakter rusak (surrogate UTF-16 tunggal).",
            "en": "The request body holds text with a broken character (a lone UTF-16 surrogate).",
        },
        "server.json_non_finite": {
            "id": "Isi permintaan memuat angka tidak sah (NaN, Infinity, atau melampaui batas seperti 1e999).",
            "en": "The request body holds a number that is not valid (NaN, Infinity, or out of range like 1e999).",
        },
        "server.period_locked": {
            "id": "Bulan {period} sudah diverifikasi oleh {by} — minta puskesmas membuka kembali.",
            "en": "Month {period} was verified by {by} — ask the puskesmas to reopen it.",
        },
        "server.period_closed": {
            "id": "Masa input bulan {period} sudah ditutup (tanggal {day} bulan berikutnya) — "
            "minta puskesmas membuka kembali.",
            "en": "Input for {period} closed on day {day} of the next month — "
            "ask the puskesmas to reopen it.",
        },
        "server.review_step_refused": {
            "id": "Peran Anda tidak boleh mengubah status laporan bulan ini seperti itu.",
            "en": "Your role may not change this month's report status that way.",
        },
        "server.review_field_refused": {
            "id": "Tanpa mengubah status, laporan bulan ini hanya boleh diberi permintaan buka "
            "kembali; perubahan lain tidak disimpan.",
            "en": "Without a status change, this month's report takes only a request to reopen "
            "it; other changes were not saved.",
        },
        "server.person_merged": {
            "id": "Orang ini sudah digabung ke data lain ({survivor}); sinkronkan lalu isi ulang "
            "pada data yang dipertahankan.",
            "en": "This person was merged into another record ({survivor}); sync, then enter it "
            "again on the record kept.",
        },
    }
)
