"""Field trips on the chaperone's phone (my trips, the trip, the headcount, the roster) and the
trips board at school. Trip pages answer 404 to anyone but the trip's chaperones, and outside the
days around the trip; they tell the service worker how long they may be kept."""

from __future__ import annotations

from datetime import UTC, datetime

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import FileResponse, Response
from starlette.routing import Route

from server import audit
from server.auth import requires_role, signed_in_user
from server.checklists.library import Library
from server.district_time import zone
from server.events.models import Upload
from server.i18n import current_locale
from server.i18n import gettext as _
from server.journeys import offline_urls
from server.labels import CHECKIN_LABELS
from server.models import Role, User
from server.templating import render
from server.tenancy import MAX_ID, get_or_404
from server.trips.board import board_rows, planned_trips
from server.trips.models import CheckIn, Headcount, LostStudent, Trip, TripStudent
from server.trips.rules import Reached, next_checkin
from server.trips.service import (
    chaperone_trip,
    emergency_trip,
    keep_until,
    my_trips,
    plan_of,
    policy_for,
    standing_of,
    trip_urls,
)

DEPARTURE_CHECKLIST = "field-trip-departure"
KEEP_UNTIL = "Muster-Keep-Until"  # the service worker drops its copy of the page after this


def _now() -> datetime:
    return datetime.now(UTC)


def _kept(request: Request, trip: Trip, response: Response) -> Response:
    response.headers[KEEP_UNTIL] = keep_until(trip, request).astimezone(UTC).isoformat()
    response.headers["Cache-Control"] = "private, no-cache"
    return response


async def _trip_context(request: Request, trip: Trip) -> dict:
    user = signed_in_user(request)
    await trip.fetch_related("school", "venue")
    students = await TripStudent.filter(trip_id=trip.id).only("id", "name", "grade")
    return {
        "trip": trip,
        "tz": zone(request),
        "students": students,
        "stops": await trip.stops.all(),
        "offline_urls": [*offline_urls(request, user), *await trip_urls(request, trip)],
    }


@requires_role()
async def trips_mine(request: Request) -> Response:
    user = signed_in_user(request)
    trips = await my_trips(request, user, _now())
    urls = [url for trip in trips for url in await trip_urls(request, trip)]
    library: Library = request.app.state.checklists
    context = {
        "checklist_url": request.url_for("checklist", id=DEPARTURE_CHECKLIST).path
        if library.get(DEPARTURE_CHECKLIST)
        else None,
        "trips": trips,
        "tz": zone(request),
        "offline_urls": [*offline_urls(request, user), *urls],
    }
    return render(request, "trips/mine.html", context)


async def _open_lost(trip: Trip) -> list[dict]:
    """The students being searched for, as the phone's screens read them (a report joined to an
    earlier one of the same student is that one)."""
    open_lost = await LostStudent.filter(
        trip_id=trip.id, found_at__isnull=True, same_as_id__isnull=True
    )
    return [
        {
            "lost_id": str(lost.id),
            "student_id": lost.student_id,
            "started_at": lost.started_at.isoformat(),
            "ends_at": lost.ends_at.isoformat(),
            "last_seen_at": lost.last_seen_at.isoformat() if lost.last_seen_at else None,
            "last_seen_where": lost.last_seen_where,
            "description": lost.description,
        }
        for lost in open_lost
    ]


@requires_role()
async def trip_page(request: Request) -> Response:
    user = signed_in_user(request)
    trip = await chaperone_trip(request, user, request.path_params["id"], _now())
    context = await _trip_context(request, trip)
    library: Library = request.app.state.checklists
    last = await CheckIn.filter(trip_id=trip.id).prefetch_related("stop").first()  # newest
    context |= {
        "checklist": library.get(DEPARTURE_CHECKLIST),
        "lost_json": await _open_lost(trip),
        "checkin_names": {kind: _(label) for kind, label in CHECKIN_LABELS.items()},
        "last_checkin": last,
        "next_checkin": next_checkin(
            Reached(last.kind, last.stop_id) if last else None,
            [stop.id for stop in context["stops"]],
        ),
        "plan": await plan_of(trip),
        "next_stop_id": (await standing_of(trip, _now(), 0)).awaited_stop_id,
    }
    return _kept(request, trip, render(request, "trips/trip.html", context))


