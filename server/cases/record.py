"""Every decision about what the team records after identification: the inquiry's interviews
and records (each with who and when), the assessment (the guided questions and the level they
give, the pathway markers with their behaviour), the management plan (supports with an owner, a
due day and a status; the next review) and closure (a reason and a follow-up day). A closed case
takes no more writing. Each change is audited by what changed, never by its words. Takes no
request, raises no HTTP errors: a refusal comes back as the error to show."""

from __future__ import annotations

from datetime import date, datetime

from server import audit
from server.cases.forms import AssessmentForm, CloseForm, EntryForm, MarkerForm, SupportForm
from server.cases.models import (
    Case,
    CaseEntry,
    CaseMarker,
    CaseMember,
    CaseSupport,
    Stage,
    SupportStatus,
)
from server.cases.rules import classify
from server.i18n import gettext as _
from server.models import User

# The stages from which each part may be written (earlier parts stay open to add what comes to
# light later; later parts wait for their stage).
INQUIRY_ON = (Stage.INQUIRY, Stage.ASSESSMENT, Stage.MANAGEMENT)
ASSESSMENT_ON = (Stage.ASSESSMENT, Stage.MANAGEMENT)
MANAGEMENT_ON = (Stage.MANAGEMENT,)


def _stage_error(case: Case, stages: tuple[Stage, ...]) -> str | None:
    if case.stage == Stage.CLOSED:
        return _("This case is closed.")
    if case.stage not in stages:
        return _("This part of the record opens at its stage.")
    return None


async def _on_team(case: Case, person_id: int) -> bool:
    return await CaseMember.filter(case_id=case.id, person_id=person_id).exists()


async def add_entry(
    user: User, case: Case, form: EntryForm, done_at: datetime, now: datetime
) -> dict[str, str]:
    if error := _stage_error(case, INQUIRY_ON):
        return {"form": error}
    if done_at > now:
        return {"done_at": _("Choose a time that has already come.")}
    if not await _on_team(case, form.done_by):
        return {"done_by": _("Choose someone on the case's team.")}
    entry = await CaseEntry.create(
        case=case,
        kind=form.kind,
        source=form.source,
        notes=form.notes,
        done_by_id=form.done_by,
        done_at=done_at,
        written_at=now,
    )
    await audit.record(user, "case.edited", case, part="inquiry", entry=entry.id)
    return {}


async def assess(user: User, case: Case, form: AssessmentForm, now: datetime) -> dict[str, str]:
    """The guided questions' answers and the level they lead to (server/cases/rules.py)."""
    if error := _stage_error(case, ASSESSMENT_ON):
        return {"form": error}
    before = case.level
    case.answers = {n: getattr(form, n).value for n in ("resolved", "lasting", "weapon")}
    case.level = classify(form.resolved, form.lasting, form.weapon)
    case.assessment_notes = form.notes
    case.assessed_at = now
    await case.save(update_fields=["answers", "level", "assessment_notes", "assessed_at"])
    await audit.record(
        user,
        "case.edited",
        case,
        part="assessment",
        before=before.value if before else None,
        after=case.level.value,
    )
    return {}


async def add_marker(user: User, case: Case, form: MarkerForm, now: datetime) -> dict[str, str]:
    """A pathway marker with the behaviour that supports it (a second time: the words change)."""
    if error := _stage_error(case, ASSESSMENT_ON):
        return {"form": error}
    marker = await CaseMarker.get_or_none(case_id=case.id, marker=form.marker)
    if marker is None:
        await CaseMarker.create(
            case=case, marker=form.marker, behaviour=form.behaviour, written_at=now
        )
    else:
        marker.behaviour = form.behaviour
        marker.written_at = now
        await marker.save(update_fields=["behaviour", "written_at"])
    await audit.record(user, "case.edited", case, part="markers", marker=form.marker.value)
    return {}


async def add_support(
    user: User, case: Case, form: SupportForm, today: date, now: datetime
) -> dict[str, str]:
    if error := _stage_error(case, MANAGEMENT_ON):
        return {"form": error}
    errors = {}
    if not await _on_team(case, form.owner):
        errors["owner"] = _("Choose someone on the case's team.")
    if form.due_on < today:
        errors["due_on"] = _("Choose a due date from today on.")
    if errors:
        return errors
    support = await CaseSupport.create(
        case=case,
        kind=form.kind,
        detail=form.detail,
        owner_id=form.owner,
        due_on=form.due_on,
        written_at=now,
    )
    await audit.record(user, "case.edited", case, part="plan", support=support.id)
    return {}


async def set_support(user: User, case: Case, support_id: int, to: SupportStatus) -> str | None:
    if error := _stage_error(case, MANAGEMENT_ON):
        return error
    support = await CaseSupport.get_or_none(id=support_id, case_id=case.id)
    if support is None:
        return _("That support is not in this case's plan.")
    if support.status != to:
        before = support.status
        support.status = to
        await support.save(update_fields=["status"])
        await audit.record(
            user,
            "case.edited",
            case,
            part="plan",
            support=support.id,
            before=before.value,
            after=to.value,
        )
    return None


async def set_review(user: User, case: Case, day: date, today: date) -> dict[str, str]:
    if error := _stage_error(case, MANAGEMENT_ON):
        return {"form": error}
    if day < today:
        return {"review_on": _("Choose a review date from today on.")}
    case.review_on = day
    await case.save(update_fields=["review_on"])
    await audit.record(user, "case.edited", case, part="review", review_on=day.isoformat())
    return {}


async def close(
    user: User, case: Case, form: CloseForm, today: date, now: datetime
) -> dict[str, str]:
    """Closes the case from any stage (a screening may find no threat), with a reason and a day
    to follow up. Closing before the first screening is that screening."""
    if case.stage == Stage.CLOSED:
        return {"form": _("This case is closed.")}
    if form.follow_up_on < today:
        return {"follow_up_on": _("Choose a follow-up date from today on.")}
    before = case.stage
    case.stage = Stage.CLOSED
    case.closure_reason = form.reason
    case.follow_up_on = form.follow_up_on
    case.closed_at = now
    case.screened_at = case.screened_at or now
    await case.save(
        update_fields=["stage", "closure_reason", "follow_up_on", "closed_at", "screened_at"]
    )
    await audit.record(user, "case.closed", case, before=before.value)
    return {}
