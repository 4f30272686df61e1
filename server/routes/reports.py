"""Suspicious reports: the form everyone files from (offline), and the safety team's list, map,
detail, photos and exports. Viewing a report and exporting are written to the audit log."""

from __future__ import annotations

import uuid

from pydantic import ValidationError
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Route
from tortoise.queryset import QuerySet

from server import audit
from server.auth import requires_role, signed_in_user
from server.district_time import clock, zone
from server.events.models import Upload
from server.forms import FollowUpForm, from_form, messages
from server.i18n import gettext as _
from server.labels import REPORT_KIND_LABELS, REPORT_STATUS_LABELS
from server.listing import Listing, export_of, page_of
from server.maps import map_config, map_headers, sites_json
from server.models import Role, School, Site
from server.places.nearest import describe
from server.reports import follow_up, queries
from server.reports.models import Report, ReportLink
from server.settings import Settings
from server.spreadsheet import csv_response
from server.templating import render
from server.tenancy import get_by_uuid_or_404, scoped

TEAM = (Role.ADMIN, Role.SAFETY)


# --- the form --------------------------------------------------------------------------------


@requires_role()
async def report_form(request: Request) -> Response:
    user = signed_in_user(request)
    settings: Settings = request.app.state.settings
    sites = await scoped(Site, user)
    context = {
        "sites": sites,
        "sites_json": sites_json(sites),
        "map": map_config(settings),
        "kinds": REPORT_KIND_LABELS,
    }
    response = render(request, "reports/form.html", context)
    response.headers.update(map_headers(settings))
    return response


# --- the safety team's views -------------------------------------------------------------------


async def _found(request: Request) -> tuple[QuerySet[Report], Listing]:
    listing = queries.read(request.query_params)
    return await queries.found(signed_in_user(request), listing, zone(request)), listing


def place_text(report: Report) -> str:
    if report.nearest_site is None:
        return f"{report.latitude:.5f}, {report.longitude:.5f}"
    return describe(report.distance_m, report.bearing, report.nearest_site.name)


@requires_role(*TEAM)
async def reports_list(request: Request) -> Response:
    user = signed_in_user(request)
    reports, filters = await _found(request)
    page = await page_of(reports, filters, "reported_by", "nearest_site", "school", "owner")
    await audit.record(
        user, "reports.listed", user, filters=filters.query_string(), count=page.total
    )
    context = {
        "reports": page.items,
        "page": page,
        "filters": filters,
        "schools": await scoped(School, user),
        "sites": await scoped(Site, user),
        "kinds": REPORT_KIND_LABELS,
        "statuses": REPORT_STATUS_LABELS,
        "owners": await follow_up.owners(user),
        "place_text": place_text,
    }
    return render(request, "reports/list.html", context, fragment="reports/_list.html")


async def _report_or_404(request: Request) -> Report:
    return await get_by_uuid_or_404(Report, signed_in_user(request), request.path_params["id"])


@requires_role(*TEAM)
async def report_detail(request: Request) -> Response:
    user = signed_in_user(request)
    report = await _report_or_404(request)
    await audit.record(user, "report.viewed", report)
    return await _detail(request, report)


async def _detail(
    request: Request,
    report: Report,
    errors: dict[str, str] | None = None,
    status: int = 200,
    values: dict[str, str] | None = None,
) -> Response:
    user = signed_in_user(request)
    await report.fetch_related("reported_by", "nearest_site", "school", "owner")
    links = (
        await ReportLink.filter(report_id=report.id)
        .prefetch_related("other", "other__nearest_site")
        .order_by("hours_apart")
    )
    photos = await Upload.filter(
        organisation_id=user.organisation_id, id__in=report.photos
    ).values_list("id", flat=True)
    context = {
        "report": report,
        "place": place_text(report),
        "links": links,
        "photos": [p for p in report.photos if uuid.UUID(p) in set(photos)],
        "missing_photos": len(report.photos) - len(photos),
        "kinds": REPORT_KIND_LABELS,
        "place_text": place_text,
        "statuses": REPORT_STATUS_LABELS,
        "owners": await follow_up.owners(user),
        "schools": await scoped(School, user),
        "errors": errors or {},
        "values": values or {},  # as typed, when the form comes back to be fixed
        "flash": request.session.pop("flash", None),
    }
    return render(request, "reports/detail.html", context, status_code=status)


@requires_role(*TEAM)
async def report_follow_up(request: Request) -> Response:
    """The follow-up form on the report's page: saved, audited, back to the page."""
    user = signed_in_user(request)
    report = await _report_or_404(request)
    form = await request.form()
    typed = {k: v for k, v in form.items() if isinstance(v, str) and k != "csrf_token"}
    try:
        data = from_form(FollowUpForm, form)
        changes = await follow_up.update(user, report, data)
    except ValidationError as error:
        return await _detail(request, report, messages(error), 422, typed)
    except follow_up.Refused as refused:
        refusal = {refused.field: _("Choose one of the options.")}
        return await _detail(request, report, refusal, 422, typed)
    request.session["flash"] = _("Follow-up saved.") if changes else _("Nothing changed.")
    return RedirectResponse(request.url_for("report_detail", id=str(report.id)), status_code=303)