@requires_role()
async def trip_lost(request: Request) -> Response:
    """The missing-student screen: what to do at once, the report that alerts school, the
    countdown to "call the police now" (the school's setting), then "Call 911" full-screen with
    the student's photo and description; "Found" in two taps. The trip page and the departure
    checklist both lead here."""
    user = signed_in_user(request)
    trip = await chaperone_trip(request, user, request.path_params["id"], _now())
    context = await _trip_context(request, trip)
    library: Library = request.app.state.checklists
    checklist = library.get(DEPARTURE_CHECKLIST)
    sections = {s.id: s for s in checklist.sections} if checklist else {}
    steps = {
        key: [item for item in sections[section].items if item.kind in ("check", "instruction")]
        if section in sections
        else []
        for key, section in (("now", "missing-now"), ("then", "missing-help"))
    }
    roster = await TripStudent.filter(trip_id=trip.id)
    policy = await policy_for(trip.school_id)
    context |= {
        "lang": current_locale.get(),
        "steps": steps,
        "checklist": checklist,
        "minutes": policy.police_call_minutes,
        "lost_json": await _open_lost(trip),
        # For "Call 911 now": what the police will ask about the student, kept on the phone.
        "roster_json": {
            s.id: {
                "name": s.name,
                "grade": s.grade,
                "photo": request.url_for("student_photo", id=trip.id, sid=s.id).path
                if s.photo_id
                else "",
                "medical": " ".join(filter(None, [s.medical, s.allergies])),
            }
            for s in roster
        },
    }
    await audit.record(user, "trip.lost_screen_viewed", trip)
    return _kept(request, trip, render(request, "trips/lost.html", context))


@requires_role()
async def trip_headcount(request: Request) -> Response:
    user = signed_in_user(request)
    trip = await chaperone_trip(request, user, request.path_params["id"], _now())
    context = await _trip_context(request, trip)
    last = await Headcount.filter(trip_id=trip.id).first()
    context["last"] = (
        {
            "at": last.counted_at.isoformat(),
            "counted": last.counted,
            "expected": last.expected,
            "missing": last.missing,
        }
        if last
        else None
    )
    return _kept(request, trip, render(request, "trips/headcount.html", context))


async def _emergency_roster(request: Request, user: User) -> Response:
    """The roster for the safety team while a student of the trip is missing: the student's
    photo and notes, the guardians' and chaperones' numbers. Every look is in the audit log;
    once the student is found or the alert ended, a 404 like any trip not theirs."""
    found = await emergency_trip(user, request.path_params["id"])
    if found is None:
        raise HTTPException(status_code=404)
    trip, lost = found
    await trip.fetch_related("school", "chaperones")
    context = {
        "trip": trip,
        "lost": lost,
        "tz": zone(request),
        "students": await TripStudent.filter(trip_id=trip.id),
        "chaperones": [c for c in trip.chaperones if c.active],
        "emergency": True,
    }
    await audit.record(user, "trip.roster_viewed_in_emergency", trip, lost=str(lost.id))
    response = render(request, "trips/roster.html", context)
    response.headers["Cache-Control"] = "no-store"  # never kept on the desk's device
    return response


@requires_role()
async def trip_roster(request: Request) -> Response:
    user = signed_in_user(request)
    try:
        trip = await chaperone_trip(request, user, request.path_params["id"], _now())
    except HTTPException:
        if not user.has_role(Role.ADMIN, Role.SAFETY):
            raise
        return await _emergency_roster(request, user)
    context = await _trip_context(request, trip)
    context["students"] = await TripStudent.filter(trip_id=trip.id)
    await audit.record(user, "trip.roster_viewed", trip)
    return _kept(request, trip, render(request, "trips/roster.html", context))


@requires_role()
async def student_photo(request: Request) -> Response:
    """A student's photo: for the trip's chaperones in its window, and for admins."""
    user = signed_in_user(request)
    emergency = None
    if user.has_role(Role.ADMIN):
        trip = await get_or_404(Trip, user, request.path_params["id"])
    elif user.has_role(Role.SAFETY) and (
        emergency := await emergency_trip(user, request.path_params["id"])
    ):
        trip = emergency[0]
    else:
        trip = await chaperone_trip(request, user, request.path_params["id"], _now())
    student_id = request.path_params["sid"]
    student = (
        await TripStudent.get_or_none(id=student_id, trip_id=trip.id, photo_id__isnull=False)
        if student_id <= MAX_ID
        else None
    )
    upload = await Upload.get_or_none(id=student.photo_id) if student else None
    folder = request.app.state.settings.data_dir / "uploads" / str(user.organisation_id)
    if upload is None or not (folder / str(upload.id)).is_file():
        raise HTTPException(status_code=404)
    response = FileResponse(folder / str(upload.id), media_type=upload.media_type)
    if emergency:
        await audit.record(user, "trip.photo_viewed_in_emergency", trip, student=student.id)
        response.headers["Cache-Control"] = "no-store"
        return response
    return _kept(request, trip, response)


@requires_role(Role.ADMIN, Role.SAFETY)
async def trips_board(request: Request) -> Response:
    user = signed_in_user(request)
    now = _now()
    context = {
        "rows": await board_rows(user, now),
        "planned": await planned_trips(user, now),
        "tz": zone(request),
        "now": now,
    }
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
