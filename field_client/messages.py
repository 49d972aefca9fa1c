"""The field client's texts (``client.*``), Bahasa Indonesia first, English second."""

from shared.i18n import register

MONTHS_ID = (
    "Januari",
    "Februari",
    "Maret",
    "April",
    "Mei",
    "Juni",
    "Juli",
    "Agustus",
    "September",
    "Oktober",
    "November",
    "Desember",
)
MONTHS_EN = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)

# Printing: the child's card and the monthly report (field_client/printing.py).
PRINT_MESSAGES = {
    "client.print.button": {"id": "Cetak", "en": "Print"},
    "client.print.back": {"id": "Kembali", "en": "Back"},
    "client.print.saving": {"id": "Menyimpan PDF…", "en": "Saving the PDF…"},
    "client.print.saved": {"id": "PDF tersimpan di {path}", "en": "PDF saved as {path}"},
    "client.print.no_window": {
        "id": "Simpan PDF hanya tersedia di jendela aplikasi.",
        "en": "Saving a PDF is only available in the app window.",
    },
    "client.print.pdf_failed": {
        "id": "PDF gagal dibuat. Coba lagi.",
        "en": "The PDF could not be made. Try again.",
    },
    "client.print.pdf_unwritable": {
        "id": "PDF tidak dapat disimpan: folder Dokumen dan folder data tidak dapat ditulisi.",
        "en": "The PDF could not be saved: neither Documents nor the data folder is writable.",
    },
    "client.print.hint": {
        "id": "Halaman ini siap dicetak pada kertas A4.",
        "en": "This page is ready to print on A4 paper.",
    },
    "client.print.printed_on": {"id": "Dicetak {date}", "en": "Printed {date}"},
    "client.print.card_title": {
        "id": "Kartu Menuju Sehat (KMS) balita",
        "en": "Child growth card (KMS)",
    },
    "client.print.card_button": {"id": "Cetak kartu anak", "en": "Print the child's card"},
    "client.print.nik_masked": {
        "id": "hanya 4 angka terakhir dicetak",
        "en": "only the last 4 digits are printed",
    },
    "client.print.weighings": {"id": "Penimbangan terakhir", "en": "Recent weighings"},
    "client.print.no_weighings": {"id": "Belum pernah ditimbang.", "en": "Never weighed."},
    "client.print.immunisation": {"id": "Catatan imunisasi", "en": "Immunisation record"},
    "client.print.antigen": {"id": "Imunisasi", "en": "Vaccine"},
    "client.print.age_due": {"id": "Umur anjuran", "en": "Recommended age"},
    "client.print.given_on": {"id": "Tanggal diberikan", "en": "Date given"},
    "client.print.months": {"id": "{n} bulan", "en": "{n} months"},
    "client.print.at_birth": {"id": "saat lahir", "en": "at birth"},
    "client.print.report_title": {
        "id": "Laporan bulanan posyandu {month}",
        "en": "Posyandu monthly report, {month}",
    },
    "client.print.report_button": {"id": "Cetak laporan", "en": "Print the report"},
    "client.print.skdn_identity": {
        "id": "D = N + T + O + B: {d} = {n} + {t} + {o} + {b}",
        "en": "D = N + T + O + B: {d} = {n} + {t} + {o} + {b}",
    },
    "client.print.register": {
        "id": "Register penimbangan: balita ditimbang (D = {n})",
        "en": "Weighing register: children weighed (D = {n})",
    },
    "client.print.not_weighed": {
        "id": "Balita sasaran yang belum ditimbang ({n})",
        "en": "Target children not weighed ({n})",
    },
    "client.print.none": {"id": "Tidak ada.", "en": "None."},
    "client.print.number": {"id": "No", "en": "No"},
    "client.print.weighed_on": {"id": "Tanggal timbang", "en": "Date weighed"},
    "client.print.gain": {"id": "Kenaikan (g)", "en": "Gain (g)"},
    "client.print.remarks": {"id": "Keterangan", "en": "Remarks"},
    "client.print.kader": {"id": "Kader posyandu", "en": "Posyandu kader"},
    "client.print.bidan": {"id": "Mengetahui, bidan desa", "en": "Acknowledged, village midwife"},
    "client.print.nt.N": {"id": "Naik", "en": "Gained"},
    "client.print.nt.T": {"id": "Tidak naik", "en": "Did not gain"},
    "client.print.nt.O": {"id": "Bulan lalu tidak ditimbang", "en": "Not weighed last month"},
    "client.print.nt.B": {"id": "Baru pertama kali ditimbang", "en": "First weighing"},
}
register(PRINT_MESSAGES)

