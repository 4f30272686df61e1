"""What drill pages read: the school year's standing of every school on every required kind,
the drills of the year, a drill's figures measured from its DRILL alert's answers (server
times, never typed), the CSV a district hands its state, and a leader's next drills for the
home screen."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from statistics import median
from typing import Any

from tortoise.expressions import Q

from server.accounting.tally import all_reported
from server.alerts.models import Alert, AlertRecipient
from server.checklists.models import ChecklistAnswer, ChecklistRun
from server.drills.models import (
    KIND_LABELS,
    PLANNERS,
    STATUS_LABELS,
    Drill,
    DrillKind,
    DrillStatus,
)
from server.drills.rules import STATE_LABELS, Rule, Standing, school_year, standing
from server.drills.service import rules_of
from server.i18n import N_, ngettext
from server.i18n import gettext as _
from server.incidents.models import IncidentLink, LinkKind
from server.models import Organisation, School, User
from server.reviews.queries import p90
from server.tenancy import scoped

SOON_DAYS = 7  # a leader's home shows the drills they lead within this many days

# The observers' checklist (checklists/drill-observation.yaml): one run a room or area, each
# check a yes or no (a "no" is a room that failed it), and the seconds the room took to be
# secure, as the observer timed it.
OBSERVATION = "drill-observation"
ROOM = "room"
CHECKS = ("door-locked", "lights-off", "windows-covered", "out-of-sight", "silent")
SECURE = "time-to-secure"


@dataclass(frozen=True)
class Row:
    school: School
    kind: DrillKind
    standing: Standing


async def year_of(user: User, today: date, wanted: int | None = None) -> tuple[date, date]:
    """The school year that holds ``today``, or the one starting in year ``wanted``."""
    starts = (await Organisation.get(id=user.organisation_id)).school_year_starts
    first, _last = school_year(today, starts)
    if wanted is not None and 2000 <= wanted <= 2200:
        first, _last = school_year(date(wanted, starts, 1), starts)
    return school_year(first, starts)


async def standings(user: User, year: tuple[date, date], today: date) -> list[Row]:
    """Every school against every kind the district requires, in the year."""
    rules = {k: r for k, r in (await rules_of(user.organisation_id)).items() if r.per_year}
    if not rules:
        return []
    in_year = Q(planned_on__gte=year[0], planned_on__lte=year[1]) | Q(
        held_on__gte=year[0], held_on__lte=year[1]
    )
    drills = await (
        scoped(Drill, user)
        .filter(in_year, status__not=DrillStatus.CANCELLED)
        .values("school_id", "kind", "status", "planned_on", "held_on")
    )
    rows = []
    for school in await scoped(School, user).order_by("name"):
        for kind in DrillKind:
            rule: Rule | None = rules.get(kind)
            if rule is None:
                continue
            mine = [d for d in drills if d["school_id"] == school.id and d["kind"] == kind]
            held = [d["held_on"] for d in mine if d["held_on"] is not None]
            planned = [d["planned_on"] for d in mine if d["status"] == DrillStatus.PLANNED]
            rows.append(Row(school, kind, standing(rule, held, planned, year, today)))
    return rows


async def drills_in(user: User, year: tuple[date, date]) -> list[Drill]:
    return (
        await scoped(Drill, user)
        .filter(planned_on__gte=year[0], planned_on__lte=year[1])
        .prefetch_related("school", "leader")
        .order_by("planned_on", "id")
    )


@dataclass(frozen=True)
class Figures:
    """Seconds from the DRILL alert going out; None: nobody answered (nothing to measure)."""

    reached: int  # people the alert went to
    answered: int
    first_s: int | None
    median_s: int | None
    p90_s: int | None
    lasted_s: int | None  # start to end
    classes: int = 0  # the school's classes, when the drill asked for accounting
    reported: int = 0  # of them, reported by their teacher
    accounted_s: int | None = None  # until the last class reported; None: not all have
    rooms: int = 0  # rooms or areas observers checked
    failed: tuple[tuple[str, tuple[str, ...]], ...] = ()  # each failed room, and its failed checks
    secured: int = 0  # rooms with a time to secure
    secure_median_s: int | None = None  # the middle room's time to secure
    slowest: tuple[str, int] | None = None  # the room slowest to be secure, and its time


@dataclass(frozen=True)
class Room:
    """A room or area as its observers saw it: the checks it failed, and its time to secure
    (None: nobody timed it)."""

    failed: tuple[str, ...]
    secure_s: int | None


async def figures(drill: Drill) -> Figures | None:
    """Measured from the drill's alert: each person's first answer, each class's first report
    and the observers' checks, every time on the server's clock (a phone's own clock corrected
    when its events came in)."""
    if drill.alert_id is None:
        return None
    alert = await Alert.get_or_none(id=drill.alert_id, organisation_id=drill.organisation_id)
    if alert is None:
        return None
    out = alert.send_after or alert.raised_at
    answers = await AlertRecipient.filter(alert_id=alert.id).values("first_responded_at")
    firsts: list[datetime] = [a["first_responded_at"] for a in answers if a["first_responded_at"]]
    times = sorted(max(0, round((at - out).total_seconds())) for at in firsts)
    lasted = None
    if drill.started_at and drill.ended_at:
        lasted = round((drill.ended_at - drill.started_at).total_seconds())
    classes = reported = 0
    accounted_s = None
    rooms: dict[str, Room] = {}
    if drill.incident_id is not None:
        classes, reported, last = await all_reported(drill.incident_id, [drill.school_id])
        if last is not None:
            accounted_s = max(0, round((last - out).total_seconds()))
        rooms = await observed(drill.incident_id)
    return Figures(
        reached=len(answers),
        answered=len(times),
        first_s=times[0] if times else None,
        median_s=round(median(times)) if times else None,
        p90_s=p90(times),
        lasted_s=lasted,
        classes=classes,
        reported=reported,
        accounted_s=accounted_s,
        rooms=len(rooms),
        failed=tuple((name, room.failed) for name, room in sorted(rooms.items()) if room.failed),
        **_secured(rooms),
    )


def _secured(rooms: dict[str, Room]) -> dict[str, Any]:
    """The observers' times to secure: how many rooms were timed, the middle room's time and
    the slowest room (the first by name of those as slow)."""
    timed = sorted(
        (room.secure_s, name) for name, room in rooms.items() if room.secure_s is not None
    )
    if not timed:
        return {}
    top = timed[-1][0]
    slowest = min(name for secs, name in timed if secs == top)
    return {
        "secured": len(timed),
        "secure_median_s": round(median(s for s, _name in timed)),
        "slowest": (slowest, top),
    }


async def observed(incident_id: int) -> dict[str, Room]:
    """Each room or area the drill's observers checked (runs of the observation checklist that
    joined the drill's incident, not practice, not discarded), with the checks it failed and its
    time to secure: the latest answer to each item stands; a room checked twice fails what
    either run failed, and took the longer of its two times."""
    linked = await IncidentLink.filter(incident_id=incident_id, kind=LinkKind.RUN).values_list(
        "record_id", flat=True
    )
    runs = await ChecklistRun.filter(
        id__in=[str(r) for r in linked],
        checklist_id=OBSERVATION,
        practice=False,
        discarded_at__isnull=True,
    ).values_list("id", flat=True)
    answers: dict[Any, dict[str, Any]] = {run: {} for run in runs}
    for run_id, item, stored in (
        await ChecklistAnswer.filter(run_id__in=list(answers), item_id__in=[ROOM, *CHECKS, SECURE])
        .order_by("answered_at", "id")
        .values_list("run_id", "item_id", "stored")
    ):
        answers[run_id][item] = stored.get("value") if isinstance(stored, dict) else None
    rooms: dict[str, Room] = {}
    for given in answers.values():
        name = str(given.get(ROOM) or "").strip()
        if not name:
            continue
        before = rooms.get(name, Room((), None))
        failed = {c for c in CHECKS if given.get(c) is False} | set(before.failed)
        secure = given.get(SECURE)
        times = [before.secure_s] if before.secure_s is not None else []
        if isinstance(secure, int | float) and not isinstance(secure, bool):
            times.append(round(secure))
        rooms[name] = Room(tuple(c for c in CHECKS if c in failed), max(times, default=None))
    return rooms


def _seconds(value: int | None) -> str:
    if value is None:
        return _("not measured")
    return ngettext("%(num)s second", "%(num)s seconds", value) % {"num": value}


async def review_draft(drill: Drill) -> dict[str, str]:
    """The words a drill's review opens with, from its measured figures: a title, what
    happened (the answers, the classes, the rooms checked) and, to improve, each room that
    failed a check. The writer edits them; the figures themselves are kept with the review."""
    await drill.fetch_related("school")
    kind = _(KIND_LABELS[drill.kind])
    day = (drill.held_on or drill.planned_on).isoformat()
    title = _("%(kind)s drill") % {"kind": kind} + f" · {drill.school.name} · {day}"
    found = await figures(drill)
    if found is None:
        return {"title": title, "what_happened": "", "to_improve": ""}
    lines = [
        _("Answered: %(answered)s of %(reached)s.")
        % {"answered": found.answered, "reached": found.reached},
        _("First answer: %(first)s. Half had answered by %(median)s; nine in ten by %(p90)s.")
        % {
            "first": _seconds(found.first_s),
            "median": _seconds(found.median_s),
            "p90": _seconds(found.p90_s),
        },
    ]
    if found.classes:
        lines.append(
            _("Classes reported: %(n)s of %(total)s; every class accounted for by %(time)s.")
            % {"n": found.reported, "total": found.classes, "time": _seconds(found.accounted_s)}
        )
    lines.append(
        _("Rooms observed: %(rooms)s; rooms that failed a check: %(failed)s.")
        % {"rooms": found.rooms, "failed": len(found.failed)}
    )
    if found.slowest is not None:
        lines.append(
            _(
                "Time to secure, as observers timed it: half the rooms by %(median)s; "
                "slowest, %(room)s, %(time)s."
            )
            % {
                "median": _seconds(found.secure_median_s),
                "room": found.slowest[0],
                "time": _seconds(found.slowest[1]),
            }
        )
    if found.lasted_s is not None:
        lines.append(_("Start to end: %(time)s.") % {"time": _seconds(found.lasted_s)})
    improve = [
        f"{room}: " + ", ".join(_(CHECK_LABELS[c]) for c in checks) for room, checks in found.failed
    ]
    return {"title": title, "what_happened": "\n".join(lines), "to_improve": "\n".join(improve)}


async def my_next(user: User, today: date) -> list[Drill]:
    """The drills this person leads that are running, or planned within a week."""
    return (
        await scoped(Drill, user)
        .filter(leader_id=user.id, planned_on__lte=today + timedelta(days=SOON_DAYS))
        .filter(status__in=[DrillStatus.PLANNED, DrillStatus.RUNNING])
        .prefetch_related("school")
        .order_by("planned_on")
    )


async def observing(user: User) -> bool:
    """Whether a drill is running at one of this person's schools (any, for the planners): their
    phone keeps the observers' checklist while it runs, so a room is checked with no signal."""
    running = scoped(Drill, user).filter(status=DrillStatus.RUNNING)
    if not user.has_role(*PLANNERS):
        running = running.filter(school__members__id=user.id)
    return await running.exists()


