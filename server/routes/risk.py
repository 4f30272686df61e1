"""Event risk plans: the register of hazards with its 5x5 heat map, key facts with the nearest
hospital's distance, and the submit -> approve / send back workflow. Staff, the safety team and
admins write plans; only an admin approves or sends one back."""

from __future__ import annotations

from datetime import UTC, datetime

from geopy.distance import geodesic
from pydantic import ValidationError
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from server import audit
from server.auth import requires_role, signed_in_user
from server.forms import from_form, messages
from server.i18n import gettext as _
from server.labels import PLAN_STATUS_LABELS
from server.models import Role, School, Site, SiteKind, User
from server.risk.models import PLAN_ROLES, EventKind, Hazard, PlanStatus, RiskPlan
from server.risk.scoring import BAND_LABELS, heat_map, score
from server.templating import render
from server.tenancy import MAX_ID, get_or_404, scoped
from server.trips.forms import DecisionForm, HazardForm, RiskPlanForm
from server.trips.models import Trip
from server.trips.service import bands_of, policy_for

WRITERS = PLAN_ROLES
EDITABLE = (PlanStatus.DRAFT, PlanStatus.RETURNED)
LIGHTNING_MINUTES = 30


@requires_role(*WRITERS)
async def plans_list(request: Request) -> Response:
    user = signed_in_user(request)
    plans = await scoped(RiskPlan, user).prefetch_related("school", "author")
    context = {"plans": plans, "flash": request.session.pop("flash", None)}
    return render(request, "risk/plans.html", context)


async def _venue_point(plan: RiskPlan) -> tuple[float, float] | None:
    if plan.venue_id:
        venue = await Site.get(id=plan.venue_id)
        return venue.latitude, venue.longitude
    if plan.trip_id:
        trip = await Trip.get(id=plan.trip_id)
        if trip.latitude is not None and trip.longitude is not None:
            return trip.latitude, trip.longitude
    return None


def hospital_km(venue: tuple[float, float] | None, plan: RiskPlan) -> float | None:
    """Distance from the venue to the nearest hospital, along the earth's surface."""
    if venue is None or plan.hospital_latitude is None or plan.hospital_longitude is None:
        return None
    return geodesic(venue, (plan.hospital_latitude, plan.hospital_longitude)).km


@requires_role(*WRITERS)
async def plan_page(request: Request) -> Response:
    user = signed_in_user(request)
    plan = await get_or_404(RiskPlan, user, request.path_params["id"])
    await plan.fetch_related("school", "venue", "trip", "author", "decided_by")
    hazards = await Hazard.filter(plan_id=plan.id).prefetch_related("owner")
    bands = bands_of(await policy_for(plan.school_id))
    rows = [
        {
            "hazard": h,
            "score": score(h.likelihood, h.impact),
            "band": bands.of(score(h.likelihood, h.impact)),
            "residual": score(h.residual_likelihood, h.residual_impact),
            "residual_band": bands.of(score(h.residual_likelihood, h.residual_impact)),
        }
        for h in hazards
    ]
    grid = heat_map(
        bands,
        [(h.likelihood, h.impact) for h in hazards],
        [(h.residual_likelihood, h.residual_impact) for h in hazards],
    )
    context = {
        "plan": plan,
        "rows": rows,
        "grid": grid,
        "bands": bands,
        "band_labels": BAND_LABELS,
        "distance_km": hospital_km(await _venue_point(plan), plan),
        "editable": plan.status in EDITABLE,
        "people": await scoped(User, user).filter(active=True),
        "values": {"likelihood": 3, "impact": 3, "residual_likelihood": 2, "residual_impact": 2},
        "errors": {},
        "lightning_minutes": LIGHTNING_MINUTES,
        "flash": request.session.pop("flash", None),
    }
    return render(request, "risk/plan.html", context)


async def _plan_form(
    request: Request, plan: RiskPlan | None, values: dict, errors: dict, status: int = 200
) -> Response:
    user = signed_in_user(request)
    context = {
        "plan": plan,
        "values": values,
        "errors": errors,
        "schools": await scoped(School, user),
        "venues": await scoped(Site, user).filter(kind=SiteKind.VENUE),
        "trips": await scoped(Trip, user).filter(ends_at__gte=datetime.now(UTC)),
        "kinds": list(EventKind),
    }
    return render(request, "risk/plan_form.html", context, status_code=status)


