"""The field's own alerts: "Call an action" (hold, secure, lockdown, evacuate, shelter), one
press-and-hold each. The page is kept on the phone and works with no signal; what the server
accepts is decided by ``server.alerts.rules`` when the event arrives."""

from __future__ import annotations

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from server.alerts.kinds import KINDS
from server.alerts.rules import ACTIONS, may_call_actions
from server.auth import requires_role, signed_in_user
from server.templating import render


@requires_role()
async def call_action(request: Request) -> Response:
    user = signed_in_user(request)
    if not may_call_actions(user, user.organisation):
        raise HTTPException(status_code=404)  # as for any journey the person can't take
    schools = await user.schools.all()
    context = {"actions": [KINDS[key] for key in ACTIONS], "schools": schools}
    return render(request, "call_action.html", context)


routes = [Route("/actions", call_action, name="call_action")]
