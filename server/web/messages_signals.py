"""Messages of the signal rules added with the digest, the ILP page and the meeting pack."""

from shared.i18n import register

register(
    {
        "web.signals.rule.ds_drop": {"id": "D/S turun tajam", "en": "D/S dropped sharply"},
        "web.signals.rule.bgm_cluster": {
            "id": "BGM mengelompok di satu desa",
            "en": "BGM clustered in one desa",
        },
        "web.signals.rule.dpt_dropout_rising": {
            "id": "Drop-out DPT-HB-Hib naik",
            "en": "DPT-HB-Hib drop-out rising",
        },
        "web.signals.rule.quality_flags_rising": {
            "id": "Tanda mutu data bertambah",
            "en": "Data-quality flags rising",
        },
    }
)