MESSAGES = {
    "client.app_name": {"id": "Posyandu Sync", "en": "Posyandu Sync"},
    "client.yes": {"id": "Ya", "en": "Yes"},
    "client.no": {"id": "Tidak", "en": "No"},
    # navigation
    "client.nav.label": {"id": "Menu utama", "en": "Main menu"},
    "client.nav.home": {"id": "Beranda", "en": "Home"},
    "client.nav.registry": {"id": "Registrasi", "en": "Registry"},
    "client.nav.session": {"id": "Hari buka", "en": "Opening day"},
    "client.nav.monthly": {"id": "Laporan bulanan", "en": "Monthly report"},
    "client.nav.desa": {"id": "Laporan desa", "en": "Village report"},
    "client.nav.sync": {"id": "Sinkronisasi", "en": "Sync"},
    # errors of the local app and API
    "client.error.launch_token": {
        "id": "Buka aplikasi dari jendela Posyandu Sync atau dari alamat yang ditampilkan saat "
        "aplikasi dijalankan.",
        "en": "Open the app from the Posyandu Sync window or from the address shown when it "
        "started.",
    },
    "client.error.bad_host": {
        "id": "Alamat ini bukan alamat aplikasi di komputer ini. Buka aplikasi dari jendela "
        "Posyandu Sync.",
        "en": "This address is not the app's address on this computer. Open the app from the "
        "Posyandu Sync window.",
    },
    "client.error.cross_origin": {
        "id": "Permintaan dari situs lain ditolak.",
        "en": "A request from another site was refused.",
    },
    "client.error.json_required": {
        "id": "Permintaan harus berupa JSON.",
        "en": "The request must be JSON.",
    },
    "client.error.locked": {
        "id": "Aplikasi terkunci. Masukkan PIN terlebih dahulu.",
        "en": "The app is locked. Enter your PIN first.",
    },
    "client.error.validation_error": {
        "id": "Ada isian yang perlu diperbaiki.",
        "en": "Some entries need correcting.",
    },
    "client.error.implausible": {
        "id": "Nilai ini tidak masuk akal secara biologis. Ukur ulang; jika sudah benar, "
        "centang konfirmasi lalu simpan.",
        "en": "This value is biologically implausible. Measure again; if it is right, tick "
        "the confirmation and save.",
    },
    "client.error.needs_remeasure": {
        "id": "Nilai ini bertentangan dengan pengukuran anak ini sebelumnya. Ukur ulang; jika "
        "nilainya benar, centang “Saya sudah mengukur ulang” lalu simpan.",
        "en": "This value contradicts the child's earlier measurements. Measure again; if it is "
        "right, tick “I measured again” and save.",
    },
    "client.error.possible_duplicate": {
        "id": "Orang ini mungkin sudah terdaftar. Buka data yang sudah ada, atau pilih “Orang "
        "yang berbeda, tetap simpan”.",
        "en": "This person may already be registered. Open the existing record, or choose “A "
        "different person, save anyway”.",
    },
    "client.error.date_format": {
        "id": "{field} ditulis hh/bb/tttt, misalnya 24/11/2026.",
        "en": "{field} is written dd/mm/yyyy, for example 24/11/2026.",
    },
    "client.error.id_taken": {
        "id": "ID ini sudah dipakai oleh data lain.",
        "en": "This ID is already used by another record.",
    },
    "client.error.json_object": {
        "id": "Isi permintaan harus berupa objek JSON.",
        "en": "The request body must be a JSON object.",
    },
    "client.error.not_found": {"id": "Data tidak ditemukan.", "en": "Record not found."},
    "client.error.read_only": {
        "id": "Data rujukan ini hanya dapat diubah di server.",
        "en": "This reference data can only be changed on the server.",
    },
    "client.error.bad_request": {
        "id": "Permintaan tidak dapat diproses.",
        "en": "The request cannot be processed.",
    },
    "client.blocked.title": {"id": "Akses ditolak", "en": "Access refused"},
    "client.error.problem_title": {"id": "Terjadi masalah", "en": "Something went wrong"},
    "client.error.full": {
        "id": "Penyimpanan perangkat ini penuh, jadi data ini BELUM tersimpan. Data yang "
        "tersimpan sebelumnya tetap aman. Kosongkan ruang penyimpanan (hapus file yang tidak "
        "diperlukan, misalnya unduhan atau video lama), lalu simpan lagi.",
        "en": "This device's storage is full, so this data has NOT been saved. Data saved "
        "before is safe. Free some space (delete files you do not need, such as old downloads "
        "or videos), then save again.",
    },
    "client.error.busy": {
        "id": "Data sedang dipakai oleh proses lain, jadi data ini belum tersimpan. Tunggu "
        "sebentar lalu coba lagi.",
        "en": "The data is in use by another process, so this has not been saved. Wait a "
        "moment and try again.",
    },
    "client.error.storage": {
        "id": "Data tidak dapat dibaca atau ditulis di perangkat ini, jadi data ini belum "
        "tersimpan. Tutup lalu buka lagi aplikasi; jika masih terjadi, hubungi petugas "
        "puskesmas.",
        "en": "Data cannot be read or written on this device, so this has not been saved. "
        "Close and reopen the app; if it happens again, contact the puskesmas staff.",
    },
    "client.error.internal": {
        "id": "Terjadi kesalahan di aplikasi. Data yang sudah tersimpan tetap aman. Coba lagi; "
        "jika masih terjadi, hubungi petugas puskesmas.",
        "en": "Something went wrong in the app. Data already saved is safe. Try again; if it "
        "happens again, contact the puskesmas staff.",
    },
    "client.error.store_damaged": {
        "id": "File data di perangkat ini rusak. Buka aplikasi untuk petunjuk pemulihan.",
        "en": "The data file on this device is damaged. Open the app for recovery steps.",
    },
    # a damaged database file
    "client.recovery.title": {
        "id": "Data perangkat tidak dapat dibuka",
        "en": "The device's data cannot be opened",
    },
    "client.recovery.what": {
        "id": "File data aplikasi di perangkat ini rusak atau bukan file data Posyandu Sync, "
        "sehingga aplikasi tidak dapat membukanya.",
        "en": "The app's data file on this device is damaged or is not a Posyandu Sync data "
        "file, so the app cannot open it.",
    },
    "client.recovery.kept": {
        "id": "Aplikasi tidak mengubah, memindahkan, atau menghapus file itu: {path}",
        "en": "The app has not changed, moved or deleted that file: {path}",
    },
    "client.recovery.server": {
        "id": "Data yang sudah terkirim ke server tetap aman di server. Hanya perubahan yang "
        "belum terkirim yang ada di file ini saja.",
        "en": "Data already sent to the server is safe there. Only changes not yet sent exist "
        "in this file alone.",
    },
    "client.recovery.readable": {
        "id": "Masih terbaca: {records} data dan {pending} perubahan yang belum terkirim.",
        "en": "Still readable: {records} records and {pending} changes not yet sent.",
    },
    "client.recovery.nothing": {
        "id": "Tidak ada data yang dapat dibaca dari file ini.",
        "en": "No data can be read from this file.",
    },
    "client.recovery.export_intro": {
        "id": "Simpan data yang masih terbaca ke sebuah file, lalu hubungi petugas puskesmas "
        "dan tunjukkan file itu beserta pesan ini.",
        "en": "Save the data that can still be read to a file, then contact the puskesmas "
        "staff and show them that file and this message.",
    },
    "client.recovery.export_pin": {
        "id": "PIN (untuk menyimpan data yang masih terbaca)",
        "en": "PIN (to save the data that can still be read)",
    },
    "client.recovery.export_submit": {
        "id": "Simpan data yang masih terbaca",
        "en": "Save the data that can still be read",
    },
    "client.recovery.saved": {
        "id": "Data yang terbaca ({records} data, {pending} perubahan belum terkirim) sudah "
        "disimpan di: {path}",
        "en": "The readable data ({records} records, {pending} unsent changes) was saved "
        "to: {path}",
    },
    "client.recovery.download": {"id": "Unduh file itu", "en": "Download that file"},
    "client.recovery.pin_wrong": {"id": "PIN salah.", "en": "Wrong PIN."},
    "client.recovery.pin_locked": {
        "id": "Terlalu banyak PIN salah. Hubungi petugas puskesmas.",
        "en": "Too many wrong PINs. Contact the puskesmas staff.",
    },
    "client.recovery.help": {
        "id": "Hubungi petugas puskesmas. Jangan menghapus folder data aplikasi.",
        "en": "Contact the puskesmas staff. Do not delete the app's data folder.",
    },
    "client.recovery.not_needed": {
        "id": "Data perangkat ini dapat dibuka; pemulihan tidak diperlukan.",
        "en": "This device's data can be opened; no recovery is needed.",
    },
    "client.cli.store_damaged": {
        "id": "File data {path} rusak atau bukan file data Posyandu Sync; file itu tidak "
        "diubah. Jalankan aplikasi (posyandu-client) untuk menyimpan data yang masih terbaca, "
        "lalu hubungi petugas puskesmas.",
        "en": "The data file {path} is damaged or is not a Posyandu Sync data file; it was "
        "not changed. Start the app (posyandu-client) to save the data that can still be "
        "read, then contact the puskesmas staff.",
    },
    # first run, PIN, unlock
    "client.setup.title": {
        "id": "Masuk ke server puskesmas",
        "en": "Sign in to the puskesmas server",
    },
    "client.setup.intro": {
        "id": "Hanya sekali, saat ada sinyal: masukkan alamat server, nama pengguna dan kata "
        "sandi dari puskesmas. Setelah itu aplikasi bekerja tanpa sinyal.",
        "en": "Once only, while online: enter the server address, username and password from "
        "the puskesmas. After that the app works without a signal.",
    },
    "client.setup.server_url": {"id": "Alamat server", "en": "Server address"},
    "client.setup.username": {"id": "Nama pengguna", "en": "Username"},
    "client.setup.password": {"id": "Kata sandi", "en": "Password"},
    "client.setup.device_name": {"id": "Nama perangkat", "en": "Device name"},
    "client.setup.submit": {"id": "Masuk", "en": "Sign in"},
    "client.setup.locked": {
        "id": "Perangkat ini sudah terhubung ke server. Buka dulu dengan PIN untuk mengganti "
        "server atau pengguna.",
        "en": "This device is already connected to a server. Unlock it with the PIN first to "
        "change the server or user.",
    },
    "client.setup.same_account": {
        "id": "Untuk membuat PIN baru, masuk dengan akun perangkat ini: server {server}, "
        "pengguna {username}.",
        "en": "To choose a new PIN, sign in with this device's account: server {server}, "
        "user {username}.",
    },
    "client.setup.missing": {
        "id": "Isi alamat server, nama pengguna dan kata sandi.",
        "en": "Fill in the server address, username and password.",
    },
    "client.pin.title": {"id": "Buat PIN", "en": "Choose a PIN"},
    "client.pin.intro": {
        "id": "PIN ({min}–{max} angka) membuka aplikasi di perangkat ini, juga tanpa sinyal. "
        "Jangan pakai tanggal lahir atau angka berurutan.",
        "en": "The PIN ({min}–{max} digits) unlocks the app on this device, also offline. "
        "Do not use a birth date or a run of digits.",
    },
    "client.pin.weak": {
        "id": "PIN Anda lebih pendek dari {min} angka. Demi keamanan data, buat PIN baru.",
        "en": "Your PIN is shorter than {min} digits. To keep the data safe, choose a new PIN.",
    },
    "client.pin.change": {"id": "Ganti PIN", "en": "Change PIN"},
    "client.pin.pin": {"id": "PIN", "en": "PIN"},
    "client.pin.again": {"id": "Ulangi PIN", "en": "Repeat the PIN"},
    "client.pin.submit": {"id": "Simpan PIN", "en": "Save PIN"},
    "client.pin.invalid": {
        "id": "PIN harus {min} sampai {max} angka.",
        "en": "The PIN must be {min} to {max} digits.",
    },
    "client.pin.mismatch": {"id": "Kedua PIN tidak sama.", "en": "The two PINs differ."},
    "client.unlock.title": {"id": "Buka aplikasi", "en": "Unlock"},
    "client.unlock.hello": {"id": "Selamat datang, {name}.", "en": "Welcome, {name}."},
    "client.unlock.submit": {"id": "Buka", "en": "Unlock"},
    "client.unlock.wrong": {"id": "PIN salah.", "en": "Wrong PIN."},
    "client.unlock.locked": {
        "id": "Terlalu banyak PIN salah. Tunggu {seconds} detik lalu coba lagi.",
        "en": "Too many wrong PINs. Wait {seconds} seconds and try again.",
    },
    "client.unlock.signin": {
        "id": "Terlalu banyak PIN salah, jadi PIN tidak dapat dipakai lagi. Masuk ke server dengan "
        "nama pengguna dan kata sandi Anda (perlu sinyal), lalu buat PIN baru. Semua data di "
        "perangkat ini tetap tersimpan.",
        "en": "Too many wrong PINs, so the PIN can no longer be used. Sign in to the server with "
        "your username and password (needs a connection), then choose a new PIN. All data on "
        "this device is kept.",
    },
    "client.unlock.signin_link": {
        "id": "Masuk ke server",
        "en": "Sign in to the server",
    },
    "client.clock.off": {
        "id": "Jam perangkat ini berbeda sekitar {minutes} menit dari jam server. Perbaiki "
        "tanggal dan jam perangkat.",
        "en": "This device's clock is about {minutes} minutes off the server's. Correct the "
        "device's date and time.",
    },
    # Beranda
    "client.home.title": {"id": "Posyandu bulan {month}", "en": "Posyandu, {month}"},
    "client.home.signed_in_as": {"id": "Masuk sebagai {name}", "en": "Signed in as {name}"},
    "client.home.pending": {
        "id": "{n} perubahan belum terkirim ke server.",
        "en": "{n} changes not yet sent to the server.",
    },
    "client.home.quarantined": {"id": "{n} perlu diperbaiki", "en": "{n} need fixing"},
    "client.home.due": {
        "id": "Belum ditimbang bulan ini ({n})",
        "en": "Not yet weighed this month ({n})",
    },
    "client.home.measured": {"id": "Sudah ditimbang ({n})", "en": "Weighed ({n})"},
    "client.home.none_due": {
        "id": "Semua balita sudah ditimbang.",
        "en": "Every child has been weighed.",
    },
    "client.home.none_measured": {
        "id": "Belum ada penimbangan bulan ini.",
        "en": "No weighing yet this month.",
    },
    "client.home.register": {"id": "Daftarkan sasaran baru", "en": "Register a new person"},
    # Registrasi
    "client.registry.title": {"id": "Registrasi sasaran", "en": "Registry"},
    "client.registry.search": {
        "id": "Cari nama, NIK atau nama ibu",
        "en": "Search name, NIK or mother's name",
    },
    "client.registry.stage": {"id": "Tahap", "en": "Stage"},
    "client.registry.all_stages": {"id": "Semua tahap", "en": "All stages"},
    "client.registry.find": {"id": "Cari", "en": "Search"},
    "client.registry.age": {"id": "Umur", "en": "Age"},
    "client.registry.empty": {"id": "Tidak ada sasaran.", "en": "Nobody found."},
    "client.registry.more": {
        "id": "{n} lagi tidak ditampilkan; persempit pencarian.",
        "en": "{n} more not shown; narrow the search.",
    },
    "client.registry.new": {"id": "Daftarkan sasaran baru", "en": "Register a new person"},
    "client.registry.bblr": {"id": "BBLR", "en": "LBW"},
    # registration of a new person
    "client.register.stage": {"id": "Tahap hidup", "en": "Life stage"},
    "client.register.stage.balita": {
        "id": "Bayi / balita (0–5 tahun)",
        "en": "Infant / under-five (0–5 years)",
    },
    "client.register.stage.anak": {
        "id": "Anak / remaja (5–17 tahun)",
        "en": "Child / adolescent (5–17 years)",
    },
    "client.register.stage.dewasa": {
        "id": "Dewasa / lansia (18 tahun ke atas)",
        "en": "Adult / older person (18 years and over)",
    },
    "client.register.stage_hint": {
        "id": "Tahap dipilih otomatis dari tanggal lahir; isian mengikuti tahap.",
        "en": "The stage follows the date of birth; the fields follow the stage.",
    },
    "client.register.desa_missing": {
        "id": "Belum ada daftar desa di perangkat ini: sinkronkan dulu, atau tulis kode desa "
        "10 angka.",
        "en": "This device has no village list yet: sync first, or type the 10-digit village code.",
    },
    "client.bblr.alert": {
        "id": "BBLR: berat lahir di bawah 2,5 kg. Pantau pertumbuhannya lebih ketat.",
        "en": "Low birth weight (BBLR): under 2.5 kg. Monitor growth closely.",
    },
    "client.bblr.short": {"id": "BBLR", "en": "LBW"},
    # likely duplicates, shown beside Simpan
    "client.duplicates.title": {
        "id": "Mungkin sudah terdaftar. Periksa dulu:",
        "en": "Possibly already registered. Check first:",
    },
    "client.duplicates.born": {"id": "lahir {date}", "en": "born {date}"},
    "client.duplicates.mother": {"id": "ibu: {name}", "en": "mother: {name}"},
    "client.duplicates.last_visit": {
        "id": "kunjungan terakhir {date}",
        "en": "last visit {date}",
    },
    "client.duplicates.no_visit": {"id": "belum ada kunjungan", "en": "no visit yet"},
    "client.duplicates.open": {"id": "Buka data ini", "en": "Open this record"},
    "client.duplicates.different": {
        "id": "Orang yang berbeda, tetap simpan",
        "en": "A different person, save anyway",
    },
    "client.duplicates.reason.nik": {"id": "NIK sama", "en": "same NIK"},
    "client.duplicates.reason.name": {"id": "nama mirip", "en": "similar name"},
    "client.duplicates.reason.birth_date": {
        "id": "tanggal lahir berdekatan",
        "en": "close date of birth",
    },
    "client.duplicates.reason.mother_name": {"id": "nama ibu mirip", "en": "similar mother"},
    "client.stage.bayi": {"id": "Bayi", "en": "Infant"},
    "client.stage.balita": {"id": "Balita", "en": "Under-five"},
    "client.stage.hamil": {"id": "Ibu hamil", "en": "Pregnant"},
    "client.stage.anak": {"id": "Anak prasekolah/usia sekolah", "en": "Child"},
    "client.stage.remaja": {"id": "Remaja", "en": "Adolescent"},
    "client.stage.dewasa": {"id": "Dewasa", "en": "Adult"},
    "client.stage.lansia": {"id": "Lansia", "en": "Older person"},
    "client.age.days": {"id": "{n} hari", "en": "{n} days"},
    "client.age.months": {"id": "{n} bulan", "en": "{n} months"},
    "client.age.years_months": {"id": "{y} th {m} bl", "en": "{y} y {m} m"},
    "client.person.edit": {"id": "Ubah data diri", "en": "Edit personal details"},
    "client.person.move_out": {"id": "Pindah", "en": "Moved out"},
    "client.person.move_out_intro": {
        "id": "Catat tanggal orang ini pindah dari wilayah posyandu.",
        "en": "Record the date this person moved out of the posyandu's area.",
    },
    "client.person.death": {"id": "Meninggal", "en": "Died"},
    "client.person.death_intro": {
        "id": "Catat tanggal dan penyebab kematian.",
        "en": "Record the date and cause of death.",
    },
    "client.person.moved_on": {"id": "Pindah pada {date}.", "en": "Moved out on {date}."},
    "client.person.died_on": {"id": "Meninggal pada {date}.", "en": "Died on {date}."},
    "client.state.pending": {"id": "belum terkirim", "en": "not sent yet"},
    "client.state.quarantined": {"id": "perlu diperbaiki", "en": "needs fixing"},
    # forms
    "client.form.save": {"id": "Simpan", "en": "Save"},
    "client.form.saved": {"id": "Tersimpan", "en": "Saved"},
    "client.form.delete": {"id": "Hapus", "en": "Delete"},
    "client.form.date_hint": {"id": "hh/bb/tttt", "en": "dd/mm/yyyy"},
    "client.form.desa": {"id": "Desa", "en": "Village"},
    # delete with a way back
    "client.delete.confirm": {"id": "Hapus {what}?", "en": "Delete {what}?"},
    "client.delete.person_note": {
        "id": "Kunjungan dan kehamilannya ikut tersembunyi sampai data dipulihkan.",
        "en": "Their visits and pregnancies are hidden too until the record is restored.",
    },
    "client.delete.yes": {"id": "Ya, hapus", "en": "Yes, delete"},
    "client.delete.cancel": {"id": "Batal", "en": "Cancel"},
    "client.done.saved": {"id": "Data tersimpan.", "en": "Saved."},
    "client.done.resent": {
        "id": "Perubahan diperbaiki dan akan dikirim ulang.",
        "en": "The change was fixed and will be sent again.",
    },
    "client.done.discarded": {
        "id": "Perubahan dibatalkan; data kembali seperti di server pada sinkronisasi berikutnya.",
        "en": "The change was discarded; the record returns to the server's version at the "
        "next sync.",
    },
    "client.done.deleted": {"id": "Terhapus: {what}.", "en": "Deleted: {what}."},
    "client.done.restored": {"id": "Dipulihkan: {what}.", "en": "Restored: {what}."},
    "client.done.undo": {"id": "Urungkan", "en": "Undo"},
    "client.what.person": {"id": "{name} (lahir {date})", "en": "{name} (born {date})"},
    "client.what.child_visit": {
        "id": "kunjungan {name} tanggal {date}",
        "en": "{name}'s visit of {date}",
    },
    "client.what.adult_visit": {
        "id": "kunjungan {name} tanggal {date}",
        "en": "{name}'s visit of {date}",
    },
    "client.what.anc_visit": {
        "id": "pemeriksaan kehamilan {name} tanggal {date}",
        "en": "{name}'s antenatal visit of {date}",
    },
    "client.what.pregnancy": {
        "id": "kehamilan {name} (terdaftar {date})",
        "en": "{name}'s pregnancy (registered {date})",
    },
    "client.what.desa_report": {
        "id": "laporan desa {desa} bulan {month}",
        "en": "village report of {desa} for {month}",
    },
    "client.what.posyandu_session": {
        "id": "hari buka tanggal {date}",
        "en": "opening day of {date}",
    },
    # a child's value against the child's own history (data/growth_plausibility.csv)
    "client.plausibility.length_decrease.later": {
        "id": "{field} {value} cm: {change} cm lebih pendek daripada {other} cm pada {date}. "
        "Panjang/tinggi anak tidak berkurang: ukur ulang.",
        "en": "{field} {value} cm: {change} cm less than {other} cm on {date}. A child does not "
        "get shorter: measure again.",
    },
    "client.plausibility.length_decrease.earlier": {
        "id": "{field} {value} cm: {change} cm lebih panjang daripada {other} cm pada kunjungan "
        "sesudahnya ({date}). Ukur ulang atau periksa kunjungan itu.",
        "en": "{field} {value} cm: {change} cm more than {other} cm at the later visit of "
        "{date}. Measure again or check that visit.",
    },
    "client.plausibility.weight_loss.later": {
        "id": "Berat badan turun dari {other} kg ({date}) menjadi {value} kg: turun {change}% "
        "dalam {days} hari. Timbang ulang.",
        "en": "Weight fell from {other} kg ({date}) to {value} kg: {change}% in {days} days. "
        "Weigh again.",
    },
    "client.plausibility.weight_loss.earlier": {
        "id": "Berat badan {value} kg: {change}% lebih berat daripada {other} kg pada kunjungan "
        "{days} hari sesudahnya ({date}). Timbang ulang atau periksa kunjungan itu.",
        "en": "Weight {value} kg: {change}% more than {other} kg at the visit {days} days later "
        "({date}). Weigh again or check that visit.",
    },
    "client.flag.remeasured": {"id": "diukur ulang", "en": "re-measured"},
    "client.flag.implausible_z": {
        "id": "Nilai di luar batas wajar WHO (z-score); sudah diukur ulang.",
        "en": "Value outside WHO's plausible range (z-score); measured again.",
    },
    "client.monthly.remeasured": {
        "id": "Nilai tidak wajar yang sudah diukur ulang",
        "en": "Unusual values measured again",
    },
    "client.monthly.remeasured_intro": {
        "id": "Kader mengonfirmasi nilai-nilai ini setelah mengukur ulang. Petugas puskesmas "
        "dapat memeriksanya.",
        "en": "The kader confirmed these values after measuring again. The puskesmas may "
        "review them.",
    },
    "client.monthly.reason": {"id": "Alasan", "en": "Reason"},
    "client.flag.remeasured_title": {
        "id": "Kader sudah mengukur ulang nilai yang tidak wajar ini.",
        "en": "The kader re-measured this unusual value.",
    },
    "client.form.confirm_implausible": {
        "id": "Saya sudah mengukur ulang dan nilainya benar.",
        "en": "I measured again and the value is right.",
    },
    # child
    "client.child.title": {"id": "Data balita", "en": "Child's record"},
    "client.child.new_visit": {"id": "Catat kunjungan", "en": "Record a visit"},
    "client.child.history": {"id": "Riwayat kunjungan", "en": "Visit history"},
    "client.child.age": {"id": "Umur", "en": "Age"},
    "client.child.no_visits": {"id": "Belum ada kunjungan.", "en": "No visits yet."},
    "client.visit.title": {"id": "Kunjungan balita", "en": "Child visit"},
    "client.growth.title": {"id": "Hasil pengukuran", "en": "Measurement result"},
    "client.growth.empty": {
        "id": "Isi berat atau panjang badan untuk melihat hasilnya.",
        "en": "Enter weight or length to see the result.",
    },
    "client.growth.age": {
        "id": "Umur {months} bulan ({days} hari)",
        "en": "Age {months} months ({days} days)",
    },
    "client.growth.waz": {"id": "BB/U", "en": "Weight-for-age"},
    "client.growth.lhaz": {"id": "PB/U atau TB/U", "en": "Length/height-for-age"},
    "client.growth.wlhz": {"id": "BB/PB atau BB/TB", "en": "Weight-for-length/height"},
    "client.growth.baz": {"id": "IMT/U", "en": "BMI-for-age"},
    "client.growth.hcz": {"id": "LK/U", "en": "Head circumference-for-age"},
    "client.growth.acz": {"id": "LiLA/U", "en": "MUAC-for-age"},
    "client.growth.status.N": {
        "id": "N — naik {gain} g (minimal {kbm} g)",
        "en": "N — gained {gain} g (minimum {kbm} g)",
    },
    "client.growth.status.T": {
        "id": "T — tidak naik: {gain} g (minimal {kbm} g)",
        "en": "T — not gaining: {gain} g (minimum {kbm} g)",
    },
    "client.growth.status.O": {
        "id": "O — bulan lalu tidak ditimbang",
        "en": "O — not weighed last month",
    },
    "client.growth.status.B": {
        "id": "B — baru pertama kali ditimbang",
        "en": "B — weighed for the first time",
    },
    "client.alert.implausible": {
        "id": "Nilai tidak masuk akal: ukur ulang sebelum menyimpan.",
        "en": "Implausible value: measure again before saving.",
    },
    "client.alert.bgm": {
        "id": "BGM: berat badan di bawah garis merah. Rujuk ke puskesmas.",
        "en": "BGM: weight below the red line. Refer to the puskesmas.",
    },
    "client.alert.two_t": {
        "id": "2T: dua bulan berturut-turut tidak naik. Rujuk ke puskesmas.",
        "en": "2T: not gaining two months in a row. Refer to the puskesmas.",
    },
    "client.alert.t": {
        "id": "Berat badan tidak naik. Beri penyuluhan gizi.",
        "en": "Weight not gaining. Give nutrition counselling.",
    },
    "client.alert.oedema": {
        "id": "Edema bilateral: rujuk segera ke puskesmas.",
        "en": "Bilateral oedema: refer to the puskesmas at once.",
    },
    "client.alert.muac_low": {
        "id": "LiLA sangat rendah. Rujuk ke puskesmas.",
        "en": "Very low MUAC. Refer to the puskesmas.",
    },
    "client.alert.hypertension": {
        "id": "Tekanan darah tinggi (≥ 140/90). Rujuk ke nakes.",
        "en": "High blood pressure (≥ 140/90). Refer to a health worker.",
    },
    "client.chart.waz": {"id": "Berat badan menurut umur (BB/U)", "en": "Weight-for-age"},
    "client.chart.lhaz": {
        "id": "Panjang/tinggi badan menurut umur (PB/U, TB/U)",
        "en": "Length/height-for-age",
    },
    "client.chart.months": {"id": "bulan", "en": "months"},
    "client.chart.age_axis": {"id": "Umur (bulan)", "en": "Age (months)"},
    "client.chart.legend": {
        "id": "Garis merah: −3 SD (BGM). Jingga: −2 SD dan +2 SD. Hijau tua: median. "
        "Titik biru: hasil penimbangan anak.",
        "en": "Red line: −3 SD (BGM). Orange: −2 SD and +2 SD. Dark green: median. "
        "Blue dots: the child's measurements.",
    },
    # pregnancy and adults
    "client.pregnancy.title": {"id": "Kehamilan", "en": "Pregnancy"},
    "client.pregnancy.list": {"id": "Kehamilan", "en": "Pregnancies"},
    "client.pregnancy.none": {
        "id": "Belum ada kehamilan tercatat.",
        "en": "No pregnancy recorded.",
    },
    "client.pregnancy.new": {"id": "Daftarkan kehamilan", "en": "Register a pregnancy"},
    "client.pregnancy.edit": {"id": "Ubah data kehamilan", "en": "Edit the pregnancy"},
    "client.anc.history": {"id": "Pemeriksaan kehamilan", "en": "Antenatal visits"},
    "client.anc.none": {"id": "Belum ada pemeriksaan.", "en": "No visit yet."},
    "client.anc.new": {"id": "Catat pemeriksaan ibu hamil", "en": "Record an antenatal visit"},
    "client.anc.edit": {"id": "Ubah pemeriksaan", "en": "Edit the visit"},
    "client.anc.kek": {
        "id": "KEK: LiLA di bawah 23,5 cm. Rujuk untuk PMT ibu hamil.",
        "en": "KEK: MUAC below 23.5 cm. Refer for supplementary feeding.",
    },
    "client.anc.anaemia": {
        "id": "Hb di bawah 11 g/dL: kemungkinan anemia.",
        "en": "Hb below 11 g/dL: possible anaemia.",
    },
    "client.anc.weeks": {"id": "Usia kehamilan {n} minggu", "en": "{n} weeks pregnant"},
    "client.adult.title": {"id": "Kunjungan dewasa/lansia", "en": "Adult / older person visit"},
    "client.adult.new": {"id": "Catat kunjungan dewasa/lansia", "en": "Record an adult visit"},
    "client.adult.history": {"id": "Riwayat kunjungan", "en": "Visit history"},
    "client.adult.imt": {"id": "IMT", "en": "BMI"},
    "client.adult.bp": {"id": "Tekanan darah", "en": "Blood pressure"},
    "client.adult.refer": {
        "id": "SKILAS positif: rujuk ke puskesmas.",
        "en": "Positive SKILAS screen: refer to the puskesmas.",
    },
    "client.adult.skilas_hint": {
        "id": "Lansia: lakukan SKILAS paling sedikit setahun sekali.",
        "en": "Older person: do the SKILAS screen at least once a year.",
    },
    "client.imt.kurus_berat": {"id": "kurus berat", "en": "severely thin"},
    "client.imt.kurus_ringan": {"id": "kurus ringan", "en": "mildly thin"},
    "client.imt.normal": {"id": "normal", "en": "normal"},
    "client.imt.gemuk_ringan": {"id": "gemuk ringan", "en": "overweight"},
    "client.imt.gemuk_berat": {"id": "gemuk berat (obesitas)", "en": "obese"},
    # session and reports
    "client.session.title": {"id": "Hari buka posyandu", "en": "Posyandu opening days"},
    "client.session.new": {"id": "Catat hari buka", "en": "Record an opening day"},
    "client.session.edit": {"id": "Ubah hari buka", "en": "Edit the opening day"},
    "client.session.list": {"id": "Hari buka tercatat", "en": "Recorded opening days"},
    "client.session.none": {"id": "Belum ada.", "en": "None yet."},
    "client.session.opened": {"id": "buka", "en": "open"},
    "client.session.closed": {"id": "tidak buka", "en": "closed"},
    "client.monthly.title": {"id": "Laporan bulanan {month}", "en": "Monthly report, {month}"},
    "client.monthly.live": {
        "id": "Dihitung langsung dari data di perangkat ini (definisi yang sama dengan server).",
        "en": "Computed live from the records on this device (the server's definitions).",
    },
    "client.monthly.indicators": {"id": "Indikator", "en": "Indicators"},
    "client.monthly.numerator": {"id": "Pembilang", "en": "Numerator"},
    "client.monthly.denominator": {"id": "Penyebut", "en": "Denominator"},
    "client.monthly.session": {"id": "Data hari buka", "en": "Opening day data"},
    "client.monthly.no_session": {
        "id": "Hari buka bulan ini belum dicatat.",
        "en": "This month's opening day is not recorded yet.",
    },
    "client.monthly.edit_session": {"id": "Ubah data hari buka", "en": "Edit the opening day"},
    "client.desa.title": {"id": "Laporan desa", "en": "Village report"},
    "client.desa.new": {"id": "Buat laporan bulan ini", "en": "Report this month"},
    "client.desa.edit": {"id": "Ubah laporan", "en": "Edit the report"},
    "client.desa.list": {"id": "Laporan tercatat", "en": "Recorded reports"},
    "client.desa.none": {"id": "Belum ada laporan.", "en": "No report yet."},
    # Sinkronisasi
    "client.sync.title": {"id": "Sinkronisasi", "en": "Sync"},
    "client.sync.server": {"id": "Server", "en": "Server"},
    "client.sync.last": {"id": "Terakhir berhasil", "en": "Last successful"},
    "client.sync.never": {"id": "belum pernah", "en": "never"},
    "client.sync.pending": {"id": "Belum terkirim", "en": "Not sent yet"},
    "client.sync.quarantined": {"id": "Perlu diperbaiki", "en": "Need fixing"},
    "client.sync.now": {"id": "Kirim sekarang", "en": "Send now"},
    "client.sync.sign_in": {"id": "Masuk ke server", "en": "Sign in to the server"},
    "client.sync.resend": {"id": "Perbaiki dan kirim ulang", "en": "Fix and send again"},
    "client.sync.discard": {"id": "Batalkan perubahan ini", "en": "Discard this change"},
    "client.sync.quarantine_title": {"id": "Ditolak server", "en": "Refused by the server"},
    "client.sync.quarantine_intro": {
        "id": "Perubahan di bawah ini ditolak server. Perubahan lain tetap terkirim. Perbaiki "
        "isian yang disebut lalu kirim ulang.",
        "en": "The server refused these changes. Other changes are still sent. Correct the "
        "entries named and send again.",
    },
    "client.sync.quarantine_none": {"id": "Tidak ada.", "en": "None."},
    "client.sync.conflicts_title": {"id": "Perubahan bersamaan", "en": "Concurrent changes"},
    "client.sync.conflicts_intro": {
        "id": "Data ini diubah di dua tempat sekaligus. Server menyimpan salah satunya; "
        "petugas puskesmas akan memeriksa.",
        "en": "These were changed in two places at once. The server kept one value; the "
        "puskesmas will review them.",
    },
    "client.sync.conflicts_none": {"id": "Tidak ada.", "en": "None."},
    "client.sync.conflict_record": {"id": "Data", "en": "Record"},
    "client.sync.conflict_field": {"id": "Isian", "en": "Field"},
    "client.sync.conflict_kept": {"id": "Nilai yang dipakai", "en": "Value kept"},
    "client.sync.conflict_lost": {"id": "Nilai lain", "en": "Other value"},
    "client.sync.error.not_signed_in": {
        "id": "Perangkat belum masuk ke server. Masuk sekali saat ada sinyal.",
        "en": "This device is not signed in. Sign in once while online.",
    },
    "client.sync.error.offline": {
        "id": "Server tidak dapat dihubungi. Data tetap aman di perangkat; coba lagi saat ada "
        "sinyal.",
        "en": "The server cannot be reached. Your data is safe on this device; try again when "
        "online.",
    },
    "client.sync.error.timeout": {
        "id": "Sambungan terlalu lambat dan terputus. Data aman; coba lagi nanti.",
        "en": "The connection was too slow and timed out. Your data is safe; try again later.",
    },
    "client.sync.error.network": {
        "id": "Gangguan jaringan. Coba lagi nanti.",
        "en": "Network problem. Try again later.",
    },
    "client.sync.error.server_error": {
        "id": "Server sedang bermasalah. Data aman di perangkat; coba lagi nanti.",
        "en": "The server has a problem. Your data is safe here; try again later.",
    },
    "client.sync.error.unauthorized": {
        "id": "Server menolak perangkat ini (izin dicabut atau kata sandi diganti). Masuk lagi.",
        "en": "The server refused this device (access revoked or password changed). Sign in again.",
    },
    "client.sync.error.login_failed": {"id": "Gagal masuk.", "en": "Sign-in failed."},
    "client.sync.error.unsent_changes": {
        "id": "Perangkat ini masih menyimpan {n} perubahan yang belum terkirim ke server "
        "{server} (pengguna {username}). Kirim dulu lewat halaman Sinkronisasi sebelum "
        "menghubungkan perangkat ke server atau pengguna lain. Perubahan itu tidak dihapus dan "
        "tidak akan dikirim ke server lain.",
        "en": "This device still holds {n} changes not yet sent to the server {server} (user "
        "{username}). Send them from the Sync page before connecting the device to another "
        "server or user. Those changes are not deleted and will not be sent to another server.",
    },
    "client.sync.error.forbidden": {
        "id": "Anda tidak berhak atas data ini.",
        "en": "You are not allowed to access this data.",
    },
    "client.sync.error.seq_reused": {
        "id": "Urutan perubahan perangkat ini tidak cocok dengan server. Hubungi puskesmas.",
        "en": "This device's change sequence does not match the server's. Contact the puskesmas.",
    },
    "client.sync.error.seq_gap": {
        "id": "Urutan perubahan terputus; akan diulang otomatis.",
        "en": "The change sequence had a gap; it is retried.",
    },
    "client.sync.error.payload_too_large": {
        "id": "Kiriman terlalu besar untuk server.",
        "en": "The upload is too large for the server.",
    },
    "client.sync.error.validation_error": {
        "id": "Server menolak isian.",
        "en": "The server refused the input.",
    },
    "client.sync.error.invalid_cursor": {
        "id": "Posisi unduhan tidak berlaku; diulang.",
        "en": "The download position is invalid; restarted.",
    },
    "client.sync.error.too_many_attempts": {
        "id": "Terlalu banyak percobaan. Tunggu sebentar.",
        "en": "Too many attempts. Wait a moment.",
    },
    "client.sync.error.bad_response": {
        "id": "Jawaban server tidak dapat dibaca.",
        "en": "The server's answer could not be read.",
    },
    "client.sync.error.busy": {
        "id": "Sinkronisasi sedang berjalan.",
        "en": "A sync is already running.",
    },
    "client.sync.error.other": {
        "id": "Sinkronisasi gagal. Coba lagi nanti.",
        "en": "Sync failed. Try again later.",
    },
    # strings the page scripts use
    "client.js.failed": {"id": "Gagal menyimpan. Coba lagi.", "en": "Saving failed. Try again."},
    "client.js.action_failed": {
        "id": "Tidak berhasil. Periksa lalu coba lagi.",
        "en": "That did not work. Check and try again.",
    },
    "client.js.confirm_discard": {
        "id": "Batalkan perubahan ini? Data akan kembali seperti di server.",
        "en": "Discard this change? The record returns to the server's version.",
    },
    "client.js.phase.push": {
        "id": "Mengirim perubahan… {done}/{total}",
        "en": "Sending changes… {done}/{total}",
    },
    "client.js.phase.pull": {"id": "Mengunduh data… {done}", "en": "Downloading… {done}"},
    "client.js.phase.repair": {"id": "Memeriksa kelengkapan data…", "en": "Checking the data…"},
    "client.js.phase.done": {"id": "Selesai.", "en": "Done."},
    "client.js.phase.failed": {"id": "Gagal.", "en": "Failed."},
    "client.launcher.url": {"id": "Buka di peramban: {url}", "en": "Open in a browser: {url}"},
    "client.launcher.no_window": {
        "id": "Jendela aplikasi tidak tersedia di komputer ini; memakai peramban.",
        "en": "The app window is not available on this computer; using the browser.",
    },
}

