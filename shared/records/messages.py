"""Every sentence and label of the record kinds, Indonesian first, registered as ``records.*``.

Keys:
- ``records.error.*``  field errors, with ``{field}`` (the field's label) and range parameters;
- ``records.rule.*``   cross-field rules, with the values they compare;
- ``records.label.<field>`` a field's label, ``records.label.<kind>.<field>`` where a kind needs
  its own wording, ``records.label.<group>.<field>`` for the fields of rows (attendance, ...);
- ``records.kind.<kind>`` the name of a kind; ``records.choice.<group>.<code>`` an option's label.

Also here: how numbers and dates are written in each language.
"""

from __future__ import annotations

import datetime as dt

from shared import i18n

ERRORS = {
    "required": ("{field} wajib diisi.", "{field} is required."),
    "invalid": ("{field} tidak sah.", "{field} is not valid."),
    "not_number": ("{field} harus berupa angka.", "{field} must be a number."),
    "not_integer": ("{field} harus berupa bilangan bulat.", "{field} must be a whole number."),
    "not_finite": (
        "{field} harus berupa angka biasa, bukan NaN atau tak hingga.",
        "{field} must be an ordinary number, not NaN or infinity.",
    ),
    "range": (
        "{field} harus antara {min} dan {max}{unit}.",
        "{field} must be between {min} and {max}{unit}.",
    ),
    "not_boolean": (
        "{field} harus diisi ya atau tidak (true atau false).",
        "{field} must be yes or no (true or false).",
    ),
    "not_string": ("{field} harus berupa teks.", "{field} must be text."),
    "too_long": (
        "{field} paling panjang {max_length} karakter.",
        "{field} must be at most {max_length} characters long.",
    ),
    "bad_characters": (
        "{field} berisi karakter yang tidak diizinkan.",
        "{field} contains characters that are not allowed.",
    ),
    "not_date": (
        "{field} harus berupa tanggal berformat TTTT-BB-HH, misalnya 2025-01-31.",
        "{field} must be a date written YYYY-MM-DD, for example 2025-01-31.",
    ),
    "date_range": (
        "{field} harus antara tahun 1900 dan 2100.",
        "{field} must be between the years 1900 and 2100.",
    ),
    "future": (
        "{field} tidak boleh sesudah hari ini ({today}).",
        "{field} cannot be later than today ({today}).",
    ),
    "not_month": (
        "{field} harus berupa bulan berformat TTTT-BB, misalnya 2025-08.",
        "{field} must be a month written YYYY-MM, for example 2025-08.",
    ),
    "month_future": (
        "{field} tidak boleh sesudah bulan ini ({month}).",
        "{field} cannot be later than this month ({month}).",
    ),
    "one_of": ("{field} harus salah satu dari: {choices}.", "{field} must be one of: {choices}."),
    "digits": (
        "{field} harus terdiri dari tepat {digits} angka.",
        "{field} must be exactly {digits} digits.",
    ),
    "wilayah_code": (
        "{field} harus berupa kode wilayah Kemendagri dengan 2, 4, 6 atau 10 angka.",
        "{field} must be a Kemendagri area code of 2, 4, 6 or 10 digits.",
    ),
    "uuid": (
        "{field} harus berupa UUID, misalnya 0b6f3c1e-8a4d-4f7e-9c2b-5d1a7e3f9b20.",
        "{field} must be a UUID, for example 0b6f3c1e-8a4d-4f7e-9c2b-5d1a7e3f9b20.",
    ),
    "facility_code": (
        "{field} harus berupa kode fasilitas seperti PSY-6111012001-01 "
        "(huruf kapital, angka dan tanda hubung).",
        "{field} must be a facility code such as PSY-6111012001-01 "
        "(capital letters, digits and hyphens).",
    ),
    "phone": (
        "{field} harus berupa nomor telepon: 6 sampai 20 angka, boleh diawali +.",
        "{field} must be a phone number: 6 to 20 digits, optionally starting with +.",
    ),
    "short_number": ("{field} harus berupa 1 sampai 3 angka.", "{field} must be 1 to 3 digits."),
    "not_list": ("{field} harus berupa daftar.", "{field} must be a list."),
    "too_many": (
        "{field} paling banyak berisi {max_items} butir.",
        "{field} can hold at most {max_items} items.",
    ),
    "duplicate": ("{field} berisi nilai ganda: {value}.", "{field} contains a duplicate: {value}."),
    "unknown_antigen": (
        "{field}: kode antigen tidak dikenal: {value}.",
        "{field}: unknown antigen code: {value}.",
    ),
    "antigen_not_code": (
        "{field} harus berisi kode antigen, misalnya BCG atau MR1.",
        "{field} must hold antigen codes, for example BCG or MR1.",
    ),
    "not_object": (
        "{field} harus berupa objek berisi kolom-kolom.",
        "{field} must be an object of fields.",
    ),
    "unknown_field": ("Kolom tidak dikenal: {name}.", "Unknown field: {name}."),
    "record_not_object": (
        "Data rekaman harus berupa objek JSON.",
        "A record must be a JSON object.",
    ),
    "in_row": ("{field} baris ke-{row}: {message}", "{field}, row {row}: {message}"),
    "in_part": ("{field}: {message}", "{field}: {message}"),
    "row_not_object": (
        "{field} baris ke-{row} harus berupa objek berisi kolom-kolom.",
        "{field}, row {row} must be an object of fields.",
    ),
}

