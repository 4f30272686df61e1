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

from server import audit
from server.alerts import queries, service
from server.alerts.audience import Audience
from server.alerts.facts import audience_words, counted, gather_many
from server.alerts.forms import AlertForm, shown
from server.alerts.kinds import KINDS, kind_of
from server.alerts.models import Alert
from server.auth import requires_role, signed_in_user
from server.district_time import zone
from server.forms import from_form, messages
from server.i18n import gettext as _
from server.listing import export_of, page_of
from server.models import Role
from server.push.payload import added_message, instructions, title
from server.settings import Settings
from server.spreadsheet import csv_response
from server.templating import render
from server.tenancy import get_by_uuid_or_404


@requires_role(Role.ADMIN, Role.SAFETY)
async def alerts_list(request: Request) -> Response:
    user = signed_in_user(request)
    filters = queries.read(request.query_params)
    found = queries.found(user, filters, zone(request), datetime.now(UTC))
    page = await page_of(found, filters, "raised_by")
    context = {
        "alerts": page.items,
        "page": page,
        "filters": filters,
        "kinds": list(KINDS.values()),
        "facts": await gather_many(page.items),
        "audience_words": audience_words,
        "counted": counted,
    }
    return render(request, "admin/alerts.html", context, fragment="admin/_alerts_list.html")


@requires_role(Role.ADMIN, Role.SAFETY)
async def alerts_csv(request: Request) -> Response:
    """The alerts the filters on screen find, on the district's clock."""
    user = signed_in_user(request)
    filters = queries.read(request.query_params)
    tz = zone(request)
    found = await export_of(queries.found(user, filters, tz, datetime.now(UTC)), "raised_by")
    rows = queries.export(found, await gather_many(found), tz)
    await audit.record(
        user, "alerts.exported", user, count=len(found), filters=filters.query_string()
    )
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
        raise _Invalid(values, {audience.field: _("Choose one of the options.")})
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
    user = signed_in_user(request)
    draft = service.draft(user, data, audience, datetime.now(UTC))
    preview = await queries.preview(user, draft, audience)
    # "Lockdown to Roosevelt Middle: 48 people, 41 phones": the preview and the button say it.
    sending = _("%(what)s to %(whom)s: %(counted)s") % {
        "what": title(draft),
        "whom": audience_words(preview.facts),
        "counted": counted(preview.people, preview.phones),
    }
    context = {
        "alert": draft,
        "title": title(draft),
        "body": instructions(draft),
        "message": added_message(draft),
        "kind": kind_of(draft.kind),
        "values": values,
        "count": preview.people,
        "phones": preview.phones,
        "sending": sending,
        "names": preview.names,
        "error": error,
    }
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
        "live_flash": request.session.pop("flash", None),
    }
    response = render(request, "admin/alert_live.html", context, fragment="admin/_alert_live.html")
    response.headers.update(headers)
    return response


def _back_to_live(request: Request, alert: Alert, flash: str) -> Response:
    request.session["flash"] = flash
    return RedirectResponse(request.url_for("alert_live", id=str(alert.id)), status_code=303)


@requires_role(Role.ADMIN, Role.SAFETY)
async def alert_undo(request: Request) -> Response:
    alert = await _alert_or_404(request)
    done = await service.undo(alert, signed_in_user(request), datetime.now(UTC))
    if done == service.Undo.UNDONE:
        flash = _("Undone. Nobody was alerted.")
    elif done == service.Undo.ALREADY:
        flash = _("This alert was already undone.")
    else:
        flash = _("Too late to undo: the alert has gone out. Send an all clear or a correction.")
    return _back_to_live(request, alert, flash)


@requires_role(Role.ADMIN, Role.SAFETY)
async def alert_resend(request: Request) -> Response:
    """Send again, now, to everyone who has not answered."""
    alert = await _alert_or_404(request)
    sent = await service.resend(alert, datetime.now(UTC))
    if sent.status == service.Resend.UNDONE:
        flash = _("This alert was undone; there is nothing to send again.")
    elif sent.status == service.Resend.HELD:
        flash = _("It has not gone out yet: it goes to everyone when the undo ends.")
    elif sent.phones == 0:  # say plainly who a resend can't reach: people with no phone
        flash = _(
            "Nobody was reached: none of the %(people)s people who have not answered has a"
            " phone with alerts on. Tell them another way."
        ) % {"people": sent.waiting}
    else:
        flash = _(
            "Sent again: %(reached)s of the %(people)s people who have not answered have a"
            " phone with alerts on (%(phones)s in all); %(none)s have none: tell them"
            " another way."
        ) % {
            "phones": sent.phones,
            "reached": sent.reached,
            "people": sent.waiting,
            "none": sent.waiting - sent.reached,
        }
    return _back_to_live(request, alert, flash)


@requires_role(Role.ADMIN, Role.SAFETY)
async def alert_end(request: Request) -> Response:
    """End an alert that went out with an all clear tied to it, to the same people."""
    alert = await _alert_or_404(request)
    held = (await request.form()).get("held") == "yes"
    ended = await service.end(alert, signed_in_user(request), datetime.now(UTC), held=held)
    if ended == service.End.NOT_SENT:
        flash = _("There is nothing to end: this alert was not sent.")
    elif ended == service.End.HELD:
        flash = _("It has not gone out yet: undo it instead.")
    elif ended == service.End.NOT_HELD:
        flash = _("Nothing was sent. Press and hold the button for 2 seconds.")
    elif ended == service.End.ALREADY:
        flash = _("This alert had already ended.")
    else:
        flash = _("Ended. The all clear went to the same people.")
    return _back_to_live(request, alert, flash)


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
