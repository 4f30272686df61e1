"""The admins' audit-log viewer: who did what to which record, and when, filtered by person,
kind and day. Reads server/audit_viewer.py; writes nothing (a look at the log is not itself
audited: only admins see it, and each filter change would add an entry to what they read)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from server import audit_viewer
from server.auth import requires_role, signed_in_user
from server.district_time import zone
from server.models import Role
from server.templating import render


@requires_role(Role.ADMIN)
async def audit_log(request: Request) -> Response:
    user = signed_in_user(request)
    context = await audit_viewer.list_page(user, request.query_params, zone(request))
    return render(request, "admin/audit.html", context, fragment="admin/_audit_list.html")


routes = [Route("/admin/audit", audit_log, name="audit_log")]