RULES = {
    "before_birth": (
        "{field} tidak boleh sebelum tanggal lahir ({birth_date}).",
        "{field} cannot be before the date of birth ({birth_date}).",
    ),
    "after_death": (
        "{field} tidak boleh sesudah tanggal meninggal ({died_on}).",
        "{field} cannot be after the date of death ({died_on}).",
    ),
    "position_required": (
        "Cara ukur (berbaring atau berdiri) wajib diisi bila panjang/tinggi badan diisi.",
        "The measuring position (lying or standing) is required when length/height is given.",
    ),
    "child_needs_service": (
        "Isi paling sedikit satu pengukuran atau layanan: berat badan, "
        "panjang/tinggi badan, lingkar kepala, LiLA, vitamin A, imunisasi "
        "atau obat cacing.",
        "Record at least one measurement or service: weight, length/height, "
        "head circumference, MUAC, vitamin A, an immunisation or deworming.",
    ),
    "adult_needs_check": (
        "Isi paling sedikit satu pemeriksaan: berat badan, tinggi badan, "
        "lingkar perut, tekanan darah, gula darah atau SKILAS.",
        "Record at least one check: weight, height, waist circumference, "
        "blood pressure, blood glucose or SKILAS.",
    ),
    "bp_pair": (
        "{field} wajib diisi bila tekanan darah yang lain diisi: sistolik dan diastolik "
        "diukur bersama.",
        "{field} is required when the other blood pressure is given: systolic and "
        "diastolic are measured together.",
    ),
    "diastolic_below_systolic": (
        "Tekanan darah diastolik ({diastolic} mmHg) harus lebih rendah "
        "dari sistolik ({systolic} mmHg).",
        "Diastolic blood pressure ({diastolic} mmHg) must be lower than "
        "systolic ({systolic} mmHg).",
    ),
    "diarrhoea_oralit": (
        "Balita diare yang dapat oralit ({treated}) tidak boleh lebih dari kasus diare ({cases}).",
        "Children given ORS ({treated}) cannot be more than diarrhoea cases ({cases}).",
    ),
    "kader_present": (
        "Kader hadir ({present}) tidak boleh lebih dari kader terdaftar ({registered}).",
        "Kader present ({present}) cannot be more than kader registered ({registered}).",
    ),
    "families_contributing": (
        "KK yang menyumbang dana sehat ({contributing}) tidak boleh lebih "
        "dari KK sasaran ({target}).",
        "Households contributing to dana sehat ({contributing}) cannot be "
        "more than households targeted ({target}).",
    ),
    "edd_after_lmp": (
        "HPL ({edd}) harus sesudah HPHT ({lmp}).",
        "The expected delivery date ({edd}) must be after the last menstrual period ({lmp}).",
    ),
    "edd_too_late": (
        "HPL ({edd}) tidak boleh lebih dari 44 minggu sesudah HPHT ({lmp}).",
        "The expected delivery date ({edd}) cannot be more than 44 weeks after the "
        "last menstrual period ({lmp}).",
    ),
    "delivery_before_lmp": (
        "Tanggal persalinan ({delivery}) tidak boleh sebelum HPHT ({lmp}).",
        "The delivery date ({delivery}) cannot be before the last menstrual period ({lmp}).",
    ),
    "delivered_needs_date": (
        "Tanggal persalinan wajib diisi bila status kehamilan 'sudah bersalin'.",
        "The delivery date is required when the pregnancy status is 'delivered'.",
    ),
    "gravida_total": (
        "Jumlah persalinan ({para}) ditambah keguguran ({abortus}) tidak boleh "
        "lebih dari jumlah kehamilan ({gravida}).",
        "Para ({para}) plus abortus ({abortus}) cannot be more than gravida ({gravida}).",
    ),
    "pregnancy_needs_female": (
        "Kehamilan hanya dapat dicatat untuk perempuan.",
        "A pregnancy can only be recorded for a woman.",
    ),
    "anc_before_lmp": (
        "Tanggal kunjungan tidak boleh sebelum HPHT kehamilan ini ({lmp}).",
        "The visit date cannot be before this pregnancy's last menstrual period ({lmp}).",
    ),
    "anc_after_delivery": (
        "Kunjungan hamil tidak boleh sesudah tanggal persalinan ({delivery}).",
        "An antenatal visit cannot be after the delivery date ({delivery}).",
    ),
    "pregnancy_other_person": (
        "Kehamilan ini tercatat untuk orang lain.",
        "This pregnancy is recorded for another person.",
    ),
    "verified_needs_odf": (
        "Tanggal verifikasi hanya diisi bila status desa ODF atau STBM.",
        "A verification date is only given when the village is ODF or STBM.",
    ),
    "deaths_neonatal_above_deaths_infant": (
        "Kematian bayi ({high}) tidak boleh kurang dari kematian neonatal ({low}): bayi yang "
        "meninggal pada umur 0–28 hari juga dihitung sebagai kematian bayi.",
        "Infant deaths ({high}) cannot be fewer than neonatal deaths ({low}): a baby who died "
        "at 0–28 days also counts as an infant death.",
    ),
    "deaths_infant_above_deaths_under5": (
        "Kematian balita ({high}) tidak boleh kurang dari kematian bayi ({low}): bayi yang "
        "meninggal juga dihitung sebagai kematian balita.",
        "Under-five deaths ({high}) cannot be fewer than infant deaths ({low}): an infant "
        "death also counts as an under-five death.",
    ),
    "deaths_neonatal_above_deaths_under5": (
        "Kematian balita ({high}) tidak boleh kurang dari kematian neonatal ({low}).",
        "Under-five deaths ({high}) cannot be fewer than neonatal deaths ({low}).",
    ),
    "births_below_registered": (
        "Lahir hidup ({births}) tidak boleh kurang dari bayi yang lahir bulan ini dan sudah "
        "terdaftar di perangkat ini ({n}).",
        "Live births ({births}) cannot be fewer than the babies born this month already "
        "registered on this device ({n}).",
    ),
    "due_before_start": (
        "Tenggat ({due}) tidak boleh sebelum tanggal mulai ({start}).",
        "The due date ({due}) cannot be before the start date ({start}).",
    ),
    "quarter_required": (
        "Triwulan wajib diisi untuk lokakarya mini tribulanan.",
        "The quarter is required for a quarterly mini-workshop.",
    ),
    "held_needs_date": (
        "Tanggal pertemuan wajib diisi bila pertemuan sudah terlaksana.",
        "The meeting date is required once the meeting has been held.",
    ),
    "id_is_code": (
        "ID harus sama dengan kode ({code}).",
        "The ID must be the same as the code ({code}).",
    ),
    "level_digits": (
        "Kode untuk tingkat {level} harus {digits} angka.",
        "The code of a {level} must have {digits} digits.",
    ),
    "parent_code": (
        "Kode induk harus {expected}, yaitu awal kode wilayah ini.",
        "The parent code must be {expected}, the start of this area code.",
    ),
    "provinsi_no_parent": (
        "Provinsi tidak mempunyai kode induk.",
        "A province has no parent code.",
    ),
    "desa_kind_only_desa": (
        "Jenis desa hanya diisi untuk tingkat desa.",
        "The village type is only given at village level.",
    ),
    "desa_kind_code": (
        "Jenis desa tidak sesuai dengan kode {code}: angka ke-7 menunjukkan {expected}.",
        "The village type does not match code {code}: its 7th digit means {expected}.",
    ),
    "catchment_only_puskesmas": (
        "Wilayah kerja hanya diisi untuk puskesmas.",
        "Catchment villages are only given for a puskesmas.",
    ),
    "strata_only_posyandu": (
        "Strata hanya diisi untuk posyandu.",
        "A stratum is only given for a posyandu.",
    ),
    "desa_outside_kecamatan": (
        "Desa {desa} tidak berada di kecamatan {kecamatan}.",
        "Village {desa} is not in sub-district {kecamatan}.",
    ),
    "own_parent": (
        "Fasilitas tidak boleh menjadi induk dirinya sendiri.",
        "A facility cannot be its own parent.",
    ),
    "youth_needs_check": (
        "Isi paling sedikit satu pemeriksaan: berat badan, tinggi badan, LiLA, Hb, TTD, "
        "tekanan darah, merokok atau skrining kesehatan jiwa.",
        "Record at least one check: weight, height, MUAC, haemoglobin, iron tablets, "
        "blood pressure, smoking or the mental-health screen.",
    ),
    "ttd_only_girls": (
        "Tablet tambah darah (TTD) remaja hanya dicatat untuk remaja putri.",
        "Adolescent iron tablets (TTD) are recorded for girls only.",
    ),
    "youth_age": (
        "Kunjungan usia sekolah dan remaja hanya untuk umur {low} sampai di bawah {high} tahun "
        "pada tanggal kunjungan.",
        "A school-age and adolescent visit is for ages {low} to under {high} years on the "
        "visit date.",
    ),
    "nifas_needs_delivery": (
        "Tanggal persalinan belum dicatat pada kehamilan ini; catat persalinan dahulu.",
        "This pregnancy has no delivery date yet; record the delivery first.",
    ),
    "nifas_before_delivery": (
        "Kunjungan nifas tidak boleh sebelum tanggal persalinan ({delivery}).",
        "A postpartum visit cannot be before the delivery date ({delivery}).",
    ),
    "nifas_over": (
        "Masa nifas sudah lewat: kunjungan nifas paling lambat {days} hari sesudah persalinan "
        "({delivery}).",
        "The postpartum period is over: a postpartum visit is at most {days} days after the "
        "delivery ({delivery}).",
    ),
    "fp_method_sex": (
        "Metode KB {method} tidak sesuai untuk jenis kelamin {sex}.",
        "The family planning method {method} does not fit the sex {sex}.",
    ),
    "fp_start_without_method": (
        "Tanggal mulai KB hanya diisi bila ada metode KB.",
        "A start date is only given with a family planning method.",
    ),
    "fp_start_after_visit": (
        "Tanggal mulai KB tidak boleh sesudah tanggal kunjungan ({visit_date}).",
        "The method's start date cannot be after the visit date ({visit_date}).",
    ),
    "wus_needs_female": (
        "WUS (wanita usia subur) hanya untuk perempuan.",
        "WUS (woman of reproductive age) applies to women only.",
    ),
    "wus_age": (
        "Perempuan PUS/WUS berumur {low} sampai {high} tahun; umur pada tanggal kunjungan "
        "{age} tahun.",
        "A woman of a PUS/WUS is {low} to {high} years old; her age on the visit date is "
        "{age} years.",
    ),
    "tb_cough_once": (
        "Pilih salah satu saja: batuk kurang dari 2 minggu atau batuk 2 minggu atau lebih.",
        "Choose one only: cough of less than 2 weeks or cough of 2 weeks or more.",
    ),
    "source_pair": (
        "{field} wajib diisi bila asal rujukan diisi: jenis dan ID kunjungan asal diisi bersama.",
        "{field} is required when the source is given: the source visit's kind and ID go together.",
    ),
    "reason_other_text": (
        "Uraikan alasan rujukan bila alasannya 'lainnya'.",
        "Describe the reason when the referral reason is 'other'.",
    ),
    "follow_up_before_referral": (
        "Tanggal tindak lanjut tidak boleh sebelum tanggal rujukan ({start}).",
        "The follow-up date cannot be before the referral date ({start}).",
    ),
    "completed_needs_follow_up": (
        "Tanggal tindak lanjut wajib diisi bila rujukan sudah selesai.",
        "The follow-up date is required once the referral is completed.",
    ),
}

