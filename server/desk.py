"""What is active now across the district, for the safety team's desk: alerts not yet ended and
their answer counts, trips out and how they stand, today's reports near a campus, and checklist
runs still open with critical steps unanswered. Each thing once, in a few queries."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from tortoise.functions import Count

from server.alerts.facts import Facts, gather_many
from server.alerts.models import Alert, AlertRecipient
from server.checklists.library import Library
from server.checklists.models import ChecklistAnswer, ChecklistRun
from server.checklists.schema import Checklist
from server.models import SiteKind, User
from server.reports.models import Report
from server.tenancy import scoped
from server.trips.board import Row, board_rows

ACTIVE_FOR = timedelta(hours=24)  # an alert nobody ended stops counting as "now" after a day
RUN_OPEN_FOR = timedelta(hours=12)  # a run left open longer is someone's unfinished paperwork
OUT = ("on-time", "overdue", "lost")  # trip statuses that mean "out"


@dataclass
class ActiveAlert:
    alert: Alert
    facts: Facts
    counts: dict[str, int] = field(default_factory=dict)  # safe, help, waiting


@dataclass
class OpenRun:
    run: ChecklistRun
    checklist: Checklist | None
    critical_open: list[str]  # the critical steps not answered, in the checklist's words


@dataclass
class Now:
    alerts: list[ActiveAlert]
    trips: list[Row]
    reports: list[Report]
    runs: list[OpenRun]

    @property
    def quiet(self) -> bool:
        return not (self.alerts or self.trips or self.reports or self.runs)


async def active_alerts(user: User, now: datetime) -> list[ActiveAlert]:
    """Alerts that went out (not undone, past their undo) and that nobody has ended yet; an all
    clear is an end, not an active thing."""
    alerts = await (
        scoped(Alert, user)
        .filter(ended_at__isnull=True, cancelled_at__isnull=True, raised_at__gte=now - ACTIVE_FOR)
        .exclude(kind="all-clear")
        .prefetch_related("raised_by")
    )
    facts = await gather_many(list(alerts))
    counts: dict[Any, dict[str, int]] = {a.id: {"safe": 0, "help": 0, "waiting": 0} for a in alerts}
    for row in (
        await AlertRecipient.filter(alert_id__in=list(counts))
        .annotate(n=Count("id"))
        .group_by("alert_id", "response")
        .values("alert_id", "response", "n")
    ):
        counts[row["alert_id"]][row["response"] or "waiting"] = row["n"]
    return [ActiveAlert(a, facts[a.id], counts[a.id]) for a in alerts]


def _visible(item: Any, answers: dict[str, Any]) -> bool:
    condition = item.show_if
    if condition is None:
        return True
    given = answers.get(condition.item)
    if given is None:
        return condition.unanswered
    if condition.includes is not None:
        return isinstance(given, list) and condition.includes in given
    return given == condition.equals


async def open_runs(user: User, library: Library, now: datetime, locale: str) -> list[OpenRun]:
    runs = await (
        scoped(ChecklistRun, user)
        .filter(completed_at__isnull=True, started_at__gte=now - RUN_OPEN_FOR)
        .prefetch_related("user", "school")
    )
    answers: dict[Any, dict[str, Any]] = {run.id: {} for run in runs}
    for answer in await ChecklistAnswer.filter(run_id__in=list(answers)).order_by("answered_at"):
        answers[answer.run_id][answer.item_id] = answer.value
    found = []
    for run in runs:
        checklist = library.get(run.checklist_id)
        if checklist is None:
            continue
        given = answers[run.id]
        missing = [
            item.text.get(locale) or item.text.get("en")
            for section in checklist.sections
            for item in section.items
            if getattr(item, "critical", False) and item.id not in given and _visible(item, given)
        ]
        if missing:
            found.append(OpenRun(run, checklist, missing))
    return found


async def todays_reports(user: User, now: datetime, tz: ZoneInfo, metres: int) -> list[Report]:
    """Reports seen since the district's midnight within ``metres`` of a campus."""
    midnight = now.astimezone(tz).replace(hour=0, minute=0, second=0, microsecond=0)
    return await (
        scoped(Report, user)
        .filter(
            seen_at__gte=midnight,
            nearest_site__kind=SiteKind.CAMPUS,
            distance_m__lte=max(metres, 0),
        )
        .order_by("-seen_at")
        .prefetch_related("nearest_site", "school", "reported_by")
    )


async def active_now(
    user: User, library: Library, now: datetime, tz: ZoneInfo, metres: int, locale: str
) -> Now:
    rows = [row for row in await board_rows(user, now) if row.status in OUT]
    return Now(
        alerts=await active_alerts(user, now),
        trips=rows,
        reports=await todays_reports(user, now, tz, metres),
        runs=await open_runs(user, library, now, locale),
    )
