"""What the incident pages read: the list (open first), one incident with its schools and
command roles, and its timeline, newest first. The timeline reads the newest ``LIMIT`` of each
source by its (owner, time) index: log entries, links (alerts, reports), the answers to the
alerts among those links, the linked missing students' trips' check-ins and headcounts, the
linked checklist runs' steps; in a fixed number of queries, so it costs the same at 50 entries
as at 5,000."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, tzinfo
from typing import Any

from tortoise.queryset import QuerySet

from server.alerts.models import Alert, AlertRecipient
from server.checklists.answers import InvalidAnswer, find_item
from server.checklists.library import Library
from server.checklists.models import ChecklistAnswer, ChecklistRun
from server.checklists.present import present
from server.db import column
from server.incidents.models import (
    KIND_LABELS,
    MANAGERS,
    STATUS_LABELS,
    Incident,
    IncidentLink,
    IncidentLogEntry,
    IncidentRole,
    IncidentSchool,
    IncidentStatus,
    LinkKind,
)
from server.incidents.service import TRANSITIONS
from server.labels import CHECKIN_LABELS, REPORT_KIND_LABELS
from server.models import School, Site, User
from server.places.nearest import describe, nearest
from server.reports.models import Report
from server.team.models import FUNCTION_LABELS, TeamFunction, TeamSeat
from server.team.service import teams_for
from server.tenancy import scoped
from server.trips.lost import FOUND, alert_id
from server.trips.models import CheckIn, Headcount, LostStudent

LIMIT = 200  # timeline entries on the live page
STREAMS = 100  # missing students and checklist runs read for their trips' and steps' entries


@dataclass(frozen=True)
class Entry:
    at: datetime
    # "log", "alert", "answer", "report", "missing", "found", "checkin", "headcount" or "step"
    kind: str
    record: Any  # the log entry, Alert, AlertRecipient, Report, LostStudent, CheckIn, Headcount
    # or ChecklistAnswer
    alert: Alert | None = None  # an answer's alert; who said a student was found
    place: str = ""  # where, in words, when known
    run: ChecklistRun | None = None  # a step's run
    step: str = ""  # a step's question, in the reader's language
    answer: str = ""  # a step's answer, in words
    title: str = ""  # a step's checklist, in the reader's language


async def incidents(user: User) -> list[Incident]:
    """The district's incidents: open ones first, each group newest first."""
    found = await scoped(Incident, user).prefetch_related("school_links__school")
    return sorted(
        found, key=lambda i: (i.status == IncidentStatus.CLOSED, -i.opened_at.timestamp())
    )


# The kinds of entry the timeline can be filtered to ("lost": missing and found students).
SHOWN = ("log", "alert", "answer", "report", "lost", "checkin", "headcount", "step")
_SHOWN_AS = {"missing": "lost", "found": "lost"}


def _place(position: Any, sites: list[Site]) -> str:
    """A position in words ("280 m N of Lincoln Elementary"), or nothing."""
    if not position or not sites:
        return ""
    found = nearest((position["latitude"], position["longitude"]), sites)
    return describe(found.distance_m, found.bearing, found.site.name) if found else ""


@dataclass(frozen=True)
class Words:
    """What a timeline needs to put checklist steps in words (the checklists the runs ran)."""

    library: Library | None = None
    lang: str = "en"
    tz: tzinfo | None = None


PLAIN = Words()  # no checklists at hand: a step shows its item's id


async def _linked(incident: Incident, kind: LinkKind, limit: int) -> list[str]:
    """The newest records of ``kind`` the incident links, by the (incident, kind, time) index."""
    query = IncidentLink.filter(incident_id=incident.id, kind=kind).order_by("-at").limit(limit)
    return list(await column(query, "record_id"))


