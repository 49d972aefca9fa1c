"""Monthly posyandu indicators (SKDN, nutrition, vitamin A, KEK) as summable ratios, and strata."""

from shared.indicators.messages import COUNTS, INDICATORS, STRATA_LABELS  # registers the labels
from shared.indicators.ratio import Ratio
from shared.indicators.skdn import MonthIndicators, combine, month_indicators
from shared.indicators.strata import STRATA, load_strata_thresholds, strata

__all__ = [
    "COUNTS",
    "INDICATORS",
    "STRATA",
    "STRATA_LABELS",
    "MonthIndicators",
    "Ratio",
    "combine",
    "load_strata_thresholds",
    "month_indicators",
    "strata",
]
