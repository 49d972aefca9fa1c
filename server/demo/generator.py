"""A deterministic, realistic synthetic Kabupaten Kayong Utara for demos, benches and tests.

``generate(seed)`` returns :class:`DemoData`: the wilayah and facility reference records, one demo
user per role, and the synthetic records (persons, visits, pregnancies, sessions, desa reports,
lokmin) as ``(kind, fields)`` pairs in dependency order. It touches no database and no Flask app;
every record passes ``shared.records.validate(kind, fields, today=today)``.

What it models (domain brief §1–§4, §7):

- the real wilayah of Kayong Utara (6 kecamatan, 43 desa, Kepmendagri 2025 codes, stored undotted)
  and its 11 puskesmas, whose wilayah kerja partition the 43 desa by kecamatan (§4.3);
- 2–4 posyandu per desa, each with 25–45 balita (plus the children who turned five during the
  window) measured on its hari buka once a month for the past ``months`` months (~75 % attendance).
  Each child has its own WAZ and LHAZ level (normal; LHAZ mean −1.2 so about a fifth are stunted,
  WAZ mean −0.6, a few below −3 = BGM), drifting from its birth z-score to that level over the
  first 18 months, with some growth faltering episodes (T, 2T).
  Weights and lengths are the WHO LMS values at those z-scores, y = M(1 + LSz)^(1/L) (§2.3);
- vitamin A in February and August (§1.9), immunisation by the programme table (§1.8), a few
  deaths and moves; pregnancies with monthly ANC (some KEK), adults and lansia with ILP visits,
  remaja, nifas, KB, TB screens, referrals and immunisation records (``ilp.py``),
  monthly posyandu sessions and desa reports (births, deaths, ODF progress), and per kecamatan
  one or two lokmin tribulanan with their agreements, some overdue (§7).

The window is the ``months`` calendar months before the month of ``today``. ``scale`` shrinks the
number of people per posyandu (never below one of each); the wilayah and facilities stay whole.
"""

from __future__ import annotations

import csv
import random
import uuid
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from shared.growth.lms import sd_value
from shared.growth.monitoring import age_in_completed_months as age_months
from shared.growth.tables import table
from shared.records import antigens

from .ilp import IlpDemo

WILAYAH_CSV = Path(__file__).parents[1] / "data" / "kayong_utara_wilayah_kepmendagri2025.csv"
DEFAULT_TODAY = date(2026, 11, 1)
PROVINSI = ("61", "Kalimantan Barat")
KABUPATEN = "6111"
DINKES_ID = "DINKES-6111"

# (puskesmas, the desa it stands in, the desa of its wilayah kerja as suffixes of that kecamatan).
# Names are from BRIEF §4.3 (unverified); the split within a kecamatan follows the name match and
# geography (Siduk lies south of Sukadana town, Matan Jaya inland of Teluk Melano).
PUSKESMAS = (
    ("Sukadana", "6111012001", ("2001", "2002", "2003", "2004", "2005", "2006")),
    ("Siduk", "6111012009", ("2007", "2008", "2009", "2010")),
    (
        "Teluk Melano",
        "6111022001",
        ("2001", "2002", "2003", "2004", "2005", "2006", "2007", "2008"),
    ),
    ("Matan Jaya", "6111022010", ("2009", "2010", "2011", "2012")),
    ("Teluk Batang", "6111032003", ("2002", "2003", "2006", "2007")),
    ("Sungai Paduan", "6111032004", ("2001", "2004", "2005")),
    ("Tanjung Satai", "6111042001", ("2001", "2002", "2006")),
    ("Dusun Besar", "6111042004", ("2003", "2004")),
    ("Telaga Arum", "6111052002", ("2001", "2002", "2003", "2004", "2005", "2006")),
    ("Pelapis", "6111062001", ("2001", "2002")),
    ("Padang", "6111062003", ("2003",)),
)

FLOWERS = (
    "Melati",
    "Mawar",
    "Anggrek",
    "Kenanga",
    "Dahlia",
    "Cempaka",
    "Seroja",
    "Teratai",
    "Flamboyan",
    "Kamboja",
    "Kemuning",
    "Bougenville",
    "Asoka",
    "Delima",
    "Nusa Indah",
    "Tanjung",
    "Lavender",
    "Matahari",
    "Sedap Malam",
    "Kasturi",
)
BOY_NAMES = (
    "Muhammad Rizki",
    "Ahmad Fauzan",
    "Muhammad Alif",
    "Rafa",
    "Arkan",
    "Zidan",
    "Fathir",
    "Raffi",
    "Dimas",
    "Bima",
    "Fadli",
    "Hafiz",
    "Ilham",
    "Akbar",
    "Azka",
    "Naufal",
    "Rayyan",
    "Farhan",
    "Satria",
    "Aditya",
    "Bayu",
    "Gilang",
    "Arya",
    "Daffa",
    "Haikal",
    "Abizar",
    "Syahril",
    "Zaki",
    "Wahyu",
    "Aldi",
    "Reza",
    "Muhammad Fajar",
)
GIRL_NAMES = (
    "Nur Aisyah",
    "Siti Nurhaliza",
    "Aisyah",
    "Zahra",
    "Nayla",
    "Alya",
    "Putri",
    "Salsabila",
    "Khansa",
    "Azzahra",
    "Keisha",
    "Naura",
    "Aqila",
    "Humaira",
    "Syifa",
    "Anisa",
    "Dinda",
    "Citra",
    "Wulan",
    "Ayu",
    "Kirana",
    "Nabila",
    "Fitri",
    "Rahma",
    "Adinda",
    "Hana",
    "Sekar",
    "Intan",
    "Laras",
    "Mutiara",
    "Siti Khadijah",
)
BOY_SURNAMES = (
    "Pratama",
    "Ramadhan",
    "Saputra",
    "Hidayat",
    "Firmansyah",
    "Maulana",
    "Kurniawan",
    "Setiawan",
    "Alfarizi",
    "Nugraha",
)
GIRL_SURNAMES = (
    "Putri",
    "Ramadhani",
    "Lestari",
    "Rahmawati",
    "Safitri",
    "Anggraini",
    "Maharani",
    "Nuraini",
    "Azzahra",
    "Khairunnisa",
)
WOMEN = (
    "Siti Aminah",
    "Nurhayati",
    "Rohani",
    "Fatimah",
    "Sri Wahyuni",
    "Yuliana",
    "Rahmawati",
    "Suryani",
    "Nurlela",
    "Halimah",
    "Marlina",
    "Juliana",
    "Sumiati",
    "Rusmini",
    "Erna",
    "Hasnah",
    "Misnah",
    "Salmah",
    "Darmawati",
    "Ernawati",
    "Jumiati",
    "Sarinah",
    "Nur Asiah",
    "Kartini",
    "Maryani",
    "Rosita",
    "Yanti",
    "Sulastri",
    "Rukiah",
    "Saodah",
    "Jariah",
)
MEN = (
    "Abdul Rahman",
    "Syarifuddin",
    "Hamdani",
    "Junaidi",
    "Muhammad Yusuf",
    "Rudi Hartono",
    "Sudirman",
    "Bujang",
    "Usman",
    "Jamaludin",
    "Suparman",
    "Slamet",
    "Sutrisno",
    "Iwan",
    "Hendra",
    "Zulkifli",
    "Ismail",
    "Mahmud",
    "Darmawan",
    "Agus Salim",
    "Supriadi",
    "Ridwan",
    "Herman",
    "Saiful",
    "Sabran",
    "Abdullah",
    "Muhammad Saleh",
    "Sukardi",
    "Mulyono",
)
DUSUN = (
    "Hilir",
    "Hulu",
    "Tengah",
    "Pantai",
    "Harapan",
    "Makmur",
    "Sejahtera",
    "Karya Baru",
    "Sungai Jawi",
    "Parit Baru",
)
CHILD_DEATH_CAUSES = (
    "Diare dengan dehidrasi berat",
    "Pneumonia",
    "Demam berdarah dengue",
    "Tenggelam",
    "Gizi buruk dengan infeksi",
)
NEONATAL_DEATH_CAUSES = ("BBLR", "Asfiksia", "Sepsis neonatorum")

