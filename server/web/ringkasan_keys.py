"""What a Ringkasan row holds, in the order of its columns: one list for the page's CSV
(``ringkasan.table_rows``) and the workbook for people (``ringkasan_xlsx``)."""

TABLE_INDICATORS = (
    "ds",
    "ks",
    "nd",
    "bgm",
    "two_t",
    "stunting",
    "wasting",
    "underweight",
    "vitamin_a",
    "kek",
)
COUNT_COLUMNS = ("S", "K", "D", "N", "T", "O", "B", "BGM", "2T")
DESA_COLUMNS = (
    "births_live",
    "births_still",
    "deaths_maternal",
    "deaths_neonatal",
    "deaths_infant",
    "deaths_under5",
)
