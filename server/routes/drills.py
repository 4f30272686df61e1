"""Drill pages: the school year's calendar (each school's standing on each required kind, the
drills planned and held, a form to plan one, the CSV for the state), the district's
requirements, and a drill's own page (start it as a DRILL alert, end it, record it as held,
cancel it; its figures once measured). Admins and the safety team see and do all of it; a
drill's leader sees and runs their own drill. Parse, call server/drills/, render or redirect."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from babel.dates import get_month_names
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from server.accounting.service import accounting_asked as asked
from server.alerts.facts import DESK_ROLES
from server.auth import requires_role, signed_in_user
from server.district_time import zone
from server.drills import queries, service
from server.drills.forms import HeldForm, PlanForm, RequirementsForm, field_name, rules_given
from server.drills.models import ALERT_KIND, PLANNERS, Drill
from server.exercises.library import Scenarios
from server.forms import parsed
from server.i18n import current_locale
from server.i18n import gettext as _
from server.models import Organisation, School, User
from server.pages import flash, flashed
from server.spreadsheet import csv_response
from server.templating import render
from server.tenancy import get_or_404, scoped


def _scenarios(request: Request) -> Scenarios:
    scenarios: Scenarios = request.app.state.scenarios  # the tabletop exercises' scenarios
    return scenarios


def _titles(request: Request) -> dict[str, str]:
    lang = current_locale.get()
    return {s.id: s.title.get(lang) for s in _scenarios(request).in_order()}


def _today(request: Request) -> date:
    return datetime.now(zone(request)).date()


def _wanted_year(request: Request) -> int | None:
    raw = request.query_params.get("year", "")
    return int(raw) if raw.isdecimal() and len(raw) == 4 else None


async def _calendar(request: Request, values: dict, errors: dict) -> Response:
    user = signed_in_user(request)
    today = _today(request)
    year = await queries.year_of(user, today, _wanted_year(request))
    context = {
        "year": year,
        "today": today,
        "rows": await queries.standings(user, year, today),
        "drills": await queries.drills_in(user, year),
        "schools": await scoped(School, user).order_by("name"),
        "people": await scoped(User, user).filter(active=True).order_by("name"),
        "scenarios": _titles(request),
        "values": values,
        "errors": errors,
        "flash": flash(request),
        **queries.LABELS,
    }
    return render(request, "drills/calendar.html", context, status_code=422 if errors else 200)


@requires_role(*PLANNERS)
async def calendar(request: Request) -> Response:
    if request.method == "GET":
        return await _calendar(request, {"planned_on": _today(request).isoformat()}, {})
    raw = await request.form()
    form, errors = parsed(PlanForm, raw)
    if form is not None:
        scenarios = [s.id for s in _scenarios(request).in_order()]
        drill, errors = await service.plan(
            signed_in_user(request), form, _today(request), scenarios
        )
        if drill is not None:
            return flashed(request, _("Drill planned."), "drill", id=drill.id)
    return await _calendar(request, dict(raw), errors)


@requires_role(*PLANNERS)
async def calendar_csv(request: Request) -> Response:
    user = signed_in_user(request)
    today = _today(request)
    year = await queries.year_of(user, today, _wanted_year(request))
    rows = await queries.standings(user, year, today)
    table = queries.csv_rows(rows, await queries.held_days(user, year))
    name = f"drills-{year[0].year}-{year[1].year}.csv"
    return csv_response(name, queries.CSV_HEADER, table)


async def _requirements_page(request: Request, values: dict, errors: dict) -> Response:
    months = get_month_names("wide", locale=current_locale.get())  # the reader's language
    context: dict[str, Any] = {"values": values, "errors": errors, "months": months}
    context |= {"field_name": field_name, **queries.LABELS}
    return render(request, "drills/requirements.html", context, status_code=422 if errors else 200)


@requires_role(*PLANNERS)
async def requirements(request: Request) -> Response:
    user = signed_in_user(request)
    if request.method == "GET":
        kept = await service.rules_of(user.organisation_id)
        org = await Organisation.get(id=user.organisation_id)
        values: dict = {
            "year_starts": org.school_year_starts,
            "remind_at": service.remind_time(org).isoformat(timespec="minutes"),
        }
        for kind, rule in kept.items():
            values[field_name("per_year", kind)] = rule.per_year
            values[field_name("early_count", kind)] = rule.early_count
            values[field_name("early_days", kind)] = rule.early_days or ""
        return await _requirements_page(request, values, {})
    raw = await request.form()
    form, errors = parsed(RequirementsForm, raw)
    if form is not None:
        given = form.model_dump()  # fields create_model made
        errors = await service.set_requirements(
            user, rules_given(form), given["year_starts"], given["remind_at"]
        )
        if not errors:
            return flashed(request, _("Requirements saved."), "drills")
    return await _requirements_page(request, dict(raw), errors)


async def _drill(request: Request) -> Drill:
    """The drill, for the planners and its leader; anyone else is told it isn't there."""
    user = signed_in_user(request)
    drill = await get_or_404(Drill, user, request.path_params["id"])
    if not service.may_run(user, drill):
        raise HTTPException(404)
    return drill


