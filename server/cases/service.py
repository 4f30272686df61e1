"""Every decision about opening a case and its team: intake from a concern, a tip, a report,
an incident or by hand (``open_case``, the one way a case begins), the identification record,
moving along the four stages, and who is on the team (chosen from the school's threat
assessment team; the IEP/504 flag brings in its special-education lead). Every change is
audited with what changed, never the words. Takes no request, raises no HTTP errors."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from tortoise.transactions import in_transaction

from server import audit
from server.cases import access
from server.cases.forms import IdentificationForm
from server.cases.models import Case, CaseMember, SourceKind, Stage
from server.cases.rules import next_stage
from server.i18n import gettext as _
from server.models import School, User
from server.team.models import TeamFunction
from server.team.service import who_answers
from server.tenancy import scoped


@dataclass(frozen=True)
class Intake:
    """What a case starts from. ``source_id`` names the concern, tip, report or incident."""

    school_id: int
    subject: str
    summary: str
    source_kind: SourceKind = SourceKind.HAND
    source_id: str = ""
    contacts: str = ""
    exact_words: str = ""
    sources: str = ""
    iep: bool = False


async def open_case(user: User, intake: Intake, now: datetime) -> Case | None:
    """A new case at identification, its opener on its team (with the school's special-education
    lead when the IEP/504 flag is set); None when ``user`` may not open one at that school (a
    member of its threat assessment team, or a lead) or the school is not the district's."""
    school = await scoped(School, user).get_or_none(id=intake.school_id)
    if school is None or not await access.on_threat_team(user, school.id):
        return None
    async with in_transaction():
        case = await Case.create(
            organisation_id=user.organisation_id,
            school_id=school.id,
            source_kind=intake.source_kind,
            source_id=intake.source_id,
            subject=intake.subject,
            contacts=intake.contacts,
            summary=intake.summary,
            exact_words=intake.exact_words,
            sources=intake.sources,
            iep=intake.iep,
            opened_by_id=user.id,
            opened_at=now,
        )
        await CaseMember.create(case=case, person_id=user.id, added_at=now)
        if intake.iep:
            await _bring_special_education(user, case, now)
        await audit.record(
            user, "case.opened", case, source=intake.source_kind.value, source_id=intake.source_id
        )
    return case


async def _bring_special_education(user: User, case: Case, now: datetime) -> User | None:
    """The school's special-education lead (its primary, else the first backup), onto the team."""
    people = await who_answers(TeamFunction.SPECIAL_EDUCATION, await case.school)
    if not people:
        return None
    lead = people[0]
    _member, made = await CaseMember.get_or_create(
        case=case, person_id=lead.id, defaults={"added_at": now, "special_education": True}
    )
    if made:
        await audit.record(user, "case.team_added", case, person=lead.id, special_education=True)
    return lead


async def identify(
    user: User, case: Case, form: IdentificationForm, now: datetime
) -> dict[str, str]:
    """The identification record, changed (the errors to show, if any)."""
    if case.stage == Stage.CLOSED:
        return {"form": _("This case is closed.")}
    given = form.model_dump()
    changed = [name for name, value in given.items() if getattr(case, name) != value]
    if not changed:
        return {}
    case.update_from_dict(given)
    await case.save(update_fields=list(given))
    await audit.record(user, "case.edited", case, part="identification", fields=changed)
    if "iep" in changed and case.iep:
        await _bring_special_education(user, case, now)
    return {}


def move_error(case: Case, to: Stage) -> str | None:
    """Why the case can't move to ``to`` now, or None: one stage at a time, in order; a case is
    classified before it is managed; closing has its own form (a reason and a follow-up)."""
    if case.stage == Stage.CLOSED:
        return _("This case is closed.")
    if to != next_stage(case.stage):
        return _("Move the case one stage at a time, in order.")
    if to == Stage.MANAGEMENT and case.level is None:
        return _("Classify the threat before planning its management.")
    return None


async def move(user: User, case: Case, to: Stage, now: datetime) -> str | None:
    """Moves the case on; the reason it can't, if any. Leaving identification is the first
    screening: the triage clock stops."""
    error = move_error(case, to)
    if error:
        return error
    before = case.stage
    case.stage = to
    if before == Stage.IDENTIFICATION and case.screened_at is None:
        case.screened_at = now
    await case.save(update_fields=["stage", "screened_at"])
    await audit.record(user, "case.stage", case, before=before.value, after=to.value)
    return None


async def add_member(user: User, case: Case, person_id: int, now: datetime) -> str | None:
    """Adds someone from the school's threat assessment team; the reason not, if any."""
    if person_id not in {p.id for p in await access.candidates(case)}:
        return _("Choose someone from the school's threat assessment team.")
    _member, made = await CaseMember.get_or_create(
        case=case, person_id=person_id, defaults={"added_at": now}
    )
    if made:
        await audit.record(user, "case.team_added", case, person=person_id)
    return None


async def remove_member(user: User, case: Case, person_id: int) -> str | None:
    """Takes someone off the team; a case always keeps one named person."""
    members = CaseMember.filter(case_id=case.id)
    if not await members.filter(person_id=person_id).exists():
        return _("That person is not on this case's team.")
    if await members.count() == 1:
        return _("A case keeps at least one person on its team.")
    await members.filter(person_id=person_id).delete()
    await audit.record(user, "case.team_removed", case, person=person_id)
    return None
