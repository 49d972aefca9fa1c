"""A (numerator, denominator) pair: indicators are stored and summed this way, shown as percent."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Ratio:
    """A count over its base; sums up the hierarchy by adding both parts (BRIEF §1.2)."""

    numerator: int
    denominator: int

    def __add__(self, other: Ratio) -> Ratio:
        if not isinstance(other, Ratio):
            return NotImplemented
        return Ratio(self.numerator + other.numerator, self.denominator + other.denominator)

    def __radd__(self, other: object) -> Ratio:
        # Lets sum(ratios) start from its default 0.
        if other == 0:
            return self
        return NotImplemented

    @property
    def percent(self) -> float | None:
        """Return 100 × numerator / denominator, or None when the denominator is 0."""
        if self.denominator == 0:
            return None
        return 100.0 * self.numerator / self.denominator

    def to_dict(self) -> dict[str, int]:
        """Return ``{"numerator": n, "denominator": d}`` for JSON."""
        return {"numerator": self.numerator, "denominator": self.denominator}