async def _drill_page(request: Request, drill: Drill, said: str | None, status: int = 200):
    await drill.fetch_related("school", "leader", "incident")
    context = {
        "drill": drill,
        "accounting_asked": drill.incident is not None and await asked(drill.incident),
        "observation": queries.OBSERVATION,
        "writes_reviews": service.may_plan(signed_in_user(request)),
        # The alert's live page is the safety desk's; a teacher leading the drill reads the
        # figures here.
        "sees_answers": signed_in_user(request).has_role(*DESK_ROLES),
        "figures": await queries.figures(drill),
        "alerted": drill.kind in ALERT_KIND,
        "scenarios": _titles(request),
        "today": _today(request),
        "flash": said,
        "values": {"held_on": _today(request).isoformat()},
        "errors": {},
        **queries.LABELS,
    }
    return render(request, "drills/drill.html", context, status_code=status)


@requires_role()
async def drill_page(request: Request) -> Response:
    return await _drill_page(request, await _drill(request), flash(request))


def _done(request: Request, drill: Drill, refused: str | None, said: str) -> Response:
    """Back to the drill's page, saying what happened, or why nothing did."""
    return flashed(request, refused or said, "drill", id=drill.id)


async def _held(request: Request) -> bool:
    """Only the press-and-hold button sets it: no alert to a whole school by a stray tap."""
    return (await request.form()).get("held") == "yes"


async def _ticked(request: Request, box: str) -> bool:
    """A box of the start form: "accounting" (teachers account for their classes) or "sms"
    (the DRILL alert goes by SMS too)."""
    return (await request.form()).get(box) == "yes"


@requires_role()
async def drill_start(request: Request) -> Response:
    drill = await _drill(request)
    if not await _held(request):
        return _done(request, drill, _("Press and hold the button for 2 seconds."), "")
    user, now = signed_in_user(request), datetime.now(UTC)
    accounting, sms = await _ticked(request, "accounting"), await _ticked(request, "sms")
    refused = await service.start(user, drill, now, accounting=accounting, sms=sms)
    return _done(request, drill, refused, _("The drill has started: its DRILL alert is out."))


@requires_role()
async def drill_end(request: Request) -> Response:
    drill = await _drill(request)
    if not await _held(request):
        return _done(request, drill, _("Press and hold the button for 2 seconds."), "")
    now = datetime.now(UTC)
    refused = await service.end(signed_in_user(request), drill, now, _today(request))
    return _done(request, drill, refused, _("Drill ended: the all clear is out."))


@requires_role()
async def drill_held(request: Request) -> Response:
    drill = await _drill(request)
    form, errors = parsed(HeldForm, await request.form())
    if form is None:
        return await _drill_page(request, drill, errors.get("held_on"), 422)
    user = signed_in_user(request)
    refused = await service.record_held(user, drill, form.held_on, _today(request))
    return _done(request, drill, refused, _("Recorded as held."))


@requires_role(*PLANNERS)
async def drill_cancel(request: Request) -> Response:
    drill = await _drill(request)
    refused = await service.cancel(signed_in_user(request), drill)
    return _done(request, drill, refused, _("Drill cancelled."))


routes = [
    Route("/drills", calendar, methods=["GET", "POST"], name="drills"),
    Route("/drills.csv", calendar_csv, name="drills_csv"),
    Route("/drills/requirements", requirements, methods=["GET", "POST"], name="drill_requirements"),
    Route("/drills/{id:int}", drill_page, name="drill"),
    Route("/drills/{id:int}/start", drill_start, methods=["POST"], name="drill_start"),
    Route("/drills/{id:int}/end", drill_end, methods=["POST"], name="drill_end"),
    Route("/drills/{id:int}/held", drill_held, methods=["POST"], name="drill_held"),
    Route("/drills/{id:int}/cancel", drill_cancel, methods=["POST"], name="drill_cancel"),
]
