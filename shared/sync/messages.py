"""The sync protocol's messages, written for a kader reading them on the device.

A message with ``{placeholders}`` is filled from the error's ``details``; its ``.generic`` variant is
used when the details lack them, so a kader never sees a raw ``{expected_seq}``.
"""

from shared.i18n import register

register(
    {
        # a refused mutation's errors under "author" (the kader a shared device named, issue #18)
        "records.label.author": {"id": "Dicatat oleh", "en": "Recorded by"},
        "sync.error.bad_request": {
            "id": "Permintaan tidak dapat diproses. Coba lagi; bila tetap gagal, hubungi petugas puskesmas.",
            "en": "The request could not be processed. Try again; if it still fails, contact the puskesmas officer.",
        },
        "sync.error.invalid_json": {
            "id": "Data yang dikirim rusak atau terpotong. Perangkat akan mengirim ulang.",
            "en": "The data sent was damaged or cut off. The device will send it again.",
        },
        "sync.error.validation_error": {
            "id": "Sebagian data tidak sesuai aturan isian. Periksa isian yang ditandai.",
            "en": "Some of the data does not follow the form's rules. Check the marked entries.",
        },
        "sync.error.unauthorized": {
            "id": "Sesi di perangkat ini sudah berakhir. Silakan masuk lagi dengan nama pengguna dan kata sandi.",
            "en": "The session on this device has ended. Please sign in again with your username and password.",
        },
        "sync.error.forbidden": {
            "id": "Akun Anda tidak berhak melakukan ini atau melihat data ini.",
            "en": "Your account is not allowed to do this or to see this data.",
        },
        "sync.error.not_found": {
            "id": "Data atau halaman yang dicari tidak ada.",
            "en": "The data or page you asked for does not exist.",
        },
        "sync.error.method_not_allowed": {
            "id": "Cara permintaan ini tidak didukung di alamat ini.",
            "en": "This kind of request is not supported at this address.",
        },
        "sync.error.unsupported_media_type": {
            "id": "Format data yang dikirim tidak didukung. Perbarui aplikasi di perangkat ini.",
            "en": "The format of the data sent is not supported. Update the application on this device.",
        },
        "sync.error.payload_too_large": {
            "id": "Kiriman terlalu besar. Perangkat akan mengirim data dalam bagian yang lebih kecil.",
            "en": "The upload is too large. The device will send the data in smaller parts.",
        },
        "sync.error.too_many_attempts": {
            "id": "Terlalu banyak percobaan masuk. Tunggu {retry_after} detik, lalu coba lagi.",
            "en": "Too many sign-in attempts. Wait {retry_after} seconds, then try again.",
        },
        "sync.error.too_many_attempts.generic": {
            "id": "Terlalu banyak percobaan masuk. Tunggu beberapa menit, lalu coba lagi.",
            "en": "Too many sign-in attempts. Wait a few minutes, then try again.",
        },
        "sync.error.seq_gap": {
            "id": "Urutan data dari perangkat ini terputus; perangkat akan mengirim ulang dari nomor {expected_seq}.",
            "en": "The data from this device arrived out of order; the device will send again from number {expected_seq}.",
        },
        "sync.error.seq_gap.generic": {
            "id": "Urutan data dari perangkat ini terputus; perangkat akan mengirim ulang data yang belum diterima.",
            "en": "The data from this device arrived out of order; the device will send again what was not received.",
        },
        "sync.error.seq_reused": {
            "id": "Nomor urut data dari perangkat ini sudah dipakai untuk data lain. Sinkronisasi dihentikan; hubungi petugas puskesmas.",
            "en": "A sequence number from this device was already used for different data. Sync has stopped; contact the puskesmas officer.",
        },
        "sync.error.unknown_device": {
            "id": "Perangkat ini tidak dikenal atau sudah dicabut. Silakan masuk lagi.",
            "en": "This device is not known or has been revoked. Please sign in again.",
        },
        "sync.error.invalid_cursor": {
            "id": "Posisi unduhan tidak berlaku lagi. Perangkat akan mengunduh ulang data wilayahnya.",
            "en": "The download position is no longer valid. The device will download its area's data again.",
        },
        "sync.error.already_resolved": {
            "id": "Perbedaan data ini sudah diputuskan oleh petugas lain.",
            "en": "This data conflict has already been decided by another officer.",
        },
        "sync.error.internal_error": {
            "id": "Terjadi kesalahan di server. Data Anda tetap aman di perangkat; coba sinkron lagi nanti.",
            "en": "Something went wrong on the server. Your data is still safe on the device; try syncing again later.",
        },
        "sync.error.unavailable": {
            "id": "Server sedang sibuk atau dalam perbaikan. Data Anda tetap aman di perangkat; coba sinkron lagi nanti.",
            "en": "The server is busy or under maintenance. Your data is still safe on the device; try syncing again later.",
        },
    }
)