async def _save_plan(request: Request, plan: RiskPlan | None) -> Response:
    user = signed_in_user(request)
    raw = await request.form()
    try:
        form = from_form(RiskPlanForm, raw)
    except ValidationError as error:
        return await _plan_form(request, plan, dict(raw), messages(error), 422)
    errors = {}
    if not await scoped(School, user).filter(id=form.school).exists():
        errors["school"] = _("Choose a school from the list.")
    if form.venue and not await scoped(Site, user).filter(id=form.venue).exists():
        errors["venue"] = _("Choose a venue from the list.")
    if form.trip:
        clash = RiskPlan.filter(trip_id=form.trip).exclude(id=plan.id if plan else 0)
        if not await scoped(Trip, user).filter(id=form.trip).exists():
            errors["trip"] = _("Choose a trip from the list.")
        elif await clash.exists():
            errors["trip"] = _("That trip already has a risk plan.")
    if (form.hospital_latitude is None) != (form.hospital_longitude is None):
        errors["hospital_latitude"] = _("Give both the latitude and the longitude, or neither.")
    if errors:
        return await _plan_form(request, plan, form.model_dump(mode="json"), errors, 422)
    fields = {
        "school_id": form.school,
        "trip_id": form.trip,
        "venue_id": form.venue,
        **form.model_dump(exclude={"school", "trip", "venue"}),
    }
    if plan is None:
        plan = await RiskPlan.create(
            organisation_id=user.organisation_id, author_id=user.id, **fields
        )
    else:
        await plan.update_from_dict(fields).save()
    await audit.record(user, "risk_plan.saved", plan, title=plan.title)
    request.session["flash"] = _("Saved %(name)s.") % {"name": plan.title}
    return RedirectResponse(request.url_for("risk_plan", id=plan.id), status_code=303)


def _editable(plan: RiskPlan) -> None:
    if plan.status not in EDITABLE:
        raise HTTPException(
            409, _("This plan is waiting for approval or approved: it can't change.")
        )


@requires_role(*WRITERS)
async def plan_new(request: Request) -> Response:
    if request.method == "POST":
        return await _save_plan(request, None)
    trip = request.query_params.get("trip", "")
    values: dict = {"kind": "trip" if trip else "game"}
    if trip.isdecimal() and len(trip) < 10:
        found = await scoped(Trip, signed_in_user(request)).get_or_none(id=int(trip))
        if found:
            values |= {
                "trip": found.id,
                "school": found.school_id,
                "title": found.name,
                "venue": found.venue_id,
                "happens_on": found.starts_at.date().isoformat(),
            }
    return await _plan_form(request, None, values, {})


@requires_role(*WRITERS)
async def plan_edit(request: Request) -> Response:
    plan = await get_or_404(RiskPlan, signed_in_user(request), request.path_params["id"])
    _editable(plan)
    if request.method == "POST":
        return await _save_plan(request, plan)
    values = {
        name: getattr(plan, name) for name in RiskPlanForm.model_fields if hasattr(plan, name)
    }
    values |= {"school": plan.school_id, "trip": plan.trip_id, "venue": plan.venue_id}
    values["kind"] = plan.kind.value
    values["happens_on"] = plan.happens_on.isoformat() if plan.happens_on else ""
    return await _plan_form(request, plan, values, {})


async def _owner_ok(user: User, owner: int | None) -> bool:
    return owner is None or await scoped(User, user).filter(id=owner).exists()


@requires_role(*WRITERS)
async def hazard_add(request: Request) -> Response:
    user = signed_in_user(request)
    plan = await get_or_404(RiskPlan, user, request.path_params["id"])
    _editable(plan)
    raw = await request.form()
    try:
        form = from_form(HazardForm, raw)
    except ValidationError as error:
        return await _hazard_form(request, plan, None, dict(raw), messages(error), 422)
    if not await _owner_ok(user, form.owner):
        errors = {"owner": _("Choose people from the list.")}
        return await _hazard_form(request, plan, None, dict(raw), errors, 422)
    data = form.model_dump()
    await Hazard.create(plan_id=plan.id, owner_id=data.pop("owner"), **data)
    await audit.record(user, "risk_plan.hazard_added", plan, hazard=form.description)
    return RedirectResponse(str(request.url_for("risk_plan", id=plan.id)) + "#register", 303)


async def _hazard_form(
    request: Request,
    plan: RiskPlan,
    hazard: Hazard | None,
    values: dict,
    errors: dict,
    status: int = 200,
) -> Response:
    user = signed_in_user(request)
    context = {
        "plan": plan,
        "hazard": hazard,
        "values": values,
        "errors": errors,
        "people": await scoped(User, user).filter(active=True),
    }
    return render(request, "risk/hazard_form.html", context, status_code=status)


