"""Every decision about an incident: opening one (by hand, or from an emergency alert by the
join rule), its references (INC-2026-0001, per organisation and year), the status workflow
(active -> stabilised -> recovery -> closed, with a flare-up going back to active), filling its
command roles, and who is on its team. Takes no request and raises no HTTP errors."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Awaitable
from dataclasses import dataclass
from datetime import datetime, timedelta

from tortoise.transactions import in_transaction

from server import audit
from server.alerts.kinds import Severity
from server.alerts.models import Alert
from server.checklists.models import ChecklistRun
from server.db import column
from server.i18n import gettext as _
from server.incidents.forms import OpenForm, RoleForm
from server.incidents.models import (
    MANAGERS,
    STATUS_LABELS,
    Incident,
    IncidentKind,
    IncidentLink,
    IncidentRole,
    IncidentSchool,
    IncidentStatus,
    LinkKind,
)
from server.incidents.references import named
from server.models import Organisation, School, Site, User
from server.reports.models import Report
from server.team.service import holds_a_seat
from server.tenancy import scoped
from server.trips.models import LostStudent, Trip

log = logging.getLogger("muster.incidents")

OPEN = (IncidentStatus.ACTIVE, IncidentStatus.STABILISED, IncidentStatus.RECOVERY)
# Where an incident may go from each status: one step on, or back to active when it flares up;
# an active one may close at once (a false alarm). Closed is final.
TRANSITIONS: dict[IncidentStatus, tuple[IncidentStatus, ...]] = {
    IncidentStatus.ACTIVE: (IncidentStatus.STABILISED, IncidentStatus.CLOSED),
    IncidentStatus.STABILISED: (IncidentStatus.RECOVERY, IncidentStatus.ACTIVE),
    IncidentStatus.RECOVERY: (IncidentStatus.CLOSED, IncidentStatus.ACTIVE),
    IncidentStatus.CLOSED: (),
}


def may_move(current: IncidentStatus, to: IncidentStatus) -> bool:
    return to in TRANSITIONS[current]


async def _one_at_a_time(organisation_id: int) -> None:
    """Holds the district's row until the transaction ends (PostgreSQL; SQLite writes one at a
    time anyway), so the join rule and the next reference number are decided by one process at
    a time: two emergencies raised at one moment in two web processes opened two incidents, or
    lost one alert's link to a clash of reference numbers. "No key": the rows this transaction
    already wrote that point at the district (the alert) hold a lock a full update would wait
    on, a deadlock between two such transactions."""
    await Organisation.select_for_update(no_key=True).filter(id=organisation_id).first()


async def _next_number(organisation_id: int, year: int) -> int:
    last = (
        await Incident.filter(organisation_id=organisation_id, year=year)
        .order_by("-number")
        .first()
    )
    return last.number + 1 if last else 1


async def _create(
    organisation_id: int,
    kind: IncidentKind,
    school_ids: list[int],
    opened_at: datetime,
    opened_by_id: int | None,
    title: str = "",
    drill: bool = False,
) -> Incident:
    """A new incident with the next reference of its year (the year in UTC: the alert path
    has no district clock at hand, and one rule numbers both paths)."""
    async with in_transaction():
        await _one_at_a_time(organisation_id)  # opened by hand too: the number is taken once
        year = opened_at.year
        incident = await Incident.create(
            organisation_id=organisation_id,
            year=year,
            number=await _next_number(organisation_id, year),
            kind=kind,
            title=title,
            opened_at=opened_at,
            opened_by_id=opened_by_id,
            drill=drill,
        )
        await IncidentSchool.bulk_create(
            [IncidentSchool(incident_id=incident.id, school_id=s) for s in sorted(set(school_ids))]
        )
    return incident


async def open_incident(
    user: User, form: OpenForm, now: datetime
) -> tuple[Incident | None, dict[str, str]]:
    """The safety team opens an incident by hand: the incident, or the errors to show."""
    known = set(await column(scoped(School, user).filter(id__in=form.schools), "id"))
    if not set(form.schools) <= known:
        return None, {"schools": _("Choose schools from the list.")}
    incident = await _create(
        user.organisation_id, form.kind, form.schools, now, user.id, form.title
    )
    await audit.record(user, "incident.opened", incident, reference=incident.reference)
    return incident, {}


async def open_for_drill(
    user: User, kind: IncidentKind, school_id: int, title: str, alert: Alert, now: datetime
) -> Incident:
    """A drill's own incident (marked drill), linking the drill's alert: its class accounting,
    observers' runs and review figures are held here by the paths incidents already have;
    nothing else joins it (``attach``, the join rule)."""
    incident = await _create(user.organisation_id, kind, [school_id], now, user.id, title, True)
    await _link(incident, [(LinkKind.ALERT, str(alert.id), alert.raised_at)])
    await audit.record(user, "incident.opened", incident, reference=incident.reference, drill=True)
    return incident


async def close_for_drill(user: User, incident: Incident, now: datetime) -> None:
    """A drill's incident closes with its drill, from whatever phase its all clear left it in:
    the teachers' phones drop their roster copies."""
    if not incident.drill or incident.status == IncidentStatus.CLOSED:
        return
    before = incident.status
    incident.status, incident.closed_at = IncidentStatus.CLOSED, now
    await incident.save(update_fields=["status", "closed_at"])
    await audit.record(user, "incident.status", incident, before=before.value, after="closed")