for _number, (_id, _en) in enumerate(zip(MONTHS_ID, MONTHS_EN, strict=True), start=1):
    MESSAGES[f"client.month.{_number}"] = {"id": _id, "en": _en}

register(MESSAGES)

# Sinkronisasi: conflicts named, resolved with a confirmation and reopened (issue #14, items 3–4);
# the desa report filled from the device's records; the sign-in form and the running instance.
register(
    {
        "client.sync.conflicts_intro_reviewer": {
            "id": "Data ini diubah di dua tempat sekaligus. Pilih nilai yang benar; pilihan "
            "dikirim ke server, sampai ke semua perangkat, dan masih bisa dibuka lagi.",
            "en": "These were changed in two places at once. Choose the right value; the choice "
            "goes to the server, reaches every device, and can be reopened.",
        },
        "client.sync.conflict_open": {"id": "Belum diputuskan", "en": "Not decided yet"},
        "client.sync.conflict_resolved": {
            "id": "Diputuskan oleh {who}, {when}: dipakai {value}.",
            "en": "Decided by {who}, {when}: {value} is used.",
        },
        "client.sync.conflict_use": {"id": "Pakai nilai ini", "en": "Use this value"},
        "client.sync.conflict_confirm": {
            "id": "Pakai {value} untuk {field} pada {record}? Nilai lain ({other}) disisihkan. "
            "Keputusan ini masih bisa dibuka lagi.",
            "en": "Use {value} for {field} of {record}? The other value ({other}) is set aside. "
            "This decision can be reopened.",
        },
        "client.sync.conflict_yes": {"id": "Ya, pakai nilai ini", "en": "Yes, use this value"},
        "client.sync.conflict_cancel": {"id": "Batal", "en": "Cancel"},
        "client.sync.conflict_reopen": {"id": "Buka lagi", "en": "Reopen"},
        "client.sync.conflict_reopen_confirm": {
            "id": "Buka lagi keputusan {field} pada {record}? {value} tetap dipakai sampai "
            "dipilih lagi.",
            "en": "Reopen the decision on {field} of {record}? {value} stays in use until a "
            "value is chosen again.",
        },
        "client.sync.conflict_reopen_yes": {"id": "Ya, buka lagi", "en": "Yes, reopen"},
        "client.sync.conflict_history": {"id": "Riwayat keputusan", "en": "Decisions so far"},
        "client.sync.conflict_event.resolved": {
            "id": "{when}: {who} memilih {value}",
            "en": "{when}: {who} chose {value}",
        },
        "client.sync.conflict_event.reopened": {
            "id": "{when}: {who} membuka lagi",
            "en": "{when}: {who} reopened it",
        },
        "client.sync.conflict_deleted": {"id": "Dihapus", "en": "Deleted"},
        "client.sync.conflict_not_deleted": {"id": "Tidak dihapus", "en": "Not deleted"},
        "client.sync.conflict_empty": {"id": "(kosong)", "en": "(empty)"},
        "client.done.resolved": {
            "id": "Keputusan tersimpan di server; perangkat lain menerimanya saat sinkronisasi.",
            "en": "The decision is on the server; other devices receive it when they sync.",
        },
        "client.done.reopened": {
            "id": "Dibuka lagi. Pilih nilai yang benar.",
            "en": "Reopened. Choose the right value.",
        },
        "client.desa.prefill": {
            "id": "Angka lahir dan kematian sudah diisi dari catatan di perangkat ini untuk desa "
            "dan bulan yang dipilih. Periksa lagi, lalu tambahkan yang tercatat di tempat lain "
            "(posyandu lain di desa ini, bidan desa).",
            "en": "Births and deaths are filled in from the records on this device for the "
            "village and month chosen. Check them, then add those recorded elsewhere (other "
            "posyandu of this village, the village midwife).",
        },
        "client.launcher.running": {
            "id": "Posyandu Sync sudah berjalan. Buka di peramban: {url}",
            "en": "Posyandu Sync is already running. Open in a browser: {url}",
        },
        "client.launcher.not_running": {
            "id": "Posyandu Sync belum berjalan untuk folder data ini. Jalankan: posyandu-client",
            "en": "Posyandu Sync is not running for this data folder. Start it: posyandu-client",
        },
        "client.error.conflict_choice": {
            "id": "Pilih salah satu nilai.",
            "en": "Choose one of the values.",
        },
    }
)

