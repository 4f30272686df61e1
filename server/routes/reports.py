"""Suspicious reports: the form everyone files from (offline), and the safety team's list, map,
detail, photos and exports. Parses, calls server/reports/ (queries to read, service to decide and
audit: viewing a report and exporting are written to the audit log), renders."""

from __future__ import annotations

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response
from starlette.routing import Route
from tortoise.queryset import QuerySet

from server.auth import requires_role, signed_in_user
from server.cases.access import on_threat_team
from server.district_time import zone
from server.forms import parsed
from server.i18n import gettext as _
from server.labels import REPORT_KIND_LABELS
from server.listing import Listing
from server.models import Role, Site
from server.pages import flash, flashed, with_map
from server.reports import exports, queries, service
from server.reports.forms import FollowUpForm
from server.reports.models import Report
from server.spreadsheet import csv_response
from server.templating import render
from server.tenancy import get_by_uuid_or_404, scoped

TEAM = (Role.ADMIN, Role.SAFETY)


@requires_role()
async def report_form(request: Request) -> Response:
    sites = await scoped(Site, signed_in_user(request))
    return with_map(request, "reports/form.html", {"sites": sites, "kinds": REPORT_KIND_LABELS})


# --- the safety team's views -------------------------------------------------------------------


async def _found(request: Request) -> tuple[QuerySet[Report], Listing]:
    listing = queries.read(request.query_params)
    return await queries.found(signed_in_user(request), listing, zone(request)), listing


@requires_role(*TEAM)
async def reports_list(request: Request) -> Response:
    user = signed_in_user(request)
    reports, filters = await _found(request)
    page = await service.listed(user, reports, filters)
    context = {"reports": page.items, "page": page, "filters": filters}
    context |= await queries.choices(user)
    return render(request, "reports/list.html", context, fragment="reports/_list.html")


async def _report_or_404(request: Request) -> Report:
    return await get_by_uuid_or_404(Report, signed_in_user(request), request.path_params["id"])


@requires_role(*TEAM)
async def report_detail(request: Request) -> Response:
    report = await _report_or_404(request)
    await service.view(signed_in_user(request), report)
    return await _detail(request, report)


async def _detail(
    request: Request,
    report: Report,
    errors: dict[str, str] | None = None,
    status: int = 200,
    values: dict[str, str] | None = None,
) -> Response:
    user = signed_in_user(request)
    context = await queries.choices(user) | await queries.detail(user, report)
    context |= {
        "errors": errors or {},
        "values": values or {},  # as typed, when the form comes back to be fixed
        "flash": flash(request),
        "opens_cases": await on_threat_team(user),  # "Start a threat assessment"
    }
    return render(request, "reports/detail.html", context, status_code=status)


@requires_role(*TEAM)
async def report_follow_up(request: Request) -> Response:
    """The follow-up form on the report's page: saved, audited, back to the page."""
    report = await _report_or_404(request)
    form = await request.form()
    typed = {k: v for k, v in form.items() if isinstance(v, str) and k != "csrf_token"}
    data, errors = parsed(FollowUpForm, form)
    if data is None:
        return await _detail(request, report, errors, 422, typed)
    changes, errors = await service.follow_up(signed_in_user(request), report, data)
    if errors:
        return await _detail(request, report, errors, 422, typed)
    said = _("Follow-up saved.") if changes else _("Nothing changed.")
    return flashed(request, said, "report_detail", id=str(report.id))


@requires_role(*TEAM)
async def report_photo(request: Request) -> Response:
    user = signed_in_user(request)
    report = await _report_or_404(request)
    uploads = request.app.state.settings.data_dir / "uploads" / str(user.organisation_id)
    photo = request.path_params["photo"]
    upload = await queries.photo(user, report, photo, uploads)
    if upload is None:
        raise HTTPException(status_code=404)
    return FileResponse(
        uploads / photo,
        media_type=upload.media_type,
        headers={"Cache-Control": "private, max-age=86400"},
    )


@requires_role(*TEAM)
async def reports_map(request: Request) -> Response:
    context = await queries.choices(signed_in_user(request))
    context["filters"] = queries.read(request.query_params)
    context["focus"] = request.query_params.get("focus", "")[:36]
    return with_map(request, "reports/map.html", context)


@requires_role(*TEAM)
async def reports_geojson(request: Request) -> Response:
    reports, filters = await _found(request)
    found = await service.exported(signed_in_user(request), reports, filters, "geojson")
    urls = [request.url_for("report_detail", id=str(r.id)).path for r in found]
    return JSONResponse(
        exports.feature_collection(found, zone(request), urls),
        media_type="application/geo+json",
        headers={"Cache-Control": "no-store"},
    )


@requires_role(*TEAM)
async def reports_csv(request: Request) -> Response:
    reports, filters = await _found(request)
    found = await service.exported(signed_in_user(request), reports, filters, "csv")
    rows = [exports.csv_row(r, zone(request)) for r in found]
    return csv_response("reports.csv", exports.CSV_HEADER, rows)


routes = [
    Route("/reports/new", report_form, name="report_form"),
    Route("/reports", reports_list, name="reports"),
    Route("/reports/map", reports_map, name="reports_map"),
    Route("/reports.geojson", reports_geojson, name="reports_geojson"),
    Route("/reports.csv", reports_csv, name="reports_csv"),
    Route("/reports/{id:str}", report_detail, name="report_detail"),
    Route("/reports/{id:str}/photos/{photo:str}", report_photo, name="report_photo"),
    Route(
        "/reports/{id:str}/follow-up", report_follow_up, methods=["POST"], name="report_follow_up"
    ),
]
