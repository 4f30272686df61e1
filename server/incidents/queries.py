"""What the incident pages read: the list (open first), one incident with its schools and
command roles, and its timeline, newest first. The timeline reads the newest ``LIMIT`` log
entries and links by the (incident, time) indexes, so it costs the same at 50 entries as at
5,000."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from server.alerts.models import Alert
from server.incidents.models import (
    KIND_LABELS,
    STATUS_LABELS,
    Incident,
    IncidentLink,
    IncidentLogEntry,
    IncidentRole,
    IncidentStatus,
    LinkKind,
)
from server.incidents.service import TRANSITIONS
from server.models import School, User
from server.team.models import FUNCTION_LABELS, TeamFunction
from server.team.service import teams_for
from server.tenancy import scoped

LIMIT = 200  # timeline entries on the live page


@dataclass(frozen=True)
class Entry:
    at: datetime
    kind: str  # "log" or "alert"
    record: Any  # the IncidentLogEntry or the Alert


async def incidents(user: User) -> list[Incident]:
    """The district's incidents: open ones first, each group newest first."""
    found = await scoped(Incident, user).prefetch_related("school_links__school")
    return sorted(
        found, key=lambda i: (i.status == IncidentStatus.CLOSED, -i.opened_at.timestamp())
    )


SHOWN = ("log", "alert")  # the kinds of entry the timeline can be filtered to


async def timeline(incident: Incident, only: str = "", limit: int = LIMIT) -> list[Entry]:
    """The newest ``limit`` entries, newest first; ``only`` one kind of entry (see SHOWN)."""
    entries: list[IncidentLogEntry] = []
    links: list[IncidentLink] = []
    if only in ("", "log"):
        entries = (
            await IncidentLogEntry.filter(incident_id=incident.id)
            .order_by("-at")
            .limit(limit)
            .prefetch_related("author")
        )
    if only in ("", "alert"):
        links = await IncidentLink.filter(incident_id=incident.id).order_by("-at").limit(limit)
    alert_ids = [link.record_id for link in links if link.kind == LinkKind.ALERT]
    alerts = {
        str(a.id): a
        for a in await Alert.filter(
            id__in=alert_ids, organisation_id=incident.organisation_id
        ).prefetch_related("raised_by")
    }
    merged = [Entry(e.at, "log", e) for e in entries]
    merged += [
        Entry(link.at, "alert", alerts[link.record_id])
        for link in links
        if link.record_id in alerts
    ]
    merged.sort(key=lambda e: e.at, reverse=True)
    return merged[:limit]


@dataclass(frozen=True)
class RoleRow:
    function: TeamFunction
    label: str  # marked for translation
    person: User | None  # who holds it now (the latest assignment)
    directory: list[User]  # who the directory has for it at these schools, in order


async def roles(incident: Incident, school_ids: list[int]) -> list[RoleRow]:
    """Each command function with who holds it now, and who the directory names for it."""
    held: dict[str, User] = {}
    for role in (
        await IncidentRole.filter(incident_id=incident.id)
        .order_by("-assigned_at", "-id")
        .prefetch_related("person")
    ):
        held.setdefault(role.function, role.person)
    planned = await teams_for(incident.organisation_id, school_ids)
    return [RoleRow(f, FUNCTION_LABELS[f], held.get(f), planned[f]) for f in TeamFunction]


async def incident_view(user: User, incident: Incident, only: str = "") -> dict[str, Any]:
    """The live page; ``only`` filters its timeline to one kind of entry (anything else: all)."""
    only = only if only in SHOWN else ""
    schools = await School.filter(incident_links__incident_id=incident.id)
    return {
        "incident": incident,
        "schools": schools,
        "only": only,
        "timeline": await timeline(incident, only),
        "roles": await roles(incident, sorted(s.id for s in schools)),
        "moves": TRANSITIONS[incident.status],
        "people": await scoped(User, user).filter(active=True),
        "kind_labels": KIND_LABELS,
        "status_labels": STATUS_LABELS,
    }


async def open_choices(user: User) -> dict[str, Any]:
    return {"schools": await scoped(School, user), "kinds": list(KIND_LABELS.items())}