LABELS = {
    "id": ("ID", "ID"),
    "posyandu_id": ("Posyandu", "Posyandu"),
    "person_id": ("Sasaran", "Person"),
    "name": ("Nama", "Name"),
    "sex": ("Jenis kelamin", "Sex"),
    "birth_date": ("Tanggal lahir", "Date of birth"),
    "nik": ("NIK", "NIK (national ID number)"),
    "no_kk": ("Nomor KK", "Family card number (KK)"),
    "mother_name": ("Nama ibu", "Mother's name"),
    "mother_nik": ("NIK ibu", "Mother's NIK"),
    "father_name": ("Nama ayah", "Father's name"),
    "father_nik": ("NIK ayah", "Father's NIK"),
    "has_kia_book": ("Punya Buku KIA", "Has a KIA book"),
    "desa_code": ("Kode desa", "Village code"),
    "address": ("Alamat", "Address"),
    "rt": ("RT", "RT (neighbourhood)"),
    "rw": ("RW", "RW (ward)"),
    "birth_weight_kg": ("Berat lahir", "Birth weight"),
    "birth_length_cm": ("Panjang lahir", "Birth length"),
    "birth_order": ("Urutan kelahiran (anak ke-)", "Birth order"),
    "phone": ("Nomor telepon", "Phone number"),
    "moved_out_on": ("Tanggal pindah", "Date moved out"),
    "died_on": ("Tanggal meninggal", "Date of death"),
    "death_cause": ("Penyebab kematian", "Cause of death"),
    "notes": ("Catatan", "Notes"),
    "visit_date": ("Tanggal kunjungan", "Visit date"),
    "weight_kg": ("Berat badan", "Weight"),
    "length_cm": ("Panjang/tinggi badan", "Length/height"),
    "position": ("Cara ukur", "Measuring position"),
    "head_cm": ("Lingkar kepala", "Head circumference"),
    "muac_cm": ("Lingkar lengan atas (LiLA)", "Mid-upper arm circumference (MUAC)"),
    "oedema": ("Edema bilateral", "Bilateral oedema"),
    "vitamin_a": ("Vitamin A", "Vitamin A"),
    "immunizations": ("Imunisasi", "Immunisations"),
    "exclusive_breastfeeding": ("ASI eksklusif", "Exclusive breastfeeding"),
    "deworming": ("Obat cacing", "Deworming"),
    "remeasured": ("Sudah diukur ulang", "Re-measured"),
    "registered_on": ("Tanggal terdaftar", "Registration date"),
    "lmp_date": ("HPHT (hari pertama haid terakhir)", "Last menstrual period (LMP)"),
    "edd": ("HPL (hari perkiraan lahir)", "Expected delivery date (EDD)"),
    "gravida": ("Kehamilan ke- (G)", "Gravida (G)"),
    "para": ("Jumlah persalinan (P)", "Para (P)"),
    "abortus": ("Jumlah keguguran (A)", "Abortus (A)"),
    "height_cm": ("Tinggi badan", "Height"),
    "delivery_date": ("Tanggal persalinan", "Delivery date"),
    "delivery_place": ("Tempat persalinan", "Place of delivery"),
    "delivery_attendant": ("Penolong persalinan", "Birth attendant"),
    "outcome": ("Hasil kehamilan", "Pregnancy outcome"),
    "pregnancy_id": ("Kehamilan", "Pregnancy"),
    "systolic_bp": ("Tekanan darah sistolik", "Systolic blood pressure"),
    "diastolic_bp": ("Tekanan darah diastolik", "Diastolic blood pressure"),
    "iron_tablets": ("Tablet tambah darah (TTD)", "Iron-folic acid tablets"),
    "hb_g_dl": ("Hemoglobin (Hb)", "Haemoglobin (Hb)"),
    "waist_cm": ("Lingkar perut", "Waist circumference"),
    "blood_glucose_mg_dl": ("Gula darah sewaktu", "Random blood glucose"),
    "skilas": ("SKILAS (skrining lansia sederhana)", "SKILAS (simple older-person screening)"),
    "session_date": ("Tanggal hari buka", "Session date"),
    "opened": ("Posyandu buka", "Posyandu opened"),
    "kader_registered": ("Kader terdaftar", "Kader registered"),
    "kader_present": ("Kader hadir", "Kader present"),
    "nakes_present": ("Tenaga kesehatan hadir", "Health workers present"),
    "pmt_given": ("PMT diberikan", "Supplementary food (PMT) given"),
    "kb_served": ("Peserta KB dilayani", "Family planning clients served"),
    "diarrhoea_cases": ("Kasus diare", "Diarrhoea cases"),
    "oralit_given": ("Oralit diberikan (bungkus)", "ORS sachets given"),
    "diarrhoea_oralit": (
        "Balita diare yang dapat oralit (anak)",
        "Children with diarrhoea given ORS (children)",
    ),
    "program_tambahan": ("Program tambahan", "Additional programmes"),
    "families_target": ("KK sasaran dana sehat", "Households targeted (dana sehat)"),
    "families_contributing": ("KK menyumbang dana sehat", "Households contributing (dana sehat)"),
    "dana_sehat_rp": ("Dana sehat terkumpul", "Dana sehat collected"),
    "period": ("Periode (bulan)", "Period (month)"),
    "births_live": ("Lahir hidup", "Live births"),
    "births_still": ("Lahir mati", "Stillbirths"),
    "deaths_maternal": ("Kematian ibu", "Maternal deaths"),
    "deaths_neonatal": ("Kematian neonatal (0–28 hari)", "Neonatal deaths (0–28 days)"),
    "deaths_infant": ("Kematian bayi (di bawah 1 tahun)", "Infant deaths (under 1 year)"),
    "deaths_under5": ("Kematian balita (di bawah 5 tahun)", "Under-five deaths"),
    "odf_status": ("Status ODF/STBM", "ODF/STBM status"),
    "odf_verified_on": ("Tanggal verifikasi ODF/STBM", "ODF/STBM verification date"),
    "kecamatan_code": ("Kode kecamatan", "Sub-district (kecamatan) code"),
    "puskesmas_id": ("Puskesmas", "Puskesmas"),
    "year": ("Tahun", "Year"),
    "quarter": ("Triwulan", "Quarter"),
    "meeting_date": ("Tanggal pertemuan", "Meeting date"),
    "venue": ("Tempat", "Venue"),
    "chair_name": ("Pimpinan rapat", "Chair"),
    "agenda": ("Agenda", "Agenda"),
    "minutes": ("Notulen", "Minutes"),
    "attendance": ("Daftar hadir", "Attendance"),
    "problems": ("Masalah prioritas", "Priority problems"),
    "plans": ("Rencana kegiatan sektor", "Sector plans of activities"),
    "meeting_id": ("Pertemuan lokakarya mini", "Mini-workshop meeting"),
    "action": ("Kegiatan yang disepakati", "Agreed action"),
    "sector": ("Sektor", "Sector"),
    "pic_name": ("Nama penanggung jawab", "Person in charge"),
    "pic_role": ("Jabatan penanggung jawab", "Role of the person in charge"),
    "co_sectors": ("Sektor pendukung", "Supporting sectors"),
    "target_desa_code": ("Kode desa sasaran", "Target village code"),
    "start_date": ("Tanggal mulai", "Start date"),
    "due_date": ("Tenggat", "Due date"),
    "budget_source": ("Sumber dana", "Budget source"),
    "success_indicator": ("Indikator keberhasilan", "Success indicator"),
    "progress_note": ("Catatan kemajuan", "Progress note"),
    "code": ("Kode", "Code"),
    "level": ("Tingkat wilayah", "Area level"),
    "parent_code": ("Kode wilayah induk", "Parent area code"),
    "aliases": ("Nama lain", "Other names"),
    "parent_id": ("Fasilitas induk", "Parent facility"),
    "wilayah_kerja": ("Wilayah kerja (kode desa)", "Catchment villages (codes)"),
    "strata": ("Strata posyandu", "Posyandu stratum"),
    "ilp_status": ("Sudah menjalankan ILP", "Runs integrated primary care (ILP)"),
    "active": ("Aktif", "Active"),
    "ttd_given": ("Dapat tablet tambah darah (TTD)", "Iron-folic acid tablets (TTD) given"),
    "smoking": ("Merokok", "Smokes"),
    "mental_health": ("Hasil skrining kesehatan jiwa", "Mental-health screen result"),
    "vitamin_a_given": ("Vitamin A ibu nifas diberikan", "Postpartum vitamin A given"),
    "danger_signs": ("Tanda bahaya nifas", "Postpartum danger signs"),
    "kb_method": ("KB pasca persalinan", "Postpartum family planning"),
    "method": ("Metode KB", "Family planning method"),
    "symptoms": ("Gejala dan faktor risiko TBC", "TB symptoms and risk factors"),
    "referral_date": ("Tanggal rujukan", "Referral date"),
    "source_kind": ("Jenis kunjungan asal", "Source visit kind"),
    "source_id": ("ID kunjungan asal", "Source visit ID"),
    "reason": ("Alasan rujukan", "Reason for referral"),
    "reason_text": ("Uraian alasan rujukan", "Reason described"),
    "destination": ("Tujuan rujukan", "Referred to"),
    "destination_facility_id": ("Fasilitas tujuan", "Destination facility"),
    "destination_name": ("Nama tempat tujuan", "Name of the destination"),
    "follow_up_date": ("Tanggal tindak lanjut", "Follow-up date"),
    "followed_up_by": ("Ditindaklanjuti oleh", "Followed up by"),
    "antigen": ("Antigen dan dosis", "Antigen and dose"),
    "given_on": ("Tanggal imunisasi", "Date given"),
    "given_at": ("Tempat imunisasi", "Place given"),
    "facility_id": ("Fasilitas pemberi", "Facility that gave it"),
    "lot_number": ("Nomor batch vaksin", "Vaccine lot number"),
    # Wording a kind needs for itself.
    "pregnancy.status": ("Status kehamilan", "Pregnancy status"),
    "family_planning.status": ("Status PUS/WUS", "PUS/WUS status"),
    "referral.status": ("Status rujukan", "Referral status"),
    "referral.notes": ("Catatan tindak lanjut", "Follow-up notes"),
    "family_planning.start_date": ("Tanggal mulai metode KB", "Method start date"),
    "lokmin_meeting.kind": ("Jenis lokakarya mini", "Mini-workshop type"),
    "lokmin_meeting.status": ("Status pertemuan", "Meeting status"),
    "lokmin_agreement.sector": ("Sektor penanggung jawab", "Responsible sector"),
    "lokmin_agreement.status": ("Status kesepakatan", "Agreement status"),
    "wilayah.code": ("Kode wilayah", "Area code"),
    "wilayah.kind": ("Jenis desa", "Village type"),
    "facility.code": ("Kode fasilitas", "Facility code"),
    "facility.kind": ("Jenis fasilitas", "Facility type"),
    "facility.name": ("Nama fasilitas", "Facility name"),
    "wilayah.name": ("Nama wilayah", "Area name"),
    # Fields of rows and parts.
    "attendance.name": ("Nama", "Name"),
    "attendance.position": ("Jabatan", "Position"),
    "attendance.sector": ("Sektor", "Sector"),
    "attendance.institution": ("Instansi", "Institution"),
    "attendance.signed": ("Sudah tanda tangan", "Signed"),
    "problem.desa_code": ("Kode desa", "Village code"),
    "problem.indicator_code": ("Kode indikator", "Indicator code"),
    "problem.description": ("Uraian masalah", "Problem description"),
    "problem.root_cause": ("Akar masalah", "Root cause"),
    "problem.rank": ("Peringkat", "Rank"),
    "plan.sector": ("Sektor", "Sector"),
    "plan.activity": ("Kegiatan", "Activity"),
    "plan.target": ("Sasaran/target", "Target"),
    "plan.month": ("Bulan pelaksanaan", "Month"),
    "plan.budget_source": ("Sumber dana", "Source of funds"),
    "skilas.cognitive": ("Penurunan kognitif", "Cognitive decline"),
    "skilas.mobility": ("Keterbatasan mobilisasi", "Limited mobility"),
    "skilas.malnutrition": ("Malnutrisi", "Malnutrition"),
    "skilas.vision": ("Gangguan penglihatan", "Vision problem"),
    "skilas.hearing": ("Gangguan pendengaran", "Hearing problem"),
    "skilas.depression": ("Gejala depresi", "Depressive symptoms"),
}

