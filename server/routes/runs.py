"""The safety team's view of checklist runs: list with filters, one run, CSV export. Parses,
calls server/checklists/ (queries to read, service to decide and audit), renders."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from tortoise.queryset import QuerySet

from server.auth import requires_role, signed_in_user
from server.checklists import queries, service
from server.checklists.library import Library
from server.checklists.models import ChecklistRun
from server.district_time import zone
from server.forms import RecordSchoolForm, parsed
from server.i18n import current_locale
from server.i18n import gettext as _
from server.listing import Listing
from server.models import Role, School
from server.pages import flash, flashed
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
    runs, filters = await _found(request)
    library: Library = request.app.state.checklists
    lang = current_locale.get()
    context = await queries.list_page(signed_in_user(request), runs, filters, library, lang)
    return render(request, "admin/runs.html", context, fragment="admin/_runs_list.html")


async def _run(request: Request) -> ChecklistRun:
    return await get_by_uuid_or_404(
        ChecklistRun, signed_in_user(request), request.path_params["id"]
    )


@requires_role(*TEAM)
async def run_detail(request: Request) -> Response:
    run = await _run(request)
    await service.view(signed_in_user(request), run)
    return await _detail(request, run)


@requires_role(*TEAM)
async def run_school(request: Request) -> Response:
    """The run's school, corrected by the team on the run's page."""
    run = await _run(request)
    data, errors = parsed(RecordSchoolForm, await request.form())
    if data is None:
        return await _detail(request, run, errors, 422)
    if not await service.set_school(signed_in_user(request), run, data.school):
        return await _detail(request, run, {"school": _("Choose one of the options.")}, 422)
    return flashed(request, _("Saved."), "run_detail", id=str(run.id))


async def _detail(
    request: Request, run: ChecklistRun, errors: dict[str, str] | None = None, status: int = 200
) -> Response:
    library: Library = request.app.state.checklists
    context = await queries.run_view(run, library, current_locale.get(), zone(request))
    context |= {
        "schools": await scoped(School, signed_in_user(request)),
        "errors": errors or {},
        "flash": flash(request),
    }
    return render(request, "admin/run.html", context, status_code=status)


@requires_role(*TEAM)
async def runs_csv(request: Request) -> Response:
    runs, filters = await _found(request)
    found = await service.exported(signed_in_user(request), runs, filters)
    library: Library = request.app.state.checklists
    table = queries.csv_table(found, library, current_locale.get(), zone(request))
    return csv_response("checklist-runs.csv", queries.CSV_HEADER, table)


routes = [
    Route("/admin/runs", runs_list, name="runs"),
    Route("/admin/runs.csv", runs_csv, name="runs_csv"),
    Route("/admin/runs/{id:str}", run_detail, name="run_detail"),
    Route("/admin/runs/{id:str}/school", run_school, methods=["POST"], name="run_school"),
]
