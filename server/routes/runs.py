"""The safety team's view of checklist runs: list with filters, one run, CSV export."""

from __future__ import annotations

from pydantic import ValidationError
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route
from tortoise.queryset import QuerySet

from server import audit
from server.auth import requires_role, signed_in_user
from server.checklists import queries, service
from server.checklists.library import Library
from server.checklists.models import ChecklistRun
from server.checklists.present import rows
from server.district_time import zone
from server.forms import RecordSchoolForm, from_form, messages
from server.i18n import current_locale
from server.i18n import gettext as _
from server.listing import Listing, export_of, page_of
from server.models import Role, School, User
from server.spreadsheet import csv_response
from server.templating import render
from server.tenancy import get_by_uuid_or_404, scoped

TEAM = (Role.ADMIN, Role.SAFETY)


async def _found(request: Request) -> tuple[QuerySet[ChecklistRun], Listing]:
    listing = queries.read(request.query_params)
    library: Library = request.app.state.checklists
    user = signed_in_user(request)
    return await queries.found(user, listing, zone(request), library), listing


@requires_role(*TEAM)
async def runs_list(request: Request) -> Response:
    user = signed_in_user(request)
    runs, filters = await _found(request)
    page = await page_of(runs, filters, "user", "school")
    library: Library = request.app.state.checklists
    context = {
        "runs": page.items,
        "page": page,
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
    await audit.record(user, "run.viewed", run)
    return await _detail(request, run)


@requires_role(*TEAM)
async def run_school(request: Request) -> Response:
    """The run's school, corrected by the team on the run's page."""
    user = signed_in_user(request)
    run = await get_by_uuid_or_404(ChecklistRun, user, request.path_params["id"])
    try:
        data = from_form(RecordSchoolForm, await request.form())
    except ValidationError as error:
        return await _detail(request, run, messages(error), 422)
    if not await service.set_school(user, run, data.school):
        return await _detail(request, run, {"school": _("Choose one of the options.")}, 422)
    request.session["flash"] = _("Saved.")
    return RedirectResponse(request.url_for("run_detail", id=str(run.id)), status_code=303)


async def _detail(
    request: Request, run: ChecklistRun, errors: dict[str, str] | None = None, status: int = 200
) -> Response:
    user = signed_in_user(request)
    await run.fetch_related("user", "school", "answers")
    library: Library = request.app.state.checklists
    checklist = library.get(run.checklist_id, run.checklist_version)
    lang = current_locale.get()
    answers = {a.item_id: a.value for a in sorted(run.answers, key=lambda a: a.answered_at)}
    reasons = {s["item_id"]: s["reason"] for s in run.skipped}
    context = {
        "run": run,
        "schools": await scoped(School, user),
        "errors": errors or {},
        "flash": request.session.pop("flash", None),
        "checklist": checklist,
        "rows": rows(checklist, answers, lang, zone(request)) if checklist else [],
        "reasons": reasons,
        "lang": lang,
    }
    return render(request, "admin/run.html", context, status_code=status)


@requires_role(*TEAM)
async def runs_csv(request: Request) -> Response:
    user = signed_in_user(request)
    runs, filters = await _found(request)
    found = await export_of(runs, "user", "school", "answers")
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
    await audit.record(
        user, "runs.exported", user, count=len(found), filters=filters.query_string()
    )
    return csv_response("checklist-runs.csv", header, table)


routes = [
    Route("/admin/runs", runs_list, name="runs"),
    Route("/admin/runs.csv", runs_csv, name="runs_csv"),
    Route("/admin/runs/{id:str}", run_detail, name="run_detail"),
    Route("/admin/runs/{id:str}/school", run_school, methods=["POST"], name="run_school"),
]
