"""Alerts on this phone: the opt-in screen, the subscription API, and the alert as its
recipients see it (with "I'm safe" and "Need help")."""

from __future__ import annotations

from pydantic import ValidationError
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from server.alerts import queries
from server.alerts.models import Alert
from server.auth import requires_role, signed_in_user
from server.bodies import read_body
from server.edge import BadBody, loads, problem
from server.i18n import gettext as _
from server.push import service as push
from server.push.forms import EndpointIn, SubscriptionIn
from server.push.models import PushSubscription
from server.settings import Settings
from server.templating import render
from server.tenancy import get_by_uuid_or_404


def _json(raw: bytes) -> object:
    try:
        data = loads(raw)
    except BadBody:
        raise HTTPException(400, _("Send the subscription as JSON.")) from None
    why = problem(data)
    if why:
        raise HTTPException(422, _(why))
    return data


@requires_role()
async def push_setup(request: Request) -> Response:
    """Why alerts matter, then the button that asks the browser (and the way back out)."""
    subscribed = await PushSubscription.filter(user_id=signed_in_user(request).id).count()
    context = {"public_key": request.app.state.vapid.public_key, "subscribed": subscribed}
    return render(request, "push_setup.html", context)


@requires_role()
async def push_subscribe(request: Request) -> Response:
    user = signed_in_user(request)
    try:
        given = SubscriptionIn.model_validate(_json(await read_body(request, 8000)))
    except ValidationError:
        raise HTTPException(422, _("This is not a push subscription Muster can use.")) from None
    done = await push.subscribe(user, given, request.headers.get("user-agent", ""))
    status = 201 if done == push.Subscribed.SUBSCRIBED else 200
    return JSONResponse({"status": done.value}, status_code=status)


@requires_role()
async def push_unsubscribe(request: Request) -> Response:
    user = signed_in_user(request)
    try:
        given = EndpointIn.model_validate(_json(await read_body(request, 4000)))
    except ValidationError:
        raise HTTPException(422, _("Say which subscription to remove.")) from None
    removed = await push.unsubscribe(user, given.endpoint)
    return JSONResponse({"status": "removed" if removed else "unknown"})


@requires_role()
async def alert_view(request: Request) -> Response:
    """The alert for the people it went to (what a notification's tap opens)."""
    user = signed_in_user(request)
    alert = await get_by_uuid_or_404(Alert, user, request.path_params["id"])
    opened = await queries.opened_by(user, alert)
    if opened is None:
        raise HTTPException(404)
    settings: Settings = request.app.state.settings
    context, headers = await queries.recipient_page(user, settings, alert, opened)
    response = render(request, "alert.html", context)
    response.headers.update(headers)
    return response


routes = [
    Route("/alerts/setup", push_setup, name="push_setup"),
    Route("/alerts/{id:str}", alert_view, name="alert_view"),
    Route("/api/push/subscriptions", push_subscribe, methods=["POST"], name="push_subscribe"),
    Route(
        "/api/push/subscriptions/delete",
        push_unsubscribe,
        methods=["POST"],
        name="push_unsubscribe",
    ),
]
