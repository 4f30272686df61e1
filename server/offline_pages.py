"""The URLs of the trip pages a chaperone's phone keeps for working with no signal (beside
server/journeys.py's offline_urls, the pages everyone keeps). The web side of the trips area:
server/trips/ says which trips and photos, this module makes their URLs."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from starlette.requests import Request

from server.district_time import zone
from server.models import User
from server.trips import service
from server.trips.models import Trip

TRIP_PAGES = ("trip", "trip_lost", "trip_headcount", "trip_roster")


def photo_urls(request: Request, trip: Trip) -> Callable[[int], str]:
    """A student's photo URL on the trip, from the student's id."""
    return lambda sid: request.url_for("student_photo", id=trip.id, sid=sid).path


async def trip_urls(request: Request, trip: Trip) -> list[str]:
    """The trip's pages and its students' photos: what a chaperone's phone keeps."""
    pages = [request.url_for(name, id=trip.id).path for name in TRIP_PAGES]
    photo = photo_urls(request, trip)
    photos = [photo(sid) for sid in await service.students_with_photos(trip)]
    return pages + photos


async def offline_trip_urls(request: Request, user: User, now: datetime) -> list[str]:
    """The pages of every trip this person chaperones now, for the service worker to keep."""
    trips = await service.my_trips(user, zone(request), now)
    urls = [request.url_for("my_trips").path] if trips else []
    for trip in trips:
        urls += await trip_urls(request, trip)
    return urls
