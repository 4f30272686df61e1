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
from server.checklists.library import Library
from server.checklists.schema import ContextField
from server.district_time import zone
from server.i18n import current_locale
from server.i18n import gettext as _
from server.incidents.models import KIND_LABELS as INCIDENT_KINDS
from server.incidents.queries import open_references
from server.journeys import checklist_allowed, follow_ons
from server.labels import CONTEXT_LABELS
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
    if checklist is None or not user.has_role(*checklist.audience):
        raise HTTPException(status_code=404)
    if not checklist_allowed(user, checklist.id):
        raise HTTPException(status_code=404)
    labels = {c.value: _(CONTEXT_LABELS[c.value]) for c in checklist.context}
    lang = current_locale.get()
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


routes = [Route("/checklists/{id:str}", checklist_page, name="checklist")]