STUNTING_LHAZ_MEAN, STUNTING_LHAZ_SD = -1.2, 1.2
WAZ_MEAN, WAZ_SD = -0.6, 1.05
CATCH_DOWN_DAYS = 548  # the z-score drifts from its birth value to the child's level by 18 months
FIRST_HEIGHT_DAY = 731  # WHO: length (lying) before 731 days, height (standing) from it
VITAMIN_A_MONTHS = (2, 8)
AT_BIRTH_ANTIGENS = ("HB0",)  # given within 24 h at the delivery, not at the posyandu

LOKMIN_SECTORS = (
    ("puskesmas", "Kepala Puskesmas", "Puskesmas"),
    ("koramil", "Danramil", "Koramil"),
    ("polsek", "Kapolsek", "Polsek"),
    ("kua", "Kepala KUA", "Kantor Urusan Agama"),
    ("pendidikan", "Koordinator Wilayah Pendidikan", "UPT Pendidikan"),
    ("kb", "PLKB", "Balai Penyuluhan KB"),
    ("pkk", "Ketua TP-PKK Kecamatan", "TP-PKK"),
    ("tokoh", "Tokoh Agama", "Majelis Ulama Indonesia"),
)
LOKMIN_PROBLEMS = (
    (
        "DS",
        "Partisipasi penimbangan (D/S) di bawah 60%",
        "Orang tua bekerja di kebun saat hari buka posyandu",
    ),
    (
        "STUNTING",
        "Prevalensi stunting balita di atas 20%",
        "Pemberian MP-ASI kurang beragam, sanitasi rumah tangga buruk",
    ),
    ("K4", "Cakupan K4 ibu hamil rendah", "Akses transportasi ke puskesmas sulit saat pasang"),
    ("ODF", "Masih ada dusun buang air besar sembarangan", "Belum semua rumah memiliki jamban"),
    (
        "IMUNISASI",
        "Cakupan imunisasi dasar lengkap di bawah target",
        "Keraguan orang tua terhadap vaksin",
    ),
    ("BGM", "Balita BGM dan 2T belum dirujuk", "Kader belum terlatih membaca KMS"),
)
LOKMIN_ACTIONS = (
    (
        "desa",
        "Sweeping balita yang tidak datang ke posyandu bersama kader dan perangkat desa",
        "D/S naik menjadi 80%",
        "dana_desa",
    ),
    (
        "puskesmas",
        "Pemberian makanan tambahan lokal 90 hari bagi balita BGM dan gizi kurang",
        "Semua balita BGM mendapat PMT lokal",
        "bok",
    ),
    (
        "pkk",
        "Demo masak MP-ASI bergizi dari bahan pangan lokal di setiap posyandu",
        "Setiap posyandu mengadakan demo masak",
        "swadaya",
    ),
    (
        "desa",
        "Pemicuan STBM dan pembangunan jamban sehat di dusun yang masih BABS",
        "Desa terverifikasi ODF",
        "dana_desa",
    ),
    (
        "kua",
        "Penyuluhan kesehatan reproduksi dan pemeriksaan LiLA bagi calon pengantin",
        "Semua catin diperiksa LiLA dan Hb",
        "apbd",
    ),
    (
        "koramil",
        "Babinsa mendampingi kunjungan rumah balita 2T dan ibu hamil KEK",
        "Semua balita 2T dikunjungi",
        "lainnya",
    ),
    (
        "kb",
        "Konseling KB pasca persalinan pada kelas ibu hamil",
        "Peserta KB pasca salin naik",
        "apbd",
    ),
    (
        "pendidikan",
        "Pemberian tablet tambah darah mingguan bagi remaja putri di sekolah",
        "90% remaja putri minum TTD",
        "bok",
    ),
)
LOKMIN_PIC = {
    "desa": "Kepala Desa",
    "puskesmas": "Tenaga Pelaksana Gizi",
    "pkk": "Ketua TP-PKK",
    "kua": "Kepala KUA",
    "koramil": "Danramil",
    "kb": "PLKB",
    "pendidikan": "Korwil Pendidikan",
}
LOKMIN_PROGRESS = {
    "done": "Selesai dilaksanakan, laporan dan foto kegiatan terlampir",
    "partially_done": "Sebagian desa sudah melaksanakan",
    "in_progress": "Sedang berjalan, menunggu pencairan anggaran",
    "planned": "Belum dimulai",
    "carried_over": "Dibawa ke lokmin triwulan berikutnya",
    "cancelled": "Dibatalkan",
}


