"""The crisis team directory's pages: anyone signed in reads who to call; the safety team and
admins fill the functions. Parse, call server/team/service.py, render or redirect."""

from __future__ import annotations

from pydantic import ValidationError
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from server.auth import requires_role, signed_in_user
from server.forms import from_form, messages
from server.i18n import gettext as _
from server.models import School
from server.team import queries, service
from server.team.forms import SeatsForm
from server.team.models import EDITORS, FUNCTION_LABELS, MAX_BACKUPS, TeamFunction
from server.templating import render
from server.tenancy import get_or_404

DISTRICT = "district"


async def _scope(request: Request) -> School | None:
    """The team a URL names: ``district``, or a school of the person's district."""
    scope = request.path_params["scope"]
    if scope == DISTRICT:
        return None
    if not scope.isdecimal() or len(scope) > 10:
        raise HTTPException(404)
    return await get_or_404(School, signed_in_user(request), int(scope))


def _function(request: Request) -> TeamFunction:
    try:
        return TeamFunction(request.path_params["function"])
    except ValueError:
        raise HTTPException(404) from None


@requires_role()
async def team_index(request: Request) -> Response:
    user = signed_in_user(request)
    context = {
        "school": None,
        "scope": DISTRICT,
        "rows": await queries.team(user, None),
        "schools": await queries.schools_filled(user),
        "functions": len(TeamFunction),
        "may_edit": user.has_role(*EDITORS),
        "flash": request.session.pop("flash", None),
    }
    return render(request, "team/team.html", context)


@requires_role()
async def team_page(request: Request) -> Response:
    user = signed_in_user(request)
    school = await _scope(request)
    if school is None:
        return RedirectResponse(str(request.url_for("team")), 303)
    context = {
        "school": school,
        "scope": str(school.id),
        "rows": await queries.team(user, school),
        "may_edit": user.has_role(*EDITORS),
        "flash": request.session.pop("flash", None),
    }
    return render(request, "team/team.html", context)


async def _seat_form(
    request: Request, school: School | None, function: TeamFunction, values: dict, errors: dict
) -> Response:
    context = {
        "school": school,
        "scope": str(school.id) if school else DISTRICT,
        "function": function,
        "label": FUNCTION_LABELS[function],
        "people": await queries.people(signed_in_user(request)),
        "values": values,
        "errors": errors,
        "max_backups": MAX_BACKUPS,
    }
    return render(request, "team/seat_form.html", context, status_code=422 if errors else 200)


@requires_role(*EDITORS)
async def team_seat(request: Request) -> Response:
    user = signed_in_user(request)
    school = await _scope(request)
    function = _function(request)
    if request.method == "GET":
        return await _seat_form(
            request, school, function, await queries.seat_values(user, school, function), {}
        )
    raw = await request.form()
    values = {"primary": raw.get("primary"), "backups": raw.getlist("backups")}
    try:
        form = from_form(SeatsForm, raw)
    except ValidationError as error:
        return await _seat_form(request, school, function, values, messages(error))
    errors = await service.set_seats(user, school, function, form)
    if errors:
        return await _seat_form(request, school, function, values, errors)
    request.session["flash"] = _("Saved: %(function)s.") % {
        "function": _(FUNCTION_LABELS[function])
    }
    target = (
        request.url_for("team_page", scope=str(school.id)) if school else request.url_for("team")
    )
    return RedirectResponse(str(target), 303)


routes = [
    Route("/team", team_index, name="team"),
    Route("/team/{scope}", team_page, name="team_page"),
    Route("/team/{scope}/{function}", team_seat, methods=["GET", "POST"], name="team_seat"),
]