async def change_status(
    user: User, incident: Incident, to: IncidentStatus, now: datetime
) -> tuple[bool, str]:
    """Moves the incident on (or back to active); whether it moved, and what to tell them."""
    if incident.status == to:  # two taps, two people: already done
        return False, _("The incident is already %(status)s.") % {
            "status": _(STATUS_LABELS[to]).lower()
        }
    if not may_move(incident.status, to):
        return False, _("An incident that is %(now)s can't become %(to)s.") % {
            "now": _(STATUS_LABELS[incident.status]).lower(),
            "to": _(STATUS_LABELS[to]).lower(),
        }
    before = incident.status
    incident.status = to
    incident.closed_at = now if to == IncidentStatus.CLOSED else None
    await incident.save(update_fields=["status", "closed_at"])
    await audit.record(user, "incident.status", incident, before=before.value, after=to.value)
    return True, _("The incident is now %(status)s.") % {"status": _(STATUS_LABELS[to]).lower()}


async def assign_role(
    user: User, incident: Incident, form: RoleForm, now: datetime
) -> dict[str, str]:
    """Fills a command role for the day; the errors to show, if any."""
    if incident.status == IncidentStatus.CLOSED:
        return {"person": _("This incident is closed: its roles can't change.")}
    if not await scoped(User, user).filter(id=form.person, active=True).exists():
        return {"person": _("Choose people from the list.")}
    await IncidentRole.create(
        incident_id=incident.id,
        function=form.function,
        person_id=form.person,
        assigned_by_id=user.id,
        assigned_at=now,
    )
    await audit.record(
        user, "incident.role", incident, function=form.function.value, person=form.person
    )
    return {}


# A person's looks at one incident within this long of their last are one look, when all they do
# is keep the live page open (see ``viewed``).
WATCHING = timedelta(minutes=10)


async def viewed(user: User, incident: Incident, now: datetime, refresh: bool = False) -> None:
    """A look at an incident, audited. Opening its page is always a look. The live page then
    refreshes its timeline every few seconds for as long as it stays open: auditing each refresh
    would write 720 entries an hour for one screen left open on a desk, and bury the looks that
    matter. Auditing none would let the timeline be read through the fragment alone, off the
    record. So a refresh is a look only when this person has none of this incident on record in
    the last ``WATCHING``: a screen left open writes at most six an hour."""
    if refresh and await audit.seen_since(user, "incident.viewed", incident, now - WATCHING):
        return
    detail = {"refresh": True} if refresh else {}
    await audit.record(user, "incident.viewed", incident, reference=incident.reference, **detail)


async def handed_off(user: User, incident: Incident, form: str, count: int) -> None:
    """The timeline printed (``form`` "print") or exported ("csv") for a handoff: audited, with
    how many entries it held."""
    action = "incident.printed" if form == "print" else "incident.exported"
    await audit.record(user, action, incident, reference=incident.reference, count=count)


async def on_team(user: User, incident: Incident) -> bool:
    """Whether ``user`` may add to the incident's log: the safety team and admins, anyone in
    the directory for one of its schools (or district-wide), anyone given a role in it."""
    if user.organisation_id != incident.organisation_id:
        return False
    if user.has_role(*MANAGERS):
        return True
    if await IncidentRole.filter(incident_id=incident.id, person_id=user.id).exists():
        return True
    schools = await column(IncidentSchool.filter(incident_id=incident.id), "school_id")
    return await holds_a_seat(user, schools)


