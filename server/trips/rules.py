"""The rules of a trip, as plain functions: when its roster may be on a phone, whether it has
enough adults, which check-in it is waiting for and whether that one is late."""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from server.trips.models import CheckInKind


def roster_window(
    starts_at: datetime, ends_at: datetime, tz: ZoneInfo
) -> tuple[datetime, datetime]:
    """From the start of the day before the trip to the end of the day after it, in the
    district's time zone: the only time the roster may be shown to (and kept on) a phone."""
    first = starts_at.astimezone(tz).date() - timedelta(days=1)
    last = ends_at.astimezone(tz).date() + timedelta(days=2)
    return datetime.combine(first, time.min, tz), datetime.combine(last, time.min, tz)


def in_window(starts_at: datetime, ends_at: datetime, tz: ZoneInfo, now: datetime) -> bool:
    opens, closes = roster_window(starts_at, ends_at, tz)
    return opens <= now < closes


@dataclass(frozen=True)
class Ratio:
    students: int
    adults: int
    per_adult: int

    @property
    def needed(self) -> int:
        """Adults the school's rule asks for (at least one for any student)."""
        return math.ceil(self.students / self.per_adult) if self.students else 0

    @property
    def ok(self) -> bool:
        return self.adults >= self.needed


@dataclass(frozen=True)
class Expected:
    """A check-in the trip owes: departing, arriving at each stop, being back at school."""

    key: str  # "departed", "stop-<id>", "back"
    kind: CheckInKind
    due_at: datetime
    stop_id: int | None = None
    stop_name: str = ""


@dataclass(frozen=True)
class StopPlan:
    id: int
    name: str
    expected_at: datetime


def expectations(starts_at: datetime, ends_at: datetime, stops: Iterable[StopPlan]) -> list:
    plan = [Expected("departed", CheckInKind.DEPARTED, starts_at)]
    for stop in sorted(stops, key=lambda s: s.expected_at):
        plan.append(
            Expected(f"stop-{stop.id}", CheckInKind.ARRIVED, stop.expected_at, stop.id, stop.name)
        )
    plan.append(Expected("back", CheckInKind.BACK, ends_at))
    return plan


@dataclass(frozen=True)
class Reached:
    kind: CheckInKind
    stop_id: int | None = None


def progress(plan: list[Expected], checkins: Iterable[Reached]) -> int:
    """How far along the plan the check-ins have come: the index of the furthest expectation met,
    -1 for none. Arriving at a later stop also covers the earlier ones; "returning" covers every
    stop."""
    index = {e.stop_id: i for i, e in enumerate(plan) if e.kind == CheckInKind.ARRIVED}
    furthest = -1
    for c in checkins:
        if c.kind == CheckInKind.DEPARTED:
            reached = 0
        elif c.kind == CheckInKind.ARRIVED:
            reached = index.get(c.stop_id, 0)
        elif c.kind == CheckInKind.RETURNING:
            reached = len(plan) - 2
        else:
            reached = len(plan) - 1
        furthest = max(furthest, reached)
    return furthest


@dataclass(frozen=True)
class Standing:
    awaited: Expected | None  # the next check-in owed; None once back at school
    overdue: bool

    @property
    def finished(self) -> bool:
        return self.awaited is None

    @property
    def awaited_stop_id(self) -> int | None:
        """The stop the group is due at next, if the next check-in owed is an arrival."""
        return self.awaited.stop_id if self.awaited else None


def standing(
    plan: list[Expected], checkins: Iterable[Reached], now: datetime, grace: timedelta
) -> Standing:
    done = progress(plan, checkins)
    awaited = plan[done + 1] if done + 1 < len(plan) else None
    return Standing(awaited, awaited is not None and now > awaited.due_at + grace)


def next_checkin(last: Reached | None, stop_ids: list[int]) -> CheckInKind | None:
    """The check-in a chaperone most likely makes next, to be the one button that stands out
    (web/static/js/trip-state.js decides the same on the phone). None once back at school."""
    if last is None:
        return CheckInKind.DEPARTED
    if last.kind == CheckInKind.DEPARTED:
        return CheckInKind.ARRIVED if stop_ids else CheckInKind.RETURNING
    if last.kind == CheckInKind.ARRIVED:
        at_last_stop = not stop_ids or last.stop_id == stop_ids[-1]
        return CheckInKind.RETURNING if at_last_stop else CheckInKind.ARRIVED
    if last.kind == CheckInKind.RETURNING:
        return CheckInKind.BACK
    return None
