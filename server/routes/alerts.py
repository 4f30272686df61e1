"""The safety team's list of alerts raised in the field, newest first.

Push delivery and acknowledgment come with the push issue; until then this is where a silent
alert from the call script shows up, with who raised it and where."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from server.alerts import Alert
from server.auth import requires_role, signed_in_user
from server.models import Role
from server.templating import render
from server.tenancy import scoped

LATEST = 100


@requires_role(Role.ADMIN, Role.SAFETY)
async def alerts_list(request: Request) -> Response:
    user = signed_in_user(request)
    alerts = await scoped(Alert, user).prefetch_related("raised_by").limit(LATEST)
    return render(
        request, "admin/alerts.html", {"alerts": alerts}, fragment="admin/_alerts_list.html"
    )


routes = [Route("/admin/alerts", alerts_list, name="alerts")]
