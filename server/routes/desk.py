"""The safety team's desk home: what is active now across the district (server/desk.py), on a
laptop's width and on a phone, refreshed as a fragment."""

from __future__ import annotations

from datetime import UTC, datetime

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from server.alerts.facts import audience_words
from server.auth import requires_role, signed_in_user
from server.checklists.library import Library
from server.desk import active_now
from server.district_time import zone
from server.i18n import current_locale
from server.labels import REPORT_KIND_LABELS
from server.models import Role
from server.settings import Settings
from server.templating import render

REFRESH_SECONDS = 15


@requires_role(Role.ADMIN, Role.SAFETY)
async def desk_now(request: Request) -> Response:
    user = signed_in_user(request)
    settings: Settings = request.app.state.settings
    library: Library = request.app.state.checklists
    now = await active_now(
        user,
        library,
        datetime.now(UTC),
        zone(request),
        int(settings.report_alert_metres),
        current_locale.get(),
    )
    context = {
        "now": now,
        "audience_words": audience_words,
        "refresh": REFRESH_SECONDS,
        "report_kinds": REPORT_KIND_LABELS,
    }
    return render(request, "admin/desk.html", context, fragment="admin/_desk.html")


routes = [Route("/admin/now", desk_now, name="desk")]