KIND_NAMES = {
    "wilayah": ("Wilayah", "Area"),
    "facility": ("Fasilitas kesehatan", "Health facility"),
    "person": ("Sasaran", "Person"),
    "child_visit": ("Kunjungan balita", "Child visit"),
    "pregnancy": ("Kehamilan", "Pregnancy"),
    "anc_visit": ("Kunjungan ibu hamil", "Antenatal visit"),
    "adult_visit": ("Kunjungan dewasa dan lansia", "Adult and older-person visit"),
    "youth_visit": ("Kunjungan usia sekolah dan remaja", "School-age and adolescent visit"),
    "postpartum_visit": ("Kunjungan nifas (KF)", "Postpartum visit (KF)"),
    "family_planning": ("Keluarga berencana (KB)", "Family planning"),
    "tb_screening": ("Skrining TBC", "TB screening"),
    "immunization": ("Imunisasi", "Immunisation"),
    "referral": ("Rujukan", "Referral"),
    "posyandu_session": ("Hari buka posyandu", "Posyandu session"),
    "desa_report": ("Laporan desa", "Village report"),
    "lokmin_meeting": ("Lokakarya mini", "Mini-workshop (lokmin)"),
    "lokmin_agreement": ("Kesepakatan lokakarya mini", "Mini-workshop agreement"),
}