@dataclass
class DemoData:
    """The synthetic kabupaten: reference records, demo users and records in dependency order."""

    wilayah: list[dict] = field(default_factory=list)
    facilities: list[dict] = field(default_factory=list)
    users: list[dict] = field(default_factory=list)
    records: list[tuple[str, dict]] = field(default_factory=list)


def generate(
    seed: int = 1, *, today: date = DEFAULT_TODAY, months: int = 12, scale: float = 1.0
) -> DemoData:
    """Generate the synthetic Kabupaten Kayong Utara; the same arguments give the same data."""
    return _Generator(seed, today, months, scale).run()


# --- growth: from a z-score back to a measurement ---------------------------------------------


def measurement(index: str, sex: str, age_days: int, z: float) -> float:
    """Return the value ``z`` SD from the median of WHO table ``index`` ('wei', 'len'...)."""
    L, M, S = table(index)[0 if sex == "M" else 1][age_days]
    return sd_value(z, L, M, S)


@dataclass
class ChildGrowth:
    """One child's own growth: levels, birth z-scores, faltering episode and monthly noise."""

    waz_level: float
    lhaz_level: float
    waz_birth: float
    lhaz_birth: float
    head_level: float
    muac_offset: float
    noise: list[float]
    falter_start: int | None = None
    falter_months: int = 0

    def waz(self, age_days: int, month_index: int) -> float:
        """Return the child's WAZ at an age and window month (trajectory + faltering + noise)."""
        return (
            _drift(self.waz_birth, self.waz_level, age_days)
            + self.faltering(month_index)
            + self.noise[month_index]
        )

    def lhaz(self, age_days: int) -> float:
        """Return the child's LHAZ at an age (stunting builds up over the first 18 months)."""
        return _drift(self.lhaz_birth, self.lhaz_level, age_days)

    def faltering(self, month_index: int) -> float:
        """Return the WAZ lost to a faltering episode: flat weight, then a slow partial recovery."""
        if self.falter_start is None or month_index < self.falter_start:
            return 0.0
        step = month_index - self.falter_start + 1
        if step <= self.falter_months:
            return -0.3 * step
        return -0.3 * self.falter_months * 0.6 ** (step - self.falter_months)


def _clamp(z: float, low: float = -4.0, high: float = 3.0) -> float:
    return min(max(z, low), high)


def _drift(birth_z: float, level: float, age_days: int) -> float:
    return level + (birth_z - level) * max(0.0, 1.0 - age_days / CATCH_DOWN_DAYS)


# --- calendar helpers ----------------------------------------------------------------------------


def month_window(today: date, months: int) -> list[tuple[int, int]]:
    """Return the ``months`` calendar months before the month of ``today``, oldest first."""
    year, month, out = today.year, today.month, []
    for _ in range(months):
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
        out.append((year, month))
    return out[::-1]