# Beranda's work lists and the search (issue 15; field_client/worklists.py, search.py).
register(
    {
        "client.work.title": {"id": "Pekerjaan hari ini", "en": "Today's work"},
        "client.work.sasaran": {"id": "Sasaran hari ini", "en": "Today's sasaran"},
        "client.work.immunisation": {
            "id": "Imunisasi jatuh tempo bulan ini",
            "en": "Immunisation due this month",
        },
        "client.work.to_weigh": {"id": "Balita belum ditimbang", "en": "Balita to weigh"},
        "client.work.follow_up": {
            "id": "Balita perlu tindak lanjut",
            "en": "Balita to follow up",
        },
        "client.work.pregnant_risk": {
            "id": "Ibu hamil berisiko atau perlu ANC",
            "en": "Pregnant women at risk or due ANC",
        },
        "client.work.nifas_kf": {"id": "Ibu nifas perlu KF", "en": "Mothers due a KF visit"},
        "client.work.lansia_skilas": {
            "id": "Lansia perlu SKILAS",
            "en": "Lansia due SKILAS",
        },
        "client.work.referrals": {"id": "Rujukan belum selesai", "en": "Open referrals"},
        "client.work.none": {"id": "Tidak ada.", "en": "None."},
        "client.work.more": {
            "id": "Tampilkan semua ({n})",
            "en": "Show all ({n})",
        },
        "client.work.shown": {
            "id": "Ditampilkan {shown} dari {n}, urut nama.",
            "en": "Showing {shown} of {n}, by name.",
        },
        "client.work.served": {
            "id": "{served} dari {total} sudah dilayani hari ini",
            "en": "{served} of {total} served today",
        },
        "client.work.waiting": {"id": "Belum dilayani:", "en": "Not yet served:"},
        "client.work.cluster.balita": {"id": "Balita", "en": "Balita"},
        "client.work.cluster.usia_sekolah_remaja": {
            "id": "Usia sekolah dan remaja",
            "en": "School age and adolescents",
        },
        "client.work.cluster.dewasa": {"id": "Usia dewasa", "en": "Adults"},
        "client.work.cluster.lansia": {"id": "Lansia", "en": "Older people (lansia)"},
        "client.work.cluster.ibu_hamil_nifas": {
            "id": "Ibu hamil dan nifas",
            "en": "Pregnant and postpartum women",
        },
        "client.work.reason.imm_overdue": {
            "id": "terlambat: {codes}",
            "en": "overdue: {codes}",
        },
        "client.work.reason.imm_due": {"id": "waktunya: {codes}", "en": "due: {codes}"},
        "client.work.reason.bgm": {"id": "BGM", "en": "below the red line (BGM)"},
        "client.work.reason.two_t": {
            "id": "2T (dua kali tidak naik)",
            "en": "2T (not gaining twice)",
        },
        "client.work.reason.gizi_buruk": {"id": "gizi buruk", "en": "severe wasting"},
        "client.work.reason.gizi_kurang": {"id": "gizi kurang", "en": "wasting"},
        "client.work.reason.newly_stunted": {
            "id": "baru pendek (stunting)",
            "en": "newly stunted",
        },
        "client.work.reason.referred": {
            "id": "tindak lanjut: dirujuk, {status}",
            "en": "follow-up: referred, {status}",
        },
        "client.work.reason.not_followed_up": {
            "id": "tindak lanjut: belum dikunjungi atau dirujuk",
            "en": "follow-up: not yet visited or referred",
        },
        "client.work.reason.anc_kek": {"id": "KEK (LiLA < 23,5 cm)", "en": "KEK (MUAC < 23.5 cm)"},
        "client.work.reason.anc_anaemia": {"id": "anemia (Hb < 11)", "en": "anaemia (Hb < 11)"},
        "client.work.reason.anc_hypertension": {
            "id": "hipertensi (TD ≥ 140/90)",
            "en": "hypertension (BP ≥ 140/90)",
        },
        "client.work.reason.anc_short_stature": {
            "id": "tinggi badan < 145 cm",
            "en": "height < 145 cm",
        },
        "client.work.reason.anc_due": {
            "id": "belum ANC bulan ini (terakhir {last})",
            "en": "no ANC this month (last {last})",
        },
        "client.work.reason.anc_due_never": {
            "id": "belum pernah ANC",
            "en": "no ANC visit yet",
        },
        "client.work.reason.hpl_soon": {
            "id": "HPL {hpl} (dalam 4 minggu)",
            "en": "due date {hpl} (within 4 weeks)",
        },
        "client.work.reason.hpl_passed": {
            "id": "HPL {hpl} sudah lewat, persalinan belum dicatat",
            "en": "due date {hpl} has passed, no delivery recorded",
        },
        "client.work.reason.kf_due": {
            "id": "{visit} sampai {until}",
            "en": "{visit} by {until}",
        },
        "client.work.reason.skilas_due": {
            "id": "SKILAS terakhir {last}",
            "en": "last SKILAS {last}",
        },
        "client.work.reason.skilas_due_never": {
            "id": "belum pernah SKILAS",
            "en": "never screened with SKILAS",
        },
        "client.work.reason.referral_open": {
            "id": "{reason} → {destination}, {status} sejak {since}",
            "en": "{reason} → {destination}, {status} since {since}",
        },
        "client.search.label": {
            "id": "Cari nama, NIK atau nama ibu",
            "en": "Search by name, NIK or mother's name",
        },
        "client.search.go": {"id": "Cari", "en": "Search"},
        "client.search.title": {"id": "Cari sasaran", "en": "Find a person"},
        "client.search.results": {
            "id": "{n} orang ditemukan untuk “{q}”",
            "en": "{n} found for “{q}”",
        },
        "client.search.none": {
            "id": "Tidak ada yang cocok dengan “{q}”. Periksa ejaan atau cari dengan NIK.",
            "en": "Nobody matches “{q}”. Check the spelling or search by NIK.",
        },
        "client.search.hint": {
            "id": "Ketik sebagian nama, NIK (paling sedikit 4 angka) atau nama ibu.",
            "en": "Type part of a name, a NIK (at least 4 digits) or the mother's name.",
        },
        "client.search.too_long": {
            "id": "Kata pencarian terlalu panjang (paling banyak {n} huruf).",
            "en": "The search is too long (at most {n} characters).",
        },
        "client.search.matched.name": {"id": "nama", "en": "name"},
        "client.search.matched.mother": {"id": "nama ibu", "en": "mother's name"},
        "client.search.matched.nik": {"id": "NIK", "en": "NIK"},
        "client.search.mother": {"id": "Ibu: {name}", "en": "Mother: {name}"},
    }
)


