"""Display labels of the indicators, Indonesian first (keys ``indicators.*``)."""

from __future__ import annotations

from shared.i18n import register
from shared.indicators.ilp import COVERAGE_CODES, ILP_KEYS
from shared.records.antigens import antigens

INDICATORS = (
    ("ds", "indicators.ds"),
    ("ks", "indicators.ks"),
    ("nd", "indicators.nd"),
    ("nd_assessable", "indicators.nd_assessable"),
    ("bgm", "indicators.bgm"),
    ("two_t", "indicators.two_t"),
    ("stunting", "indicators.stunting"),
    ("wasting", "indicators.wasting"),
    ("underweight", "indicators.underweight"),
    ("vitamin_a", "indicators.vitamin_a"),
    ("kek", "indicators.kek"),
    ("opened", "indicators.opened"),
)

COUNTS = tuple(
    (key, f"indicators.count.{key}") for key in ("S", "K", "D", "N", "T", "O", "B", "BGM", "2T")
)

# The ILP indicators (shared/indicators/ilp.py), in ILP_KEYS order.
ILP_INDICATORS = tuple((key, f"indicators.{key}") for key in ILP_KEYS)

STRATA_LABELS = tuple(
    (key, f"indicators.strata.{key}") for key in ("pratama", "madya", "purnama", "mandiri")
)

register(
    {
        "indicators.ds": {
            "id": "Partisipasi masyarakat (D/S)",
            "en": "Community participation (D/S)",
        },
        "indicators.ks": {
            "id": "Balita punya Buku KIA (K/S)",
            "en": "Children with a Buku KIA (K/S)",
        },
        "indicators.nd": {
            "id": "Balita naik berat badan (N/D)",
            "en": "Children gaining weight (N/D)",
        },
        "indicators.nd_assessable": {
            "id": "Naik berat badan di antara yang dapat dinilai (N/(D−O−B))",
            "en": "Gaining weight among those who can be assessed (N/(D−O−B))",
        },
        "indicators.bgm": {"id": "Bawah garis merah (BGM/D)", "en": "Below the red line (BGM/D)"},
        "indicators.two_t": {
            "id": "Tidak naik 2 kali berturut-turut (2T/D)",
            "en": "No gain two months in a row (2T/D)",
        },
        "indicators.stunting": {
            "id": "Stunting (PB/U atau TB/U < −2 SD)",
            "en": "Stunting (length/height-for-age < −2 SD)",
        },
        "indicators.wasting": {
            "id": "Wasting (BB/PB atau BB/TB < −2 SD)",
            "en": "Wasting (weight-for-length/height < −2 SD)",
        },
        "indicators.underweight": {
            "id": "Berat badan kurang (BB/U < −2 SD)",
            "en": "Underweight (weight-for-age < −2 SD)",
        },
        "indicators.vitamin_a": {
            "id": "Balita 6–59 bulan dapat vitamin A",
            "en": "Children 6–59 months given vitamin A",
        },
        "indicators.kek": {
            "id": "Ibu hamil KEK (LiLA < 23,5 cm)",
            "en": "Pregnant women with low MUAC (KEK, < 23.5 cm)",
        },
        "indicators.opened": {"id": "Posyandu buka", "en": "Posyandu opened"},
        "indicators.count.S": {"id": "S: balita sasaran", "en": "S: children under five (target)"},
        "indicators.count.K": {"id": "K: punya Buku KIA", "en": "K: holding a Buku KIA"},
        "indicators.count.D": {"id": "D: ditimbang", "en": "D: weighed"},
        "indicators.count.N": {"id": "N: naik", "en": "N: gained weight"},
        "indicators.count.T": {"id": "T: tidak naik", "en": "T: did not gain"},
        "indicators.count.O": {
            "id": "O: bulan lalu tidak ditimbang",
            "en": "O: not weighed last month",
        },
        "indicators.count.B": {"id": "B: baru pertama kali ditimbang", "en": "B: first weighing"},
        "indicators.count.BGM": {"id": "BGM: bawah garis merah", "en": "BGM: below the red line"},
        "indicators.count.2T": {
            "id": "2T: tidak naik 2 kali berturut-turut",
            "en": "2T: no gain two months in a row",
        },
        "indicators.strata.pratama": {"id": "Pratama", "en": "Pratama (basic)"},
        "indicators.strata.madya": {"id": "Madya", "en": "Madya (intermediate)"},
        "indicators.strata.purnama": {"id": "Purnama", "en": "Purnama (advanced)"},
        "indicators.strata.mandiri": {"id": "Mandiri", "en": "Mandiri (self-reliant)"},
    }
)

_ILP_TEXTS = {
    "served_balita": ("Balita (0–59 bulan) dilayani", "Children under five served"),
    "served_usia_sekolah_remaja": (
        "Usia sekolah dan remaja (5–<18 tahun) dilayani",
        "School-age children and adolescents (5–<18 years) served",
    ),
    "served_dewasa": ("Usia dewasa (18–59 tahun) dilayani", "Adults (18–59 years) served"),
    "served_lansia": ("Lansia (≥ 60 tahun) dilayani", "Older people (≥ 60 years) served"),
    "served_ibu_hamil_nifas": (
        "Ibu hamil dan nifas dilayani",
        "Pregnant and postpartum women served",
    ),
    "idl": (
        "Imunisasi dasar lengkap (IDL), anak 12–23 bulan",
        "Complete basic immunisation (IDL), children 12–23 months",
    ),
    "ibl": (
        "Imunisasi baduta lengkap (IBL), anak 24–35 bulan",
        "Complete under-two immunisation (IBL), children 24–35 months",
    ),
    "dpt_dropout": (
        "Drop-out DPT-HB-Hib 1 ke 3",
        "Drop-out DPT-HB-Hib 1 to 3",
    ),
    "tb_suspect_referred": ("Terduga TBC yang dirujuk", "Presumptive TB cases referred"),
    "ptm_screening": (
        "Skrining PTM (tekanan darah/gula darah) usia ≥ 18 tahun, 12 bulan terakhir",
        "NCD screening (blood pressure/glucose) at 18+ years, last 12 months",
    ),
    "skilas": (
        "Lansia diskrining SKILAS, 12 bulan terakhir",
        "Older people screened with SKILAS, last 12 months",
    ),
    "kf1": ("Ibu nifas mendapat KF1", "Postpartum women with a KF1 visit"),
    "kf_complete": ("KF lengkap (KF1–KF4)", "Complete postpartum visits (KF1–KF4)"),
    "nifas_vitamin_a": ("Ibu nifas mendapat vitamin A", "Postpartum women given vitamin A"),
}
_ANTIGEN_NAMES = {row["code"]: row["name"] for row in antigens()}

register({f"indicators.{key}": {"id": i, "en": e} for key, (i, e) in _ILP_TEXTS.items()})
register(
    {
        f"indicators.imm_{code}": {
            "id": f"Cakupan imunisasi {_ANTIGEN_NAMES.get(code, code)}",
            "en": f"Immunisation coverage, {_ANTIGEN_NAMES.get(code, code)}",
        }
        for code in COVERAGE_CODES
    }
)
