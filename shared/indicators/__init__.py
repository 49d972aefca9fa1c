"""Monthly posyandu indicators (SKDN, nutrition, vitamin A, KEK, ILP) as summable ratios, strata."""

from shared.indicators.ilp import ILP_KEYS, ilp_indicators
from shared.indicators.messages import (  # registers the labels
    COUNTS,
    ILP_INDICATORS,
    INDICATORS,
    STRATA_LABELS,
)
from shared.indicators.ratio import Ratio
from shared.indicators.skdn import MonthIndicators, combine, month_indicators
from shared.indicators.strata import STRATA, load_strata_thresholds, strata

__all__ = [
    "COUNTS",
    "ILP_INDICATORS",
    "ILP_KEYS",
    "INDICATORS",
    "STRATA",
    "STRATA_LABELS",
    "MonthIndicators",
    "Ratio",
    "combine",
    "ilp_indicators",
    "load_strata_thresholds",
    "month_indicators",
    "strata",
]
