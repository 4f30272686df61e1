"""Event types recorded on a phone about a risk plan: thunder heard, for the lightning rule."""

from __future__ import annotations

from server.events.registry import Payload, Pending, Sender, event_type
from server.i18n import gettext as _
from server.risk.models import PLAN_ROLES, RiskPlan
from server.tenancy import RecordId


class ThunderHeard(Payload):
    plan_id: RecordId


@event_type("risk.thunder_heard", ThunderHeard)
async def thunder_heard(batch: list[Pending], sender: Sender) -> None:
    """The lightning rule: no one back outside until 30 minutes after the last thunder. Only
    those who may open risk plans record it; to anyone else a plan is not known."""
    may = sender.user.has_role(*PLAN_ROLES)
    for p in batch:
        plan = await RiskPlan.get_or_none(
            id=p.payload.plan_id, organisation_id=sender.user.organisation_id
        )
        if plan is None or not may:
            p.reject(_("This risk plan is not known here."))
        elif plan.last_thunder_at is None or plan.last_thunder_at < p.occurred_at:
            plan.last_thunder_at = p.occurred_at
            await plan.save(update_fields=["last_thunder_at"])