CSV_HEADER = [
    "school",
    "drill",
    "required",
    "held",
    "required early",
    "held early",
    "early window ends",
    "standing",
    "days held",
]


def csv_rows(rows: list[Row], held_days: dict[tuple[int, str], list[date]]) -> list[list[Any]]:
    return [
        [
            row.school.name,
            _(KIND_LABELS[row.kind]),
            row.standing.required,
            row.standing.held,
            row.standing.early_required,
            row.standing.early_held,
            row.standing.early_by.isoformat() if row.standing.early_by else "",
            _(STATE_LABELS[row.standing.state]),
            " ".join(d.isoformat() for d in held_days.get((row.school.id, row.kind.value), [])),
        ]
        for row in rows
    ]


async def held_days(user: User, year: tuple[date, date]) -> dict[tuple[int, str], list[date]]:
    found: dict[tuple[int, str], list[date]] = {}
    rows = (
        await scoped(Drill, user)
        .filter(held_on__gte=year[0], held_on__lte=year[1], status=DrillStatus.HELD)
        .order_by("held_on")
        .values_list("school_id", "kind", "held_on")
    )
    for school_id, kind, day in rows:
        found.setdefault((school_id, str(kind)), []).append(day)
    return found


CHECK_LABELS = {
    "door-locked": N_("Door locked"),
    "lights-off": N_("Lights off"),
    "windows-covered": N_("Windows covered"),
    "out-of-sight": N_("Out of sight"),
    "silent": N_("Silent"),
}

LABELS = {
    "kinds": KIND_LABELS,
    "statuses": STATUS_LABELS,
    "states": STATE_LABELS,
    "checks": CHECK_LABELS,
}
