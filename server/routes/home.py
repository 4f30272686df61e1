"""The home screen for each role, and the journeys it leads to."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from server.accounting import service as accounting_service
from server.alerts import queries as alert_queries
from server.auth import current_user, public, requires_role, signed_in_user
from server.cases import access as case_access
from server.cases import queries as case_queries
from server.checklists.queries import due_reviews
from server.concerns.service import reach as concern_reach
from server.csrf import csrf_token
from server.district_time import zone
from server.drills import queries as drill_queries
from server.drills.models import KIND_LABELS as DRILL_KINDS
from server.incidents import queries as incident_queries
from server.incidents.models import KIND_LABELS
from server.journeys import find, journey_url, journeys_for, may_take, offline_urls
from server.models import Role, User
from server.offline_pages import offline_trip_urls
from server.pages import flash
from server.reviews import queries as review_queries
from server.reviews.models import WRITERS
from server.templating import render
from server.training import queries as training_queries
from server.training import service as training_service

DROP_ROSTERS_WITHIN = timedelta(days=7)


@requires_role()
async def home(request: Request) -> Response:
    user = signed_in_user(request)
    now = datetime.now(UTC)
    journeys = [(j, journey_url(request, j)) for j in journeys_for(user)]
    # The pages of the trips this person chaperones, kept on the phone while the trip is on.
    trips = await offline_trip_urls(request, user, now)
    today = now.astimezone(zone(request)).date()
    # An incident that asks for accounting: its pages kept on the phone while it is open; those
    # of one closed lately listed once more, so the phone fetches them, meets a 404 and drops them.
    accounting = await accounting_service.open_for(user)
    closed = await accounting_service.recently_closed_for(user, now - DROP_ROSTERS_WITHIN)
    rosters = [
        request.url_for(name, id=incident.id).path
        for incident in [*accounting, *closed]
        for name in ("accounting", "reunification")
    ]
    training = await _training(request, user, today)
    # A drill running at one of their schools: the observers' checklist kept on the phone.
    observation = request.app.state.checklists.get(drill_queries.OBSERVATION)
    observe = []
    observer = observation is not None and any(r in user.roles for r in observation.audience)
    if observation is not None and observer and await drill_queries.observing(user):
        observe = [request.url_for("checklist", id=observation.id).path]
    context = {
        "journeys": journeys,
        "accounting": accounting,
        "offline_urls": [
            *offline_urls(request, user),
            *trips,
            *rosters,
            *training.pop("urls", []),
            *observe,
        ],
        "alerts": await alert_queries.my_alerts(user.id, now),
        # The improvement actions this person owns, still open (few, soonest due first); for
        # the safety team and admins, how many of the district's are overdue.
        "actions": await review_queries.my_open_actions(user),
        # The drills this person leads, running or within a week: a reminder where they look.
        "my_drills": await drill_queries.my_next(user, today),
        "drill_kinds": DRILL_KINDS,
        "today": today,
        "flash": flash(request),
    }
    # Concerns are records about children: not a journey, whose page a phone keeps offline.
    context["reads_concerns"] = await concern_reach(user) is not None
    context |= training
    if user.has_role(Role.ADMIN, Role.SAFETY):  # checklists older than the district's review age
        context["review_due"] = due_reviews(request.app.state.checklists, user.organisation, today)
    # Threat assessment cases: for their teams and the district's leads, with how many of
    # theirs are past the triage clock.
    if await case_access.may_list(user):
        context["cases_overdue"] = await case_queries.overdue_count(user, now)
        context["reads_cases"] = True
    if user.has_role(*WRITERS):
        context["overdue"] = await review_queries.overdue_count(user, today)
    else:  # the crisis team's other people: the live page of each open incident they are on
        context["incidents"] = await incident_queries.on_team_open(user)
        context["incident_kinds"] = KIND_LABELS
    return render(request, "home.html", context)


async def _training(request: Request, user: User, today: date) -> dict:
    """A trainer's link to record a session (its form kept offline, for a depot with no signal)
    and their certification's reminder; for admins, the certifications expiring soon."""
    trainer = await training_service.trainer_of(user)
    found: dict = {"trainer": trainer, "reads_training": training_service.may_read_all(user)}
    if trainer is None and not found["reads_training"]:
        return found
    settings = await training_service.settings_of(user.organisation_id)
    found["reminder"] = await training_queries.my_reminder(user, today, settings.reminder_days)
    if trainer is not None:
        found["urls"] = [
            request.url_for("training").path,
            request.url_for("training_session_form").path,
        ]
    if user.has_role(Role.ADMIN):
        expiring = await training_queries.expiring(
            user.organisation_id, today, settings.reminder_days
        )
        found["certifications_expiring"] = len(expiring)
    return found


@requires_role()
async def journey(request: Request) -> Response:
    user = signed_in_user(request)
    found = find(request.path_params["key"])
    if found is None or not may_take(user, found):
        raise HTTPException(status_code=404)
    url = journey_url(request, found)
    if url != request.url.path:  # its checklist exists: that is the journey
        return RedirectResponse(url, status_code=303)
    return render(request, "journey.html", {"journey": found})


@public
async def health(request: Request) -> Response:
    """A real endpoint for "can I reach the server?", cheap and never cached."""
    return JSONResponse({"ok": True}, headers={"Cache-Control": "no-store"})


@public
async def session_state(request: Request) -> Response:
    """For the sync loop: is this session signed in, and the token its writes must carry.

    Also the reachability check: a real round trip to the app, never cached."""
    user = current_user(request)
    body = {
        "signed_in": user is not None,
        "user_id": user.id if user else None,
        "csrf": csrf_token(request) if user else None,
    }
    return JSONResponse(body, headers={"Cache-Control": "no-store"})


routes = [
    Route("/", home, name="home"),
    Route("/journeys/{key:str}", journey, name="journey"),
    Route("/api/health", health, name="health"),
    Route("/api/session", session_state, name="session"),
]
