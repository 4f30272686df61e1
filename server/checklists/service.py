"""What changes a checklist run's school: the campus its phone is seen at (``place_runs``), or
the safety team correcting the one worked out from where the phone was (``set_school``, audited,
old and new); and the looks that must be in the audit log (a run viewed, an export)."""

from __future__ import annotations

from uuid import UUID

from tortoise.queryset import QuerySet

from server import audit
from server.checklists.models import ChecklistRun
from server.listing import Listing, export_of
from server.models import Organisation, School, Site, User
from server.places.nearest import campus_school
from server.tenancy import scoped


async def set_school(actor: User, run: ChecklistRun, school_id: int | None) -> bool:
    """False (and nothing changed) when ``school_id`` is not one of the district's schools."""
    if school_id is not None and not await scoped(School, actor).filter(id=school_id).exists():
        return False
    if run.school_id != school_id:
        await ChecklistRun.filter(id=run.id).update(school_id=school_id)
        await audit.record(actor, "run.school_changed", run, school_id=[run.school_id, school_id])
    return True


async def set_content_settings(
    admin: User, organisation: Organisation, review_months: int, weapon_handling: bool
) -> None:
    """The age at which a checklist is due a content review, and the district's weapon policy
    (may anyone handle one at all; the default is never). Audited."""
    organisation.checklist_review_months = review_months
    organisation.weapon_handling = weapon_handling
    await organisation.save(update_fields=["checklist_review_months", "weapon_handling"])
    await audit.record(
        admin,
        "district.content_settings",
        organisation,
        checklist_review_months=review_months,
        weapon_handling=weapon_handling,
    )


async def place_runs(organisation_id: int, points: dict[UUID, tuple[float, float]]) -> None:
    """A run's school follows the campus its phone is seen at later (a location answer, an
    alert raised from it with a position); a position away from every campus changes nothing."""
    if not points:
        return
    sites = await Site.filter(organisation_id=organisation_id)
    for run_id, point in points.items():
        school_id = campus_school(point, sites)
        if school_id is not None:
            await ChecklistRun.filter(id=run_id, organisation_id=organisation_id).update(
                school_id=school_id
            )


async def view(user: User, run: ChecklistRun) -> None:
    await audit.record(user, "run.viewed", run)


async def exported(
    user: User, runs: QuerySet[ChecklistRun], filters: Listing
) -> list[ChecklistRun]:
    """Every run the CSV export carries, with its answers; audited with its filters."""
    found = await export_of(runs, "user", "school", "answers")
    await audit.record(
        user, "runs.exported", user, count=len(found), filters=filters.query_string()
    )
    return found
