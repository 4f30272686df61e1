"""The safety metrics dashboard (admins and the safety team): the filters read, each figure's
tables and chart rendered, and each table as a CSV with the same filters. Parse, call
server/metrics/queries.py, render."""

from __future__ import annotations

from datetime import datetime

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from server.auth import requires_role, signed_in_user
from server.district_time import zone
from server.i18n import current_locale
from server.metrics import queries
from server.metrics.figure import Scope
from server.models import Role
from server.spreadsheet import csv_response
from server.templating import render

TEAM = (Role.ADMIN, Role.SAFETY)


async def _scope(request: Request) -> tuple[queries.Filters, Scope]:
    try:
        filters = queries.Filters.read(request.query_params)
        locale = current_locale.get()
        titles = {
            c.id: c.title.get(locale) for c in request.app.state.checklists.checklists.values()
        }
        tz = zone(request)
        today = datetime.now(tz).date()
        return filters, await queries.scope_of(signed_in_user(request), filters, today, tz, titles)
    except queries.UnknownSchool:
        raise HTTPException(status_code=404) from None


@requires_role(*TEAM)
async def dashboard(request: Request) -> Response:
    filters, scope = await _scope(request)
    context = {
        "figures": await queries.dashboard(scope),
        "scope": scope,
        "filters": filters,
        "query": filters.query_string(scope.span),
    }
    return render(request, "metrics/dashboard.html", context, fragment="metrics/_figures.html")


@requires_role(*TEAM)
async def table_csv(request: Request) -> Response:
    _filters, scope = await _scope(request)
    key = request.path_params["table"]
    found = await queries.table(scope, key)
    if found is None:
        raise HTTPException(status_code=404)
    rows = [["" if cell is None else cell for cell in row] for row in found.rows]
    return csv_response(f"{key}.csv", found.header, rows)


routes = [
    Route("/metrics", dashboard, name="metrics"),
    Route("/metrics/{table:str}.csv", table_csv, name="metrics_csv"),
]