# Laporan bulanan: the month's report sent to the puskesmas, its status, a reopen request (#16).
register(
    {
        "client.review.title": {
            "id": "Laporan bulan ini ke puskesmas",
            "en": "This month's report",
        },
        "client.review.submit": {"id": "Kirim laporan bulan ini", "en": "Send this month's report"},
        "client.review.none": {"id": "Belum dikirim.", "en": "Not sent yet."},
        "client.review.status": {"id": "Status: {status}", "en": "Status: {status}"},
        "client.review.by": {"id": "oleh {by}", "en": "by {by}"},
        "client.review.pending": {
            "id": "menunggu sinkronisasi",
            "en": "waiting for synchronisation",
        },
        "client.review.note": {"id": "Catatan: {note}", "en": "Note: {note}"},
        "client.review.locked": {
            "id": "Bulan ini sudah diverifikasi — minta puskesmas membuka kembali.",
            "en": "This month was verified — ask the puskesmas to reopen it.",
        },
        "client.review.held": {
            "id": "{n} perubahan untuk bulan ini tertahan, menunggu di Sinkronisasi.",
            "en": "{n} changes for this month are held, waiting on Synchronisation.",
        },
        "client.review.ask_reopen": {"id": "Minta dibuka kembali", "en": "Ask to reopen"},
        "client.review.asked": {
            "id": "Permintaan buka kembali: {text}",
            "en": "Reopening asked: {text}",
        },
        "client.review.request_text": {
            "id": "Kader meminta bulan ini dibuka kembali ({n} perubahan tertahan).",
            "en": "The kader asks to reopen this month ({n} changes held).",
        },
        "client.done.review_sent": {
            "id": "Laporan bulan ini disimpan dan terkirim saat sinkronisasi.",
            "en": "This month's report is saved and is sent when you synchronise.",
        },
        "client.done.reopen_asked": {
            "id": "Permintaan buka kembali disimpan dan terkirim saat sinkronisasi.",
            "en": "The reopening request is saved and is sent when you synchronise.",
        },
    }
)


