"""Event risk plans' pages: parse, call one decision in server/risk/service.py, render or redirect.
Staff, the safety team and admins write plans; only an admin approves or sends one back."""

from __future__ import annotations

from typing import Any

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from server.auth import requires_role, signed_in_user
from server.district_time import zone
from server.forms import parsed
from server.i18n import gettext as _
from server.models import Role
from server.pages import flash, flashed
from server.risk import queries, service
from server.risk.forms import DecisionForm, HazardForm, RiskPlanForm
from server.risk.models import PLAN_ROLES, Hazard, RiskPlan
from server.templating import render
from server.tenancy import get_or_404

WRITERS = PLAN_ROLES


def _editable(plan: RiskPlan) -> None:
    try:
        service.ensure_editable(plan)
    except service.NotEditable as error:
        raise HTTPException(409, str(error)) from None


def _to_register(request: Request, plan: RiskPlan) -> Response:
    return RedirectResponse(str(request.url_for("risk_plan", id=plan.id)) + "#register", 303)


@requires_role(*WRITERS)
async def plans_list(request: Request) -> Response:
    context = {"plans": await queries.plans(signed_in_user(request)), "flash": flash(request)}
    return render(request, "risk/plans.html", context)


@requires_role(*WRITERS)
async def plan_page(request: Request) -> Response:
    user = signed_in_user(request)
    plan = await get_or_404(RiskPlan, user, request.path_params["id"])
    context = await queries.plan_view(user, plan)
    context["flash"] = flash(request)
    return render(request, "risk/plan.html", context)


async def _plan_form(
    request: Request, plan: RiskPlan | None, values: dict, errors: dict, status: int = 200
) -> Response:
    context = {"plan": plan, "values": values, "errors": errors}
    context |= await queries.form_choices(signed_in_user(request))
    return render(request, "risk/plan_form.html", context, status_code=status)


async def _save_plan(request: Request, plan: RiskPlan | None) -> Response:
    raw = await request.form()
    form, errors = parsed(RiskPlanForm, raw)
    if form is None:
        return await _plan_form(request, plan, dict(raw), errors, 422)
    saved, errors = await service.save_plan(signed_in_user(request), plan, form)
    if saved is None:
        return await _plan_form(request, plan, form.model_dump(mode="json"), errors, 422)
    return flashed(request, _("Saved %(name)s.") % {"name": saved.title}, "risk_plan", id=saved.id)


@requires_role(*WRITERS)
async def plan_new(request: Request) -> Response:
    if request.method == "POST":
        return await _save_plan(request, None)
    trip = request.query_params.get("trip", "")
    values = await queries.new_plan_values(signed_in_user(request), trip, zone(request))
    return await _plan_form(request, None, values, {})


@requires_role(*WRITERS)
async def plan_edit(request: Request) -> Response:
    plan = await get_or_404(RiskPlan, signed_in_user(request), request.path_params["id"])
    _editable(plan)
    if request.method == "POST":
        return await _save_plan(request, plan)
    return await _plan_form(request, plan, queries.plan_values(plan), {})


async def _hazard_form(
    request: Request,
    plan: RiskPlan,
    hazard: Hazard | None,
    values: dict,
    errors: dict,
    status: int = 200,
) -> Response:
    context: dict[str, Any] = {"plan": plan, "hazard": hazard, "values": values, "errors": errors}
    context["people"] = await queries.people(signed_in_user(request))
    return render(request, "risk/hazard_form.html", context, status_code=status)


@requires_role(*WRITERS)
async def hazard_add(request: Request) -> Response:
    user = signed_in_user(request)
    plan = await get_or_404(RiskPlan, user, request.path_params["id"])
    _editable(plan)
    raw = await request.form()
    form, errors = parsed(HazardForm, raw)
    if form is None:
        return await _hazard_form(request, plan, None, dict(raw), errors, 422)
    errors = await service.add_hazard(user, plan, form)
    if errors:
        return await _hazard_form(request, plan, None, dict(raw), errors, 422)
    return _to_register(request, plan)


@requires_role(*WRITERS)
async def hazard_edit(request: Request) -> Response:
    user = signed_in_user(request)
    plan = await get_or_404(RiskPlan, user, request.path_params["id"])
    _editable(plan)
    hazard = await queries.hazard(plan, request.path_params["hid"])
    if hazard is None:
        raise HTTPException(404)
    if request.method == "GET":
        return await _hazard_form(request, plan, hazard, queries.hazard_values(hazard), {})
    raw = await request.form()
    if raw.get("delete") == "yes":
        await service.remove_hazard(user, plan, hazard)
        return _to_register(request, plan)
    form, errors = parsed(HazardForm, raw)
    if form is None:
        return await _hazard_form(request, plan, hazard, dict(raw), errors, 422)
    errors = await service.save_hazard(user, plan, hazard, form)
    if errors:
        return await _hazard_form(request, plan, hazard, dict(raw), errors, 422)
    return _to_register(request, plan)


@requires_role(*WRITERS)
async def plan_submit(request: Request) -> Response:
    user = signed_in_user(request)
    plan = await get_or_404(RiskPlan, user, request.path_params["id"])
    return flashed(request, await service.submit(user, plan), "risk_plan", id=plan.id)


@requires_role(Role.ADMIN)
async def plan_decide(request: Request) -> Response:
    admin = signed_in_user(request)
    plan = await get_or_404(RiskPlan, admin, request.path_params["id"])
    form, _errors = parsed(DecisionForm, await request.form())
    return flashed(request, await service.decide(admin, plan, form), "risk_plan", id=plan.id)


routes = [
    Route("/risk-plans", plans_list, name="risk_plans"),
    Route("/risk-plans/new", plan_new, methods=["GET", "POST"], name="risk_plan_new"),
    Route("/risk-plans/{id:int}", plan_page, name="risk_plan"),
    Route("/risk-plans/{id:int}/edit", plan_edit, methods=["GET", "POST"], name="risk_plan_edit"),
    Route("/risk-plans/{id:int}/hazards", hazard_add, methods=["POST"], name="hazard_add"),
    Route(
        "/risk-plans/{id:int}/hazards/{hid:int}",
        hazard_edit,
        methods=["GET", "POST"],
        name="hazard_edit",
    ),
    Route("/risk-plans/{id:int}/submit", plan_submit, methods=["POST"], name="risk_plan_submit"),
    Route("/risk-plans/{id:int}/decide", plan_decide, methods=["POST"], name="risk_plan_decide"),
]