# The join rule: an emergency-severity alert for a school joins that school's open incident,
# or opens one. ``decide_join`` is the rule alone (no database); ``join_or_open`` applies it.


@dataclass(frozen=True)
class Join:
    incident_id: int | None  # None: open a new incident for ``school_ids``
    school_ids: list[int]


def decide_join(
    severity: str,
    practice: bool,
    drill: bool,
    school_ids: list[int],
    open_incidents: dict[int, list[int]],
) -> Join | None:
    """What an alert does to incidents. ``open_incidents`` maps each open incident of the
    organisation (oldest first) to its schools. Only a real (not practice, not drill) alert of
    emergency severity for at least one school counts; it joins the oldest open incident that
    shares a school with it, else opens a new one for its schools."""
    if severity != Severity.EMERGENCY or practice or drill or not school_ids:
        return None
    for incident_id, schools in open_incidents.items():
        if set(schools) & set(school_ids):
            return Join(incident_id, sorted(set(school_ids)))
    return Join(None, sorted(set(school_ids)))


KIND_OF_ALERT = {k.value: k for k in IncidentKind}
KIND_OF_ALERT |= {"panic": IncidentKind.THREAT, "silent": IncidentKind.THREAT}


async def _alert_schools(alert: Alert) -> list[int]:
    """The schools an alert is for: its audience's, its site's school's, or its trip's school."""
    audience = alert.audience or {}
    ids = [i for i in audience.get("school_ids") or [] if isinstance(i, int)]
    if not ids and isinstance(audience.get("site_id"), int):
        site = await Site.get_or_none(id=audience["site_id"], organisation_id=alert.organisation_id)
        ids = [site.school_id] if site and site.school_id else []
    if not ids and alert.trip_id is not None:  # a trip's alert (a missing student): its school
        trip = await Trip.get_or_none(id=alert.trip_id, organisation_id=alert.organisation_id)
        ids = [trip.school_id] if trip else []
    return ids


# What belongs to an incident (the one rule; the timeline reads only what it links):
# - an emergency alert, a missing student, a "need help" answer or a report the team escalates,
#   for a school, joins that school's oldest open incident or opens one (``decide_join``);
# - a report filed at one of an open incident's schools, seen at or after the incident opened,
#   joins it (``attach``), as does a checklist run (not practice) at such a school with a step
#   answered in that time, or whose alert joined it (the call script: its words typed before);
#   a run that names its incident (the recovery checklist's context) joins that one instead;
# - a missing student's trip brings its check-ins and headcounts (up to the incident's close).
# Each record belongs to one incident (IncidentLink's unique kind and record).

Link = tuple[LinkKind, str, datetime]  # what to link: its kind, its id, its time


async def _open_incidents(organisation_id: int) -> dict[int, list[int]]:
    """Each open incident of the organisation (oldest first) with its schools."""
    rows = (
        await IncidentSchool.filter(
            incident__organisation_id=organisation_id, incident__status__in=OPEN
        )
        .exclude(incident__drill=True)  # a drill's own incident: no real alert joins it
        .order_by("incident__opened_at", "incident_id")
        .values_list("incident_id", "school_id")
    )
    found: dict[int, list[int]] = {}
    for incident_id, school_id in rows:
        found.setdefault(incident_id, []).append(school_id)
    return found


async def _link(incident: Incident, links: list[Link]) -> None:
    """Links each record not yet in an incident (a record belongs to the first it joined)."""
    for kind, record_id, at in links:
        if not await IncidentLink.exists(kind=kind, record_id=record_id):
            await IncidentLink.create(
                incident_id=incident.id, kind=kind, record_id=record_id, at=at
            )


async def _apply(
    join: Join | None,
    open_incidents: dict[int, list[int]],
    organisation_id: int,
    kind: IncidentKind,
    at: datetime,
    by_id: int | None,
    links: list[Link],
) -> Incident | None:
    if join is None:
        return None
    if join.incident_id is None:
        incident = await _create(organisation_id, kind, join.school_ids, at, by_id)
    else:
        incident = await Incident.get(id=join.incident_id)
        have = set(open_incidents[incident.id])
        await IncidentSchool.bulk_create(  # the record's other schools join with it
            [
                IncidentSchool(incident_id=incident.id, school_id=s)
                for s in join.school_ids
                if s not in have
            ]
        )
    await _link(incident, links)
    return incident


