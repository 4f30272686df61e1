"""Every decision about reviews and improvement actions: writing a hot wash for an incident
(one a subject: a second try edits the first) or logging a near miss, keeping the figures
measured when it is saved; adding an action (an owner of the same organisation, a due day not
already past, a checklist that exists); and its status (the safety team and admins any; the
owner may mark their own done). Every change is audited. Takes no request, raises no HTTP
errors: a decision the page must show comes back as its errors."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from tortoise.exceptions import IntegrityError

from server import audit
from server.drills.models import Drill
from server.i18n import gettext as _
from server.incidents.models import Incident
from server.models import User
from server.reviews.forms import ActionForm, ReviewForm
from server.reviews.models import (
    WRITERS,
    ActionStatus,
    ImprovementAction,
    Review,
    ReviewKind,
    SubjectKind,
)
from server.reviews.queries import incident_of, measured, review_of
from server.tenancy import scoped


async def write_review(
    user: User,
    form: ReviewForm,
    incident: Incident | None,
    now: datetime,
    drill: Drill | None = None,
) -> Review:
    """A hot wash for ``incident`` or ``drill`` (its review, edited, when one is written
    already), or a near miss when there is neither. A drill's figures are measured from its own
    incident, given as ``incident``."""
    if incident is not None or drill is not None:
        existing = await review_of(user, incident, drill)
        if existing is not None:
            await edit_review(user, existing, form, now)
            return existing
    figures = (await measured(incident)).stored() if incident else {}
    if drill is not None:
        subject: tuple[SubjectKind | None, str | None] = (SubjectKind.DRILL, str(drill.id))
    elif incident is not None:
        subject = (SubjectKind.INCIDENT, str(incident.id))
    else:
        subject = (None, None)
    try:
        review = await Review.create(
            organisation_id=user.organisation_id,
            kind=ReviewKind.HOT_WASH if subject[0] else ReviewKind.NEAR_MISS,
            subject_kind=subject[0],
            subject_id=subject[1],
            title=form.title or (incident.reference if incident else ""),
            what_happened=form.what_happened,
            went_well=form.went_well,
            to_improve=form.to_improve,
            figures=figures,
            written_by_id=user.id,
            written_at=now,
            updated_at=now,
        )
    except IntegrityError:  # two people wrote it at once: the first one stands, edited
        existing = await review_of(user, incident, drill)
        assert existing is not None
        await edit_review(user, existing, form, now)
        return existing
    await audit.record(user, "review.written", review, kind=review.kind.value)
    return review


async def open_for(
    user: User, kind: SubjectKind, subject_id: str, title: str, prefill: ReviewForm, now: datetime
) -> Review:
    """The hot wash of a subject that measures nothing (a tabletop exercise): written with
    ``prefill`` the first time, the one already written after that (its words kept)."""
    found = await scoped(Review, user).get_or_none(subject_kind=kind, subject_id=subject_id)
    if found is not None:
        return found
    try:
        review = await Review.create(
            organisation_id=user.organisation_id,
            kind=ReviewKind.HOT_WASH,
            subject_kind=kind,
            subject_id=subject_id,
            title=prefill.title or title,
            what_happened=prefill.what_happened,
            went_well=prefill.went_well,
            to_improve=prefill.to_improve,
            written_by_id=user.id,
            written_at=now,
            updated_at=now,
        )
    except IntegrityError:  # opened twice at once: the first one stands
        return await scoped(Review, user).get(subject_kind=kind, subject_id=subject_id)
    await audit.record(user, "review.written", review, kind=review.kind.value, subject=kind.value)
    return review


async def edit_review(user: User, review: Review, form: ReviewForm, now: datetime) -> None:
    """New words, and the figures measured again (records from phones may have come in since)."""
    incident = await incident_of(user, review)  # a drill's: its own incident
    given = {
        "title": form.title or review.title,  # empty: the title it has (the reference)
        "what_happened": form.what_happened,
        "went_well": form.went_well,
        "to_improve": form.to_improve,
    }
    changed = [name for name, value in given.items() if getattr(review, name) != value]
    review.update_from_dict(given)
    if incident is not None:
        review.figures = (await measured(incident)).stored()
    review.updated_at = now
    await review.save()
    await audit.record(user, "review.edited", review, fields=changed)


async def add_action(
    user: User,
    form: ActionForm,
    review: Review | None,
    checklists: set[str],
    today: date,
    now: datetime,
) -> tuple[ImprovementAction | None, dict[str, str]]:
    """An action in the improvement plan; or the errors to show, one a field. ``review`` is the
    page's (it wins over the form's); ``today`` is the district's day."""
    errors: dict[str, str] = {}
    if not await scoped(User, user).filter(id=form.owner, active=True).exists():
        errors["owner"] = _("Choose the owner from the list of people.")
    if form.due_on < today:
        errors["due_on"] = _("Choose a due date from today on.")
    if form.checklist and form.checklist not in checklists:
        errors["checklist"] = _("Choose a checklist from the list.")
    if review is None and form.review is not None:
        review = await scoped(Review, user).get_or_none(id=form.review)
        if review is None:
            errors["review"] = _("Choose a review from the list.")
    if errors:
        return None, errors
    action = await ImprovementAction.create(
        organisation_id=user.organisation_id,
        review_id=review.id if review else None,
        prompted_by=form.prompted_by,
        description=form.description,
        owner_id=form.owner,
        due_on=form.due_on,
        checklist_id=form.checklist,
        created_by_id=user.id,
        created_at=now,
    )
    await audit.record(
        user,
        "action.added",
        action,
        owner=form.owner,
        due_on=form.due_on.isoformat(),
        review=action.review_id,
    )
    return action, {}


