"""Need-to-know: who may see a case. Its team (named people, chosen from the school's threat
assessment team in the directory) and the district's threat-assessment leads; nobody else, not
other admins, not the rest of the safety team. Everyone else is told the case doesn't exist (the
routes answer 404, never 403), and each attempt is written to the audit log.

A lead is whoever fills the district-wide "Threat assessment team" function in the directory
(server/team/). Why that and not a role: roles are broad (every admin would read every case),
while a directory seat is named, ordered and already audited when changed (``team.changed``),
and the district-wide team is already who covers every school (``team.service.who_answers``)."""

from __future__ import annotations

from server import audit
from server.cases.models import Case, CaseMember
from server.db import column
from server.models import User
from server.team.models import TeamFunction, TeamSeat
from server.team.service import who_answers
from server.tenancy import MAX_ID, scoped


async def is_lead(user: User) -> bool:
    return await TeamSeat.filter(
        organisation_id=user.organisation_id,
        school_id=None,
        function=TeamFunction.THREAT_ASSESSMENT,
        person_id=user.id,
    ).exists()


async def on_threat_team(user: User, school_id: int | None = None) -> bool:
    """Whether ``user`` fills the threat assessment function at ``school_id`` (any school when
    None) or district-wide: those may open a case there."""
    seats = TeamSeat.filter(
        organisation_id=user.organisation_id,
        function=TeamFunction.THREAT_ASSESSMENT,
        person_id=user.id,
    )
    if school_id is not None:
        return await seats.filter(school_id=school_id).exists() or await is_lead(user)
    return await seats.exists()


async def is_member(user: User, case: Case) -> bool:
    return await CaseMember.filter(case_id=case.id, person_id=user.id).exists()


async def may_see(user: User, case: Case) -> bool:
    if not user.active or user.organisation_id != case.organisation_id:
        return False
    return await is_member(user, case) or await is_lead(user)


async def find(user: User, raw_id: int, action: str, **detail: object) -> Case | None:
    """The case ``raw_id`` when ``user`` may see it, the look audited as ``action`` (none: an
    edit, which its service audits); else None, the attempt audited as ``case.refused`` when
    the case exists."""
    if not 0 < raw_id <= MAX_ID:
        return None
    case = await scoped(Case, user).get_or_none(id=raw_id)
    if case is None:
        return None
    if not await may_see(user, case):
        await audit.record(user, "case.refused", case, tried=action or "case.edit")
        return None
    if action:
        await audit.record(user, action, case, **detail)
    return case


async def refused(user: User) -> None:
    """A look at the case pages by someone with no case to see: audited, on the person."""
    await audit.record(user, "cases.refused", user)


async def may_list(user: User) -> bool:
    """The case list is for leads, the threat assessment teams and anyone on a case."""
    if await on_threat_team(user):
        return True
    return await CaseMember.filter(person_id=user.id).exists()


async def visible(user: User) -> list[int]:
    """The ids of the cases ``user`` may see."""
    if await is_lead(user):
        return await column(scoped(Case, user), "id")
    return await column(CaseMember.filter(person_id=user.id), "case_id")


async def candidates(case: Case) -> list[User]:
    """Who may join the case's team: the school's threat assessment team in the directory (and
    the district's), plus its special-education lead when the student has an IEP or 504."""
    school = await case.school
    people = await who_answers(TeamFunction.THREAT_ASSESSMENT, school)
    if case.iep:
        people += await who_answers(TeamFunction.SPECIAL_EDUCATION, school)
    return list({p.id: p for p in people}.values())