async def join_or_open_for(
    organisation_id: int,
    school_ids: list[int],
    kind: IncidentKind,
    at: datetime,
    by_id: int | None,
    links: list[Link],
) -> Incident | None:
    """The join rule for a record that is an emergency in itself (a missing student, "need
    help", a report the team escalates): the incident it joined or opened, None for no school."""
    await _one_at_a_time(organisation_id)
    open_incidents = await _open_incidents(organisation_id)
    join = decide_join(Severity.EMERGENCY, False, False, school_ids, open_incidents)
    return await _apply(join, open_incidents, organisation_id, kind, at, by_id, links)


async def join_or_open(alert: Alert) -> Incident | None:
    """Applies the join rule to a newly raised alert: the incident it joined or opened. The
    checklist run that raised it joins with it (its steps, e.g. the caller's exact words)."""
    school_ids = await _alert_schools(alert)
    await _one_at_a_time(alert.organisation_id)
    open_incidents = await _open_incidents(alert.organisation_id)
    join = decide_join(alert.severity, alert.practice, alert.drill, school_ids, open_incidents)
    links: list[Link] = [(LinkKind.ALERT, str(alert.id), alert.raised_at)]
    run = await _run_of(alert)
    if run is not None:
        links.append((LinkKind.RUN, str(run.id), run.started_at))
    kind = KIND_OF_ALERT.get(alert.kind, IncidentKind.OTHER)
    org, at, by = alert.organisation_id, alert.raised_at, alert.raised_by_id
    return await _apply(join, open_incidents, org, kind, at, by, links)


async def _run_of(alert: Alert) -> ChecklistRun | None:
    run_id = alert.source.get("run_id") if isinstance(alert.source, dict) else None
    if not isinstance(run_id, str):
        return None
    try:
        key = uuid.UUID(run_id)
    except ValueError:
        return None
    return await ChecklistRun.get_or_none(
        id=key, organisation_id=alert.organisation_id, practice=False
    )


async def attach(
    organisation_id: int,
    school_id: int | None,
    kind: LinkKind,
    record_id: str,
    at: datetime,
    shown_at: datetime | None = None,
) -> Incident | None:
    """A record that opens nothing joins the oldest open incident of its school that was open
    at ``at`` (see "What belongs"), in its timeline at ``shown_at`` (default ``at``); None when
    there is none, or it is already in one."""
    if school_id is None or await IncidentLink.exists(kind=kind, record_id=record_id):
        return None
    incident = (
        await Incident.filter(
            organisation_id=organisation_id,
            status__in=OPEN,
            opened_at__lte=at,
            school_links__school_id=school_id,
            drill=False,  # only records that name a drill's incident join it
        )
        .order_by("opened_at", "id")
        .first()
    )
    if incident is not None:
        await _link(incident, [(kind, record_id, shown_at or at)])
    return incident


async def _quietly(what: str, work: Awaitable[object]) -> None:
    """Incident bookkeeping in its own savepoint: the field write it follows must stand
    whatever happens here, so a failure is logged and never raised."""
    try:
        async with in_transaction():
            await work
    except Exception:
        log.exception("incident bookkeeping for %s failed", what)


async def after_lost(lost: LostStudent, trip: Trip) -> None:
    """A missing student opens or joins the incident of the trip's school (its alert usually
    has already; a second phone's report of the same student raises none, and joins too)."""
    await _quietly(
        f"missing student {lost.id}",
        join_or_open_for(
            trip.organisation_id,
            [trip.school_id],
            IncidentKind.MISSING,
            lost.started_at,
            lost.user_id,
            [(LinkKind.LOST, str(lost.id), lost.started_at)],
        ),
    )


async def after_help(alert: Alert, answerer: User, school_ids: list[int], at: datetime) -> None:
    """ "Need help" answered to a real alert is an emergency where that person is: it opens or
    joins the incident of the alert's schools (else the answerer's), linking the alert, so the
    answer and its place show in the timeline even when the alert itself opened nothing."""
    if alert.practice or alert.drill or alert.cancelled_at is not None:
        return

    async def work() -> None:
        if await IncidentLink.exists(kind=LinkKind.ALERT, record_id=str(alert.id)):
            return  # already in an incident: the answer shows there
        schools = await _alert_schools(alert) or school_ids
        kind = KIND_OF_ALERT.get(alert.kind, IncidentKind.OTHER)
        await join_or_open_for(
            alert.organisation_id,
            schools,
            kind,
            at,
            answerer.id,
            [(LinkKind.ALERT, str(alert.id), alert.raised_at)],
        )

    await _quietly(f"need help on alert {alert.id}", work())


