"""Display labels of the indicators, Indonesian first (keys ``indicators.*``)."""

from __future__ import annotations

from shared.i18n import register

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
