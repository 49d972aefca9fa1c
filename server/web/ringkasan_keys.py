"""What a Ringkasan row holds, in the order of its columns: one list for the page's CSV
(``ringkasan.table_rows``) and the workbook for people (``ringkasan_xlsx``)."""

from server.indicators.posyandu_month import DESA_FIELDS
from shared.indicators.skdn import COUNT_KEYS

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
COUNT_COLUMNS = COUNT_KEYS  # the SKDN counts, in the order shared.indicators keeps them
DESA_COLUMNS = DESA_FIELDS  # the desa report figures an indicator_month row keeps
