"""Every decision the safety team's report pages make: the follow-up of a report (its status,
owner, notes, police case number and school; every change audited, old and new, by whom), and the
looks that must be in the audit log (a report viewed, the list, an export). Returns what changed or
the errors to show; takes no request."""

from __future__ import annotations

from typing import Any

from tortoise.queryset import QuerySet

from server import audit
from server.i18n import gettext as _
from server.listing import Listing, Page, export_of, page_of
from server.models import School, User
from server.reports.forms import FollowUpForm
from server.reports.models import Report
from server.reports.queries import owners
from server.tenancy import scoped

RELATED = ("reported_by", "nearest_site", "school", "owner")  # what a listed report shows


async def follow_up(
    actor: User, report: Report, data: FollowUpForm
) -> tuple[dict[str, Any], dict[str, str]]:
    """Apply the follow-up form: what changed ({field: [old, new]}, audited), or the errors to
    show (an owner or school the team may not choose)."""
    if data.owner is not None and data.owner not in {p.id for p in await owners(actor)}:
        return {}, {"owner": _("Choose one of the options.")}
    if data.school is not None and not await scoped(School, actor).filter(id=data.school).exists():
        return {}, {"school": _("Choose one of the options.")}
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
    return changes, {}


async def view(user: User, report: Report) -> None:
    await audit.record(user, "report.viewed", report)


async def listed(user: User, reports: QuerySet[Report], filters: Listing) -> Page[Report]:
    """The page of reports the list shows; the search is audited with what it found."""
    page = await page_of(reports, filters, *RELATED)
    await audit.record(
        user, "reports.listed", user, filters=filters.query_string(), count=page.total
    )
    return page


async def exported(
    user: User, reports: QuerySet[Report], filters: Listing, form: str
) -> list[Report]:
    """Every report an export (``form``: csv, geojson) carries; audited with its filters."""
    found = await export_of(reports, *RELATED)
    await audit.record(
        user,
        "reports.exported",
        user,
        format=form,
        count=len(found),
        filters=filters.query_string(),
    )
    return found