async def after_report(report: Report) -> None:
    """A report filed at a school during its open incident joins it."""
    seen = report.seen_at
    await _quietly(
        f"report {report.id}",
        attach(report.organisation_id, report.school_id, LinkKind.REPORT, str(report.id), seen),
    )


async def after_steps(runs: list[tuple[ChecklistRun, datetime]]) -> None:
    """Runs with a step just answered: each (not practice) joins the incident it names (a
    recovery run's context), else its school's open incident."""
    for run, at in runs:
        if not run.practice:
            await _quietly(f"checklist run {run.id}", _join_run(run, at))


async def _join_run(run: ChecklistRun, at: datetime) -> Incident | None:
    reference = run.context.get("incident") if isinstance(run.context, dict) else None
    incident = await named(run.organisation_id, str(reference)) if reference else None
    if incident is None:  # no incident named, or none of the district's: the school's rule
        return await attach(
            run.organisation_id, run.school_id, LinkKind.RUN, str(run.id), at, run.started_at
        )
    return await _join_named(run, incident, at)


async def _join_named(run: ChecklistRun, incident: Incident, at: datetime) -> Incident | None:
    """A run that names its incident joins that one, while it is open (or closed after this
    step: a phone that was offline catches up)."""
    closed = incident.status == IncidentStatus.CLOSED
    if closed and (incident.closed_at is None or at > incident.closed_at):
        return None
    if await IncidentLink.exists(kind=LinkKind.RUN, record_id=str(run.id)):
        return None
    await _link(incident, [(LinkKind.RUN, str(run.id), run.started_at)])
    return incident


async def escalate_report(user: User, report: Report, now: datetime) -> tuple[Incident | None, str]:
    """The safety team escalates a report: it joins its school's open incident or opens one.
    The incident, and what to tell them."""
    known = await IncidentLink.get_or_none(kind=LinkKind.REPORT, record_id=str(report.id))
    if known is not None:
        already = await Incident.get(id=known.incident_id)
        return already, _("This report is already in %(reference)s.") % {
            "reference": already.reference
        }
    if report.school_id is None:
        return None, _("This report is near no school: open an incident by hand.")
    async with in_transaction():
        incident = await join_or_open_for(
            user.organisation_id,
            [report.school_id],
            IncidentKind.THREAT,
            now,
            user.id,
            [(LinkKind.REPORT, str(report.id), report.seen_at)],
        )
        assert incident is not None  # a school: the join rule always answers
        await audit.record(user, "incident.escalated", incident, report=str(report.id))
    return incident, _("The report is in %(reference)s.") % {"reference": incident.reference}


async def all_clear(alert: Alert) -> Incident | None:
    """An all clear for an alert in an incident joins its timeline, and ends the incident's
    active phase (active -> stabilised) once none of its emergency alerts is still going."""
    ends = alert.source.get("ends") if isinstance(alert.source, dict) else None
    if alert.kind != "all-clear" or not isinstance(ends, str):
        return None
    link = await IncidentLink.get_or_none(kind=LinkKind.ALERT, record_id=ends)
    if link is None:
        return None
    incident = await Incident.get(id=link.incident_id)
    await IncidentLink.create(
        incident_id=incident.id, kind=LinkKind.ALERT, record_id=str(alert.id), at=alert.raised_at
    )
    if incident.status != IncidentStatus.ACTIVE:
        return incident
    linked = await column(
        IncidentLink.filter(incident_id=incident.id, kind=LinkKind.ALERT), "record_id"
    )
    going = Alert.filter(
        id__in=[uuid.UUID(i) for i in linked],
        severity=Severity.EMERGENCY,
        ended_at__isnull=True,
        cancelled_at__isnull=True,
    )
    if not await going.exists():
        incident.status = IncidentStatus.STABILISED
        await incident.save(update_fields=["status"])
        by = await User.get(id=alert.raised_by_id)
        await audit.record(
            by, "incident.status", incident, before="active", after="stabilised", all_clear=ends
        )
    return incident


async def after_alert(alert: Alert) -> None:
    """The hook ``raise_alert`` calls: the join rule, in its own savepoint. An emergency alert
    must go out whatever happens here, so a failure is logged and never raised."""
    try:
        async with in_transaction():
            await join_or_open(alert)
            await all_clear(alert)
    except Exception:
        log.exception("joining alert %s to an incident failed", alert.id)