class _Rows:
    """The entries read so far, at most ``limit``: once that many are in hand, a source need
    read nothing older than the oldest of them (``newer``), so each reads only what can show."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.rows: list[tuple[datetime, str, Any]] = []

    def add(self, rows: list[tuple[datetime, str, Any]]) -> None:
        self.rows += rows
        self.rows.sort(key=lambda row: row[0], reverse=True)
        del self.rows[self.limit :]

    def newer(self, query: QuerySet[Any], field: str) -> QuerySet[Any]:
        if len(self.rows) < self.limit:
            return query
        return query.filter(**{f"{field}__gte": self.rows[-1][0]})


async def timeline(
    incident: Incident, only: str = "", limit: int = LIMIT, words: Words = PLAIN
) -> list[Entry]:
    """The newest ``limit`` entries, newest first; ``only`` one kind of entry (see SHOWN).

    What belongs is what the incident links (incidents.service, "What belongs"). Each source is
    read newest first, ``limit`` at most and none older than the page already holds, by an
    (owner, time) index: log entries; links (alerts, reports); answers to those alerts; the
    missing students linked (``STREAMS`` at most) and their trips' check-ins and headcounts up
    to the incident's close; the steps of the checklist runs linked (``STREAMS`` at most). Then
    who, the records and the district's sites (for places) are read only for what makes the
    page: a fixed number of queries, whatever the incident's size."""

    def want(*kinds: str) -> bool:
        return only == "" or only in kinds

    page = _Rows(limit)
    if want("log"):
        logs = IncidentLogEntry.filter(incident_id=incident.id).order_by("-at").limit(limit)
        page.add([(e.at, "log", e) for e in await logs])
    links: list[IncidentLink] = []
    if want("alert", "answer", "report"):
        query = IncidentLink.filter(incident_id=incident.id)
        if only in ("alert", "answer"):
            query = query.filter(kind=LinkKind.ALERT)
        elif only == "report":
            query = query.filter(kind=LinkKind.REPORT)
        links = await page.newer(query, "at").order_by("-at").limit(limit)
    alert_ids = [link.record_id for link in links if link.kind == LinkKind.ALERT]
    if want("alert"):
        page.add([(link.at, "alert", link.record_id) for link in links if link.kind == "alert"])
    if want("report"):
        page.add([(link.at, "report", link.record_id) for link in links if link.kind == "report"])
    if want("answer") and alert_ids:
        answers = AlertRecipient.filter(alert_id__in=alert_ids, responded_at__isnull=False)
        found = await page.newer(answers, "responded_at").order_by("-responded_at").limit(limit)
        page.add([(r.responded_at, "answer", r) for r in found if r.responded_at is not None])
    if want("lost", "checkin", "headcount"):
        await _trip_rows(incident, only, page)
    if want("step"):
        runs = await _linked(incident, LinkKind.RUN, STREAMS)
        if runs:
            steps = page.newer(ChecklistAnswer.filter(run_id__in=runs), "answered_at")
            found_steps = await steps.order_by("-answered_at").limit(limit)
            page.add([(a.answered_at, "step", a) for a in found_steps])
    return await _entries(incident, page.rows, words)


async def _trip_rows(incident: Incident, only: str, page: _Rows) -> None:
    """The missing students linked (reported, found) and their trips' check-ins and headcounts
    up to the incident's close."""
    lost_ids = await _linked(incident, LinkKind.LOST, STREAMS)
    if not lost_ids:
        return
    lost = await LostStudent.filter(id__in=lost_ids).prefetch_related("user", "student")
    if only in ("", "lost"):
        page.add([(one.started_at, "missing", one) for one in lost])
        page.add(
            [
                (one.found_at, "found", one)
                for one in lost
                if one.found_at is not None and one.same_as_id is None
            ]
        )
    trips = sorted({one.trip_id for one in lost})
    if only in ("", "checkin"):
        checkins = CheckIn.filter(trip_id__in=trips)
        if incident.closed_at:
            checkins = checkins.filter(at__lte=incident.closed_at)
        found = await page.newer(checkins, "at").order_by("-at").limit(page.limit)
        page.add([(c.at, "checkin", c) for c in found])
    if only in ("", "headcount"):
        counts = Headcount.filter(trip_id__in=trips)
        if incident.closed_at:
            counts = counts.filter(counted_at__lte=incident.closed_at)
        taken = await page.newer(counts, "counted_at").order_by("-counted_at").limit(page.limit)
        page.add([(h.counted_at, "headcount", h) for h in taken])


async def _entries(
    incident: Incident, shown: list[tuple[datetime, str, Any]], words: Words
) -> list[Entry]:
    """The page's entries, with who, the records they point at and places in words."""

    def of(kind: str) -> list[Any]:
        return [record for _at, k, record in shown if k == kind]

    logged, answered, checkins, counts, steps = (
        of(k) for k in ("log", "answer", "checkin", "headcount", "step")
    )
    if logged:
        await IncidentLogEntry.fetch_for_list(logged, "author")
    if answered:
        await AlertRecipient.fetch_for_list(answered, "user")
    if checkins:
        await CheckIn.fetch_for_list(checkins, "user", "stop")
    if counts:
        await Headcount.fetch_for_list(counts, "user")
    needed = set(of("alert")) | {str(r.alert_id) for r in answered}
    needed |= {str(alert_id(lost.id, FOUND)) for lost in of("found")}
    org = incident.organisation_id
    alerts: dict[str, Alert] = {}
    if needed:
        mine = Alert.filter(id__in=sorted(needed), organisation_id=org)
        alerts = {str(a.id): a for a in await mine.prefetch_related("raised_by")}
    reports: dict[str, Report] = {}
    if of("report"):
        found = Report.filter(id__in=of("report"), organisation_id=org)
        reports = {
            str(r.id): r for r in await found.prefetch_related("reported_by", "nearest_site")
        }
    runs: dict[Any, ChecklistRun] = {}
    if steps:
        chosen = ChecklistRun.filter(id__in={a.run_id for a in steps}, organisation_id=org)
        runs = {r.id: r for r in await chosen.prefetch_related("user", "school")}
    sites: list[Site] = []
    positioned = [*answered, *checkins, *counts, *of("missing")]
    if any(r.position for r in positioned):
        sites = await Site.filter(organisation_id=org)

    merged = []
    for at, kind, record in shown:
        if kind == "log":
            merged.append(Entry(at, kind, record))
        elif kind == "alert" and record in alerts:
            merged.append(Entry(at, kind, alerts[record]))
        elif kind == "answer" and (alert := alerts.get(str(record.alert_id))) is not None:
            merged.append(Entry(at, kind, record, alert, _place(record.position, sites)))
        elif kind == "report" and (report := reports.get(record)) is not None:
            merged.append(Entry(at, kind, report, place=_report_place(report)))
        elif kind == "missing":
            place = record.last_seen_where or _place(record.position, sites)
            merged.append(Entry(at, kind, record, place=place))
        elif kind == "found":  # with the alert that told everyone, and who sent it
            merged.append(Entry(at, kind, record, alerts.get(str(alert_id(record.id, FOUND)))))
        elif kind == "checkin":
            place = record.stop.name if record.stop else _place(record.position, sites)
            merged.append(Entry(at, kind, record, place=place))
        elif kind == "headcount":
            place = record.place or _place(record.position, sites)
            merged.append(Entry(at, kind, record, place=place))
        elif kind == "step" and (run := runs.get(record.run_id)) is not None:
            merged.append(_step(at, record, run, words))
    return merged


