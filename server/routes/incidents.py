"""Incident pages for the safety team and admins: the list, opening one by hand, the live page
(its timeline polled by htmx), moving its status on and filling its command roles, and its
timeline for a handoff (a print view and a CSV, server/incidents/handoff.py). Parse, call
server/incidents/service.py, render or redirect. Log entries arrive as outbox events."""

from __future__ import annotations

from datetime import UTC, datetime

from pydantic import ValidationError
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from server.accounting import service as accounting
from server.auth import requires_role, signed_in_user
from server.cases.access import on_threat_team
from server.district_time import zone
from server.forms import from_form, messages
from server.htmx import wants_fragment
from server.i18n import N_, current_locale, ngettext
from server.i18n import gettext as _
from server.incidents import callout, handoff, queries, service
from server.incidents.forms import CallOutForm, OpenForm, RoleForm, StatusForm
from server.incidents.models import KIND_LABELS, MANAGERS, STATUS_LABELS, Incident
from server.pages import flashed
from server.reports.models import Report
from server.spreadsheet import csv_response
from server.templating import render
from server.tenancy import get_by_uuid_or_404, get_or_404

REFRESH_SECONDS = 5


def _words(request: Request) -> queries.Words:
    """What the timeline needs to put checklist steps in words for this reader."""
    return queries.Words(request.app.state.checklists, current_locale.get(), zone(request))


def _to_incident(request: Request, incident: Incident) -> Response:
    return RedirectResponse(str(request.url_for("incident", id=incident.id)), 303)


@requires_role(*MANAGERS)
async def incident_list(request: Request) -> Response:
    context = {
        "incidents": await queries.incidents(signed_in_user(request)),
        "kind_labels": KIND_LABELS,
        "status_labels": STATUS_LABELS,
    }
    return render(request, "incidents/list.html", context)


async def _open_form(request: Request, values: dict, errors: dict) -> Response:
    context = {"values": values, "errors": errors}
    context |= await queries.open_choices(signed_in_user(request))
    return render(request, "incidents/open.html", context, status_code=422 if errors else 200)


@requires_role(*MANAGERS)
async def incident_new(request: Request) -> Response:
    if request.method == "GET":
        return await _open_form(request, {"kind": "lockdown", "schools": []}, {})
    raw = await request.form()
    values = {**dict(raw), "schools": raw.getlist("schools")}
    try:
        form = from_form(OpenForm, raw)
    except ValidationError as error:
        return await _open_form(request, values, messages(error))
    user = signed_in_user(request)
    incident, errors = await service.open_incident(user, form, datetime.now(UTC))
    if incident is None:
        return await _open_form(request, values, errors)
    request.session["flash"] = _("Opened %(reference)s.") % {"reference": incident.reference}
    return _to_incident(request, incident)


async def _live(
    request: Request, incident: Incident, flash: str | None, errors: dict, status: int = 200
) -> Response:
    only = request.query_params.get("only", "")
    context = await queries.incident_view(signed_in_user(request), incident, only, _words(request))
    context |= {"flash": flash, "refresh": REFRESH_SECONDS, "errors": errors}
    user = signed_in_user(request)
    if not wants_fragment(request):  # the call-out sits outside the part that refreshes
        context |= await callout.callout_view(incident, user)
        context["sees_rosters"] = bool(await accounting.schools_seen(user, incident))
        context["accounting_asked"] = await accounting.accounting_asked(incident)
        context["may_call_out"] = await callout.may_call_out(user, incident)
        context["opens_cases"] = (  # a drill is no concern about a person
            not incident.drill and user.has_role(*MANAGERS) and await on_threat_team(user)
        )
    return render(
        request,
        "incidents/live.html",
        context,
        fragment="incidents/_timeline.html",
        status_code=status,
    )


@requires_role()
async def incident_page(request: Request) -> Response:
    """The live page: the safety team's and admins', and the incident's team's (its schools'
    crisis team in the directory, and whoever fills a role in it), who read it and add to
    its log; anyone else is told it isn't there."""
    user = signed_in_user(request)
    incident = await get_or_404(Incident, user, request.path_params["id"])
    if not await service.on_team(user, incident):
        raise HTTPException(status_code=404)
    # Opening the page is a look; the htmx refresh of its timeline every few seconds is audited
    # only as often as ``service.viewed`` says (not once a refresh: that would flood the log).
    await service.viewed(user, incident, datetime.now(UTC), refresh=wants_fragment(request))
    return await _live(request, incident, request.session.pop("flash", None), {})


@requires_role(*MANAGERS)
async def incident_print(request: Request) -> Response:
    """The timeline for a police or board handoff, oldest first, for paper: audited."""
    user = signed_in_user(request)
    incident = await get_or_404(Incident, user, request.path_params["id"])
    rows, more = await handoff.rows(incident, _words(request))
    await service.handed_off(user, incident, "print", len(rows))
    context = await handoff.print_view(incident, rows, more)
    context |= {"printed_at": datetime.now(UTC), "zone_name": zone(request).key}
    return render(request, "incidents/print.html", context)


