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

from server.alerts.models import Alert, AlertRecipient
from server.drills.models import KIND_LABELS, STATUS_LABELS, Drill, DrillKind, DrillStatus
from server.drills.rules import STATE_LABELS, Rule, Standing, school_year, standing
from server.drills.service import rules_of
from server.i18n import gettext as _
from server.models import Organisation, School, User
from server.reviews.queries import p90
from server.tenancy import scoped

SOON_DAYS = 7  # a leader's home shows the drills they lead within this many days


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


async def figures(drill: Drill) -> Figures | None:
    """Measured from the drill's alert: each person's first answer, on the server's clock."""
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
    return Figures(
        reached=len(answers),
        answered=len(times),
        first_s=times[0] if times else None,
        median_s=round(median(times)) if times else None,
        p90_s=p90(times),
        lasted_s=lasted,
    )


async def my_next(user: User, today: date) -> list[Drill]:
    """The drills this person leads that are running, or planned within a week."""
    return (
        await scoped(Drill, user)
        .filter(leader_id=user.id, planned_on__lte=today + timedelta(days=SOON_DAYS))
        .filter(status__in=[DrillStatus.PLANNED, DrillStatus.RUNNING])
        .prefetch_related("school")
        .order_by("planned_on")
    )


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


LABELS = {"kinds": KIND_LABELS, "statuses": STATUS_LABELS, "states": STATE_LABELS}
