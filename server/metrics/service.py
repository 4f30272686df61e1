"""The dashboard's one decision: when a school's reports make a spike.

The rule, said the same way on the page (``SPIKE_RULE``): a school's reports this week (from
Monday to the last day shown, on the district's calendar) are a spike when there are at least
``SPIKE_MIN`` of them and at least ``SPIKE_FACTOR`` times its weekly average over the
``BASELINE_WEEKS`` whole weeks before. In whole numbers: this week x 8 >= 2 x the 8 weeks' total,
so the boundary is exact (no rounding of an average)."""

from __future__ import annotations

from server.i18n import N_

SPIKE_MIN = 3
SPIKE_FACTOR = 2
BASELINE_WEEKS = 8

SPIKE_RULE = N_(
    "A spike: a school's reports this week (Monday to the last day shown) are at least 3 and "
    "at least twice its weekly average over the 8 weeks before."
)


def spike(this_week: int, baseline_total: int) -> bool:
    """Whether ``this_week``'s reports are a spike against the 8 weeks' ``baseline_total``."""
    return this_week >= SPIKE_MIN and this_week * BASELINE_WEEKS >= SPIKE_FACTOR * baseline_total