@requires_role(*TEAM)
async def report_photo(request: Request) -> Response:
    user = signed_in_user(request)
    report = await _report_or_404(request)
    photo = request.path_params["photo"]
    if photo not in report.photos:
        raise HTTPException(status_code=404)
    upload = await scoped(Upload, user).get_or_none(id=photo)
    path = request.app.state.settings.data_dir / "uploads" / str(user.organisation_id) / photo
    if upload is None or not path.is_file():
        raise HTTPException(status_code=404)
    return FileResponse(
        path, media_type=upload.media_type, headers={"Cache-Control": "private, max-age=86400"}
    )


@requires_role(*TEAM)
async def reports_map(request: Request) -> Response:
    user = signed_in_user(request)
    settings: Settings = request.app.state.settings
    filters = queries.read(request.query_params)
    sites = await scoped(Site, user)
    context = {
        "filters": filters,
        "schools": await scoped(School, user),
        "sites": sites,
        "sites_json": sites_json(sites),
        "map": map_config(settings),
        "kinds": REPORT_KIND_LABELS,
        "statuses": REPORT_STATUS_LABELS,
        "owners": await follow_up.owners(user),
        "focus": request.query_params.get("focus", "")[:36],
    }
    response = render(request, "reports/map.html", context)
    response.headers.update(map_headers(settings))
    return response


def _description(parts: dict[str, str]) -> str:
    return "; ".join(f"{k}: {v}" for k, v in parts.items() if v)


@requires_role(*TEAM)
async def reports_geojson(request: Request) -> Response:
    user = signed_in_user(request)
    reports, filters = await _found(request)
    found = await export_of(reports, "reported_by", "nearest_site", "school", "owner")
    tz = zone(request)
    shown = clock(tz)
    features = [
        {
            "type": "Feature",
            "id": str(r.id),
            "geometry": {"type": "Point", "coordinates": [r.longitude, r.latitude]},
            "properties": {
                "kind": r.kind.value,
                "kind_label": _(REPORT_KIND_LABELS[r.kind.value]),
                "seen_at": r.seen_at.astimezone(tz).isoformat(),
                "seen": shown(r.seen_at),  # as the district reads it: the map's popups
                "place": place_text(r),
                "accuracy_m": r.accuracy,
                "school": r.school.name if r.school else None,
                "activity": r.activity,
                "plate": r.vehicle.get("plate", ""),
                "status": r.status.value,
                "case_number": r.case_number,
                "url": request.url_for("report_detail", id=str(r.id)).path,
            },
        }
        for r in found
    ]
    await audit.record(
        user,
        "reports.exported",
        user,
        format="geojson",
        count=len(found),
        filters=filters.query_string(),
    )
    return JSONResponse(
        {"type": "FeatureCollection", "features": features},
        media_type="application/geo+json",
        headers={"Cache-Control": "no-store"},
    )


@requires_role(*TEAM)
async def reports_csv(request: Request) -> Response:
    user = signed_in_user(request)
    reports, filters = await _found(request)
    found = await export_of(reports, "reported_by", "nearest_site", "school", "owner")
    tz = zone(request)
    header = [
        "report",
        "seen at",
        "kind",
        "school",
        "where",
        "latitude",
        "longitude",
        "accuracy (m)",
        "place name",
        "what they were doing",
        "why it is concerning",
        "person",
        "vehicle",
        "plate",
        "item",
        "reported by",
        "photos",
        "follow-up",
        "owner",
        "police case number",
        "notes",
    ]
    rows = [
        [
            r.id,
            r.seen_at.astimezone(tz).isoformat(),  # the district's clock, with its offset
            r.kind.value,
            r.school.name if r.school else "",
            place_text(r),
            round(r.latitude, 6),
            round(r.longitude, 6),
            "" if r.accuracy is None else round(r.accuracy),
            r.place_name,
            r.activity,
            r.concern,
            _description(r.person),
            _description(r.vehicle),
            r.vehicle.get("plate", ""),
            r.item,
            r.reported_by.name,
            len(r.photos),
            r.status.value,
            r.owner.name if r.owner else "",
            r.case_number,
            r.notes,
        ]
        for r in found
    ]
    await audit.record(
        user,
        "reports.exported",
        user,
        format="csv",
        count=len(found),
        filters=filters.query_string(),
    )
    return csv_response("reports.csv", header, rows)


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
