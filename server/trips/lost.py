"""A missing student on a trip: the one path, whether the chaperone starts from the trip page or
from the departure checklist (both open the trip's missing-student screen, which records
``trip.student_lost``).

One report raises one alert to the school's safety team and admins and starts the countdown to
"call the police now" (the school's ``police_call_minutes``, ten at most). The same student reported
again from another phone while the first report is open joins it: no second alert, no second
countdown. When the countdown ends unfound, the watch raises the escalation once; "Found" tells
everyone the earlier alerts reached."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Any

from tortoise.transactions import in_transaction

from server.alerts.audience import Audience
from server.alerts.models import Alert, AlertRecipient
from server.alerts.service import raise_alert
from server.db import column
from server.incidents.service import after_lost
from server.trips.models import LostStudent, Trip, TripStudent
from server.trips.service import policy_for

NOTIFY = ["safety", "admin"]
STARTED, ENDED, FOUND = "countdown-started", "countdown-ended", "found"


def trip_where(trip: Trip, **extra: object) -> dict:
    """What an alert says about where: the trip's school and name (shown on the alerts list)."""
    return {"schools": [trip.school.name], "trip": trip.name, **extra}


def trip_source(trip: Trip, **extra: object) -> dict:
    """Where an alert came from; the trip itself is the alert's ``trip_id``, stored once."""
    return {"school_id": trip.school_id, **extra}


def alert_id(lost_id: uuid.UUID, stage: str) -> uuid.UUID:
    """Each stage's alert has an id made from the report's: raised once, however often asked."""
    return uuid.uuid5(lost_id, stage)


def _about(lost: LostStudent, student: TripStudent | None) -> dict[str, Any]:
    where: dict[str, Any] = {"student": student.name if student else ""}
    if lost.description:
        where["description"] = lost.description
    if lost.last_seen_where:
        where["last_seen"] = lost.last_seen_where
    if lost.position:
        where["position"] = lost.position
    return where


async def report_lost(
    *,
    lost_id: uuid.UUID,
    trip: Trip,
    student: TripStudent | None,
    user_id: int,
    at: datetime,
    last_seen_at: datetime | None,
    last_seen_where: str,
    description: str,
    position: dict | None,
) -> LostStudent:
    policy = await policy_for(trip.school_id)
    first = (
        await LostStudent.filter(
            trip_id=trip.id, student_id=student.id, found_at__isnull=True, same_as_id__isnull=True
        ).first()
        if student
        else None
    )
    lost = await LostStudent.create(
        id=lost_id,
        trip_id=trip.id,
        student_id=student.id if student else None,
        user_id=user_id,
        started_at=at,
        last_seen_at=last_seen_at,
        last_seen_where=last_seen_where,
        description=description,
        position=position,
        same_as_id=first.id if first else None,
        # joined to an open report: its countdown is the one that runs
        ends_at=first.ends_at if first else at + timedelta(minutes=policy.police_call_minutes),
    )
    if first is None:
        await raise_alert(
            alert_id=alert_id(lost_id, STARTED),
            organisation_id=trip.organisation_id,
            raised_by_id=user_id,
            kind="lost-student",
            audience=Audience(NOTIFY, school_ids=[trip.school_id], trip_id=trip.id),
            raised_at=at,
            source=trip_source(trip, lost_id=str(lost_id), stage=STARTED),
            where=trip_where(trip, **_about(lost, student)),
        )
    await after_lost(lost, trip)  # opens or joins the school's incident, alert or none
    return lost


async def escalate_due(now: datetime) -> list[Alert]:
    """The escalation of every countdown that ran out unfound: "Not found after N minutes: call
    the police now". Once each, however many processes run this at the same moment (only one wins
    the conditional update)."""
    raised = []
    due = await LostStudent.filter(
        ends_at__lte=now,
        end_alerted_at__isnull=True,
        found_at__isnull=True,
        same_as_id__isnull=True,  # a report joined to another has no countdown of its own
    ).prefetch_related("trip__school", "student")
    for lost in due:
        async with in_transaction():
            won = await LostStudent.filter(id=lost.id, end_alerted_at__isnull=True).update(
                end_alerted_at=now
            )
            if not won:
                continue
            trip = lost.trip
            minutes = round((lost.ends_at - lost.started_at).total_seconds() / 60)
            raised.append(
                await raise_alert(
                    alert_id=alert_id(lost.id, ENDED),
                    organisation_id=trip.organisation_id,
                    raised_by_id=lost.user_id,
                    kind="lost-student",
                    audience=Audience(NOTIFY, school_ids=[trip.school_id], trip_id=trip.id),
                    raised_at=now,
                    source=trip_source(trip, lost_id=str(lost.id), stage=ENDED, minutes=minutes),
                    where=trip_where(trip, **_about(lost, lost.student)),
                )
            )
    return raised


async def found(lost: LostStudent, user_id: int, at: datetime) -> Alert | None:
    """The student is found: the report (and any joined to it) is closed, and everyone the
    missing-student alerts reached is told, once. None when it was already found."""
    first = await LostStudent.get(id=lost.same_as_id) if lost.same_as_id else lost
    closed = await LostStudent.filter(id=first.id, found_at__isnull=True).update(found_at=at)
    await LostStudent.filter(same_as_id=first.id, found_at__isnull=True).update(found_at=at)
    if not closed:
        return None
    await first.fetch_related("trip__school", "student")
    trip = first.trip
    earlier = [alert_id(first.id, STARTED), alert_id(first.id, ENDED)]
    told = await column(AlertRecipient.filter(alert_id__in=earlier), "user_id")
    # and the chaperones who reported them, whose own phones raised the alerts
    reporters = await column(LostStudent.filter(id=first.id), "user_id")
    reporters += await column(LostStudent.filter(same_as_id=first.id), "user_id")
    return await raise_alert(
        alert_id=alert_id(first.id, FOUND),
        organisation_id=trip.organisation_id,
        raised_by_id=user_id,
        kind="all-clear",
        audience=Audience(NOTIFY, trip_id=trip.id, user_ids=sorted(set(told) | set(reporters))),
        raised_at=at,
        source=trip_source(trip, lost_id=str(first.id), stage=FOUND),
        where=trip_where(trip, student=first.student.name if first.student else ""),
    )
