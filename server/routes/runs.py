"""The safety team's view of checklist runs: list with filters, one run, CSV export."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from server import audit
from server.auth import requires_role, signed_in_user
from server.checklists.library import Library
from server.checklists.models import ChecklistRun
from server.checklists.present import rows
from server.district_time import zone
from server.edge import query_day, query_text
from server.i18n import current_locale
from server.models import Role, School, User
from server.spreadsheet import csv_response
from server.templating import render
from server.tenancy import get_by_uuid_or_404, scoped

TEAM = (Role.ADMIN, Role.SAFETY)
PAGE_SIZE = 100


def _int(raw: str | None) -> int | None:
    return int(raw) if raw and raw.isdecimal() and len(raw) < 10 else None


async def _filtered(request: Request) -> tuple[list[ChecklistRun], dict]:
    user = signed_in_user(request)
    q = request.query_params
    filters = {
        "checklist": query_text(q.get("checklist"), 64),
        "school": _int(q.get("school")),
        "person": _int(q.get("person")),
        "day": query_day(q.get("day")),
    }
    runs = scoped(ChecklistRun, user).filter(practice=False)  # practice counts nowhere
    if filters["checklist"]:
        runs = runs.filter(checklist_id=filters["checklist"])
    if filters["school"]:
        runs = runs.filter(school_id=filters["school"])
    if filters["person"]:
        runs = runs.filter(user_id=filters["person"])
    if filters["day"]:
        # the district's day (MUSTER_TIMEZONE), not the server's: a run at 23:30 in Sacramento
        # is on that evening's day, whatever zone the machine runs in
        # (in UTC: the database compares stored UTC times as they are)
        start = datetime.combine(filters["day"], time.min, tzinfo=zone(request)).astimezone(UTC)
        runs = runs.filter(started_at__gte=start, started_at__lt=start + timedelta(days=1))
    found = await runs.prefetch_related("user", "school").limit(PAGE_SIZE)
    return found, filters


@requires_role(*TEAM)
async def runs_list(request: Request) -> Response:
    user = signed_in_user(request)
    found, filters = await _filtered(request)
    library: Library = request.app.state.checklists
    context = {
        "runs": found,
        "filters": filters,
        "library": library,
        "lang": current_locale.get(),
        "schools": await scoped(School, user),
        "people": await scoped(User, user),
    }
    return render(request, "admin/runs.html", context, fragment="admin/_runs_list.html")


@requires_role(*TEAM)
async def run_detail(request: Request) -> Response:
    user = signed_in_user(request)
    run = await get_by_uuid_or_404(ChecklistRun, user, request.path_params["id"])
    await run.fetch_related("user", "school", "answers")
    library: Library = request.app.state.checklists
    checklist = library.get(run.checklist_id, run.checklist_version)
    lang = current_locale.get()
    answers = {a.item_id: a.value for a in sorted(run.answers, key=lambda a: a.answered_at)}
    reasons = {s["item_id"]: s["reason"] for s in run.skipped}
    await audit.record(user, "run.viewed", run)
    context = {
        "run": run,
        "checklist": checklist,
        "rows": rows(checklist, answers, lang, zone(request)) if checklist else [],
        "reasons": reasons,
        "lang": lang,
    }
    return render(request, "admin/run.html", context)


@requires_role(*TEAM)
async def runs_csv(request: Request) -> Response:
    user = signed_in_user(request)
    found, _filters = await _filtered(request)
    library: Library = request.app.state.checklists
    lang = current_locale.get()
    header = [
        "run",
        "checklist",
        "version",
        "person",
        "school",
        "started",
        "completed",
        "section",
        "item",
        "question",
        "answer",
        "reason not done",
    ]
    tz = zone(request)
    table = []
    for run in found:
        await run.fetch_related("answers")
        checklist = library.get(run.checklist_id, run.checklist_version)
        answers = {a.item_id: a.value for a in sorted(run.answers, key=lambda a: a.answered_at)}
        reasons = {s["item_id"]: s["reason"] for s in run.skipped}
        for row in rows(checklist, answers, lang, tz) if checklist else []:
            table.append(
                [
                    run.id,
                    run.checklist_id,
                    run.checklist_version,
                    run.user.name,
                    run.school.name if run.school else "",
                    run.started_at.astimezone(tz).isoformat(),
                    run.completed_at.astimezone(tz).isoformat() if run.completed_at else "",
                    row["section"],
                    row["item"].id,
                    row["text"],
                    row["answer"],
                    reasons.get(row["item"].id, ""),
                ]
            )
    await audit.record(user, "runs.exported", user, count=len(found))
    return csv_response("checklist-runs.csv", header, table)


routes = [
    Route("/admin/runs", runs_list, name="runs"),
    Route("/admin/runs.csv", runs_csv, name="runs_csv"),
    Route("/admin/runs/{id:str}", run_detail, name="run_detail"),
]
