"""Phone clocks, on the server's clock: the one place an event's times are corrected.

A phone's clock may be minutes (or hours) off. Every event it records carries the phone's time, and
drill figures, countdowns, check-ins and acknowledgments compare those times with the server's. So
each batch says when the phone sent it (``sent_at``, by the phone's clock); the difference from
the server's clock on arrival is the phone's skew, taken off every time in the batch: the event's
``occurred_at`` and the times inside its payload (``Pending.on_server_clock``).

A batch without ``sent_at`` (a page from before this change) is judged by its newest event: nothing
can have happened after it arrived, so a phone with events "in the future" is at least that fast.
"""

from __future__ import annotations

from datetime import datetime, timedelta

# Below this the difference is the network's delay, not the phone's clock: left alone.
NOISE = timedelta(seconds=2)


def skew_of(sent_at: datetime | None, occurred: list[datetime], now: datetime) -> timedelta:
    """How far the phone's clock is ahead of ours (negative: behind)."""
    if sent_at is not None:
        skew = sent_at - now
    else:
        skew = max([at - now for at in occurred], default=timedelta(0))
        skew = max(skew, timedelta(0))
    return skew if abs(skew) > NOISE else timedelta(0)


def on_server_clock(moment: datetime, skew: timedelta) -> datetime:
    """A phone's time as our clock had it."""
    return moment - skew


def occurred(moment: datetime, skew: timedelta, now: datetime) -> datetime:
    """When an event happened, on our clock: never later than it arrived."""
    return min(on_server_clock(moment, skew), now)