# -- ILP on the device (issue #15): remaja, nifas, KB, TB, referrals, immunisation by schedule --
register(
    {
        "client.ilp.services": {"id": "Layanan ILP", "en": "ILP services"},
        "client.what.youth_visit": {
            "id": "kunjungan remaja {name} tanggal {date}",
            "en": "{name}'s adolescent visit of {date}",
        },
        "client.what.postpartum_visit": {
            "id": "kunjungan nifas {name} tanggal {date}",
            "en": "{name}'s postpartum visit of {date}",
        },
        "client.what.family_planning": {
            "id": "catatan KB {name} tanggal {date}",
            "en": "{name}'s family planning record of {date}",
        },
        "client.what.tb_screening": {
            "id": "skrining TBC {name} tanggal {date}",
            "en": "{name}'s TB screening of {date}",
        },
        "client.what.referral": {
            "id": "rujukan {name} tanggal {date}",
            "en": "{name}'s referral of {date}",
        },
        "client.what.immunization": {
            "id": "imunisasi {name} tanggal {date}",
            "en": "{name}'s immunisation of {date}",
        },
        "client.ilp.link.remaja": {
            "id": "Kunjungan usia sekolah/remaja",
            "en": "School-age/adolescent visit",
        },
        "client.ilp.link.nifas": {"id": "Kunjungan nifas (KF)", "en": "Postpartum visit (KF)"},
        "client.ilp.link.kb": {"id": "KB (PUS/WUS)", "en": "Family planning (PUS/WUS)"},
        "client.ilp.link.tbc": {"id": "Skrining gejala TBC", "en": "TB symptom screening"},
        "client.ilp.link.rujukan": {"id": "Rujukan", "en": "Referrals"},
        "client.ilp.history": {"id": "Riwayat", "en": "History"},
        "client.ilp.preview_hint": {
            "id": "Temuan yang perlu dirujuk muncul di sini selama mengisi.",
            "en": "Findings that need a referral show here while you fill in the form.",
        },
        "client.ilp.none": {"id": "Belum ada catatan.", "en": "Nothing recorded yet."},
        "client.ilp.refer_hint": {
            "id": 'Ada temuan yang perlu dirujuk. Simpan, lalu klik "Rujuk ke Puskesmas".',
            "en": 'A finding needs a referral. Save, then click "Refer to the puskesmas".',
        },
        "client.ilp.refer_button": {"id": "Rujuk ke Puskesmas", "en": "Refer to the puskesmas"},
        "client.ilp.refer_link": {"id": "Rujuk", "en": "Refer"},
        "client.ilp.referred": {"id": "Sudah dirujuk", "en": "Referred"},
        "client.ilp.alert.tb_suspect": {
            "id": "Terduga TBC: rujuk ke puskesmas untuk pemeriksaan dahak.",
            "en": "Presumptive TB: refer to the puskesmas for a sputum test.",
        },
        "client.ilp.alert.nifas_danger": {
            "id": "Ada tanda bahaya masa nifas: rujuk ke puskesmas hari ini.",
            "en": "A postpartum danger sign: refer to the puskesmas today.",
        },
        "client.ilp.alert.mental_health": {
            "id": "Hasil skrining kesehatan jiwa tidak normal: rujuk ke puskesmas.",
            "en": "Abnormal mental-health screen: refer to the puskesmas.",
        },
        "client.ilp.kf.title": {
            "id": "Jadwal kunjungan nifas (persalinan {date})",
            "en": "Postpartum visit schedule (delivered {date})",
        },
        "client.ilp.kf.visit": {"id": "Kunjungan nifas", "en": "Postpartum visit"},
        "client.ilp.kf.done": {"id": "Sudah dikunjungi", "en": "Done"},
        "client.ilp.kf.due": {"id": "Jadwalnya sekarang", "en": "Due now"},
        "client.ilp.kf.missed": {"id": "Terlewat", "en": "Missed"},
        "client.ilp.kf.later": {"id": "Belum waktunya", "en": "Not yet"},
        "client.ilp.no_delivery": {
            "id": "Belum ada persalinan dalam 42 hari terakhir. Catat tanggal persalinan di "
            "halaman kehamilan ibu ini.",
            "en": "No delivery in the last 42 days. Record the delivery date on this mother's "
            "pregnancy page.",
        },
        "client.ilp.dose_unknown": {
            "id": "Kode imunisasi tidak dikenal: {code}.",
            "en": "Unknown immunisation code: {code}.",
        },
        "client.ilp.dose_no_birth": {
            "id": "Tanggal lahir anak belum tercatat atau sesudah tanggal kunjungan; imunisasi "
            "tidak dapat diperiksa.",
            "en": "The child's date of birth is missing or after the visit; the immunisation "
            "cannot be checked.",
        },
        "client.ilp.dose_refused": {
            "id": "{name} ditolak: {reason}",
            "en": "{name} refused: {reason}",
        },
        "client.ilp.dose_list": {
            "id": "Daftar imunisasi tidak terbaca.",
            "en": "The list of immunisations cannot be read.",
        },
        "client.ilp.doses_title": {
            "id": "Imunisasi pada kunjungan ini",
            "en": "Immunisations at this visit",
        },
        "client.ilp.doses_due": {
            "id": "Sesuai jadwal dan boleh diberikan pada tanggal itu:",
            "en": "Due by the schedule and allowed on that day:",
        },
        "client.ilp.doses_none_due": {
            "id": "Tidak ada imunisasi yang jadwalnya pada tanggal itu.",
            "en": "No immunisation is due on that day.",
        },
        "client.ilp.doses_more": {"id": "Lainnya", "en": "Other"},
        "client.ilp.late": {"id": "terlambat", "en": "late"},
        "client.ilp.card_title": {"id": "Status imunisasi", "en": "Immunisation status"},
        "client.ilp.card.dose": {"id": "Imunisasi", "en": "Immunisation"},
        "client.ilp.card.status": {"id": "Status", "en": "Status"},
        "client.ilp.card.given_on": {"id": "Tanggal diberikan", "en": "Date given"},
        "client.ilp.card.note": {"id": "Keterangan", "en": "Note"},
        "client.ilp.card.window": {
            "id": "Jadwal {start} s.d. {end}",
            "en": "Scheduled {start} to {end}",
        },
        "client.ilp.card.today": {
            "id": "Boleh diberikan hari ini.",
            "en": "Can be given today.",
        },
        "client.ilp.card.from": {
            "id": "Boleh diberikan mulai {start}.",
            "en": "Can be given from {start}.",
        },
        "client.ilp.referral.list": {"id": "Daftar rujukan", "en": "Referrals"},
        "client.ilp.referral.new": {"id": "Rujukan baru", "en": "New referral"},
        "client.ilp.referral.from": {"id": "Dari: {what}", "en": "From: {what}"},
        "client.ilp.referral.open_title": {
            "id": "Rujukan terbuka: {n}",
            "en": "Open referrals: {n}",
        },
        "client.ilp.referral.close": {
            "id": "Tutup rujukan (sudah ditindaklanjuti)",
            "en": "Close the referral (followed up)",
        },
        "client.ilp.referral.close_intro": {
            "id": "Isi tanggal tindak lanjut dan siapa yang menindaklanjuti.",
            "en": "Fill in the follow-up date and who followed up.",
        },
        "client.ilp.referral.close_button": {"id": "Tutup rujukan", "en": "Close referral"},
        "client.ilp.referral.closed": {
            "id": "Rujukan ini sudah selesai atau dibatalkan.",
            "en": "This referral is completed or cancelled.",
        },
        "client.ilp.referral.update": {
            "id": "Ubah status rujukan",
            "en": "Change the referral's status",
        },
    }
)

