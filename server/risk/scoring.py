"""Scores, bands and the 5x5 heat map. No database: the same numbers give the same answer."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from server.i18n import N_


class Band(StrEnum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    EXTREME = "extreme"


BAND_LABELS = {
    Band.LOW: N_("Low"),
    Band.MEDIUM: N_("Medium"),
    Band.HIGH: N_("High"),
    Band.EXTREME: N_("Extreme"),
}


@dataclass(frozen=True)
class Bands:
    """Upper scores of Low, Medium and High (inclusive); above High is Extreme."""

    low: int = 4
    medium: int = 9
    high: int = 16

    def __post_init__(self) -> None:
        if not 1 <= self.low < self.medium < self.high < 25:
            raise ValueError("bands must rise: 1 <= low < medium < high < 25")

    def of(self, score: int) -> Band:
        if not 1 <= score <= 25:
            raise ValueError(f"a score is 1 to 25, not {score}")
        if score <= self.low:
            return Band.LOW
        if score <= self.medium:
            return Band.MEDIUM
        if score <= self.high:
            return Band.HIGH
        return Band.EXTREME


def score(likelihood: int, impact: int) -> int:
    if not (1 <= likelihood <= 5 and 1 <= impact <= 5):
        raise ValueError("likelihood and impact are 1 to 5")
    return likelihood * impact


@dataclass(frozen=True)
class Cell:
    likelihood: int
    impact: int
    score: int
    band: Band
    before: int  # hazards here before mitigation
    after: int  # hazards here after mitigation


def heat_map(bands: Bands, before: list[tuple[int, int]], after: list[tuple[int, int]]) -> list:
    """Rows from likelihood 5 down to 1, each with cells for impact 1 to 5."""
    rows = []
    for likelihood in range(5, 0, -1):
        cells = []
        for impact in range(1, 6):
            s = score(likelihood, impact)
            cells.append(
                Cell(
                    likelihood,
                    impact,
                    s,
                    bands.of(s),
                    before.count((likelihood, impact)),
                    after.count((likelihood, impact)),
                )
            )
        rows.append((likelihood, cells))
    return rows
