"""Every decision about a risk plan: what a save checks across the district's records, who may
change a plan when, and the submit -> approve / send back workflow. Returns what happened (the
plan, or the errors and message to show); takes no request and raises no HTTP errors."""

from __future__ import annotations

from datetime import UTC, datetime

from server import audit
from server.i18n import gettext as _
from server.labels import PLAN_STATUS_LABELS
from server.models import School, Site, User
from server.risk.forms import DecisionForm, HazardForm, RiskPlanForm
from server.risk.models import Hazard, PlanStatus, RiskPlan
from server.tenancy import scoped
from server.trips.models import Trip

EDITABLE = (PlanStatus.DRAFT, PlanStatus.RETURNED)


class NotEditable(Exception):
    """The plan is waiting for approval or approved: nothing in it may change."""

    def __str__(self) -> str:
        return _("This plan is waiting for approval or approved: it can't change.")


def ensure_editable(plan: RiskPlan) -> None:
    if plan.status not in EDITABLE:
        raise NotEditable()


async def _plan_errors(user: User, plan: RiskPlan | None, form: RiskPlanForm) -> dict[str, str]:
    """What a valid form can still get wrong: records of another district, a trip with a plan."""
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
    return errors


async def save_plan(
    user: User, plan: RiskPlan | None, form: RiskPlanForm
) -> tuple[RiskPlan | None, dict[str, str]]:
    """A new plan (``plan`` None) or changes to one: the saved plan, or the errors to show."""
    if plan is not None:
        ensure_editable(plan)
    errors = await _plan_errors(user, plan, form)
    if errors:
        return None, errors
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
    return plan, {}


async def _owner_errors(user: User, form: HazardForm) -> dict[str, str]:
    if form.owner is None or await scoped(User, user).filter(id=form.owner).exists():
        return {}
    return {"owner": _("Choose people from the list.")}


async def add_hazard(user: User, plan: RiskPlan, form: HazardForm) -> dict[str, str]:
    """Adds a hazard to the register; the errors to show, if any."""
    ensure_editable(plan)
    errors = await _owner_errors(user, form)
    if not errors:
        data = form.model_dump()
        await Hazard.create(plan_id=plan.id, owner_id=data.pop("owner"), **data)
        await audit.record(user, "risk_plan.hazard_added", plan, hazard=form.description)
    return errors


async def save_hazard(user: User, plan: RiskPlan, hazard: Hazard, form: HazardForm) -> dict:
    ensure_editable(plan)
    errors = await _owner_errors(user, form)
    if not errors:
        data = form.model_dump()
        owner = data.pop("owner")  # popped first: "owner" itself must not reach the model
        await hazard.update_from_dict({**data, "owner_id": owner}).save()
        await audit.record(user, "risk_plan.hazard_saved", plan, hazard=hazard.description)
    return errors


async def remove_hazard(user: User, plan: RiskPlan, hazard: Hazard) -> None:
    ensure_editable(plan)
    await hazard.delete()
    await audit.record(user, "risk_plan.hazard_removed", plan, hazard=hazard.description)


async def submit(user: User, plan: RiskPlan) -> str:
    """Sends the plan for approval; what to tell the person either way."""
    if plan.status not in EDITABLE:  # submitted twice (two taps, two people): nothing to do
        return _(PLAN_STATUS_LABELS[plan.status.value])
    if not await Hazard.filter(plan_id=plan.id).exists():
        return _("Add at least one hazard before you submit the plan.")
    plan.status = PlanStatus.SUBMITTED
    plan.submitted_at = datetime.now(UTC)
    await plan.save(update_fields=["status", "submitted_at"])
    await audit.record(user, "risk_plan.submitted", plan)
    return _("Submitted for approval.")


async def decide(admin: User, plan: RiskPlan, form: DecisionForm | None) -> str:
    """An admin approves a submitted plan or sends it back (``form`` None: neither was chosen);
    what to tell them either way."""
    if plan.status != PlanStatus.SUBMITTED:
        return _("Only a submitted plan can be approved or sent back.")
    if form is None:
        return _("Choose to approve the plan or send it back.")
    if form.decision == "approve" and plan.author_id == admin.id:
        # Oversight needs a second person: the author can't approve their own plan.
        return _("Another admin must approve a plan you wrote.")
    if form.decision == "send_back" and not form.reason:
        return _("Say what needs changing when you send a plan back.")
    approved = form.decision == "approve"
    plan.status = PlanStatus.APPROVED if approved else PlanStatus.RETURNED
    plan.decided_by_id = admin.id
    plan.decided_at = datetime.now(UTC)
    plan.send_back_reason = "" if approved else form.reason
    await plan.save(update_fields=["status", "decided_by_id", "decided_at", "send_back_reason"])
    await audit.record(admin, f"risk_plan.{form.decision}", plan, reason=form.reason)
    return _("Plan approved.") if approved else _("Plan sent back.")