# -- the "5 meja" day: serving phones on the posyandu's network (field_client/pairing.py) ------
register(
    {
        "client.nav.meja": {"id": "Meja", "en": "Stations"},
        "client.meja.title": {"id": "Meja posyandu", "en": "Posyandu stations"},
        "client.meja.choose": {
            "id": "Pilih meja untuk perangkat ini",
            "en": "Choose the station of this device",
        },
        "client.meja.m1": {"id": "Meja 1 Pendaftaran", "en": "Station 1 Registration"},
        "client.meja.m2": {"id": "Meja 2 Penimbangan", "en": "Station 2 Weighing"},
        "client.meja.m3": {"id": "Meja 3 Pencatatan", "en": "Station 3 Recording"},
        "client.meja.m4": {"id": "Meja 4 Penyuluhan", "en": "Station 4 Counselling"},
        "client.meja.m5": {"id": "Meja 5 Pelayanan", "en": "Station 5 Services"},
        "client.meja.now": {"id": "Perangkat ini: {meja}", "en": "This device: {meja}"},
        "client.meja.hadir": {"id": "Hadir hari ini: {n}", "en": "Present today: {n}"},
        "client.meja.hadir_empty": {
            "id": "Belum ada sasaran yang dilayani hari ini.",
            "en": "Nobody has been served today yet.",
        },
        "client.lan.title": {
            "id": "Izinkan HP/tablet lain (meja)",
            "en": "Allow other phones/tablets (stations)",
        },
        "client.lan.intro": {
            "id": "HP atau tablet kader lain di jaringan posyandu (hotspot) dapat memakai data "
            "laptop ini. Mati sampai Anda menyalakannya, dan mati lagi saat aplikasi ditutup.",
            "en": "Other kader's phones or tablets on the posyandu's network (hotspot) can use "
            "this laptop's data. Off until you turn it on, and off again when the app closes.",
        },
        "client.lan.address": {
            "id": "Alamat laptop di jaringan posyandu",
            "en": "This laptop's address on the posyandu network",
        },
        "client.lan.no_address": {
            "id": "Laptop belum tersambung ke jaringan. Nyalakan hotspot, lalu muat ulang.",
            "en": "The laptop is not on a network. Turn on the hotspot, then reload.",
        },
        "client.lan.on": {
            "id": "Izinkan HP/tablet lain (meja)",
            "en": "Allow other phones/tablets (stations)",
        },
        "client.lan.off": {"id": "Matikan", "en": "Turn off"},
        "client.lan.open_on_phone": {
            "id": "Di HP, buka alamat:",
            "en": "On the phone, open:",
        },
        "client.lan.code": {
            "id": "Kode pemasangan (sekali pakai, berlaku {minutes} menit):",
            "en": "Pairing code (single use, valid {minutes} minutes):",
        },
        "client.lan.code_expired": {
            "id": "Kode sudah kedaluwarsa. Buat kode baru.",
            "en": "The code has expired. Make a new code.",
        },
        "client.lan.code_spent": {
            "id": "Kode sudah dipakai atau terlalu banyak salah. Buat kode baru untuk HP berikutnya.",
            "en": "The code was used or mistyped too often. Make a new code for the next phone.",
        },
        "client.lan.code_none": {"id": "Belum ada kode.", "en": "No code yet."},
        "client.lan.new_code": {"id": "Buat kode baru", "en": "New code"},
        "client.lan.devices": {"id": "Perangkat terpasang: {n}", "en": "Paired devices: {n}"},
        "client.lan.revoke": {"id": "Cabut", "en": "Revoke"},
        "client.lan.device": {"id": "HP {n}", "en": "Phone {n}"},
        "client.lan.bad_address": {
            "id": "Alamat tidak valid. Tulis alamat IPv4 laptop, misalnya 192.168.43.10.",
            "en": "Not a valid address. Write the laptop's IPv4 address, e.g. 192.168.43.10.",
        },
        "client.lan.bind_failed": {
            "id": "Tidak dapat melayani di alamat {address}: alamat ini bukan milik laptop atau "
            "sedang dipakai aplikasi lain.",
            "en": "Cannot serve on {address}: it is not this laptop's address or is in use.",
        },
        "client.pair.title": {"id": "Pasang HP ke laptop posyandu", "en": "Pair with the laptop"},
        "client.pair.intro": {
            "id": "Ketik kode yang tampil di laptop (menu Meja). Setelah itu pilih nama Anda dan "
            "buka dengan PIN Anda sendiri.",
            "en": "Type the code shown on the laptop (Stations page). Then choose your name and "
            "unlock with your own PIN.",
        },
        "client.pair.code": {"id": "Kode pemasangan", "en": "Pairing code"},
        "client.pair.submit": {"id": "Pasang", "en": "Pair"},
        "client.pair.wrong": {
            "id": "Kode salah. Sisa percobaan: {n}.",
            "en": "Wrong code. Tries left: {n}.",
        },
        "client.pair.spent": {
            "id": "Kode ini tidak berlaku lagi (sudah dipakai atau terlalu banyak salah). Minta "
            "kode baru di laptop.",
            "en": "This code is no longer valid (used, or mistyped too often). Ask the laptop "
            "for a new code.",
        },
        "client.pair.expired": {
            "id": "Kode sudah kedaluwarsa. Minta kode baru di laptop.",
            "en": "The code has expired. Ask the laptop for a new code.",
        },
        "client.error.not_paired": {
            "id": "Perangkat ini belum dipasang ke laptop posyandu atau sudah dicabut. Buka "
            "/pasang dan ketik kode dari laptop.",
            "en": "This device is not paired with the posyandu laptop, or was revoked. Open "
            "/pasang and type the code from the laptop.",
        },
        "client.error.lan_refused": {
            "id": "Halaman ini hanya dapat dibuka di laptop posyandu.",
            "en": "This page can only be opened on the posyandu laptop.",
        },
        "client.error.bad_meja": {
            "id": "Pilihan tidak dikenal.",
            "en": "Unknown choice.",
        },
    }
)


# Bodies the local API refuses before they reach the store (shared/strict_json.py).
register(
    {
        "client.error.json_number": {
            "id": "Angka tidak wajar (tak hingga atau terlalu panjang). Tidak ada yang disimpan.",
            "en": "A number that cannot be stored (infinite or too long). Nothing was saved.",
        },
        "client.error.json_surrogate": {
            "id": "Teks berisi karakter yang tidak sah. Tidak ada yang disimpan.",
            "en": "The text holds an invalid character. Nothing was saved.",
        },
    }
)


# The visit form's dose offer follows the visit's date (a late entry is judged on its own day).
register(
    {
        "client.ilp.doses_for": {
            "id": "Daftar ini menurut tanggal kunjungan {day}.",
            "en": "This list follows the visit date {day}.",
        },
        "client.ilp.doses_bad_day": {
            "id": "Tanggal kunjungan tidak terbaca: tulis HH/BB/TTTT, misalnya 24/11/2026.",
            "en": "The visit date cannot be read: write DD/MM/YYYY, for example 24/11/2026.",
        },
    }
)
