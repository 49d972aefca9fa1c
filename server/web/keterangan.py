"""Words for people: indicator definitions and units (the XLSX "Keterangan" sheet), antigen and
vitamin A names (``shared/records/antigens.py``), so that no page or workbook shows a code."""

from __future__ import annotations

from shared.records.antigens import antigens

SOURCE_VISITS = "Kunjungan anak di posyandu (penimbangan, pengukuran), per posyandu per bulan"
SOURCE_ROLLUP = "Jumlah agregat posyandu-bulan (indicator_month; server/indicators/rollup.py)"
DEFINITIONS = {
    "reporting": ("Posyandu buka / posyandu", "posyandu", "Sesi posyandu yang dibuka bulan ini"),
    "ds": ("Balita ditimbang (D) ÷ balita sasaran (S)", "anak", SOURCE_VISITS),
    "ks": ("Balita punya Buku KIA (K) ÷ balita sasaran (S)", "anak", SOURCE_VISITS),
    "nd": ("Balita naik berat badannya (N) ÷ balita ditimbang (D)", "anak", SOURCE_VISITS),
    "bgm": ("Balita di bawah garis merah (BGM) ÷ balita ditimbang (D)", "anak", SOURCE_VISITS),
    "two_t": ("Balita tidak naik 2 kali berturut-turut (2T) ÷ ditimbang", "anak", SOURCE_VISITS),
    "stunting": (
        "Balita dengan PB/U atau TB/U < −2 SD ÷ balita diukur panjang/tinggi (pengukuran valid "
        "terakhir per anak per bulan)",
        "anak",
        SOURCE_VISITS,
    ),
    "wasting": ("Balita dengan BB/PB(TB) < −2 SD ÷ balita diukur", "anak", SOURCE_VISITS),
    "underweight": ("Balita dengan BB/U < −2 SD ÷ balita ditimbang", "anak", SOURCE_VISITS),
    "vitamin_a": (
        "Balita 6–59 bulan yang menerima kapsul vitamin A ÷ sasaran (bulan Februari/Agustus)",
        "anak",
        SOURCE_VISITS,
    ),
    "kek": ("Ibu hamil dengan LiLA < 23,5 cm ÷ ibu hamil diukur", "ibu hamil", "Kunjungan ANC"),
    "odf": ("Desa ODF/STBM ÷ desa", "desa", "Laporan desa (status ODF/STBM)"),
}
VITAMIN_A_NAMES = {"blue": "Vit A biru", "red": "Vit A merah", "none": "Tidak"}


def unit_of(key: str) -> str:
    """Return the unit counted by an indicator's numerator and denominator."""
    return DEFINITIONS.get(key, ("", "anak", ""))[1]


def antigen_names() -> dict[str, str]:
    """Return the Indonesian name of every antigen code (the programme schedule)."""
    return {a["code"]: str(a["name"]) for a in antigens()}


def antigen_name(code: str) -> str:
    """Return an antigen's name (the code itself when it is not in the schedule)."""
    return antigen_names().get(code, code)


def vitamin_a_name(code: str | None) -> str:
    """Return "Vit A biru" / "Vit A merah" for a capsule code."""
    return VITAMIN_A_NAMES.get(code or "none", code or "")


def notes(labels: dict[str, str], keys) -> list[tuple[str, str, str]]:
    """Return the Keterangan rows (indicator, definition with unit, source) of ``keys``."""
    out = []
    for key in keys:
        definition, unit, source = DEFINITIONS[key]
        out.append((labels.get(key, key), f"{definition} (satuan: {unit})", source))
    out.append(
        (
            "Persentase (%)",
            "Pembilang ÷ penyebut, dihitung dari angka di sebelahnya; kosong bila penyebut 0",
            SOURCE_ROLLUP,
        )
    )
    return out


def with_level(name: str | None, level_label: str) -> str:
    """Return "Posyandu Melati 1" for ("Posyandu Melati 1", "Posyandu") and "Desa Sutera" for
    ("Sutera", "Desa"): the level's word is added only when the name does not start with it."""
    name = (name or "").strip()
    if name.lower().startswith(level_label.lower() + " ") or name.lower() == level_label.lower():
        return name
    return f"{level_label} {name}".strip()


def register_filters(app_or_bp) -> None:
    """Make the names available to the templates (filters ``antigen``, ``vit_a``, ``with_level``)."""
    app_or_bp.add_app_template_filter(antigen_name, "antigen")
    app_or_bp.add_app_template_filter(vitamin_a_name, "vit_a")
    app_or_bp.add_app_template_filter(with_level, "with_level")
