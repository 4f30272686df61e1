"""The checklist runner page: the whole checklist, rendered once, run on the device.

The page carries every item (so it works offline from the service worker's cache); the run's state
lives on the device as outbox events, and ``web/static/js/runner.js`` drives it.
"""

from __future__ import annotations

from datetime import UTC, datetime

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from server.auth import requires_role, signed_in_user
from server.checklists.forms import MAX_REVIEW_MONTHS, ContentSettingsForm
from server.checklists.library import Library
from server.checklists.queries import reviews
from server.checklists.schema import ContextField
from server.checklists.service import set_content_settings
from server.district_time import zone
from server.exercises.service import rehearses_any
from server.forms import parsed
from server.i18n import current_locale
from server.i18n import gettext as _
from server.incidents.models import KIND_LABELS as INCIDENT_KINDS
from server.incidents.queries import open_references
from server.journeys import checklist_allowed, follow_ons
from server.labels import CONTEXT_LABELS
from server.models import Organisation, Role
from server.pages import flash, flashed
from server.templating import render
from server.trips.service import my_trips


@requires_role()
async def checklist_page(request: Request) -> Response:
    user = signed_in_user(request)
    library: Library = request.app.state.checklists
    # ?v=<n>: the version a run in progress on this phone started on (runner.js asks for it).
    wanted = request.query_params.get("v", "")
    version = int(wanted) if wanted.isdigit() and len(wanted) < 6 else None
    checklist = library.get(request.path_params["id"], version)
    # ?practice=1: a rehearsal, which those who run tabletop exercises may open for any role
    rehearsal = "practice" in request.query_params and rehearses_any(user)
    if checklist is None or not (rehearsal or user.has_role(*checklist.audience)):
        raise HTTPException(status_code=404)
    if not rehearsal and not checklist_allowed(user, checklist.id):
        raise HTTPException(status_code=404)
    lang = current_locale.get()
    if checklist.reference:  # read, never run: no answers, no run, no events
        return render(request, "reference.html", {"checklist": checklist, "lang": lang})
    labels = {c.value: _(CONTEXT_LABELS[c.value]) for c in checklist.context}
    start = checklist.start
    # A checklist whose clock starts with the run (the call timer) begins with one tap, so that
    # merely opening it records nothing and starts no clock.
    timed = any(getattr(item, "starts_on_open", False) for item in checklist.items())
    # A trip checklist leads to the trip's missing-student screen: the person's trips now.
    trips = (
        await my_trips(user, zone(request), datetime.now(UTC))
        if ContextField.TRIP in checklist.context
        else []
    )
    # A recovery run names its incident: the district's open ones are offered.
    incidents = await open_references(user) if ContextField.INCIDENT in checklist.context else []
    context = {
        "checklist": checklist,
        "incidents": incidents,
        "incident_kinds": INCIDENT_KINDS,
        "latest_version": library.latest_version(checklist.id),
        "trips": trips,
        "next_journeys": follow_ons(request, user, checklist.id),
        "lang": lang,
        "context_label_map": labels,
        "start_button": start.button.get(lang) if start.button else (_("Start") if timed else ""),
        "start_again": start.again.get(lang) if start.again else _("Start a new one"),
    }
    return render(request, "checklist.html", context)


@requires_role()
async def reference_cards(request: Request) -> Response:
    """The reference cards this person's roles read: one journey on the home screen for them all,
    so the home stays short."""
    user = signed_in_user(request)
    library: Library = request.app.state.checklists
    cards = [c for c in library.for_roles(user.roles) if c.reference]
    return render(request, "reference_cards.html", {"cards": cards, "lang": current_locale.get()})


@requires_role(Role.ADMIN, Role.SAFETY)
async def checklist_settings(request: Request) -> Response:
    """Every checklist with its last content review and when the next is due (the leads read it);
    an admin sets the review age and the district's weapon policy here."""
    user = signed_in_user(request)
    organisation = await Organisation.get(id=user.organisation_id)
    values: dict = {
        "review_months": organisation.checklist_review_months,
        "weapon_handling": organisation.weapon_handling,
    }
    errors: dict[str, str] = {}
    if request.method == "POST":
        if not user.has_role(Role.ADMIN):
            raise HTTPException(status_code=403)
        raw = await request.form()
        form, errors = parsed(ContentSettingsForm, raw)
        if form is not None:
            await set_content_settings(user, organisation, form.review_months, form.weapon_handling)
            return flashed(request, _("Saved."), "checklist_settings")
        values = {
            "review_months": raw.get("review_months", ""),
            "weapon_handling": raw.get("weapon_handling"),
        }
    library: Library = request.app.state.checklists
    context = {
        "values": values,
        "errors": errors,
        "flash": flash(request),
        "reviews": reviews(library, organisation),
        "today": datetime.now(UTC).astimezone(zone(request)).date(),
        "lang": current_locale.get(),
        "max_months": MAX_REVIEW_MONTHS,
    }
    return render(request, "admin/checklists.html", context, status_code=422 if errors else 200)


routes = [
    Route("/checklists/{id:str}", checklist_page, name="checklist"),
    Route("/reference", reference_cards, name="reference_cards"),
    Route(
        "/admin/checklists",
        checklist_settings,
        methods=["GET", "POST"],
        name="checklist_settings",
    ),
]
