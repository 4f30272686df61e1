"""Event types recorded on a chaperone's phone: headcounts, check-ins, a lost student and finding
them. Only the trip's chaperones may record them; the ids are made on the phone."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from pydantic import Field
from tortoise.models import Model

from server.db import column
from server.edge import EventTime
from server.events.payloads import Position
from server.events.registry import Payload, Pending, Sender, event_type
from server.i18n import gettext as _
from server.tenancy import RecordId
from server.trips.lost import found, report_lost
from server.trips.models import CheckIn, CheckInKind, Headcount, LostStudent, Trip, TripStudent

Place = Annotated[str, Field(max_length=200)]


async def _trips_of(batch: list[Pending], sender: Sender) -> dict[int, Trip]:
    """The batch's trips that the sender chaperones; events on any other trip are rejected."""
    ids = {p.payload.trip_id for p in batch}
    trips = await Trip.filter(
        id__in=ids, organisation_id=sender.user.organisation_id, chaperones__id=sender.user.id
    ).prefetch_related("school")
    found = {trip.id: trip for trip in trips}
    for p in batch:
        if p.payload.trip_id not in found:
            p.reject(_("You are not a chaperone on this trip."))
    return found


async def _known(model: type[Model], ids: list[UUID]) -> set[UUID]:
    return set(await column(model.filter(id__in=ids), "id"))


def _position(position: Position | None) -> dict | None:
    return position.model_dump() if position else None


class HeadcountTaken(Payload):
    headcount_id: UUID
    trip_id: RecordId
    present: Annotated[list[RecordId], Field(max_length=1000)] | None = None  # counted by name
    counted: Annotated[int, Field(ge=0, le=1000)] | None = None  # counted by number
    place: Place = ""
    position: Position | None = None


@event_type("trip.headcount", HeadcountTaken)
async def headcount_taken(batch: list[Pending], sender: Sender) -> None:
    trips = await _trips_of(batch, sender)
    known = await _known(Headcount, [p.payload.headcount_id for p in batch])
    rosters: dict[int, set[int]] = {}
    for trip_id in trips:
        rosters[trip_id] = set(await column(TripStudent.filter(trip_id=trip_id), "id"))
    rows = []
    for p in batch:
        if p.rejected:
            continue
        count = p.payload
        roster = rosters[count.trip_id]
        if count.headcount_id in known:
            p.reject(_("This headcount was already saved."))
        elif (count.present is None) == (count.counted is None):
            p.reject(_("A headcount is either the students ticked by name or a number."))
        elif count.present is not None and not set(count.present) <= roster:
            p.reject(_("A student on this headcount is not on the trip's roster."))
        else:
            known.add(count.headcount_id)
            by_name = count.present is not None
            present = set(count.present or [])
            rows.append(
                Headcount(
                    id=count.headcount_id,
                    trip_id=count.trip_id,
                    user_id=sender.user.id,
                    expected=len(roster),
                    counted=len(present) if by_name else count.counted,
                    missing=sorted(roster - present) if by_name else [],
                    by_name=by_name,
                    place=count.place,
                    position=_position(count.position),
                    counted_at=p.occurred_at,
                )
            )
    await Headcount.bulk_create(rows)


class CheckedIn(Payload):
    checkin_id: UUID
    trip_id: RecordId
    kind: CheckInKind
    stop_id: RecordId | None = None
    position: Position | None = None


@event_type("trip.checkin", CheckedIn)
async def checked_in(batch: list[Pending], sender: Sender) -> None:
    trips = await _trips_of(batch, sender)
    known = await _known(CheckIn, [p.payload.checkin_id for p in batch])
    stops: dict[int, set[int]] = {}
    for trip in trips.values():
        stops[trip.id] = set(await column(trip.stops.all(), "id"))
    rows = []
    for p in batch:
        if p.rejected:
            continue
        c = p.payload
        if c.checkin_id in known:
            p.reject(_("This check-in was already saved."))
        elif c.kind == CheckInKind.ARRIVED and c.stop_id not in stops[c.trip_id]:
            p.reject(_("Choose a stop of this trip's plan."))
        else:
            known.add(c.checkin_id)
            rows.append(
                CheckIn(
                    id=c.checkin_id,
                    trip_id=c.trip_id,
                    user_id=sender.user.id,
                    kind=c.kind,
                    stop_id=c.stop_id if c.kind == CheckInKind.ARRIVED else None,
                    position=_position(c.position),
                    at=p.occurred_at,
                )
            )
    await CheckIn.bulk_create(rows)


class StudentLost(Payload):
    lost_id: UUID
    trip_id: RecordId
    student_id: RecordId | None = None
    last_seen_at: EventTime | None = None
    last_seen_where: Place = ""
    description: Annotated[str, Field(max_length=500)] = ""  # what they wear, how they look
    position: Position | None = None


@event_type("trip.student_lost", StudentLost)
async def student_lost(batch: list[Pending], sender: Sender) -> None:
    trips = await _trips_of(batch, sender)
    known = await _known(LostStudent, [p.payload.lost_id for p in batch])
    students = {
        s.id: s
        for s in await TripStudent.filter(trip_id__in=list(trips)).only("id", "trip_id", "name")
    }
    for p in batch:
        if p.rejected:
            continue
        lost = p.payload
        student = students.get(lost.student_id) if lost.student_id else None
        if lost.lost_id in known:
            p.reject(_("This missing student was already reported."))
            continue
        if lost.student_id and (student is None or student.trip_id != lost.trip_id):
            p.reject(_("This student is not on the trip's roster."))
            continue
        known.add(lost.lost_id)
        await report_lost(
            lost_id=lost.lost_id,
            trip=trips[lost.trip_id],
            student=student,
            user_id=sender.user.id,
            at=p.occurred_at,
            last_seen_at=p.on_server_clock(lost.last_seen_at) if lost.last_seen_at else None,
            last_seen_where=lost.last_seen_where,
            description=lost.description.strip(),
            position=_position(lost.position),
        )


class StudentFound(Payload):
    lost_id: UUID
    trip_id: RecordId


@event_type("trip.student_found", StudentFound)
async def student_found(batch: list[Pending], sender: Sender) -> None:
    await _trips_of(batch, sender)
    for p in batch:
        if p.rejected:
            continue
        lost = await LostStudent.get_or_none(id=p.payload.lost_id, trip_id=p.payload.trip_id)
        if lost is None:
            p.reject(_("This missing student was never reported on this trip."))
        else:
            await found(lost, sender.user.id, p.occurred_at)  # found before: nothing more to do
