"""User-facing texts of the clinical package, registered as ``clinical.*`` at import.

Keys: ``clinical.alert.<code>`` (one per alert code of ``data/thresholds.csv`` and per SKILAS
domain), ``clinical.measure.<measure>`` (the measures of the table) and ``clinical.finding``
(``{measure} {value} {operator} {threshold} {unit}``, used by ``describe``).
"""

from __future__ import annotations

from shared.i18n import register

REFER_ID = "Rujuk ke puskesmas."
REFER_EN = "Refer to the puskesmas."

ALERTS = {
    "gds_high": ("Gula darah sewaktu tinggi.", "High random blood sugar."),
    "hypertension": ("Tekanan darah tinggi.", "High blood pressure."),
    "central_obesity": ("Lingkar perut melebihi batas.", "Waist circumference above the limit."),
    "weight_loss": (
        "Berat badan turun lebih dari batas sejak kunjungan lalu.",
        "Weight has dropped more than the limit since the last visit.",
    ),
    "kek": ("Kurang energi kronis (KEK): LiLA di bawah batas.", "Chronic energy deficiency (KEK)."),
    "anaemia": ("Anemia: Hb di bawah batas.", "Anaemia: haemoglobin below the limit."),
    "short_stature": ("Tinggi badan ibu di bawah batas.", "Mother's height below the limit."),
    "thinness": ("IMT/U kurang (kurus).", "Low BMI-for-age (thinness)."),
    "obesity": ("IMT/U obesitas.", "BMI-for-age in the obese range."),
    "bblr": ("Berat badan lahir rendah (BBLR).", "Low birth weight."),
    "skilas_cognitive": ("SKILAS: penurunan kognitif.", "SKILAS: cognitive decline."),
    "skilas_mobility": ("SKILAS: keterbatasan mobilisasi.", "SKILAS: limited mobility."),
    "skilas_malnutrition": ("SKILAS: malnutrisi.", "SKILAS: malnutrition."),
    "skilas_vision": ("SKILAS: gangguan penglihatan.", "SKILAS: impaired vision."),
    "skilas_hearing": ("SKILAS: gangguan pendengaran.", "SKILAS: impaired hearing."),
    "skilas_depression": ("SKILAS: gejala depresi.", "SKILAS: symptoms of depression."),
}

MEASURES = {
    "blood_glucose_mg_dl": ("Gula darah sewaktu", "Random blood sugar"),
    "systolic_bp": ("Tekanan darah sistolik", "Systolic blood pressure"),
    "diastolic_bp": ("Tekanan darah diastolik", "Diastolic blood pressure"),
    "waist_cm": ("Lingkar perut", "Waist circumference"),
    "weight_loss_pct": ("Penurunan berat badan (%)", "Weight loss (%)"),
    "muac_cm": ("LiLA", "Mid-upper arm circumference"),
    "hb_g_dl": ("Hb", "Haemoglobin"),
    "height_cm": ("Tinggi badan", "Height"),
    "baz": ("Z-skor IMT/U", "BMI-for-age z-score"),
    "birth_weight_kg": ("Berat badan lahir", "Birth weight"),
}

FINDING = {
    "clinical.finding": {
        "id": "{measure} {value} {unit}, batas {operator} {threshold} {unit}",
        "en": "{measure} {value} {unit}, limit {operator} {threshold} {unit}",
    }
}

MESSAGES = {
    **{
        f"clinical.alert.{code}": {"id": f"{id_} {REFER_ID}", "en": f"{en} {REFER_EN}"}
        for code, (id_, en) in ALERTS.items()
    },
    **{f"clinical.measure.{name}": {"id": id_, "en": en} for name, (id_, en) in MEASURES.items()},
    **FINDING,
}

register(MESSAGES)
