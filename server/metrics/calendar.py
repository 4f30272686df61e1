"""The district's weeks and months, as the dashboard counts by them.

A week runs Monday to Sunday on the district's calendar (``MUSTER_TIMEZONE``); a month is a
calendar month there. Their edges are worked out here, in Python, as UTC instants, and the
database compares stored times with them: the same on SQLite (which knows no time zones) and
PostgreSQL, and right across a change of clocks (a week with a DST change is 167 or 169 hours).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

WEEK = timedelta(days=7)
WEEKLY_UP_TO = 26  # weeks: a range up to this long is counted week by week, longer by month
LONGEST_MONTHS = 60  # a longer range shows its last five years (and says so)
DEFAULT_WEEKS = 12  # with no dates given: this week and the eleven before


def week_start(day: date) -> date:
    """The Monday of ``day``'s week."""
    return day - timedelta(days=day.weekday())


def instant(day: date, tz: ZoneInfo) -> datetime:
    """The first moment of ``day`` on the district's calendar, in UTC."""
    return datetime.combine(day, time.min, tzinfo=tz).astimezone(UTC)


def _month_start(day: date) -> date:
    return day.replace(day=1)


def _next_month(day: date) -> date:
    return (day.replace(day=28) + timedelta(days=4)).replace(day=1)


@dataclass(frozen=True)
class Bucket:
    """One week or month of the range: its days (``first`` to the day before ``after``, cut to
    the range) and the same as UTC instants (``lo`` inclusive, ``hi`` exclusive)."""

    n: int
    first: date
    after: date
    lo: datetime
    hi: datetime
    label: str  # "2026-11-30" (the week's first day shown) or "2026-11"


@dataclass(frozen=True)
class Span:
    """The days the dashboard shows, both included, on the district's calendar."""

    since: date
    until: date
    tz: ZoneInfo
    clipped: bool = False  # a longer range was asked for: these are its last five years

    @classmethod
    def of(cls, since: date | None, until: date | None, today: date, tz: ZoneInfo) -> Span:
        """The range asked for: none given, the last twelve weeks to ``today``; one day given,
        the other filled in; the wrong way round, turned round; too long, its last five years."""
        until = until or (today if since is None or since <= today else since)
        since = since or week_start(until) - (DEFAULT_WEEKS - 1) * WEEK
        if since > until:
            since, until = until, since
        earliest = _month_start(until).replace(year=until.year - LONGEST_MONTHS // 12)
        if since < earliest:
            return cls(earliest, until, tz, clipped=True)
        return cls(since, until, tz)

    @property
    def weekly(self) -> bool:
        return (self.until - week_start(self.since)).days < WEEKLY_UP_TO * 7

    @property
    def lo(self) -> datetime:
        return instant(self.since, self.tz)

    @property
    def hi(self) -> datetime:
        return instant(self.until + timedelta(days=1), self.tz)

    def buckets(self, weekly: bool | None = None) -> list[Bucket]:
        """The range's weeks (or months), each cut to the range."""
        weekly = self.weekly if weekly is None else weekly
        found: list[Bucket] = []
        start = week_start(self.since) if weekly else _month_start(self.since)
        while start <= self.until:
            after = start + WEEK if weekly else _next_month(start)
            first, last = max(start, self.since), min(after, self.until + timedelta(days=1))
            label = first.isoformat() if weekly else start.strftime("%Y-%m")
            tz = self.tz
            found.append(
                Bucket(len(found), first, last, instant(first, tz), instant(last, tz), label)
            )
            start = after
        return found

    def last_weeks(self, count: int) -> list[Bucket]:
        """The range's last ``count`` weeks (each cut to the range)."""
        return self.buckets(weekly=True)[-count:]

    def this_week(self) -> tuple[datetime, datetime]:
        """The week holding the last day shown, from its Monday to the end of that day."""
        return instant(week_start(self.until), self.tz), self.hi

    def weeks_before(self, count: int) -> tuple[datetime, datetime]:
        """The ``count`` whole weeks before the week holding the last day shown."""
        monday = week_start(self.until)
        return instant(monday - count * WEEK, self.tz), instant(monday, self.tz)
