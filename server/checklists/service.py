"""What the safety team changes on a checklist run: its school (the team corrects the one worked
out from where the phone was). Audited, old and new."""

from __future__ import annotations

from server import audit
from server.checklists.models import ChecklistRun
from server.models import School, User
from server.tenancy import scoped


async def set_school(actor: User, run: ChecklistRun, school_id: int | None) -> bool:
    """False (and nothing changed) when ``school_id`` is not one of the district's schools."""
    if school_id is not None and not await scoped(School, actor).filter(id=school_id).exists():
        return False
    if run.school_id != school_id:
        await ChecklistRun.filter(id=run.id).update(school_id=school_id)
        await audit.record(actor, "run.school_changed", run, school_id=[run.school_id, school_id])
    return True
