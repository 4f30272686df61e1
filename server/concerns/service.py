"""Every decision about concerns: storing one raised from a phone (and, when someone may be in
danger now, alerting the school's threat assessment team at once), and who may read them: admins
and the safety team, every look written to the audit log. Anyone else is told nothing, not even
that a concern exists (the routes answer 404). Takes no request, raises no HTTP errors.

Who reads them is who the danger-now alert reaches (``threat_team``), so nobody is alerted to a
page they can't open: admins and the safety team, the district's threat assessment team, and a
school's threat assessment team for that school's concerns."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from server import audit
from server.alerts.audience import Audience, Team, team_people
from server.alerts.service import raise_alert
from server.concerns import queries
from server.concerns.forms import ConcernRaised
from server.concerns.models import READERS, Concern
from server.models import Role, School, User
from server.team.models import TeamFunction
from server.team.service import seats_of
from server.tenancy import scoped


@dataclass(frozen=True)
class Reach:
    """Whose concerns (and tips) a person may read: every school's, or those of ``school_ids``."""

    everywhere: bool
    school_ids: frozenset[int] = frozenset()

    def covers(self, school_id: int | None) -> bool:
        return self.everywhere or school_id in self.school_ids


async def reach(user: User) -> Reach | None:
    """What ``user`` may read of the district's concerns; None: nothing, not even the list."""
    if user.has_role(*READERS):
        return Reach(everywhere=True)
    seats = await seats_of(user, TeamFunction.THREAT_ASSESSMENT)
    if None in seats:  # the district's team covers every school
        return Reach(everywhere=True)
    schools = frozenset(school for school in seats if school is not None)
    return Reach(everywhere=False, school_ids=schools) if schools else None


async def raise_concern(
    user: User,
    data: ConcernRaised,
    happened_at: datetime,
    raised_at: datetime,
    school_id: int | None,
) -> Concern:
    """Store a concern; when someone may be in danger now, alert the school's threat assessment
    team (its primary, or everyone in it when the primary has no phone for alerts; the district's
    team when the school has none; the school's safety team and admins when nobody fills it)."""
    concern = await Concern.create(
        id=data.concern_id,
        organisation_id=user.organisation_id,
        raised_by_id=user.id,
        school_id=school_id,
        what=data.what,
        exact_words=data.exact_words,
        place=data.place,
        happened_at=happened_at,
        witnesses=data.witnesses,
        how_known=data.how_known,
        how_known_detail=data.how_known_detail,
        danger_now=data.danger_now,
        raised_at=raised_at,
    )
    if data.danger_now:
        concern.team_alert = await _alert_team(user, concern)
        await Concern.filter(id=concern.id).update(team_alert=concern.team_alert)
    return concern


async def threat_team(organisation_id: int, school_id: int | None) -> Audience:
    """Whom a danger-now concern alerts: the threat assessment function of the school's team
    (or the district's, with no school), else the safety team and admins of the school."""
    team = Team(school_id, TeamFunction.THREAT_ASSESSMENT)
    if await team_people(organisation_id, team):
        return Audience([Role.SAFETY.value, Role.ADMIN.value], team=team)
    schools = [school_id] if school_id is not None else None
    return Audience([Role.SAFETY.value, Role.ADMIN.value], school_ids=schools)


async def _alert_team(user: User, concern: Concern) -> uuid.UUID:
    school = await School.get_or_none(id=concern.school_id) if concern.school_id else None
    alert = await raise_alert(
        organisation_id=concern.organisation_id,
        raised_by_id=user.id,
        kind="threat-concern",
        audience=await threat_team(concern.organisation_id, concern.school_id),
        raised_at=concern.raised_at,
        source={"concern_id": str(concern.id)},
        # where it is, so the team can act; what was said stays in the concern, for its readers
        where={"schools": [school.name] if school else [], "site": concern.place[:120]},
    )
    return alert.id


async def read(user: User, raw_id: str) -> Concern | None:
    """The concern ``raw_id`` for a reader (audited), else None. A look by someone who may not
    read concerns is audited too when the concern exists, and answered as if it didn't."""
    try:
        key = uuid.UUID(raw_id)
    except ValueError:
        return None
    concern = await scoped(Concern, user).get_or_none(id=key)
    if concern is None:
        return None
    readable = await reach(user)
    if readable is None or not readable.covers(concern.school_id):
        await audit.record(user, "concern.refused", concern)
        return None
    await audit.record(user, "concern.viewed", concern)
    await concern.fetch_related("raised_by", "school")
    return concern


async def listed(user: User) -> list[Concern] | None:
    """The newest concerns for a reader, the look audited with how many it showed; None for
    anyone else (audited too: they asked)."""
    readable = await reach(user)
    if readable is None:
        await audit.record(user, "concerns.refused", user)
        return None
    found = await queries.newest(user, None if readable.everywhere else readable.school_ids)
    await audit.record(user, "concerns.listed", user, count=len(found))
    return found
