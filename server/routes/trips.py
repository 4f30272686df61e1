"""Field trips on the chaperone's phone (my trips, the trip, the headcount, the roster) and the
trips board at school. Trip pages answer 404 to anyone but the trip's chaperones, and outside the
days around the trip; they tell the service worker how long they may be kept. Who may see what is
decided in server/trips/service.py; what the pages read is server/trips/queries.py."""

from __future__ import annotations

from datetime import UTC, datetime

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import FileResponse, Response
from starlette.routing import Route

from server.auth import requires_role, signed_in_user
from server.checklists.library import Library
from server.district_time import zone
from server.i18n import current_locale
from server.journeys import offline_urls
from server.models import Role
from server.offline_pages import photo_urls, trip_urls
from server.templating import render
from server.trips import queries, service
from server.trips.board import board_page
from server.trips.models import Trip

DEPARTURE_CHECKLIST = "field-trip-departure"
KEEP_UNTIL = "Muster-Keep-Until"  # the service worker drops its copy of the page after this


def _now() -> datetime:
    return datetime.now(UTC)


def _kept(request: Request, trip: Trip, response: Response) -> Response:
    until = service.keep_until(trip, zone(request))
    response.headers[KEEP_UNTIL] = until.astimezone(UTC).isoformat()
    response.headers["Cache-Control"] = "private, no-cache"
    return response


async def _trip(request: Request, look: str = "") -> Trip:
    user, trip_id = signed_in_user(request), request.path_params["id"]
    trip = await service.open_trip(user, trip_id, zone(request), _now(), look)
    if trip is None:
        raise HTTPException(status_code=404)
    return trip


async def _trip_context(request: Request, trip: Trip) -> dict:
    mine = offline_urls(request, signed_in_user(request))
    return await queries.trip_view(trip) | {
        "offline_urls": [*mine, *await trip_urls(request, trip)]
    }


def _checklist(request: Request):
    library: Library = request.app.state.checklists
    return library.get(DEPARTURE_CHECKLIST)


@requires_role()
async def trips_mine(request: Request) -> Response:
    user = signed_in_user(request)
    trips = await service.my_trips(user, zone(request), _now())
    urls = [url for trip in trips for url in await trip_urls(request, trip)]
    context = {
        "checklist_url": request.url_for("checklist", id=DEPARTURE_CHECKLIST).path
        if _checklist(request)
        else None,
        "trips": trips,
        "offline_urls": [*offline_urls(request, user), *urls],
    }
    return render(request, "trips/mine.html", context)


@requires_role()
async def trip_page(request: Request) -> Response:
    trip = await _trip(request)
    context = await _trip_context(request, trip)
    context |= await queries.trip_page(trip, context["stops"], _now())
    context["checklist"] = _checklist(request)
    return _kept(request, trip, render(request, "trips/trip.html", context))


@requires_role()
async def trip_lost(request: Request) -> Response:
    """The missing-student screen: what to do at once, the report that alerts school, the
    countdown to "call the police now" (the school's setting), then "Call 911" full-screen with
    the student's photo and description; "Found" in two taps. The trip page and the departure
    checklist both lead here."""
    trip = await _trip(request, look="trip.lost_screen_viewed")
    context = await _trip_context(request, trip)
    context |= await queries.lost_screen(trip, _checklist(request), photo_urls(request, trip))
    context["lang"] = current_locale.get()
    return _kept(request, trip, render(request, "trips/lost.html", context))


@requires_role()
async def trip_headcount(request: Request) -> Response:
    trip = await _trip(request)
    context = await _trip_context(request, trip)
    context["last"] = await queries.last_headcount(trip)
    return _kept(request, trip, render(request, "trips/headcount.html", context))


@requires_role()
async def trip_roster(request: Request) -> Response:
    """The roster, for the trip's chaperones; and for the safety team while a student of the
    trip is missing: the student's photo and notes, the guardians' and chaperones' numbers
    (once the student is found or the alert ended, a 404 like any trip not theirs)."""
    user = signed_in_user(request)
    found = await service.open_roster(user, request.path_params["id"], zone(request), _now())
    if found is None:
        raise HTTPException(status_code=404)
    trip, lost = found
    if lost is not None:
        response = render(request, "trips/roster.html", await queries.emergency_roster(trip, lost))
        response.headers["Cache-Control"] = "no-store"  # never kept on the desk's device
        return response
    context = await _trip_context(request, trip)
    context["students"] = await queries.roster(trip)
    return _kept(request, trip, render(request, "trips/roster.html", context))


@requires_role()
async def student_photo(request: Request) -> Response:
    """A student's photo: for the trip's chaperones in its window, and for admins."""
    user = signed_in_user(request)
    uploads = request.app.state.settings.data_dir / "uploads" / str(user.organisation_id)
    photo = await service.student_photo(
        user, request.path_params["id"], request.path_params["sid"], uploads, zone(request), _now()
    )
    if photo is None:
        raise HTTPException(status_code=404)
    response = FileResponse(photo.path, media_type=photo.media_type)
    if photo.emergency:
        response.headers["Cache-Control"] = "no-store"
        return response
    return _kept(request, photo.trip, response)


@requires_role(Role.ADMIN, Role.SAFETY)
async def trips_board(request: Request) -> Response:
    context = await board_page(signed_in_user(request), _now())
    return render(request, "trips/board.html", context, fragment="trips/_board.html")


routes = [
    Route("/trips", trips_mine, name="my_trips"),
    Route("/trips/{id:int}", trip_page, name="trip"),
    Route("/trips/{id:int}/lost", trip_lost, name="trip_lost"),
    Route("/trips/{id:int}/headcount", trip_headcount, name="trip_headcount"),
    Route("/trips/{id:int}/roster", trip_roster, name="trip_roster"),
    Route("/trips/{id:int}/students/{sid:int}/photo", student_photo, name="student_photo"),
    Route("/admin/trips", trips_board, name="trips_board"),
]
