"""The safety team's follow-up of a report: its status, owner, notes, police case number and
school. Every change is written to the audit log, old and new, by whom."""

from __future__ import annotations

from typing import Any

from server import audit
from server.forms import FollowUpForm
from server.models import Role, School, User
from server.reports.models import Report
from server.tenancy import scoped

TEAM = (Role.ADMIN.value, Role.SAFETY.value)


class Refused(ValueError):
    """A field whose value is not one the team may choose (named by ``field``)."""

    def __init__(self, field: str) -> None:
        super().__init__(field)
        self.field = field


async def owners(user: User) -> list[User]:
    """Who may own a report's follow-up: the district's active admins and safety team."""
    people = await scoped(User, user).filter(active=True).order_by("name")
    return [p for p in people if any(role in TEAM for role in p.roles)]


async def update(actor: User, report: Report, data: FollowUpForm) -> dict[str, Any]:
    """Apply the follow-up form; returns what changed ({field: [old, new]}), audited."""
    if data.owner is not None and data.owner not in {p.id for p in await owners(actor)}:
        raise Refused("owner")
    if data.school is not None and not await scoped(School, actor).filter(id=data.school).exists():
        raise Refused("school")
    wanted = {
        "status": data.status.value,
        "owner_id": data.owner,
        "notes": data.notes,
        "case_number": data.case_number,
        "school_id": data.school,
    }
    now = {
        "status": report.status.value,
        "owner_id": report.owner_id,
        "notes": report.notes,
        "case_number": report.case_number,
        "school_id": report.school_id,
    }
    changes = {k: [now[k], v] for k, v in wanted.items() if now[k] != v}
    if changes:
        await Report.filter(id=report.id).update(**{k: v for k, (_old, v) in changes.items()})
        await audit.record(actor, "report.followed_up", report, changes=changes)
    return changes
