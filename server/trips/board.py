"""The trips board: each active trip with its last check-in, its last complete headcount, who is
missing and whether it is late."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from server.alerts.models import Alert
from server.models import User
from server.places.nearest import seen_from
from server.tenancy import scoped
from server.trips.models import CheckIn, Headcount, LostStudent, Trip, TripStudent
from server.trips.rules import Standing
from server.trips.service import policy_for, standing_of

SHOWN_BEFORE = timedelta(hours=12)  # a trip appears this long before it leaves
SHOWN_AFTER = timedelta(days=1)  # and stays this long after its planned end, unless still out


@dataclass
class Row:
    trip: Trip
    standing: Standing
    last_checkin: CheckIn | None
    last_headcount: Headcount | None
    last_complete: Headcount | None
    missing_names: list[str]
    lost: list[LostStudent]
    alerts: list[Alert] = field(default_factory=list)
    checkin_where: str = ""  # where the last check-in was made, from the destination

    @property
    def status(self) -> str:
        if self.lost:
            return "lost"
        if self.standing.overdue:
            return "overdue"
        if self.standing.finished:
            return "back"
        if self.last_checkin is None:
            return "planned"
        return "on-time"

    @property
    def red(self) -> bool:
        return self.status in ("lost", "overdue")


def where_from_destination(trip: Trip, position: dict | None) -> str:
    """ "120 m NE of River City Science Museum": a phone's position, seen from the trip's
    destination (empty when either is unknown)."""
    if not position or trip.latitude is None or trip.longitude is None or not trip.destination:
        return ""
    point = (position["latitude"], position["longitude"])
    return seen_from((trip.latitude, trip.longitude), point, trip.destination)


async def board_rows(user: User, now: datetime) -> list[Row]:
    trips = (
        await scoped(Trip, user)
        .filter(starts_at__lte=now + SHOWN_BEFORE, ends_at__gte=now - timedelta(days=2))
        .prefetch_related("school")
    )
    recent = await (
        scoped(Alert, user)
        .filter(
            raised_at__gte=now - timedelta(days=3),
            trip_id__in=[t.id for t in trips],
            practice=False,
        )
        .limit(500)
    )
    rows = []
    for trip in trips:
        policy = await policy_for(trip.school_id)
        standing = await standing_of(trip, now, policy.grace_minutes)
        if trip.ends_at < now - SHOWN_AFTER and standing.finished:
            continue
        counts = await Headcount.filter(trip_id=trip.id).limit(200)
        last_count = counts[0] if counts else None
        complete = next((count for count in counts if count.complete), None)
        names = dict(await TripStudent.filter(trip_id=trip.id).values_list("id", "name"))
        lost = await LostStudent.filter(
            trip_id=trip.id, found_at__isnull=True, same_as_id__isnull=True
        ).prefetch_related("student", "user")
        last_checkin = (
            await CheckIn.filter(trip_id=trip.id).prefetch_related("stop", "user").first()
        )
        rows.append(
            Row(
                trip=trip,
                standing=standing,
                last_checkin=last_checkin,
                last_headcount=last_count,
                last_complete=complete,
                missing_names=[
                    names.get(i, "?") for i in (last_count.missing if last_count else [])
                ],
                lost=list(lost),
                alerts=[a for a in recent if a.trip_id == trip.id],  # as the composer writes it
                checkin_where=where_from_destination(
                    trip, last_checkin.position if last_checkin else None
                ),
            )
        )
    rows.sort(key=lambda r: (not r.red, r.trip.starts_at))
    return rows


PLANNED_SHOWN = 100  # the next this many; the board says how many more there are


@dataclass
class Planned:
    trips: list[Trip]  # with their school, chaperones and risk plan
    total: int


async def planned_trips(user: User, now: datetime) -> Planned:
    """Trips not yet on the board: leaving later than SHOWN_BEFORE from now, soonest first."""
    later = scoped(Trip, user).filter(starts_at__gt=now + SHOWN_BEFORE).order_by("starts_at", "id")
    trips = await later.limit(PLANNED_SHOWN).prefetch_related("school", "chaperones", "risk_plan")
    return Planned(list(trips), await later.count())


async def board_page(user: User, now: datetime) -> dict[str, Any]:
    """The trips board at school: the trips on now, and the ones planned."""
    return {
        "rows": await board_rows(user, now),
        "planned": await planned_trips(user, now),
        "now": now,
    }