def _report_place(report: Report) -> str:
    site = report.nearest_site
    if site is not None and report.distance_m is not None:
        return describe(report.distance_m, report.bearing, site.name)
    return report.place_name


def _step(at: datetime, answer: ChecklistAnswer, run: ChecklistRun, words: Words) -> Entry:
    """A checklist step: its question and answer in words (the tourniquet's time, the caller's
    exact words), from the version of the checklist its run started on."""
    place = run.school.name if run.school else ""
    checklist = (
        words.library.get(run.checklist_id, run.checklist_version) if words.library else None
    )
    bare = Entry(at, "step", answer, place=place, run=run, step=answer.item_id)
    if checklist is None:
        return bare
    try:
        item = find_item(checklist, answer.item_id)
    except InvalidAnswer:
        return bare
    title, step = checklist.title.get(words.lang), item.text.get(words.lang)
    said = present(item, answer.value, words.lang, words.tz)
    return replace(bare, title=title, step=step, answer=said)


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


async def incident_view(
    user: User, incident: Incident, only: str = "", words: Words = PLAIN
) -> dict[str, Any]:
    """The live page; ``only`` filters its timeline to one kind of entry (anything else: all)."""
    only = only if only in SHOWN else ""
    schools = await School.filter(incident_links__incident_id=incident.id)
    manages = user.has_role(*MANAGERS)  # the team's other people read it and add to the log
    return {
        "manages": manages,
        "incident": incident,
        "schools": schools,
        "only": only,
        "timeline": await timeline(incident, only, words=words),
        "roles": await roles(incident, sorted(s.id for s in schools)),
        "moves": TRANSITIONS[incident.status] if manages else (),
        "people": await scoped(User, user).filter(active=True),
        "kind_labels": KIND_LABELS,
        "status_labels": STATUS_LABELS,
        "report_kinds": REPORT_KIND_LABELS,
        "checkin_labels": CHECKIN_LABELS,
    }


async def incident_of(organisation_id: int, kind: LinkKind, record_id: str) -> Incident | None:
    """The incident a record belongs to, if any (its page links to it)."""
    link = await IncidentLink.get_or_none(kind=kind, record_id=record_id)
    if link is None:
        return None
    return await Incident.get_or_none(id=link.incident_id, organisation_id=organisation_id)


async def open_choices(user: User) -> dict[str, Any]:
    return {"schools": await scoped(School, user), "kinds": list(KIND_LABELS.items())}


async def open_references(user: User) -> list[Incident]:
    """The district's open incidents, newest first, for a checklist run that asks which one it
    belongs to (the recovery checklist)."""
    return await scoped(Incident, user).exclude(status=IncidentStatus.CLOSED)


async def on_team_open(user: User) -> list[Incident]:
    """The open incidents whose team this person is on (``service.on_team``): a role filled in
    it, or a seat in the crisis team of one of its schools or the district's. For their home
    screen; the safety team and admins see every incident on theirs."""
    seats = await column(
        TeamSeat.filter(organisation_id=user.organisation_id, person_id=user.id), "school_id"
    )
    open_ones = scoped(Incident, user).exclude(status=IncidentStatus.CLOSED)
    if None in seats:  # the district's team covers every school
        return await open_ones.order_by("-opened_at")
    roles = IncidentRole.filter(person_id=user.id, incident__organisation_id=user.organisation_id)
    ids = set(await column(roles, "incident_id"))
    if seats:
        ids |= set(await column(IncidentSchool.filter(school_id__in=list(seats)), "incident_id"))
    return await open_ones.filter(id__in=sorted(ids)).order_by("-opened_at") if ids else []