async def edit_action(
    user: User,
    action: ImprovementAction,
    form: ActionForm,
    checklists: set[str],
    today: date,
) -> dict[str, str]:
    """New words, owner, due day or checklist for an action; the errors to show, if any. A due
    day already past may stay as it was (an overdue action is edited, not hidden); a new one
    must be from today on. The review that prompted it stays: that is its history."""
    errors: dict[str, str] = {}
    if not await scoped(User, user).filter(id=form.owner, active=True).exists():
        errors["owner"] = _("Choose the owner from the list of people.")
    if form.due_on != action.due_on and form.due_on < today:
        errors["due_on"] = _("Choose a due date from today on.")
    if (
        form.checklist
        and form.checklist not in checklists
        and form.checklist != (action.checklist_id)
    ):
        errors["checklist"] = _("Choose a checklist from the list.")
    if errors:
        return errors
    given = {
        "description": form.description,
        "owner_id": form.owner,
        "due_on": form.due_on,
        "checklist_id": form.checklist,
        "prompted_by": form.prompted_by,
    }
    changed = [name for name, value in given.items() if getattr(action, name) != value]
    if changed:
        action.update_from_dict(given)
        await action.save(update_fields=list(given))
        await audit.record(
            user,
            "action.edited",
            action,
            fields=changed,
            owner=form.owner,
            due_on=form.due_on.isoformat(),
        )
    return {}


class Outcome(StrEnum):
    SET = "set"
    HIDDEN = "hidden"  # not theirs to see: the page answers as if it did not exist
    REFUSED = "refused"  # theirs, but not this status (an owner may only mark it done)


def may_set(user: User, action: ImprovementAction, to: ActionStatus) -> Outcome:
    """Admins and the safety team set any status; the owner may mark their own action done;
    nobody else sees it."""
    if user.organisation_id != action.organisation_id:
        return Outcome.HIDDEN
    if user.has_role(*WRITERS):
        return Outcome.SET
    if action.owner_id != user.id:
        return Outcome.HIDDEN
    return Outcome.SET if to == ActionStatus.DONE else Outcome.REFUSED


async def set_status(
    user: User, action: ImprovementAction, to: ActionStatus, now: datetime
) -> Outcome:
    """Moves an action to ``to`` when this person may. Setting the status it has already (two
    taps) changes nothing and is not audited again."""
    outcome = may_set(user, action, to)
    if outcome != Outcome.SET or action.status == to:
        return outcome
    before = action.status
    action.status = to
    action.closed_at = None if to == ActionStatus.OPEN else now
    await action.save(update_fields=["status", "closed_at"])
    await audit.record(user, "action.status", action, before=before.value, after=to.value)
    return outcome
