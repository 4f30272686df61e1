"""What case pages read: the cases a person may see (the triage clock's overdue flagged), one
case's whole record in the order it reads, its access log, the closed cases past retention, and
the figures for the metrics dashboard (counts only, never names or words). Who may see what is
decided in server/cases/access.py; these take the ids it allows."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from statistics import median
from typing import Any

from server.cases import access
from server.cases.models import (
    Case,
    CaseEntry,
    CaseMarker,
    CaseMember,
    CaseSupport,
    Marker,
    Stage,
)
from server.cases.retention import policy
from server.cases.rules import overdue, past_retention, triage_due
from server.db import column
from server.models import AuditLog, User

LIST_LIMIT = 200
PATHWAY = list(Marker)  # markers read in the pathway's order


@dataclass(frozen=True)
class Row:
    case: Case
    overdue: bool
    due_at: datetime


async def listed(user: User, now: datetime) -> list[Row]:
    """The cases ``user`` may see, open ones first, newest first."""
    ids = await access.visible(user)
    hours = (await policy(user.organisation_id)).triage_hours
    newest = Case.filter(id__in=ids).order_by("-opened_at").limit(LIST_LIMIT)
    rows = [
        Row(
            c,
            overdue(c.opened_at, c.screened_at, c.stage, hours, now),
            triage_due(c.opened_at, hours),
        )
        for c in await newest.prefetch_related("school")
    ]
    return sorted(rows, key=lambda r: (r.case.stage == Stage.CLOSED, not r.overdue))


async def overdue_count(user: User, now: datetime) -> int:
    """How many of the cases ``user`` may see are past the triage clock (for the home screen)."""
    ids = await access.visible(user)
    if not ids:
        return 0
    hours = (await policy(user.organisation_id)).triage_hours
    waiting = Case.filter(id__in=ids, screened_at__isnull=True).exclude(stage=Stage.CLOSED)
    times = await column(waiting, "opened_at")
    return sum(1 for t in times if overdue(t, None, Stage.IDENTIFICATION, hours, now))


async def record(case: Case, now: datetime) -> dict[str, Any]:
    """One case's record, top to bottom, for its page and its print."""
    hours = (await policy(case.organisation_id)).triage_hours
    members = CaseMember.filter(case_id=case.id).order_by("added_at", "id")
    await case.fetch_related("school", "opened_by")
    entries = await CaseEntry.filter(case_id=case.id).prefetch_related("done_by")
    markers = sorted(
        await CaseMarker.filter(case_id=case.id), key=lambda m: PATHWAY.index(m.marker)
    )
    supports = await CaseSupport.filter(case_id=case.id).prefetch_related("owner")
    return {
        "case": case,
        "members": await members.prefetch_related("person"),
        "entries": entries,
        "markers": markers,
        "supports": supports,
        "overdue": overdue(case.opened_at, case.screened_at, case.stage, hours, now),
        "due_at": triage_due(case.opened_at, hours),
        "triage_hours": hours,
    }


async def access_log(case: Case, limit: int = 200) -> list[AuditLog]:
    """Who looked at or changed the case, and when, newest first (refused attempts too)."""
    entries = AuditLog.filter(
        organisation_id=case.organisation_id, record_type="Case", record_id=str(case.id)
    )
    return await entries.order_by("-at", "-id").limit(limit).prefetch_related("actor")


async def past_retention_list(user: User, now: datetime) -> list[Case]:
    """The district's closed cases older than its retention, oldest first, for review."""
    years = (await policy(user.organisation_id)).retention_years
    closed = Case.filter(organisation_id=user.organisation_id, stage=Stage.CLOSED)
    found = await closed.order_by("closed_at").prefetch_related("school")
    return [c for c in found if past_retention(c.closed_at, years, now)]


@dataclass(frozen=True)
class Figures:
    by_stage: dict[str, int]
    by_level: dict[str, int]  # "unclassified" for cases not yet assessed
    screened: int  # cases screened at least once
    median_screening_s: float | None  # intake to first screening
    within_clock: int  # screened within the district's triage clock


async def figures(organisation_id: int, since: datetime | None = None) -> Figures:
    """Counts for the metrics dashboard: no names, no words, nothing sealed is read."""
    cases = Case.filter(organisation_id=organisation_id)
    if since is not None:
        cases = cases.filter(opened_at__gte=since)
    rows = await cases.values("stage", "level", "opened_at", "screened_at")
    hours = (await policy(organisation_id)).triage_hours
    waits = [(r["screened_at"] - r["opened_at"]).total_seconds() for r in rows if r["screened_at"]]
    return Figures(
        by_stage=dict(Counter(str(r["stage"]) for r in rows)),
        by_level=dict(Counter(str(r["level"]) if r["level"] else "unclassified" for r in rows)),
        screened=len(waits),
        median_screening_s=median(waits) if waits else None,
        within_clock=sum(1 for w in waits if w <= hours * 3600),
    )