@requires_role(*WRITERS)
async def hazard_edit(request: Request) -> Response:
    user = signed_in_user(request)
    plan = await get_or_404(RiskPlan, user, request.path_params["id"])
    _editable(plan)
    hazard_id = request.path_params["hid"]
    hazard = (
        await Hazard.get_or_none(id=hazard_id, plan_id=plan.id) if hazard_id <= MAX_ID else None
    )
    if hazard is None:
        raise HTTPException(404)
    if request.method == "GET":
        values = {
            name: getattr(hazard, name) for name in HazardForm.model_fields if name != "owner"
        }
        values["owner"] = hazard.owner_id
        return await _hazard_form(request, plan, hazard, values, {})
    raw = await request.form()
    back = str(request.url_for("risk_plan", id=plan.id)) + "#register"
    if raw.get("delete") == "yes":
        await hazard.delete()
        await audit.record(user, "risk_plan.hazard_removed", plan, hazard=hazard.description)
        return RedirectResponse(back, 303)
    try:
        form = from_form(HazardForm, raw)
    except ValidationError as error:
        return await _hazard_form(request, plan, hazard, dict(raw), messages(error), 422)
    if not await _owner_ok(user, form.owner):
        errors = {"owner": _("Choose people from the list.")}
        return await _hazard_form(request, plan, hazard, dict(raw), errors, 422)
    data = form.model_dump()
    owner = data.pop("owner")  # popped first: "owner" itself must not reach the model
    await hazard.update_from_dict({**data, "owner_id": owner}).save()
    await audit.record(user, "risk_plan.hazard_saved", plan, hazard=hazard.description)
    return RedirectResponse(back, 303)


@requires_role(*WRITERS)
async def plan_submit(request: Request) -> Response:
    user = signed_in_user(request)
    plan = await get_or_404(RiskPlan, user, request.path_params["id"])
    if plan.status not in EDITABLE:  # submitted twice (two taps, two people): nothing to do
        request.session["flash"] = _(PLAN_STATUS_LABELS[plan.status.value])
        return RedirectResponse(request.url_for("risk_plan", id=plan.id), 303)
    if not await Hazard.filter(plan_id=plan.id).exists():
        request.session["flash"] = _("Add at least one hazard before you submit the plan.")
        return RedirectResponse(request.url_for("risk_plan", id=plan.id), 303)
    plan.status = PlanStatus.SUBMITTED
    plan.submitted_at = datetime.now(UTC)
    await plan.save(update_fields=["status", "submitted_at"])
    await audit.record(user, "risk_plan.submitted", plan)
    request.session["flash"] = _("Submitted for approval.")
    return RedirectResponse(request.url_for("risk_plan", id=plan.id), 303)


@requires_role(Role.ADMIN)
async def plan_decide(request: Request) -> Response:
    admin = signed_in_user(request)
    plan = await get_or_404(RiskPlan, admin, request.path_params["id"])
    back = RedirectResponse(request.url_for("risk_plan", id=plan.id), 303)
    if plan.status != PlanStatus.SUBMITTED:
        request.session["flash"] = _("Only a submitted plan can be approved or sent back.")
        return back
    try:
        form = from_form(DecisionForm, await request.form())
    except ValidationError:
        request.session["flash"] = _("Choose to approve the plan or send it back.")
        return back
    if form.decision == "approve" and plan.author_id == admin.id:
        # Oversight needs a second person: the author can't approve their own plan.
        request.session["flash"] = _("Another admin must approve a plan you wrote.")
        return back
    if form.decision == "send_back" and not form.reason:
        request.session["flash"] = _("Say what needs changing when you send a plan back.")
        return back
    approved = form.decision == "approve"
    plan.status = PlanStatus.APPROVED if approved else PlanStatus.RETURNED
    plan.decided_by_id = admin.id
    plan.decided_at = datetime.now(UTC)
    plan.send_back_reason = "" if approved else form.reason
    await plan.save(update_fields=["status", "decided_by_id", "decided_at", "send_back_reason"])
    await audit.record(admin, f"risk_plan.{form.decision}", plan, reason=form.reason)
    request.session["flash"] = _("Plan approved.") if approved else _("Plan sent back.")
    return RedirectResponse(request.url_for("risk_plan", id=plan.id), 303)


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
