"""The district's clock and retention for cases: how long the team has from intake to the first
screening (24 hours unless the district says otherwise), and how long a closed case is kept
before it is listed for review. A purge deletes the case and everything recorded in it; the
audit log keeps that it happened, who did it and when, and no words."""

from __future__ import annotations

from datetime import datetime

from tortoise.transactions import in_transaction

from server import audit
from server.cases.forms import PolicyForm
from server.cases.models import RETENTION_YEARS, TRIAGE_HOURS, Case, CasePolicy, Stage
from server.cases.rules import past_retention
from server.i18n import gettext as _
from server.models import Organisation, User


async def policy(organisation_id: int) -> CasePolicy:
    """The district's settings, the defaults until someone changes them (not stored before)."""
    found = await CasePolicy.get_or_none(organisation_id=organisation_id)
    return found or CasePolicy(
        organisation_id=organisation_id,
        triage_hours=TRIAGE_HOURS,
        retention_years=RETENTION_YEARS,
    )


async def set_policy(user: User, form: PolicyForm) -> None:
    current = await policy(user.organisation_id)
    given = {"triage_hours": form.triage_hours, "retention_years": form.retention_years}
    if all(getattr(current, k) == v for k, v in given.items()):
        return
    await CasePolicy.update_or_create(organisation_id=user.organisation_id, defaults=given)
    target = await Organisation.get(id=user.organisation_id)
    await audit.record(user, "case.policy", target, **given)


async def purge(user: User, case: Case, now: datetime) -> str | None:
    """Deletes a closed case past the district's retention; the reason not, if any."""
    kept = await policy(user.organisation_id)
    if case.stage != Stage.CLOSED or not past_retention(case.closed_at, kept.retention_years, now):
        return _("Only closed cases past the district's retention can be purged.")
    async with in_transaction():
        closed = case.closed_at.date().isoformat() if case.closed_at else None
        await audit.record(user, "case.purged", case, closed_on=closed, school=case.school_id)
        await Case.filter(id=case.id).delete()  # its team, inquiry, markers and plan with it
    return None