def add_years(day: date, years: int) -> date:
    """Return ``day`` shifted by whole years (29 February becomes 28 February)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def read_wilayah(path: Path = WILAYAH_CSV) -> list[dict]:
    """Return the wilayah records of Kayong Utara (provinsi first), codes undotted."""
    records = [
        {
            "id": PROVINSI[0],
            "code": PROVINSI[0],
            "name": PROVINSI[1],
            "level": "provinsi",
            "aliases": [],
        }
    ]
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            code = row["kode"].replace(".", "")
            level = "desa" if row["level"] == "desa_kelurahan" else row["level"]
            aliases = [a.strip() for a in row["nama_alias_arsip"].split("|") if a.strip()]
            record = {
                "id": code,
                "code": code,
                "name": row["nama"],
                "level": level,
                "parent_code": row["parent_kode"].replace(".", ""),
                "aliases": aliases,
            }
            if level == "desa":
                record["kind"] = row["jenis"]
            records.append(record)
    return records


def puskesmas_id(name: str) -> str:
    """Return the facility code of a puskesmas: ``PKM-`` and its name in capitals, no spaces."""
    return "PKM-" + name.upper().replace(" ", "")


# --- the generator -------------------------------------------------------------------------------


@dataclass
class Posyandu:
    """What the generator keeps about one posyandu while filling it."""

    facility: dict
    sessions: list[tuple[int, date, bool]]  # (window month index, hari buka, opened)


class _Generator:
    """Draws everything from one ``random.Random(seed)``, in a fixed order."""

    def __init__(self, seed: int, today: date, months: int, scale: float):
        self.rng = random.Random(seed)
        self.seed = seed
        self.today = today
        self.window = month_window(today, months)
        self.scale = scale
        self.schedule = [
            (a["code"], a["age_months"]) for a in antigens() if a["code"] not in AT_BIRTH_ANTIGENS
        ]
        self.niks: set[str] = set()
        self.data = DemoData()
        self.posyandu: list[Posyandu] = []
        self.births: dict[tuple[str, str], int] = {}  # (desa, YYYY-MM) -> live births
        self.stillbirths: dict[tuple[str, str], int] = {}
        self.deaths: dict[tuple[str, str], list[int]] = {}  # ages at death in days

    def run(self) -> DemoData:
        """Generate the reference data, the users and every record."""
        self.data.wilayah = read_wilayah()
        self.desa = [w for w in self.data.wilayah if w["level"] == "desa"]
        self.desa_by_code = {d["code"]: d for d in self.desa}
        self.ilp = IlpDemo(
            self.seed, self.today, self.desa_by_code, self.scale
        )  # its own random source
        self.kecamatan = [w for w in self.data.wilayah if w["level"] == "kecamatan"]
        self.puskesmas_of = {
            f"{home[:6]}{s}": puskesmas_id(name)
            for name, home, suffixes in PUSKESMAS
            for s in suffixes
        }
        self.add_facilities()
        for posyandu in self.posyandu:
            self.fill_posyandu(posyandu)
        for desa in self.desa:
            self.add_desa_reports(desa)
        for kecamatan in self.kecamatan:
            self.add_lokmin(kecamatan)
        self.data.users = self.users()
        return self.data

    # ids and small draws

    def new_id(self) -> str:
        """Return a deterministic random UUID (version 4)."""
        return str(uuid.UUID(int=self.rng.getrandbits(128), version=4))

    def count(self, low: int, high: int) -> int:
        """Return a scaled count of people for one posyandu, at least one."""
        return max(1, round(self.rng.randint(low, high) * self.scale))

    def chance(self, p: float) -> bool:
        """Return True with probability ``p``."""
        return self.rng.random() < p

    def day_between(self, first: date, last: date) -> date:
        """Return a uniformly drawn day from ``first`` to ``last`` inclusive."""
        return first + timedelta(days=self.rng.randint(0, max(0, (last - first).days)))

    def emit(self, kind: str, fields: dict) -> dict:
        """Append a record to the output and return its fields."""
        self.data.records.append((kind, fields))
        return fields

    # facilities

    def add_facilities(self) -> None:
        """Add the dinkes, the 11 puskesmas, a few poskesdes and 2–4 posyandu per desa."""
        facilities = self.data.facilities
        facilities.append(
            {
                "id": DINKES_ID,
                "code": DINKES_ID,
                "kind": "dinkes",
                "name": "Dinas Kesehatan Kabupaten Kayong Utara",
                "desa_code": "6111012001",
                "kecamatan_code": "611101",
            }
        )
        for name, home, suffixes in PUSKESMAS:
            code = puskesmas_id(name)
            facilities.append(
                {
                    "id": code,
                    "code": code,
                    "kind": "puskesmas",
                    "name": f"Puskesmas {name}",
                    "parent_id": DINKES_ID,
                    "desa_code": home,
                    "kecamatan_code": home[:6],
                    "wilayah_kerja": [home[:6] + s for s in suffixes],
                }
            )
        homes = {home for _, home, _ in PUSKESMAS}
        for desa in self.desa:
            if desa["code"] not in homes and self.chance(0.3):
                facilities.append(self.poskesdes(desa))
        for index, desa in enumerate(self.desa):
            flower = FLOWERS[0] if index == 0 else self.rng.choice(FLOWERS)
            for number in range(1, self.rng.choices((2, 3, 4), (1, 2, 1))[0] + 1):
                self.posyandu.append(self.new_posyandu(desa, flower, number))
        facilities.extend(p.facility for p in self.posyandu)

    def poskesdes(self, desa: dict) -> dict:
        """Return a poskesdes of ``desa`` under the desa's puskesmas."""
        code = f"PKD-{desa['code']}"
        return {
            "id": code,
            "code": code,
            "kind": "poskesdes",
            "name": f"Poskesdes {desa['name']}",
            "parent_id": self.puskesmas_of[desa["code"]],
            "desa_code": desa["code"],
            "kecamatan_code": desa["parent_code"],
        }

    def new_posyandu(self, desa: dict, flower: str, number: int) -> Posyandu:
        """Return a posyandu of ``desa`` with its monthly hari buka."""
        code = f"PSY-{desa['code']}-{number:02d}"
        strata = self.rng.choices(("pratama", "madya", "purnama", "mandiri"), (1, 3, 4, 2))[0]
        facility = {
            "id": code,
            "code": code,
            "kind": "posyandu",
            "name": f"Posyandu {flower} {number}",
            "parent_id": self.puskesmas_of[desa["code"]],
            "desa_code": desa["code"],
            "kecamatan_code": desa["parent_code"],
            "strata": strata,
            "ilp_status": self.chance(0.6),
        }
        open_day = self.rng.randint(3, 25)
        missing = 0.12 if strata == "pratama" else 0.03
        sessions = [
            (i, date(year, month, open_day), not self.chance(missing))
            for i, (year, month) in enumerate(self.window)
        ]
        return Posyandu(facility, sessions)

    # people

    def nik(self, desa: dict, birth: date, sex: str) -> str:
        """Return a unique NIK: kabupaten, kecamatan, birth date (+40 for women), serial."""
        day = birth.day + (40 if sex == "F" else 0)
        while True:
            nik = f"{desa['parent_code']}{day:02d}{birth:%m%y}{self.rng.randint(1, 9999):04d}"
            if nik not in self.niks:
                self.niks.add(nik)
                return nik

    def no_kk(self, desa: dict) -> str:
        """Return a family card number: kecamatan code, issue date, serial."""
        issued = self.today - timedelta(days=self.rng.randint(30, 3650))
        return f"{desa['parent_code']}{issued:%d%m%y}{self.rng.randint(1, 9999):04d}"

    def child_name(self, sex: str) -> str:
        """Return an Indonesian child's name."""
        first = self.rng.choice(BOY_NAMES if sex == "M" else GIRL_NAMES)
        if self.chance(0.5):
            return f"{first} {self.rng.choice(BOY_SURNAMES if sex == 'M' else GIRL_SURNAMES)}"
        return first

    def person(self, psy: Posyandu, name: str, sex: str, birth: date, **extra) -> dict:
        """Return the fields shared by every person: identity, address, NIK for ~70%."""
        desa = self.desa_of(psy)
        fields = {
            "id": self.new_id(),
            "posyandu_id": psy.facility["id"],
            "name": name,
            "sex": sex,
            "birth_date": birth.isoformat(),
            "desa_code": desa["code"],
            "address": f"Dusun {self.rng.choice(DUSUN)}, Desa {desa['name']}",
            "rt": f"{self.rng.randint(1, 12):03d}",
            "rw": f"{self.rng.randint(1, 4):03d}",
        }
        if self.chance(0.7):
            fields["nik"] = self.nik(desa, birth, sex)
        fields.update(extra)
        return fields

    def desa_of(self, psy: Posyandu) -> dict:
        """Return the wilayah record of the posyandu's desa."""
        return self.desa_by_code[psy.facility["desa_code"]]

    # one posyandu

    def fill_posyandu(self, psy: Posyandu) -> None:
        """Add the people of one posyandu, then their visits and sessions in date order."""
        events: list[tuple[date, int, str, dict]] = []
        babies = self.add_pregnancies(psy, events)
        for birth, mother, father in babies:
            self.add_child(psy, events, birth, mother, father)
        balita = self.count(25, 45)
        for _ in range(max(1, balita - len(babies))):
            birth = self.today - timedelta(days=self.rng.randint(0, 1825))
            self.add_child(psy, events, birth, self.rng.choice(WOMEN), self.rng.choice(MEN))
        # children who turned five during the window were balita in its first months
        for _ in range(round(balita * len(self.window) / 60)):
            age = self.rng.randint(1826, 1826 + 30 * len(self.window))
            birth = self.today - timedelta(days=age)
            self.add_child(psy, events, birth, self.rng.choice(WOMEN), self.rng.choice(MEN))
        for _ in range(self.count(3, 8)):
            self.add_adult(psy, events)
        for _, day, opened in psy.sessions:
            events.append((day, 0, "posyandu_session", self.session(psy, day, opened)))
        self.ilp.add(psy, events)  # remaja, nifas, KB, TB, referrals, doses (issue #15)
        events.sort(key=lambda event: (event[0], event[1]))
        for _, _, kind, fields in events:
            self.emit(kind, fields)

    def session(self, psy: Posyandu, day: date, opened: bool) -> dict:
        """Return a posyandu_session (hari buka) record."""
        fields = {
            "id": self.new_id(),
            "posyandu_id": psy.facility["id"],
            "session_date": day.isoformat(),
            "opened": opened,
        }
        if not opened:
            fields["notes"] = self.rng.choice(
                (
                    "Kader berhalangan, banjir di jalan desa",
                    "Bertepatan dengan hari raya",
                    "Bidan desa sedang pelatihan",
                )
            )
            return fields
        registered = self.rng.randint(5, 7)
        target = self.rng.randint(40, 120)
        fields.update(
            kader_registered=registered,
            kader_present=self.rng.randint(3, registered),
            nakes_present=self.rng.randint(0, 2),
            pmt_given=self.chance(0.7),
            kb_served=self.rng.randint(0, 8),
            diarrhoea_cases=self.rng.randint(0, 3),
            program_tambahan=self.rng.sample(
                ("bkb", "paud", "lansia", "dana_sehat"), self.rng.randint(0, 2)
            ),
            families_target=target,
            families_contributing=self.rng.randint(0, target),
            dana_sehat_rp=self.rng.randint(0, 60) * 5000,
        )
        fields["oralit_given"] = fields["diarrhoea_cases"] * 2
        fields["diarrhoea_oralit"] = fields["diarrhoea_cases"]
        return fields

    # balita

    def add_child(self, psy: Posyandu, events: list, birth: date, mother: str, father: str) -> None:
        """Add a balita, its growth and its monthly visits."""
        sex = self.rng.choice("MF")
        growth = self.child_growth()
        name = self.child_name(sex)
        if (self.today - birth).days < 14 and self.chance(0.5):
            name = f"Bayi Ny. {mother}"
        child = self.person(
            psy,
            name,
            sex,
            birth,
            mother_name=mother,
            father_name=father,
            has_kia_book=self.chance(0.85),
            birth_order=self.rng.choices((1, 2, 3, 4), (4, 3, 2, 1))[0],
            birth_weight_kg=round(measurement("wei", sex, 0, growth.waz_birth), 2),
            birth_length_cm=round(measurement("len", sex, 0, growth.lhaz_birth), 1),
        )
        if self.chance(0.6):
            child["no_kk"] = self.no_kk(self.desa_of(psy))
        self.child_exit(psy, child, birth)
        events.append((birth, -1, "person", child))
        born = birth.strftime("%Y-%m")
        self.births[(child["desa_code"], born)] = self.births.get((child["desa_code"], born), 0) + 1
        for visit in self.child_visits(psy, child, growth):
            events.append((date.fromisoformat(visit["visit_date"]), 1, "child_visit", visit))

    def child_growth(self) -> ChildGrowth:
        """Draw one child's growth levels: correlated WAZ and LHAZ, a few BGM, some faltering."""
        rng = self.rng
        u = rng.gauss(0, 1)
        lhaz = STUNTING_LHAZ_MEAN + STUNTING_LHAZ_SD * u
        waz = WAZ_MEAN + WAZ_SD * (0.65 * u + 0.76 * rng.gauss(0, 1))
        if self.chance(0.02):
            waz = rng.uniform(-3.8, -3.2)  # below the KMS red line (BGM)
            lhaz = min(lhaz, waz + rng.uniform(0.5, 2.0))
        # keep weight-for-length plausible: weight and length levels stay within 2.5 SD
        waz = min(max(waz, lhaz - 2.5), lhaz + 2.5, 3.0)
        noise, previous = [], 0.0
        for _ in self.window:
            previous = 0.7 * previous + rng.gauss(0, 0.035)
            noise.append(previous)
        growth = ChildGrowth(
            waz_level=waz,
            lhaz_level=max(lhaz, -4.5),
            waz_birth=_clamp(0.4 * waz + rng.gauss(-0.2, 0.6)),
            lhaz_birth=_clamp(0.4 * lhaz + rng.gauss(-0.1, 0.6)),
            head_level=_clamp(rng.gauss(-0.3, 0.9), -3.0),
            muac_offset=rng.gauss(0.2, 0.5),
            noise=noise,
        )
        if self.window and self.chance(0.08):
            growth.falter_start = rng.randrange(len(self.window))
            growth.falter_months = rng.randint(2, 3)
        return growth

    def child_exit(self, psy: Posyandu, child: dict, birth: date) -> None:
        """Let a few children die or move out during the window."""
        if not self.window:
            return
        first = max(birth, date(*self.window[0], 1))
        if first >= self.today:
            return
        infant = (self.today - birth).days < 365
        if self.chance(0.012 if infant else 0.003):
            died = self.day_between(first, self.today - timedelta(days=1))
            if first == birth and self.chance(0.4):
                died = min(birth + timedelta(days=self.rng.randint(0, 27)), died)
            age = (died - birth).days
            child["died_on"] = died.isoformat()
            child["death_cause"] = self.rng.choice(
                NEONATAL_DEATH_CAUSES if age < 28 else CHILD_DEATH_CAUSES
            )
            key = (child["desa_code"], died.strftime("%Y-%m"))
            self.deaths.setdefault(key, []).append(age)
        elif self.chance(0.02):
            moved = self.day_between(first, self.today - timedelta(days=1))
            child["moved_out_on"] = moved.isoformat()

    def child_visits(self, psy: Posyandu, child: dict, growth: ChildGrowth) -> list[dict]:
        """Return the child's visits on the posyandu's open days (~75% attendance)."""
        birth = date.fromisoformat(child["birth_date"])
        stop = child.get("died_on") or child.get("moved_out_on")
        stop_day = date.fromisoformat(stop) if stop else None
        attendance = min(0.97, max(0.25, self.rng.gauss(0.82, 0.14)))
        coverage = 0.1 if self.chance(0.04) else self.rng.uniform(0.75, 1.0)
        state = {
            "done": self.antigens_before_window(birth),
            "blue": False,
            "ebf_months": 6 if self.chance(0.6) else self.rng.randint(0, 5),
        }
        visits = []
        for index, day, opened in psy.sessions:
            if not opened or (day - birth).days < 7:
                continue
            if (stop_day is not None and day >= stop_day) or age_months(birth, day) >= 60:
                break
            older = age_months(birth, day) >= 36
            if self.chance(attendance - (0.08 if older else 0.0)):
                visits.append(self.child_visit(psy, child, growth, index, day, coverage, state))
        return visits

    def antigens_before_window(self, birth: date) -> set[str]:
        """Return the antigens due before the window (given then, not recorded here)."""
        start = date(*self.window[0], 1) if self.window else self.today
        age = age_months(birth, start) if birth < start else -1
        return {code for code, due in self.schedule if due < age}

    def child_visit(
        self,
        psy: Posyandu,
        child: dict,
        growth: ChildGrowth,
        index: int,
        day: date,
        coverage: float,
        state: dict,
    ) -> dict:
        """Return one child_visit: weight, often length, sometimes head and MUAC, services."""
        birth, sex = date.fromisoformat(child["birth_date"]), child["sex"]
        age_days, months = (day - birth).days, age_months(birth, day)
        waz = growth.waz(age_days, index)
        visit = {
            "id": self.new_id(),
            "person_id": child["id"],
            "posyandu_id": psy.facility["id"],
            "visit_date": day.isoformat(),
            "weight_kg": round(measurement("wei", sex, age_days, waz), 1),
        }
        if day.month in VITAMIN_A_MONTHS or self.chance(0.55):
            length = measurement("len", sex, age_days, growth.lhaz(age_days))
            visit["length_cm"] = round(length + self.rng.gauss(0, 0.25), 1)
            visit["position"] = "lying" if age_days < FIRST_HEIGHT_DAY else "standing"
        if months < 24 and self.chance(0.3):
            head = measurement("hc", sex, age_days, growth.head_level)
            visit["head_cm"] = round(head, 1)
        if months >= 6 and self.chance(0.3):
            muac = measurement("ac", sex, age_days, waz * 0.8 + growth.muac_offset)
            visit["muac_cm"] = round(min(max(muac, 8.0), 25.0), 1)
        if months < 6:
            visit["exclusive_breastfeeding"] = months < state["ebf_months"]
        self.child_services(visit, day, months, coverage, state)
        return visit

    def child_services(
        self, visit: dict, day: date, months: int, coverage: float, state: dict
    ) -> None:
        """Add vitamin A and deworming (February, August) and the immunisations due."""
        if day.month in VITAMIN_A_MONTHS and self.chance(0.92):
            if 6 <= months < 12 and not state["blue"]:
                visit["vitamin_a"], state["blue"] = "blue", True
            elif months >= 12:
                visit["vitamin_a"] = "red"
        if day.month in VITAMIN_A_MONTHS and months >= 12 and self.chance(0.8):
            visit["deworming"] = True
        given = []
        for code, due in self.schedule:
            if code in state["done"] or months < due:
                continue
            if self.chance(coverage):
                given.append(code)
                state["done"].add(code)
            elif months > due + 6:
                state["done"].add(code)  # missed for good: no catch-up recorded
        if given:
            visit["immunizations"] = given

    # pregnancies

    def add_pregnancies(self, psy: Posyandu, events: list) -> list[tuple[date, str, str]]:
        """Add a few mothers, their pregnancies and ANC visits; return the live births."""
        babies = []
        for _ in range(self.count(3, 6)):
            baby = self.add_pregnancy(psy, events)
            if baby is not None:
                babies.append(baby)
        return babies

    def add_pregnancy(self, psy: Posyandu, events: list) -> tuple[date, str, str] | None:
        """Add one mother, her pregnancy and its ANC visits; return (birth, mother, father)."""
        rng = self.rng
        lmp = self.today - timedelta(days=rng.randint(42, 420))
        registered = lmp + timedelta(days=rng.randint(42, min(112, (self.today - lmp).days)))
        mother_birth = add_years(lmp, -rng.randint(18, 42)) - timedelta(days=rng.randint(0, 364))
        husband = rng.choice(MEN)
        mother = self.person(
            psy, rng.choice(WOMEN), "F", mother_birth, has_kia_book=self.chance(0.9)
        )
        if self.chance(0.4):
            mother["phone"] = f"08{rng.choice((12, 13, 21, 52, 53))}{rng.randint(10**7, 10**8 - 1)}"
        events.append((registered, -2, "person", mother))
        pregnancy = self.pregnancy(psy, mother, lmp, registered)
        events.append((registered, -1, "pregnancy", pregnancy))
        for visit in self.anc_visits(psy, mother, pregnancy):
            events.append((date.fromisoformat(visit["visit_date"]), 1, "anc_visit", visit))
        return self.pregnancy_outcome(pregnancy, mother, husband)

    def pregnancy(self, psy: Posyandu, mother: dict, lmp: date, registered: date) -> dict:
        """Return a pregnancy: active, delivered or ended, with G/P/A and delivery details."""
        rng = self.rng
        gravida = rng.choices((1, 2, 3, 4, 5), (30, 30, 20, 12, 8))[0]
        abortus = 1 if gravida > 1 and self.chance(0.1) else 0
        fields = {
            "id": self.new_id(),
            "person_id": mother["id"],
            "posyandu_id": psy.facility["id"],
            "registered_on": registered.isoformat(),
            "lmp_date": lmp.isoformat(),
            "edd": (lmp + timedelta(days=280)).isoformat(),
            "gravida": gravida,
            "para": gravida - 1 - abortus,
            "abortus": abortus,
            "has_kia_book": self.chance(0.9),
            "height_cm": round(min(max(rng.gauss(151, 5.5), 135.0), 175.0), 1),
        }
        delivery = lmp + timedelta(days=rng.randint(259, 290))
        if self.chance(0.03) and registered + timedelta(days=30) < self.today:
            end = registered + timedelta(days=rng.randint(7, 30))
            fields.update(status="ended", delivery_date=end.isoformat(), outcome="abortion")
        elif delivery < self.today:
            outcome = "stillbirth" if self.chance(0.015) else "live_birth"
            fields.update(
                status="delivered",
                delivery_date=delivery.isoformat(),
                outcome=outcome,
                delivery_place="facility" if self.chance(0.85) else "non_facility",
                delivery_attendant="nakes" if self.chance(0.93) else "non_nakes",
            )
        return fields

    def pregnancy_outcome(
        self, pregnancy: dict, mother: dict, husband: str
    ) -> tuple[date, str, str] | None:
        """Count a stillbirth for the desa report, or return the live-born baby."""
        if pregnancy.get("status") != "delivered":
            return None
        born = date.fromisoformat(pregnancy["delivery_date"])
        if pregnancy["outcome"] == "stillbirth":
            key = (mother["desa_code"], born.strftime("%Y-%m"))
            self.stillbirths[key] = self.stillbirths.get(key, 0) + 1
            return None
        return born, mother["name"], husband

    def anc_visits(self, psy: Posyandu, mother: dict, pregnancy: dict) -> list[dict]:
        """Return monthly ANC visits at the posyandu from registration to delivery (~85%)."""
        rng = self.rng
        start = date.fromisoformat(pregnancy["registered_on"])
        lmp = date.fromisoformat(pregnancy["lmp_date"])
        end = date.fromisoformat(pregnancy.get("delivery_date") or self.today.isoformat())
        muac = min(max(rng.gauss(25.3, 2.2), 19.0), 34.0)
        weight = max(38.0, rng.gauss(50, 8))
        systolic = min(max(rng.gauss(112, 11), 90.0), 150.0)
        visits = []
        for _, day, opened in psy.sessions:
            if not opened or day < start or day > end or not self.chance(0.85):
                continue
            weeks = (day - lmp).days / 7
            visit = {
                "id": self.new_id(),
                "pregnancy_id": pregnancy["id"],
                "person_id": mother["id"],
                "posyandu_id": psy.facility["id"],
                "visit_date": day.isoformat(),
                "weight_kg": round(weight + 0.4 * max(0.0, weeks - 13), 1),
                "muac_cm": round(muac + rng.gauss(0, 0.3), 1),
                "iron_tablets": rng.choice((30, 30, 30, 15, 0)),
            }
            sys_bp = round(systolic + rng.gauss(0, 6) + (8 if weeks > 30 else 0))
            visit.update(systolic_bp=sys_bp, diastolic_bp=round(sys_bp * 0.64 + rng.gauss(0, 4)))
            if not visits or (weeks > 28 and self.chance(0.3)):
                visit["hb_g_dl"] = round(min(max(rng.gauss(11.3, 1.2), 6.0), 15.0), 1)
            visits.append(visit)
        return visits

    # adults and lansia

    def add_adult(self, psy: Posyandu, events: list) -> None:
        """Add an adult or lansia and their ILP visits (~50% of months)."""
        rng = self.rng
        sex = rng.choice("MF")
        age = rng.choice((rng.randint(25, 59), rng.randint(60, 85)))
        birth = add_years(self.today, -age) - timedelta(days=rng.randint(0, 364))
        name = rng.choice(MEN if sex == "M" else WOMEN)
        adult = self.person(psy, name, sex, birth)
        events.append((birth, -1, "person", adult))
        body = {
            "height": rng.gauss(162 if sex == "M" else 151, 6),
            "weight": rng.gauss(62 if sex == "M" else 56, 11),
            "systolic": rng.gauss(118 + 0.5 * (age - 40), 16),
            "glucose": rng.gauss(105, 20) if self.chance(0.85) else rng.gauss(220, 40),
        }
        screened = False
        for _, day, opened in psy.sessions:
            if opened and self.chance(0.5):
                visit = self.adult_visit(psy, adult, day, body, age >= 60 and not screened)
                screened = screened or "skilas" in visit
                events.append((day, 1, "adult_visit", visit))

    def adult_visit(
        self, psy: Posyandu, adult: dict, day: date, body: dict, lansia_screen: bool
    ) -> dict:
        """Return an adult_visit: body, blood pressure, sometimes glucose, SKILAS (lansia)."""
        rng = self.rng
        weight = max(30.0, body["weight"] + rng.gauss(0, 0.8))
        systolic = round(min(max(body["systolic"] + rng.gauss(0, 7), 85), 220))
        visit = {
            "id": self.new_id(),
            "person_id": adult["id"],
            "posyandu_id": psy.facility["id"],
            "visit_date": day.isoformat(),
            "weight_kg": round(weight, 1),
            "height_cm": round(body["height"], 1),
            "waist_cm": round(max(55.0, 40 + 0.75 * weight + rng.gauss(0, 4)), 1),
            "systolic_bp": systolic,
            "diastolic_bp": round(min(systolic - 25, systolic * 0.62 + rng.gauss(5, 5))),
        }
        if self.chance(0.3):
            visit["blood_glucose_mg_dl"] = round(
                min(max(body["glucose"] + rng.gauss(0, 10), 60), 500)
            )
        if lansia_screen:
            visit["skilas"] = {
                domain: self.chance(p)
                for domain, p in (
                    ("cognitive", 0.15),
                    ("mobility", 0.2),
                    ("malnutrition", 0.1),
                    ("vision", 0.3),
                    ("hearing", 0.2),
                    ("depression", 0.1),
                )
            }
        return visit

    # desa reports

    def add_desa_reports(self, desa: dict) -> None:
        """Add one desa_report per month: births, deaths and ODF status progressing to ODF."""
        code, window = desa["code"], self.window
        odf_path = self.rng.choices(("already", "becomes", "belum"), (35, 30, 35))[0]
        verified = None
        if odf_path == "already" and window:
            verified = date(*window[0], 1) - timedelta(days=self.rng.randint(30, 700))
        becomes_at = self.rng.randrange(len(window)) if odf_path == "becomes" and window else None
        for index, (year, month) in enumerate(window):
            if index == becomes_at:
                verified = self.day_between(date(year, month, 1), date(year, month, 28))
            self.emit("desa_report", self.desa_report(code, f"{year:04d}-{month:02d}", verified))

    def desa_report(self, code: str, period: str, verified: date | None) -> dict:
        """Return one month's desa_report, counting the births and deaths generated there."""
        ages = self.deaths.get((code, period), [])
        fields = {
            "id": self.new_id(),
            "desa_code": code,
            "period": period,
            "births_live": self.births.get((code, period), 0),
            "births_still": self.stillbirths.get((code, period), 0),
            "deaths_maternal": 0,
            "deaths_neonatal": sum(1 for age in ages if age < 28),
            "deaths_infant": sum(1 for age in ages if age < 365),
            "deaths_under5": len(ages),
            "odf_status": "odf" if verified else "belum",
        }
        if verified:
            fields["odf_verified_on"] = verified.isoformat()
        return fields

    # lokmin

    def add_lokmin(self, kecamatan: dict) -> None:
        """Add one or two lokmin tribulanan for a kecamatan, each with 3–5 agreements."""
        if not self.window:
            return
        first, last = date(*self.window[0], 1), self.today - timedelta(days=14)
        count = self.rng.randint(1, 2)
        span = max(0, (last - first).days)
        camat = f"{self.rng.choice(MEN)}, S.Sos"
        for number in range(count):
            day = first + timedelta(days=span * (number + 1) // (count + 1))
            day = min(day + timedelta(days=self.rng.randint(-10, 10)), last)
            meeting = self.emit("lokmin_meeting", self.lokmin_meeting(kecamatan, day, camat))
            for index in range(self.rng.randint(3, 5)):
                self.emit(
                    "lokmin_agreement", self.lokmin_agreement(meeting, index == 0 and number == 0)
                )

    def lokmin_meeting(self, kecamatan: dict, day: date, camat: str) -> dict:
        """Return a held lokmin tribulanan with its attendance list and priority problems."""
        desa = [d for d in self.desa if d["parent_code"] == kecamatan["code"]]
        pkm = self.puskesmas_of[desa[0]["code"]]
        kind = "tribulanan_pertama" if day.month <= 3 else "tribulanan_rutin"
        problems = self.rng.sample(LOKMIN_PROBLEMS, self.rng.randint(2, 4))
        return {
            "id": self.new_id(),
            "kecamatan_code": kecamatan["code"],
            "puskesmas_id": pkm,
            "kind": kind,
            "year": day.year,
            "quarter": (day.month - 1) // 3 + 1,
            "meeting_date": day.isoformat(),
            "venue": f"Aula Kantor Camat {kecamatan['name']}",
            "chair_name": camat,
            "status": "held",
            "agenda": "Capaian program kesehatan triwulan lalu; masalah prioritas per desa; "
            "tindak lanjut kesepakatan lokmin sebelumnya; rencana triwulan depan",
            "minutes": f"Lokmin lintas sektor Kecamatan {kecamatan['name']} dibuka oleh Camat. "
            "Puskesmas memaparkan capaian D/S, stunting, K4 dan ODF per desa. "
            "Peserta menyepakati rencana tindak lanjut terlampir.",
            "attendance": self.attendance(camat, desa),
            "problems": [
                {
                    "desa_code": self.rng.choice(desa)["code"],
                    "indicator_code": indicator,
                    "description": description,
                    "root_cause": cause,
                    "rank": rank,
                }
                for rank, (indicator, description, cause) in enumerate(problems, 1)
            ],
        }

    def attendance(self, camat: str, desa: list[dict]) -> list[dict]:
        """Return the daftar hadir: the Camat, the sectors and a few kepala desa."""
        rows = [
            {
                "name": camat,
                "position": "Camat",
                "sector": "kecamatan",
                "institution": "Kantor Camat",
                "signed": True,
            }
        ]
        for sector, position, institution in LOKMIN_SECTORS:
            if self.chance(0.85):
                rows.append(
                    {
                        "name": self.rng.choice(MEN + WOMEN),
                        "position": position,
                        "sector": sector,
                        "institution": institution,
                        "signed": self.chance(0.95),
                    }
                )
        for village in self.rng.sample(desa, min(len(desa), self.rng.randint(2, 4))):
            rows.append(
                {
                    "name": self.rng.choice(MEN),
                    "position": "Kepala Desa",
                    "sector": "desa",
                    "institution": f"Pemerintah Desa {village['name']}",
                    "signed": True,
                }
            )
        return rows

    def lokmin_agreement(self, meeting: dict, overdue: bool) -> dict:
        """Return one kesepakatan (RTL); past its due date it is mostly done, some are overdue."""
        rng = self.rng
        sector, action, indicator, budget = rng.choice(LOKMIN_ACTIONS)
        start = date.fromisoformat(meeting["meeting_date"]) + timedelta(days=7)
        due = start + timedelta(days=rng.choice((30, 60, 90, 120)))
        if overdue and start < self.today - timedelta(days=10):
            due = min(due, self.today - timedelta(days=10))
        if due < self.today:
            status = (
                "in_progress"
                if overdue
                else rng.choices(
                    ("done", "partially_done", "in_progress", "planned", "carried_over"),
                    (50, 15, 20, 10, 5),
                )[0]
            )
        else:
            status = rng.choice(("planned", "in_progress"))
        problems = meeting["problems"]
        return {
            "id": self.new_id(),
            "meeting_id": meeting["id"],
            "kecamatan_code": meeting["kecamatan_code"],
            "action": action,
            "sector": sector,
            "pic_name": rng.choice(MEN + WOMEN),
            "pic_role": LOKMIN_PIC[sector],
            "co_sectors": rng.sample(
                [s for s in ("puskesmas", "desa", "pkk") if s != sector], rng.randint(0, 2)
            ),
            "target_desa_code": rng.choice(problems)["desa_code"],
            "start_date": start.isoformat(),
            "due_date": due.isoformat(),
            "budget_source": budget,
            "success_indicator": indicator,
            "status": status,
            "progress_note": LOKMIN_PROGRESS[status],
        }

    # users

    def users(self) -> list[dict]:
        """Return one demo user per role along the first posyandu's chain of units."""
        posyandu = self.posyandu[0].facility
        desa = self.desa_by_code[posyandu["desa_code"]]
        kecamatan = next(k for k in self.kecamatan if k["code"] == desa["parent_code"])
        pkm = posyandu["parent_id"]
        flower = posyandu["name"].removeprefix("Posyandu ").rsplit(" ", 1)[0]
        flower = flower.lower().replace(" ", "")
        slug = kecamatan["name"].lower().replace(" ", "")
        rows = (
            ("kader", f"kader.{flower}", "Rohani (kader)", posyandu["id"]),
            (
                "bidan_desa",
                f"bidan.{desa['name'].lower().replace(' ', '')}",
                "Bidan Nurlela, Amd.Keb",
                desa["code"],
            ),
            ("puskesmas", f"pkm.{pkm.removeprefix('PKM-').lower()}", "Hendra, SKM", pkm),
            ("kecamatan", f"kecamatan.{slug}", "Syarifuddin, S.Sos", kecamatan["code"]),
            ("dinas", "dinas.kesehatan", "dr. Marlina", DINKES_ID),
            ("admin", "admin", "Administrator Sistem", DINKES_ID),
        )
        return [
            {
                "username": username,
                "name": name,
                "role": role,
                "unit": unit,
            }
            for role, username, name, unit in rows
        ]