CHOICES = {
    "sex": {"M": ("Laki-laki", "Male"), "F": ("Perempuan", "Female")},
    "position": {
        "lying": ("Berbaring (panjang badan)", "Lying (length)"),
        "standing": ("Berdiri (tinggi badan)", "Standing (height)"),
    },
    "vitamin_a": {
        "none": ("Tidak diberi", "None"),
        "blue": ("Kapsul biru 100.000 IU", "Blue capsule 100,000 IU"),
        "red": ("Kapsul merah 200.000 IU", "Red capsule 200,000 IU"),
    },
    "pregnancy_status": {
        "active": ("Sedang hamil", "Pregnant"),
        "delivered": ("Sudah bersalin", "Delivered"),
        "ended": ("Berakhir tanpa persalinan", "Ended without delivery"),
    },
    "delivery_place": {
        "facility": ("Fasilitas kesehatan", "Health facility"),
        "non_facility": ("Bukan fasilitas kesehatan", "Not a health facility"),
    },
    "delivery_attendant": {
        "nakes": ("Tenaga kesehatan", "Health worker"),
        "non_nakes": ("Bukan tenaga kesehatan", "Not a health worker"),
    },
    "outcome": {
        "live_birth": ("Lahir hidup", "Live birth"),
        "stillbirth": ("Lahir mati", "Stillbirth"),
        "abortion": ("Keguguran", "Abortion/miscarriage"),
        "maternal_death": ("Ibu meninggal", "Maternal death"),
    },
    "program_tambahan": {
        "bkb": ("Bina Keluarga Balita (BKB)", "Toddler family programme (BKB)"),
        "paud": ("PAUD", "Early childhood education (PAUD)"),
        "lansia": ("Lansia", "Older people"),
        "dana_sehat": ("Dana sehat", "Health fund (dana sehat)"),
        "lainnya": ("Lainnya", "Other"),
    },
    "odf_status": {
        "belum": ("Belum ODF", "Not yet ODF"),
        "odf": ("ODF (stop BABS)", "ODF (open defecation free)"),
        "stbm": ("Desa STBM", "STBM village"),
    },
    "lokmin_kind": {
        "bulanan_lintas_program": ("Bulanan lintas program", "Monthly, across programmes"),
        "tribulanan_pertama": (
            "Tribulanan lintas sektor pertama",
            "First quarterly, across sectors",
        ),
        "tribulanan_rutin": ("Tribulanan lintas sektor rutin", "Routine quarterly, across sectors"),
    },
    "meeting_status": {
        "planned": ("Direncanakan", "Planned"),
        "held": ("Terlaksana", "Held"),
        "cancelled": ("Batal", "Cancelled"),
    },
    "sector": {
        "kecamatan": ("Kecamatan", "Sub-district office"),
        "puskesmas": ("Puskesmas", "Puskesmas"),
        "koramil": ("Koramil", "Military sub-district command (Koramil)"),
        "polsek": ("Polsek", "Police sector (Polsek)"),
        "kua": ("KUA", "Religious affairs office (KUA)"),
        "pendidikan": ("Pendidikan", "Education"),
        "kb": ("KB (PLKB)", "Family planning (PLKB)"),
        "pkk": ("PKK", "PKK"),
        "desa": ("Pemerintah desa", "Village government"),
        "tokoh": ("Tokoh masyarakat/agama", "Community or religious leaders"),
        "swasta": ("Swasta", "Private sector"),
        "lainnya": ("Lainnya", "Other"),
    },
    "budget_source": {
        "dana_desa": ("Dana Desa", "Village fund (Dana Desa)"),
        "bok": ("BOK", "Health operational fund (BOK)"),
        "apbd": ("APBD", "District budget (APBD)"),
        "swadaya": ("Swadaya masyarakat", "Community self-help"),
        "csr": ("CSR", "Corporate social responsibility (CSR)"),
        "lainnya": ("Lainnya", "Other"),
    },
    "agreement_status": {
        "planned": ("Direncanakan", "Planned"),
        "in_progress": ("Sedang berjalan", "In progress"),
        "done": ("Selesai", "Done"),
        "partially_done": ("Selesai sebagian", "Partially done"),
        "cancelled": ("Batal", "Cancelled"),
        "carried_over": ("Dilanjutkan ke periode berikut", "Carried over"),
    },
    "wilayah_level": {
        "provinsi": ("Provinsi", "Province"),
        "kabupaten": ("Kabupaten/kota", "District/city"),
        "kecamatan": ("Kecamatan", "Sub-district"),
        "desa": ("Desa/kelurahan", "Village"),
    },
    "desa_kind": {
        "desa": ("Desa", "Village (desa)"),
        "kelurahan": ("Kelurahan", "Urban village"),
        "desa_adat": ("Desa adat", "Customary village"),
    },
    "facility_kind": {
        "dinkes": ("Dinas kesehatan", "District health office"),
        "puskesmas": ("Puskesmas", "Community health centre (puskesmas)"),
        "pustu": ("Puskesmas pembantu (pustu)", "Auxiliary health centre (pustu)"),
        "poskesdes": ("Poskesdes", "Village health post (poskesdes)"),
        "posyandu": ("Posyandu", "Integrated health post (posyandu)"),
    },
    "strata": {
        "pratama": ("Pratama", "Pratama"),
        "madya": ("Madya", "Madya"),
        "purnama": ("Purnama", "Purnama"),
        "mandiri": ("Mandiri", "Mandiri"),
    },
    "mental_health": {
        "normal": ("Normal", "Normal"),
        "borderline": ("Ambang batas (perlu dipantau)", "Borderline (to be watched)"),
        "abnormal": ("Abnormal (perlu dirujuk)", "Abnormal (to be referred)"),
    },
    "nifas_danger_sign": {
        "bleeding": ("Perdarahan lewat jalan lahir", "Bleeding from the birth canal"),
        "foul_discharge": (
            "Keluar cairan berbau dari jalan lahir",
            "Foul-smelling discharge from the birth canal",
        ),
        "fever": ("Demam lebih dari 2 hari", "Fever for more than 2 days"),
        "swelling": ("Bengkak di wajah, tangan atau kaki", "Swelling of the face, hands or feet"),
        "headache_seizure": (
            "Sakit kepala hebat, pandangan kabur atau kejang",
            "Severe headache, blurred vision or seizures",
        ),
        "breast_problem": (
            "Payudara bengkak, merah dan sakit",
            "Breasts swollen, red and painful",
        ),
        "depression": (
            "Ibu sedih, murung atau menangis tanpa sebab",
            "Mother sad, withdrawn or crying without reason",
        ),
    },
    "fp_status": {
        "pus": ("PUS (pasangan usia subur)", "PUS (couple of reproductive age)"),
        "wus": ("WUS (wanita usia subur)", "WUS (woman of reproductive age)"),
    },
    "fp_method": {
        "pil": ("Pil", "Pill"),
        "suntik": ("Suntik", "Injectable"),
        "implan": ("Implan (susuk)", "Implant"),
        "iud": ("IUD (AKDR, spiral)", "IUD"),
        "kondom": ("Kondom", "Condom"),
        "mow": ("MOW (tubektomi)", "Female sterilisation (MOW)"),
        "mop": ("MOP (vasektomi)", "Vasectomy (MOP)"),
        "mal": ("MAL (metode amenore laktasi)", "Lactational amenorrhoea (MAL)"),
        "none": ("Tidak ber-KB", "No method"),
    },
    "tb_symptom": {
        "cough_2_weeks": ("Batuk 2 minggu atau lebih", "Cough for 2 weeks or more"),
        "blood_in_sputum": ("Batuk darah atau dahak bercampur darah", "Coughing up blood"),
        "cough": ("Batuk kurang dari 2 minggu", "Cough for less than 2 weeks"),
        "fever": ("Demam lama atau hilang timbul", "Prolonged or recurring fever"),
        "night_sweats": ("Berkeringat malam tanpa kegiatan", "Night sweats without exertion"),
        "weight_loss": (
            "Berat badan turun atau tidak naik, nafsu makan turun",
            "Weight loss or no gain, poor appetite",
        ),
        "shortness_of_breath": ("Sesak napas", "Shortness of breath"),
        "swollen_glands": (
            "Benjolan (pembesaran kelenjar) di leher atau ketiak",
            "Lumps (swollen glands) in the neck or armpit",
        ),
        "tb_contact": ("Kontak serumah dengan pasien TBC", "Household contact of a TB patient"),
    },
    "referral_source": {
        "child_visit": ("Kunjungan balita", "Child visit"),
        "youth_visit": ("Kunjungan usia sekolah dan remaja", "School-age and adolescent visit"),
        "adult_visit": ("Kunjungan dewasa dan lansia", "Adult and older-person visit"),
        "anc_visit": ("Kunjungan ibu hamil", "Antenatal visit"),
        "postpartum_visit": ("Kunjungan nifas", "Postpartum visit"),
        "tb_screening": ("Skrining TBC", "TB screening"),
        "immunization": ("Imunisasi", "Immunisation"),
        "family_planning": ("Keluarga berencana", "Family planning"),
    },
    "referral_reason": {
        "growth": ("Masalah pertumbuhan / gizi", "Growth or nutrition problem"),
        "pregnancy_risk": ("Risiko tinggi kehamilan", "High-risk pregnancy"),
        "danger_sign": ("Tanda bahaya ibu atau bayi", "Danger sign (mother or baby)"),
        "ptm": ("Penyakit tidak menular (tekanan darah, gula darah)", "Non-communicable disease"),
        "skilas": ("Hasil SKILAS positif", "Positive SKILAS screen"),
        "tb_suspect": ("Terduga TBC", "Presumptive TB"),
        "anaemia": ("Anemia", "Anaemia"),
        "mental_health": ("Kesehatan jiwa", "Mental health"),
        "immunisation": ("Imunisasi (KIPI atau kejar)", "Immunisation (adverse event or catch-up)"),
        "other": ("Lainnya", "Other"),
    },
    "referral_destination": {
        "puskesmas": ("Puskesmas", "Puskesmas"),
        "pustu": ("Puskesmas pembantu (pustu)", "Auxiliary health centre (pustu)"),
        "rumah_sakit": ("Rumah sakit", "Hospital"),
        "other": ("Lainnya", "Other"),
    },
    "referral_status": {
        "created": ("Dibuat", "Created"),
        "referred": ("Dirujuk", "Referred"),
        "received": ("Diterima di tujuan", "Received"),
        "completed": ("Selesai", "Completed"),
        "cancelled": ("Batal", "Cancelled"),
    },
    "given_at": {
        "posyandu": ("Posyandu", "Posyandu"),
        "puskesmas": ("Puskesmas", "Puskesmas"),
        "pustu": ("Puskesmas pembantu (pustu)", "Auxiliary health centre (pustu)"),
        "poskesdes": ("Poskesdes", "Village health post (poskesdes)"),
        "rumah_sakit": ("Rumah sakit", "Hospital"),
        "praktik_swasta": ("Praktik bidan/dokter swasta", "Private midwife or doctor"),
        "sekolah": ("Sekolah (BIAS)", "School (BIAS)"),
        "other": ("Lainnya", "Other"),
    },
}

