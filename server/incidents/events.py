"""``incident.logged``: a line of an incident's log, typed on a phone by anyone on its team,
perhaps with no signal; it takes its place in the timeline at the time it was typed."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from server.db import column
from server.edge import Text
from server.events.registry import Payload, Pending, Sender, event_type
from server.i18n import gettext as _
from server.incidents.models import Incident, IncidentLogEntry, IncidentStatus
from server.incidents.service import on_team
from server.tenancy import RecordId


class IncidentLogged(Payload):
    entry_id: UUID
    incident_id: RecordId
    text: Annotated[str, Text(2000, lines=True)]


@event_type("incident.logged", IncidentLogged)
async def incident_logged(batch: list[Pending], sender: Sender) -> None:
    """Only the incident's team adds to its log (to anyone else it is not known). A closed
    incident takes only lines typed before it closed (a phone that was offline catches up)."""
    user = sender.user
    ids = [p.payload.entry_id for p in batch]
    known = set(await column(IncidentLogEntry.filter(id__in=ids), "id"))
    incidents = {
        i.id: i
        for i in await Incident.filter(
            id__in=[p.payload.incident_id for p in batch], organisation_id=user.organisation_id
        )
    }
    team = {i: await on_team(user, incident) for i, incident in incidents.items()}
    for p in batch:
        f: IncidentLogged = p.payload
        incident = incidents.get(f.incident_id)
        if incident is None or not team[incident.id]:
            p.reject(_("This incident is not known here."))
        elif f.entry_id in known:
            p.reject(_("This log entry was already recorded."))
        elif (
            incident.status == IncidentStatus.CLOSED
            and incident.closed_at is not None
            and p.occurred_at > incident.closed_at
        ):
            p.reject(_("This incident was closed before this entry was written."))
        else:
            known.add(f.entry_id)
            await IncidentLogEntry.create(
                id=f.entry_id,
                incident_id=incident.id,
                author_id=user.id,
                text=f.text,
                at=p.occurred_at,
            )
