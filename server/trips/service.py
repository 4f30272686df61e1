"""Trips read from the database: the school's policy, a trip's plan and standing, who may see it."""

from __future__ import annotations

from datetime import datetime, timedelta

from starlette.exceptions import HTTPException
from starlette.requests import Request

from server.alerts.models import Alert
from server.district_time import zone
from server.models import Role, User
from server.risk.scoring import Bands
from server.tenancy import MAX_ID
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


async def chaperone_trip(request: Request, user: User, trip_id: int, now: datetime) -> Trip:
    """The trip, for one of its chaperones while its roster may be on a phone; else 404, so
    nobody else learns that it exists."""
    trip = (
        await Trip.get_or_none(id=trip_id, organisation_id=user.organisation_id)
        if 0 < trip_id <= MAX_ID
        else None
    )
    if (
        trip is None
        or not in_window(trip.starts_at, trip.ends_at, zone(request), now)
        or not await is_chaperone(trip, user)
    ):
        raise HTTPException(status_code=404)
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


def keep_until(trip: Trip, request: Request) -> datetime:
    return roster_window(trip.starts_at, trip.ends_at, zone(request))[1]


async def my_trips(request: Request, user: User, now: datetime) -> list[Trip]:
    """The trips this person chaperones whose window is open now."""
    tz = zone(request)
    soon = await Trip.filter(
        organisation_id=user.organisation_id,
        chaperones__id=user.id,
        starts_at__lte=now + timedelta(days=3),
        ends_at__gte=now - timedelta(days=3),
    ).prefetch_related("school")
    return [t for t in soon if in_window(t.starts_at, t.ends_at, tz, now)]


async def trip_urls(request: Request, trip: Trip) -> list[str]:
    """The trip's pages and its students' photos: what a chaperone's phone keeps."""
    pages = [
        request.url_for(name, id=trip.id).path
        for name in ("trip", "trip_lost", "trip_headcount", "trip_roster")
    ]
    with_photo = TripStudent.filter(trip_id=trip.id, photo_id__isnull=False)
    photos = [
        request.url_for("student_photo", id=trip.id, sid=sid).path
        for sid in await with_photo.values_list("id", flat=True)
    ]
    return pages + photos


async def offline_trip_urls(request: Request, user: User, now: datetime) -> list[str]:
    """The pages of every trip this person chaperones now, for the service worker to keep."""
    trips = await my_trips(request, user, now)
    urls = [request.url_for("my_trips").path] if trips else []
    for trip in trips:
        urls += await trip_urls(request, trip)
    return urls