UNITS = {
    "rupiah": ("rupiah", "rupiah"),
    "tablets": ("tablet", "tablets"),
    "people": ("orang", "people"),
}

MONTHS = {
    "id": (
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
    ),
    "en": (
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
    ),
}


def _both(texts: tuple[str, str]) -> dict[str, str]:
    """Return an (Indonesian, English) pair as a catalogue entry."""
    return {"id": texts[0], "en": texts[1]}


def _catalogue() -> dict[str, dict[str, str]]:
    """Build every ``records.*`` message from the tables above."""
    messages = {f"records.error.{key}": _both(texts) for key, texts in ERRORS.items()}
    messages.update({f"records.rule.{key}": _both(texts) for key, texts in RULES.items()})
    messages.update({f"records.label.{key}": _both(texts) for key, texts in LABELS.items()})
    messages.update({f"records.kind.{key}": _both(texts) for key, texts in KIND_NAMES.items()})
    messages.update({f"records.unit.{key}": _both(texts) for key, texts in UNITS.items()})
    for group, options in CHOICES.items():
        messages.update(
            {f"records.choice.{group}.{code}": _both(texts) for code, texts in options.items()}
        )
    return messages


i18n.register(_catalogue())


def format_number(value: float | int, lang: str | None) -> str:
    """Write ``value`` the way readers of ``lang`` do: ``0,9`` and ``1.000`` in Indonesian."""
    text = f"{value:,.2f}".rstrip("0").rstrip(".") if isinstance(value, float) else f"{value:,}"
    if i18n.normalize_language(lang) == "id":
        text = text.translate(str.maketrans({",": ".", ".": ","}))
    return text


def format_date(value: dt.date, lang: str | None) -> str:
    """Write a date as ``5 Januari 2024`` / ``5 January 2024``."""
    months = MONTHS[i18n.normalize_language(lang)]
    return f"{value.day} {months[value.month - 1]} {value.year}"


class Label(str):
    """A message parameter that is itself a catalogue key, e.g. a choice's label."""


def format_value(value: object, lang: str | None) -> str:
    """Write a message parameter: labels translated, numbers and dates localised, else text."""
    if isinstance(value, Label):
        return i18n.t(value, lang)
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, int | float):
        return format_number(value, lang)
    if isinstance(value, dt.date):
        return format_date(value, lang)
    return str(value)
