"""The safety team's alerts: the list, the composer (preview, press-and-hold to send, five
seconds to undo), and each alert's live page: who is safe, who needs help (and where), who has not
answered, a re-send to those, and the acknowledgment figures. Each parses, asks the alerts area
(``server.alerts.service`` to act, ``server.alerts.queries`` to read) and renders or redirects."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from pydantic import ValidationError
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from server.alerts import queries, service
from server.alerts.audience import Audience
from server.alerts.facts import audience_words
from server.alerts.forms import AlertForm, shown
from server.alerts.kinds import KINDS
from server.alerts.models import Alert
from server.auth import requires_role, signed_in_user
from server.channels.queries import cap_warning
from server.district_time import zone
from server.forms import from_form, messages
from server.i18n import gettext as _
from server.models import Role
from server.pages import flash, flashed
from server.settings import Settings
from server.spreadsheet import csv_response
from server.templating import render
from server.tenancy import get_by_uuid_or_404


@requires_role(Role.ADMIN, Role.SAFETY)
async def alerts_list(request: Request) -> Response:
    filters = queries.read(request.query_params)
    now = datetime.now(UTC)
    context = await queries.list_page(signed_in_user(request), filters, zone(request), now)
    return render(request, "admin/alerts.html", context, fragment="admin/_alerts_list.html")


@requires_role(Role.ADMIN, Role.SAFETY)
async def alerts_csv(request: Request) -> Response:
    """The alerts the filters on screen find, on the district's clock."""
    filters = queries.read(request.query_params)
    now = datetime.now(UTC)
    rows = await service.exported(signed_in_user(request), filters, zone(request), now)
    return csv_response("alerts.csv", queries.EXPORT_HEADER, rows)


async def _composer(
    request: Request, values: dict[str, Any], errors: dict[str, str], status: int = 200
) -> Response:
    choices = await queries.composer_choices(signed_in_user(request))
    context = {"values": values, "errors": errors, **choices}
    return render(request, "admin/alert_new.html", context, status_code=status)


class _Invalid(Exception):
    def __init__(self, values: dict[str, Any], errors: dict[str, str]) -> None:
        self.values, self.errors = values, errors


async def _checked(request: Request) -> tuple[AlertForm, dict[str, Any], Audience]:
    """The form, its values to re-show, and the audience; raises _Invalid with its errors."""
    form = await request.form()
    values = shown(form)
    try:
        data = from_form(AlertForm, form)
    except ValidationError as error:
        raise _Invalid(values, messages(error)) from None
    audience = await service.audience_for(signed_in_user(request), data)
    if isinstance(audience, service.Refused):
        said = audience.message or _("Choose one of the options.")
        raise _Invalid(values, {audience.field: said})
    return data, values, audience


@requires_role(Role.ADMIN, Role.SAFETY)
async def alert_new(request: Request) -> Response:
    """GET: the composer. POST: the preview, with the press-and-hold button that sends."""
    if request.method == "GET":
        kind = request.query_params.get("kind", "")
        return await _composer(request, {"kind": kind if kind in KINDS else "lockdown"}, {})
    try:
        data, values, audience = await _checked(request)
    except _Invalid as invalid:
        return await _composer(request, invalid.values, invalid.errors, status=422)
    return await _preview(request, data, values, audience)


async def _preview(
    request: Request,
    data: AlertForm,
    values: dict[str, Any],
    audience: Audience,
    error: str = "",
    status: int = 200,
) -> Response:
    draft = service.draft(signed_in_user(request), data, audience, datetime.now(UTC))
    context = await queries.preview_page(signed_in_user(request), draft, audience)
    context |= {"values": values, "error": error}
    return render(request, "admin/alert_preview.html", context, status_code=status)


@requires_role(Role.ADMIN, Role.SAFETY)
async def alert_send(request: Request) -> Response:
    try:
        data, values, audience = await _checked(request)
    except _Invalid as invalid:
        return await _composer(request, invalid.values, invalid.errors, status=422)
    if data.held != "yes":  # only the press-and-hold button sets it: no sending by a stray tap
        message = _("Nothing was sent. Press and hold the button for 2 seconds to send.")
        return await _preview(request, data, values, audience, message, status=422)
    alert = await service.send(signed_in_user(request), data, audience, datetime.now(UTC))
    return RedirectResponse(request.url_for("alert_live", id=str(alert.id)), status_code=303)


async def _alert_or_404(request: Request) -> Alert:
    return await get_by_uuid_or_404(Alert, signed_in_user(request), request.path_params["id"])


@requires_role(Role.ADMIN, Role.SAFETY)
async def alert_live(request: Request) -> Response:
    alert = await _alert_or_404(request)
    settings: Settings = request.app.state.settings
    facts, headers = await queries.facts_page(signed_in_user(request), settings, alert)
    context = {
        **await queries.live(alert),
        **facts,
        "on_live_page": True,
        "whom": audience_words(facts["facts"]),
        "live_flash": flash(request),
        "sms_warning": await cap_warning(alert.organisation_id, zone(request)),
    }
    response = render(request, "admin/alert_live.html", context, fragment="admin/_alert_live.html")
    response.headers.update(headers)
    return response


def _back_to_live(request: Request, alert: Alert, said: str) -> Response:
    return flashed(request, said, "alert_live", id=str(alert.id))


@requires_role(Role.ADMIN, Role.SAFETY)
async def alert_undo(request: Request) -> Response:
    alert = await _alert_or_404(request)
    done = await service.undo(alert, signed_in_user(request), datetime.now(UTC))
    return _back_to_live(request, alert, service.said_undo(done))


@requires_role(Role.ADMIN, Role.SAFETY)
async def alert_resend(request: Request) -> Response:
    """Send again, now, to everyone who has not answered."""
    alert = await _alert_or_404(request)
    sent = await service.resend(alert, datetime.now(UTC))
    return _back_to_live(request, alert, service.said_resend(sent))


@requires_role(Role.ADMIN, Role.SAFETY)
async def alert_end(request: Request) -> Response:
    """End an alert that went out with an all clear tied to it, to the same people."""
    alert = await _alert_or_404(request)
    held = (await request.form()).get("held") == "yes"
    ended = await service.end(alert, signed_in_user(request), datetime.now(UTC), held=held)
    return _back_to_live(request, alert, service.said_end(ended))


routes = [
    Route("/admin/alerts", alerts_list, name="alerts"),
    Route("/admin/alerts.csv", alerts_csv, name="alerts_csv"),
    Route("/admin/alerts/new", alert_new, methods=["GET", "POST"], name="alert_new"),
    Route("/admin/alerts/send", alert_send, methods=["POST"], name="alert_send"),
    Route("/admin/alerts/{id:str}", alert_live, name="alert_live"),
    Route("/admin/alerts/{id:str}/undo", alert_undo, methods=["POST"], name="alert_undo"),
    Route("/admin/alerts/{id:str}/resend", alert_resend, methods=["POST"], name="alert_resend"),
    Route("/admin/alerts/{id:str}/end", alert_end, methods=["POST"], name="alert_end"),
]
