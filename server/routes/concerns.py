"""Concerns: "I'm worried about someone", the form everyone fills (kept on the phone and sent
through the outbox), and the safety team's list and read pages. Those who may not read concerns
get a 404 for both, as if there were none. Parse, call server/concerns/, render."""

from __future__ import annotations

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from server.auth import requires_role, signed_in_user
from server.cases.access import on_threat_team
from server.concerns import queries, service
from server.concerns.models import HOW_KNOWN_LABELS
from server.templating import render


@requires_role()
async def concern_form(request: Request) -> Response:
    schools = await queries.schools(signed_in_user(request))
    context = {"schools": schools, "how_known": HOW_KNOWN_LABELS}
    return render(request, "concerns/form.html", context)


@requires_role()  # readers only: everyone else gets a 404 (service.reach)
async def concerns_list(request: Request) -> Response:
    found = await service.listed(signed_in_user(request))
    if found is None:
        raise HTTPException(status_code=404)
    context = {"concerns": found, "how_known": HOW_KNOWN_LABELS}
    return render(request, "concerns/list.html", context)


@requires_role()  # readers only: everyone else gets a 404 (service.reach)
async def concern_detail(request: Request) -> Response:
    concern = await service.read(signed_in_user(request), request.path_params["id"])
    if concern is None:
        raise HTTPException(status_code=404)
    context = {"concern": concern, "how_known": HOW_KNOWN_LABELS}
    context["opens_cases"] = await on_threat_team(signed_in_user(request))
    return render(request, "concerns/detail.html", context)


routes = [
    Route("/concerns/new", concern_form, name="concern_form"),
    Route("/concerns", concerns_list, name="concerns"),
    Route("/concerns/{id:str}", concern_detail, name="concern_detail"),
]
