"""The periodic work inside every web process: late check-ins raise "trip-overdue" and lost-student
countdowns that ran out raise their escalation (``server/trips/lost.py``).

Each alert is raised once, however many processes run this at the same moment: an overdue alert
goes with a row whose unique key (trip, late check-in) only one process can insert, and a
countdown's end alert with a conditional update that only one process can win.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from server.alerts.audience import Audience
from server.alerts.models import Alert
from server.alerts.service import raise_alert
from server.trips.lost import NOTIFY, escalate_due, trip_source, trip_where
from server.trips.models import CheckIn, Trip, TripOverdue
from server.trips.service import policy_for, standing_of

LOOK_BACK = timedelta(days=2)  # a trip not back two days after its end is someone's paperwork


async def _last_position(trip: Trip) -> dict | None:
    last = await CheckIn.filter(trip_id=trip.id, position__not_isnull=True).first()
    return last.position if last else None


async def check_overdue(now: datetime) -> list[Alert]:
    raised = []
    trips = await Trip.filter(starts_at__lte=now, ends_at__gte=now - LOOK_BACK).prefetch_related(
        "school"
    )
    for trip in trips:
        policy = await policy_for(trip.school_id)
        state = await standing_of(trip, now, policy.grace_minutes)
        if not state.overdue or state.awaited is None:
            continue
        awaited = state.awaited
        where = trip_where(trip)
        position = await _last_position(trip)
        if position:
            where["position"] = position
        try:
            async with in_transaction():
                await TripOverdue.create(
                    trip_id=trip.id, expected=awaited.key, due_at=awaited.due_at, alerted_at=now
                )
                alert = await raise_alert(
                    organisation_id=trip.organisation_id,
                    raised_by_id=trip.created_by_id,
                    kind="trip-overdue",
                    audience=Audience(NOTIFY, school_ids=[trip.school_id], trip_id=trip.id),
                    raised_at=now,
                    source=trip_source(
                        trip, expected=awaited.key, due_at=awaited.due_at.isoformat()
                    ),
                    where=where,
                )
        except IntegrityError:  # already raised, here or by another process
            continue
        raised.append(alert)
    return raised


async def check_trips(now: datetime | None = None) -> list[Alert]:
    """One pass of both rules; returns the alerts this pass raised."""
    now = now or datetime.now(UTC)
    return [*await check_overdue(now), *await escalate_due(now)]
