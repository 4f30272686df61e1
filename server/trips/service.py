"""Trips: the school's policy, a trip's plan and standing, and who may see a trip, its roster and
its students' photos when (each look that must be is audited). Takes the district's time zone,
not a request; returns None where the page must answer 404."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from server import audit
from server.alerts.models import Alert
from server.events.models import Upload
from server.models import Role, User
from server.risk.scoring import Bands
from server.tenancy import MAX_ID, scoped
from server.trips.models import CheckIn, LostStudent, Trip, TripPolicy, TripStop, TripStudent
from server.trips.rules import (
    Expected,
    Reached,
    Standing,
    StopPlan,
    expectations,
    in_window,
    roster_window,
    standing,
)


async def policy_for(school_id: int) -> TripPolicy:
    policy, _created = await TripPolicy.get_or_create(school_id=school_id)
    return policy


def bands_of(policy: TripPolicy) -> Bands:
    return Bands(policy.band_low, policy.band_medium, policy.band_high)


async def plan_of(trip: Trip) -> list[Expected]:
    stops = await TripStop.filter(trip_id=trip.id)
    return expectations(
        trip.starts_at,
        trip.ends_at,
        [StopPlan(s.id, s.name, s.expected_at) for s in stops],
    )


async def standing_of(trip: Trip, now: datetime, grace_minutes: int) -> Standing:
    reached = [
        Reached(kind, stop_id)
        for kind, stop_id in await CheckIn.filter(trip_id=trip.id).values_list("kind", "stop_id")
    ]
    return standing(await plan_of(trip), reached, now, timedelta(minutes=grace_minutes))


async def is_chaperone(trip: Trip, user: User) -> bool:
    return await trip.chaperones.filter(id=user.id).exists()


async def chaperone_trip(user: User, trip_id: int, tz: ZoneInfo, now: datetime) -> Trip | None:
    """The trip, for one of its chaperones while its roster may be on a phone; else None (the
    caller's 404, so nobody else learns that it exists)."""
    trip = (
        await Trip.get_or_none(id=trip_id, organisation_id=user.organisation_id)
        if 0 < trip_id <= MAX_ID
        else None
    )
    if (
        trip is None
        or not in_window(trip.starts_at, trip.ends_at, tz, now)
        or not await is_chaperone(trip, user)
    ):
        return None
    return trip


async def emergency_trip(user: User, trip_id: int) -> tuple[Trip, LostStudent] | None:
    """The trip and its missing student, for the safety team while a student of the trip is
    missing: reported, not yet found, and its alert not ended. Else None (the caller's 404)."""
    if not user.has_role(Role.ADMIN, Role.SAFETY) or not 0 < trip_id <= MAX_ID:
        return None
    trip = await Trip.get_or_none(id=trip_id, organisation_id=user.organisation_id)
    if trip is None:
        return None
    for lost in await LostStudent.filter(trip_id=trip.id, found_at__isnull=True):
        alerts = Alert.filter(
            organisation_id=user.organisation_id, trip_id=trip.id, kind="lost-student"
        ).filter(cancelled_at__isnull=True)
        ids = [a.id for a in await alerts if a.source.get("lost_id") == str(lost.id)]
        if ids and await Alert.filter(id__in=ids, ended_at__isnull=True).count() == len(ids):
            return trip, lost
    return None


def keep_until(trip: Trip, tz: ZoneInfo) -> datetime:
    """Until when a phone may keep the trip's pages: the end of its roster window."""
    return roster_window(trip.starts_at, trip.ends_at, tz)[1]


async def my_trips(user: User, tz: ZoneInfo, now: datetime) -> list[Trip]:
    """The trips this person chaperones whose window is open now."""
    soon = await Trip.filter(
        organisation_id=user.organisation_id,
        chaperones__id=user.id,
        starts_at__lte=now + timedelta(days=3),
        ends_at__gte=now - timedelta(days=3),
    ).prefetch_related("school")
    return [t for t in soon if in_window(t.starts_at, t.ends_at, tz, now)]


async def students_with_photos(trip: Trip) -> list[int]:
    with_photo = TripStudent.filter(trip_id=trip.id, photo_id__isnull=False)
    return [student.id for student in await with_photo.only("id")]


async def open_trip(
    user: User, trip_id: int, tz: ZoneInfo, now: datetime, look: str = ""
) -> Trip | None:
    """The trip for its chaperone (as chaperone_trip), with the look written to the audit log
    when it is one that must be (``look``: the audit action)."""
    trip = await chaperone_trip(user, trip_id, tz, now)
    if trip is not None and look:
        await audit.record(user, look, trip)
    return trip


async def open_roster(
    user: User, trip_id: int, tz: ZoneInfo, now: datetime
) -> tuple[Trip, LostStudent | None] | None:
    """The roster's trip for its chaperone in the trip's window; for the safety team and admins,
    while a student of the trip is missing (with that student). Every look is audited; None to
    anyone else (the caller's 404)."""
    trip = await chaperone_trip(user, trip_id, tz, now)
    if trip is not None:
        await audit.record(user, "trip.roster_viewed", trip)
        return trip, None
    found = await emergency_trip(user, trip_id) if user.has_role(Role.ADMIN, Role.SAFETY) else None
    if found is None:
        return None
    trip, lost = found
    await audit.record(user, "trip.roster_viewed_in_emergency", trip, lost=str(lost.id))
    return trip, lost


@dataclass(frozen=True)
class Photo:
    trip: Trip
    path: Path
    media_type: str
    emergency: bool  # seen by the safety team while the student is missing: never kept


async def student_photo(
    user: User, trip_id: int, student_id: int, uploads: Path, tz: ZoneInfo, now: datetime
) -> Photo | None:
    """A student's photo (from ``uploads``, the district's upload folder): for the trip's
    chaperones in its window, for admins, and for the safety team while a student of the trip is
    missing (audited). None to anyone else, or when there is no photo."""
    emergency = None
    if user.has_role(Role.ADMIN):
        trip = await scoped(Trip, user).get_or_none(id=trip_id) if 0 < trip_id <= MAX_ID else None
    elif user.has_role(Role.SAFETY) and (emergency := await emergency_trip(user, trip_id)):
        trip = emergency[0]
    else:
        trip = await chaperone_trip(user, trip_id, tz, now)
    if trip is None:
        return None
    student = (
        await TripStudent.get_or_none(id=student_id, trip_id=trip.id, photo_id__isnull=False)
        if student_id <= MAX_ID
        else None
    )
    upload = await Upload.get_or_none(id=student.photo_id) if student else None
    if student is None or upload is None or not (uploads / str(upload.id)).is_file():
        return None
    if emergency:
        await audit.record(user, "trip.photo_viewed_in_emergency", trip, student=student.id)
    return Photo(trip, uploads / str(upload.id), upload.media_type, emergency is not None)
