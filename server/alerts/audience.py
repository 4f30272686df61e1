"""Who an alert goes to: the typed audience a caller gives ``raise_alert`` (kept with the alert
as ``Alert.audience``), and the people it resolves to."""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from typing import Any

from server.db import column
from server.models import School, Site, User
from server.push.models import PushSubscription
from server.team.models import TeamFunction
from server.team.service import district_answers, teams_for, who_answers


@dataclass(frozen=True)
class Team:
    """A crisis team: a school's (``school_id``) or the district's (None); one ``function`` of
    it, or the whole team (None)."""

    school_id: int | None = None
    function: TeamFunction | None = None


@dataclass(frozen=True)
class Audience:
    """Who an alert goes to. The named people (``user_ids``) when given; else the people holding
    one of the ``notify`` roles (every role when empty) within ``school_ids`` or the school of
    ``site_id``, else within the whole organisation (see ``resolve_audience``). ``trip_id`` is
    the field trip it concerns: give the trip's people as ``user_ids``, or its school."""

    notify: list[str] = field(default_factory=list)
    school_ids: list[int] | None = None
    site_id: int | None = None
    trip_id: int | None = None
    user_ids: list[int] | None = None
    team: Team | None = None

    @property
    def scope(self) -> str:
        if self.team is not None:
            return "team"
        if self.trip_id is not None and self.user_ids is not None:
            return "trip"  # a trip's own people
        if self.user_ids is not None:
            return "people"
        if self.site_id is not None:
            return "site"
        if self.school_ids is not None:
            return "schools"
        return "trip" if self.trip_id is not None else "organisation"

    def kept(self) -> dict[str, Any]:
        """Who it went to, as kept with the alert (``Alert.audience``)."""
        kept: dict[str, Any] = {"scope": self.scope}
        for key in ("school_ids", "site_id", "user_ids"):
            if (value := getattr(self, key)) is not None:
                kept[key] = value
        if self.team is not None:
            function = self.team.function.value if self.team.function else None
            kept["team"] = {"school_id": self.team.school_id, "function": function}
        return kept

    def nobody(self) -> Audience:
        """The same alert reaching no one (a practice alert): still about its trip."""
        return replace(self, user_ids=[], school_ids=None, site_id=None, team=None)


async def team_chain(organisation_id: int, team: Team) -> tuple[list[int], list[int]]:
    """Who a team alert goes to now, and who later if nobody answers. One function: its primary
    now and its backups (the school's, then the district team's) later; all of them now when
    the primary has no phone that takes alerts. The whole team: everyone seated in it,
    primaries and backups, plus the district team for a school's, all now. Empty when nobody
    fills it, or the school isn't the organisation's."""
    school = None
    if team.school_id is not None:
        school = await School.get_or_none(id=team.school_id, organisation_id=organisation_id)
        if school is None:
            return [], []
    if team.function is None:
        seated = await teams_for(organisation_id, [school.id] if school else [])
        return sorted({p.id for people in seated.values() for p in people}), []
    if school is not None:
        people = await who_answers(team.function, school)
    else:
        people = await district_answers(team.function, organisation_id)
    if not people:
        return [], []
    if await PushSubscription.filter(user_id=people[0].id).exists():
        return [people[0].id], [p.id for p in people[1:]]
    return [p.id for p in people], []


async def team_people(organisation_id: int, team: Team) -> list[int]:
    """Who a team alert goes to at once (``team_chain``)."""
    return (await team_chain(organisation_id, team))[0]


async def callout_people(organisation_id: int, school_ids: list[int]) -> list[int]:
    """Who a crisis team call-out reaches: at each school, every function's first person in
    the order ``who_answers`` calls them (the school's primary, its backups, then the district
    team's), and the rest of them at once when that first person has no phone that takes
    alerts, as for an alert to one function. Empty when nobody fills any function."""
    chains: list[list[int]] = []
    for school_id in sorted(set(school_ids)):
        seated = await teams_for(organisation_id, [school_id])
        chains += [[p.id for p in people] for people in seated.values() if people]
    firsts = {chain[0] for chain in chains}
    reachable = set(await column(PushSubscription.filter(user_id__in=sorted(firsts)), "user_id"))
    found = {
        person for chain in chains for person in (chain[:1] if chain[0] in reachable else chain)
    }
    return sorted(found)


async def resolve_audience(
    organisation_id: int, audience: Audience, *, exclude: int | None = None
) -> list[int]:
    """The active people an alert goes to, sender excluded.

    Named people (``user_ids``) are taken as they are. Otherwise the people holding one of the
    ``notify`` roles (every role when empty): in the whole organisation, or, for schools (or a
    site's school), the members of those schools plus the people who belong to no school:
    district staff, such as the safety lead, who cover every school. A site with no school (the
    bus depot, a venue) reaches the whole organisation."""
    notify, school_ids = audience.notify, audience.school_ids
    people = User.filter(organisation_id=organisation_id, active=True)
    if audience.team is not None:  # the primary sending to their own function: the backups now
        now, later = await team_chain(organisation_id, audience.team)
        return [n for n in (now if now != [exclude] else later) if n != exclude]
    if audience.user_ids is not None:
        found = await column(people.filter(id__in=audience.user_ids), "id")
        return sorted(set(found) - {exclude})
    if audience.site_id is not None:
        site = await Site.get_or_none(id=audience.site_id, organisation_id=organisation_id)
        school_ids = [site.school_id] if site and site.school_id else None
    if notify:
        wanted = await _holding(organisation_id, set(notify))
    else:
        wanted = set(await column(people, "id"))
    if school_ids is not None:
        members = await people.filter(schools__id__in=school_ids).values_list("id", flat=True)
        schoolless = await people.filter(schools__id__isnull=True).values_list("id", flat=True)
        wanted &= set(members) | set(schoolless)
    return sorted(wanted - {exclude})


async def _holding(organisation_id: int, roles: set[str]) -> set[int]:
    """The organisation's active people holding one of ``roles``. A district's people share a
    handful of role lists: each is read once, not once a person (an alert to 10,000 phones
    decoded 10,000 copies of ``["staff"]``)."""
    db = User._meta.db
    marks = ("?", "?") if db.capabilities.dialect == "sqlite" else ("$1", "$2")
    active = User._meta.fields_map["active"].to_db_value(True, User)
    rows = await db.execute_query_dict(
        f'SELECT id, roles FROM "user" WHERE organisation_id = {marks[0]} AND active = {marks[1]}',
        [organisation_id, active],
    )
    held: dict[str, bool] = {}
    wanted = set()
    for row in rows:
        raw = row["roles"]  # JSON text on SQLite and asyncpg
        text = raw if isinstance(raw, str) else json.dumps(raw)
        if text not in held:
            held[text] = bool(roles.intersection(_decoded(text)))
        if held[text]:
            wanted.add(row["id"])
    return wanted


def _decoded(text: str) -> list[str]:
    value = json.loads(text)
    return [str(role) for role in value] if isinstance(value, list) else []
