"""The one-hold team call-out from an incident's live page: who may call out the team (the safety
team and admins, and whoever holds the incident commander's role now), who it reaches (each of
the incident's schools' crisis team, ``alerts.audience.callout_people``), and the alert itself,
carrying the incident's reference and linked into its timeline. A module of its own because
``alerts.service`` already calls into ``incidents.service`` (the join rule). Takes no request
and raises no HTTP errors."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from server import audit
from server.alerts.audience import Audience, callout_people
from server.alerts.models import Alert, AlertRecipient
from server.alerts.service import raise_alert
from server.db import column
from server.incidents.models import (
    MANAGERS,
    Incident,
    IncidentLink,
    IncidentRole,
    IncidentSchool,
    IncidentStatus,
    LinkKind,
)
from server.models import School, User
from server.push.worker import wake
from server.team.models import TeamFunction

KIND = "team-callout"


async def commander(incident: Incident) -> int | None:
    """Who holds the incident commander's role now (the latest assignment), if anyone."""
    role = (
        await IncidentRole.filter(incident_id=incident.id, function=TeamFunction.COMMANDER)
        .order_by("-assigned_at", "-id")
        .first()
    )
    return role.person_id if role else None


async def may_call_out(user: User, incident: Incident) -> bool:
    """The safety team and admins of the incident's district, and its commander of the day;
    never for a drill's own incident (the drill's alert went out already: a call-out from it
    would be a real alert to the crisis team)."""
    if user.organisation_id != incident.organisation_id or incident.drill:
        return False
    return user.has_role(*MANAGERS) or await commander(incident) == user.id


async def reached(incident: Incident, caller: User) -> list[User]:
    """The people a call-out by ``caller`` would reach now, for the page to name: never the
    caller (an alert never reaches its sender), so a team of one is not offered as a team."""
    schools = await column(IncidentSchool.filter(incident_id=incident.id), "school_id")
    ids = [i for i in await callout_people(incident.organisation_id, schools) if i != caller.id]
    return await User.filter(id__in=ids, organisation_id=incident.organisation_id, active=True)


class Outcome(StrEnum):
    SENT = "sent"
    ALREADY = "already"  # this very call-out (its id) was sent before: a second tap, a reload
    CLOSED = "closed"  # a closed incident calls nobody out
    NOBODY = "nobody"  # nobody but the caller fills the team directory for its schools


@dataclass(frozen=True)
class CallOut:
    outcome: Outcome
    alert: Alert | None = None
    people: int = 0


async def call_out(user: User, incident: Incident, callout_id: uuid.UUID, now: datetime) -> CallOut:
    """Alerts the incident's crisis team, with its reference, and links the alert into its
    timeline. ``callout_id`` is made when the page is shown, so a form sent twice alerts once.
    The caller checks ``may_call_out`` first."""
    if await Alert.filter(id=callout_id).exists():
        return CallOut(Outcome.ALREADY)
    if incident.status == IncidentStatus.CLOSED:
        return CallOut(Outcome.CLOSED)
    school_ids = await column(IncidentSchool.filter(incident_id=incident.id), "school_id")
    people = await callout_people(incident.organisation_id, school_ids)
    if not [p for p in people if p != user.id]:
        return CallOut(Outcome.NOBODY)
    names = await column(School.filter(id__in=school_ids).order_by("name"), "name")
    try:
        alert = await _send(user, incident, callout_id, people, names, now)
    except IntegrityError:  # the same form, sent twice at once: the other one won
        return CallOut(Outcome.ALREADY)
    wake()  # out at once: nothing waits on an undo
    return CallOut(Outcome.SENT, alert, await AlertRecipient.filter(alert_id=alert.id).count())


async def _send(
    user: User,
    incident: Incident,
    callout_id: uuid.UUID,
    people: list[int],
    names: list[str],
    now: datetime,
) -> Alert:
    async with in_transaction():
        alert = await raise_alert(
            organisation_id=incident.organisation_id,
            raised_by_id=user.id,
            kind=KIND,
            audience=Audience(user_ids=people),
            raised_at=now,
            alert_id=callout_id,
            source={"callout": True, "incident": incident.id, "reference": incident.reference},
            where={"schools": names, "incident": incident.reference},
        )
        # The join rule links only emergencies with schools; a call-out is neither, so it is
        # linked here (and never twice: a record belongs to one incident).
        linked = await IncidentLink.filter(kind=LinkKind.ALERT, record_id=str(alert.id)).exists()
        if not linked:
            await IncidentLink.create(
                incident_id=incident.id, kind=LinkKind.ALERT, record_id=str(alert.id), at=now
            )
        await audit.record(
            user, "incident.called_out", incident, reference=incident.reference, alert=str(alert.id)
        )
    return alert


async def callout_view(incident: Incident, caller: User) -> dict[str, object]:
    """What the call-out button and its confirm page show: a new call-out's id, and whom it
    would reach now."""
    return {"callout_id": uuid.uuid4(), "callout_people": await reached(incident, caller)}
