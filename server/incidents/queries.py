"""What the incident pages read: the list (open first), one incident with its schools and
command roles, and its timeline, newest first. The timeline reads the newest ``LIMIT`` log
entries and links by the (incident, time) indexes, and the answers to the alerts among those
links, in a handful of queries, so it costs the same at 50 entries as at 5,000."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from server.alerts.models import Alert, AlertRecipient
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
from server.models import School, Site, User
from server.places.nearest import describe, nearest
from server.team.models import FUNCTION_LABELS, TeamFunction
from server.team.service import teams_for
from server.tenancy import scoped

LIMIT = 200  # timeline entries on the live page


@dataclass(frozen=True)
class Entry:
    at: datetime
    kind: str  # "log", "alert" or "answer"
    record: Any  # the IncidentLogEntry, the Alert or the AlertRecipient (with its answer)
    alert: Alert | None = None  # an answer's alert
    place: str = ""  # an answer's place in words, when it carried a position


async def incidents(user: User) -> list[Incident]:
    """The district's incidents: open ones first, each group newest first."""
    found = await scoped(Incident, user).prefetch_related("school_links__school")
    return sorted(
        found, key=lambda i: (i.status == IncidentStatus.CLOSED, -i.opened_at.timestamp())
    )


SHOWN = ("log", "alert", "answer")  # the kinds of entry the timeline can be filtered to


def _place(position: Any, sites: list[Site]) -> str:
    """An answer's position in words ("280 m N of Lincoln Elementary"), or nothing."""
    if not position or not sites:
        return ""
    found = nearest((position["latitude"], position["longitude"]), sites)
    return describe(found.distance_m, found.bearing, found.site.name) if found else ""


async def timeline(incident: Incident, only: str = "", limit: int = LIMIT) -> list[Entry]:
    """The newest ``limit`` entries, newest first; ``only`` one kind of entry (see SHOWN).

    Log entries and links are read newest first, ``limit`` of each; answers (safe / need help)
    to the alerts among those links, only as far back as the page can reach. Who wrote or
    answered, the alerts and the district's sites (for an answer's place) are read only for
    what makes the page: seven queries at most, whatever the incident's size."""
    shown: list[tuple[datetime, str, Any]] = []
    links: list[IncidentLink] = []
    if only in ("", "log"):
        logs = await IncidentLogEntry.filter(incident_id=incident.id).order_by("-at").limit(limit)
        shown += [(e.at, "log", e) for e in logs]
    if only in ("", "alert", "answer"):
        links = await IncidentLink.filter(incident_id=incident.id).order_by("-at").limit(limit)
    alert_ids = [link.record_id for link in links if link.kind == LinkKind.ALERT]
    if only in ("", "alert"):
        shown += [
            (link.at, "alert", link.record_id) for link in links if link.kind == LinkKind.ALERT
        ]
    if only in ("", "answer") and alert_ids:
        answers = AlertRecipient.filter(alert_id__in=alert_ids, responded_at__isnull=False)
        if len(shown) >= limit:  # an answer older than the page's oldest entry can't make it
            shown.sort(key=lambda row: row[0], reverse=True)
            answers = answers.filter(responded_at__gte=shown[limit - 1][0])
        found = await answers.order_by("-responded_at").limit(limit)
        shown += [(r.responded_at, "answer", r) for r in found if r.responded_at is not None]
    shown.sort(key=lambda row: row[0], reverse=True)
    shown = shown[:limit]

    logged = [record for _at, kind, record in shown if kind == "log"]
    answered = [record for _at, kind, record in shown if kind == "answer"]
    if logged:
        await IncidentLogEntry.fetch_for_list(logged, "author")
    if answered:
        await AlertRecipient.fetch_for_list(answered, "user")
    needed = {record for _at, kind, record in shown if kind == "alert"}
    needed |= {str(r.alert_id) for r in answered}
    alerts: dict[str, Alert] = {}
    if needed:
        mine = Alert.filter(id__in=sorted(needed), organisation_id=incident.organisation_id)
        alerts = {str(a.id): a for a in await mine.prefetch_related("raised_by")}
    sites: list[Site] = []
    if any(r.position for r in answered):
        sites = await Site.filter(organisation_id=incident.organisation_id)

    merged = []
    for at, kind, record in shown:
        if kind == "log":
            merged.append(Entry(at, kind, record))
        elif kind == "alert" and record in alerts:
            merged.append(Entry(at, kind, alerts[record]))
        elif kind == "answer" and (alert := alerts.get(str(record.alert_id))) is not None:
            merged.append(Entry(at, kind, record, alert, _place(record.position, sites)))
    return merged


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


async def open_references(user: User) -> list[Incident]:
    """The district's open incidents, newest first, for a checklist run that asks which one it
    belongs to (the recovery checklist)."""
    return await scoped(Incident, user).exclude(status=IncidentStatus.CLOSED)