@requires_role(*MANAGERS)
async def incident_csv(request: Request) -> Response:
    """The timeline as CSV, oldest first: audited."""
    user = signed_in_user(request)
    incident = await get_or_404(Incident, user, request.path_params["id"])
    rows, _more = await handoff.rows(incident, _words(request))
    await service.handed_off(user, incident, "csv", len(rows))
    table = handoff.csv_table(incident, rows, zone(request))
    return csv_response(handoff.csv_name(incident), handoff.CSV_HEADER, table)


@requires_role(*MANAGERS)
async def incident_status(request: Request) -> Response:
    user = signed_in_user(request)
    incident = await get_or_404(Incident, user, request.path_params["id"])
    try:
        form = from_form(StatusForm, await request.form())
    except ValidationError:
        return await _live(request, incident, _("Choose one of the options."), {}, 422)
    moved, message = await service.change_status(user, incident, form.status, datetime.now(UTC))
    if not moved:
        return await _live(request, incident, message, {}, 409)
    request.session["flash"] = message
    return _to_incident(request, incident)


@requires_role(*MANAGERS)
async def incident_role(request: Request) -> Response:
    user = signed_in_user(request)
    incident = await get_or_404(Incident, user, request.path_params["id"])
    try:
        form = from_form(RoleForm, await request.form())
        errors = await service.assign_role(user, incident, form, datetime.now(UTC))
    except ValidationError as error:
        errors = messages(error)
    if errors:
        return await _live(request, incident, None, errors, 422)
    request.session["flash"] = _("Role filled.")
    return _to_incident(request, incident)


async def _confirm(
    request: Request, incident: Incident, error: str = "", status: int = 200
) -> Response:
    """The call-out's confirm step: what a press-and-hold does with JavaScript, a second post
    does without it; also where a refused call-out says why."""
    context = {"incident": incident, "error": error, "kind_labels": KIND_LABELS}
    context |= await callout.callout_view(incident, signed_in_user(request))
    return render(request, "incidents/callout.html", context, status_code=status)


CALLOUT_REFUSED = {
    callout.Outcome.CLOSED: N_("This incident is closed: its team can't be called out."),
    callout.Outcome.NOBODY: N_(
        "Nobody else fills the team directory for this incident's schools yet. Fill it there first."
    ),
}


@requires_role()
async def incident_callout(request: Request) -> Response:
    """Calls out the incident's crisis team: the safety team, admins, the incident commander."""
    user = signed_in_user(request)
    incident = await get_or_404(Incident, user, request.path_params["id"])
    if not await callout.may_call_out(user, incident):
        raise HTTPException(status_code=403)
    try:
        form = from_form(CallOutForm, await request.form())
    except ValidationError:
        return await _confirm(request, incident, _("Nothing was sent. Try again."), 422)
    if form.confirm != "yes":  # without JavaScript: the confirm step
        return await _confirm(request, incident)
    done = await callout.call_out(user, incident, form.callout, datetime.now(UTC))
    if done.outcome in CALLOUT_REFUSED:
        return await _confirm(request, incident, _(CALLOUT_REFUSED[done.outcome]), 409)
    if done.outcome == callout.Outcome.ALREADY:
        request.session["flash"] = _("This call-out was already sent.")
    else:
        request.session["flash"] = ngettext(
            "Crisis team called out: %(num)s person alerted.",
            "Crisis team called out: %(num)s people alerted.",
            done.people,
        ) % {"num": done.people}
    return _to_incident(request, incident)


@requires_role(*MANAGERS)
async def report_escalate(request: Request) -> Response:
    """The safety team escalates a report from its page: into its school's open incident, or a
    new one; back to the report when it can't."""
    user = signed_in_user(request)
    report = await get_by_uuid_or_404(Report, user, request.path_params["id"])
    incident, message = await service.escalate_report(user, report, datetime.now(UTC))
    if incident is None:
        return flashed(request, message, "report_detail", id=str(report.id))
    return flashed(request, message, "incident", id=incident.id)


routes = [
    Route("/incidents", incident_list, name="incidents"),
    Route("/incidents/new", incident_new, methods=["GET", "POST"], name="incident_new"),
    Route("/incidents/{id:int}", incident_page, name="incident"),
    Route("/incidents/{id:int}/print", incident_print, name="incident_print"),
    Route("/incidents/{id:int}/timeline.csv", incident_csv, name="incident_csv"),
    Route("/incidents/{id:int}/status", incident_status, methods=["POST"], name="incident_status"),
    Route("/incidents/{id:int}/roles", incident_role, methods=["POST"], name="incident_role"),
    Route(
        "/incidents/{id:int}/callout",
        incident_callout,
        methods=["POST"],
        name="incident_callout",
    ),
    Route("/reports/{id:str}/escalate", report_escalate, methods=["POST"], name="report_escalate"),
]
