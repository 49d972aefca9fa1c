"""Growth: WHO z-scores and Permenkes 2/2020 categories for a child's measurement (BRIEF §2).

    from shared.growth import assess
    result = assess("M", "2024-01-01", "2024-12-31", weight_kg=10, length_cm=70)
    result.waz, result.categories["waz"], result.flags

Tables are the WHO 2006 standards (0–1826 days) and the WHO 2007 reference (61–228 months),
shipped as package data and read on first use. See ``shared.growth.anthro`` for the rules.
"""

from shared.growth import messages  # noqa: F401  (registers the growth.* texts)
from shared.growth.anthro import DAYS_PER_MONTH, Assessment, assess, who_curves
from shared.growth.errors import GrowthInputError

__all__ = ["DAYS_PER_MONTH", "Assessment", "GrowthInputError", "assess", "who_curves"]
