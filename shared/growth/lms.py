"""The LMS z-score formulas of BRIEF §2.3 (WHO Child Growth Standards, Chap. 7).

For a measurement ``y`` and the table values ``L, M, S`` at the child's age or length/height::

    z = ((y / M)^L − 1) / (L · S)        if L ≠ 0
    z = ln(y / M) / S                    if L = 0
    SD(k) = M · (1 + L·S·k)^(1/L)        (M · exp(S·k) if L = 0)

Restricted application, only for weight-based indices (WAZ, WLZ/WHZ, BAZ) and ACZ::

    if z > +3:  z* = 3 + (y − SD(+3)) / (SD(+3) − SD(+2))
    if z < −3:  z* = −3 + (y − SD(−3)) / (SD(−2) − SD(−3))
"""

from __future__ import annotations

from math import exp, log


def z_score(y: float, L: float, M: float, S: float) -> float:
    """Return the plain LMS z-score of ``y``."""
    if L == 0:
        return log(y / M) / S
    return ((y / M) ** L - 1.0) / (L * S)


def sd_value(k: float, L: float, M: float, S: float) -> float:
    """Return the measurement that lies ``k`` standard deviations from the median."""
    if L == 0:
        return M * exp(S * k)
    return M * (1.0 + L * S * k) ** (1.0 / L)


def z_score_restricted(y: float, L: float, M: float, S: float) -> float:
    """Return the LMS z-score with WHO's restricted application beyond ±3 SD."""
    z = z_score(y, L, M, S)
    if z > 3.0:
        sd3 = sd_value(3.0, L, M, S)
        return 3.0 + (y - sd3) / (sd3 - sd_value(2.0, L, M, S))
    if z < -3.0:
        sd3 = sd_value(-3.0, L, M, S)
        return -3.0 + (y - sd3) / (sd_value(-2.0, L, M, S) - sd3)
    return z
