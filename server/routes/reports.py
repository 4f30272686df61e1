"""Suspicious reports: the form everyone files from (offline), and the safety team's list, map,
detail, photos and exports. Viewing a report and exporting are written to the audit log."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import reduce
from operator import or_
from typing import Any
from urllib.parse import urlencode, urlsplit

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response
from starlette.routing import Route
from tortoise.expressions import Q
from tortoise.queryset import QuerySet

from server import audit
from server.auth import requires_role, signed_in_user
from server.district_time import zone
from server.edge import query_day, query_text
from server.events.models import Upload
from server.i18n import gettext as _
from server.labels import REPORT_KIND_LABELS
from server.middleware import content_security_policy
from server.models import Role, School, Site
from server.reports import correlate
from server.reports.geo import distance_m, search_box
from server.reports.models import Report, ReportKind, ReportLink
from server.reports.places import describe
from server.settings import Settings
from server.spreadsheet import csv_response
from server.templating import render
from server.tenancy import MAX_ID, get_by_uuid_or_404, scoped

TEAM = (Role.ADMIN, Role.SAFETY)
PAGE_SIZE = 100
EXPORT_MAX = 10_000
NEAR_DEFAULT_M = 1000
NEAR_MAX_M = 50_000


def tile_origin(template: str) -> str | None:
    """The origin a tile URL template loads from, for the page's CSP ({s} subdomains: any)."""
    parts = urlsplit(template.replace("{s}", "*"))
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return None
    return f"{parts.scheme}://{parts.netloc}"


def map_headers(settings: Settings) -> dict[str, str]:
    origin = tile_origin(settings.map_tiles)
    return {"Content-Security-Policy": content_security_policy((origin,) if origin else ())}


def map_config(settings: Settings) -> dict[str, str]:
    usable = tile_origin(settings.map_tiles) is not None
    return {
        "tiles": settings.map_tiles if usable else "",
        "attribution": settings.map_attribution,
    }


def sites_json(sites: list[Site]) -> list[dict[str, Any]]:
    return [
        {"id": s.id, "name": s.name, "kind": s.kind.value, "lat": s.latitude, "lon": s.longitude}
        for s in sites
    ]


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


def _int(raw: str | None, limit: int = MAX_ID) -> int | None:
    return int(raw) if raw and raw.isdecimal() and 0 < int(raw) <= limit else None


@dataclass
class Filters:
    school: int | None
    kind: str
    since: date | None
    until: date | None
    near: int | None  # a site id
    within: int
    search: str = ""  # a plate however typed, a reporter's name, or words in the report

    @classmethod
    def read(cls, request: Request) -> Filters:
        q = request.query_params
        kind = q.get("kind", "")
        return cls(
            school=_int(q.get("school")),
            kind=kind if kind in ReportKind._value2member_map_ else "",
            since=query_day(q.get("from")),
            until=query_day(q.get("to")),
            near=_int(q.get("near")),
            within=_int(q.get("within"), NEAR_MAX_M) or NEAR_DEFAULT_M,
            search=query_text(q.get("q"), 100) or "",
        )

    def query_string(self) -> str:
        pairs = {
            "school": self.school or "",
            "kind": self.kind,
            "from": self.since.isoformat() if self.since else "",
            "to": self.until.isoformat() if self.until else "",
            "near": self.near or "",
            "within": self.within if self.near else "",
            "q": self.search,
        }
        return urlencode({k: v for k, v in pairs.items() if v != ""})


async def _filtered(request: Request, limit: int) -> tuple[list[Report], Filters]:
    user = signed_in_user(request)
    f = Filters.read(request)
    tz = zone(request)
    reports: QuerySet[Report] = scoped(Report, user)
    if f.school:
        reports = reports.filter(school_id=f.school)
    if f.kind:
        reports = reports.filter(kind=f.kind)
    if f.search:
        words = (
            Q(activity__icontains=f.search)
            | Q(concern__icontains=f.search)
            | Q(item__icontains=f.search)
            | Q(place_name__icontains=f.search)
            | Q(reported_by__name__icontains=f.search)
        )
        key = correlate.plate_key(f.search)  # "7abc 123" finds "7ABC-123"
        reports = reports.filter(words | Q(plate_key=key) if key else words)
    if f.since:
        start = datetime.combine(f.since, time.min, tzinfo=tz).astimezone(UTC)
        reports = reports.filter(seen_at__gte=start)
    if f.until:
        end = datetime.combine(f.until + timedelta(days=1), time.min, tzinfo=tz).astimezone(UTC)
        reports = reports.filter(seen_at__lt=end)
    site = await scoped(Site, user).get_or_none(id=f.near) if f.near else None
    if site is not None:
        centre = (site.latitude, site.longitude)
        box = search_box(centre, f.within)
        lon_q = reduce(or_, [Q(longitude__gte=w, longitude__lte=e) for w, e in box.lon_ranges])
        reports = reports.filter(Q(latitude__gte=box.lat_min, latitude__lte=box.lat_max) & lon_q)
    found = await reports.prefetch_related("reported_by", "nearest_site", "school").limit(limit)
    if site is not None:
        centre = (site.latitude, site.longitude)
        found = [r for r in found if distance_m(centre, (r.latitude, r.longitude)) <= f.within]
    return found, f


def place_text(report: Report) -> str:
    if report.nearest_site is None:
        return f"{report.latitude:.5f}, {report.longitude:.5f}"
    return describe(report.distance_m, report.bearing, report.nearest_site.name)


@requires_role(*TEAM)
async def reports_list(request: Request) -> Response:
    user = signed_in_user(request)
    found, filters = await _filtered(request, PAGE_SIZE)
    await audit.record(
        user, "reports.listed", user, filters=filters.query_string(), count=len(found)
    )
    context = {
        "reports": found,
        "filters": filters,
        "schools": await scoped(School, user),
        "sites": await scoped(Site, user),
        "kinds": REPORT_KIND_LABELS,
        "place_text": place_text,
        "page_size": PAGE_SIZE,
    }
    return render(request, "reports/list.html", context, fragment="reports/_list.html")


async def _report_or_404(request: Request) -> Report:
    return await get_by_uuid_or_404(Report, signed_in_user(request), request.path_params["id"])


@requires_role(*TEAM)
async def report_detail(request: Request) -> Response:
    user = signed_in_user(request)
    report = await _report_or_404(request)
    await report.fetch_related("reported_by", "nearest_site", "school")
    links = (
        await ReportLink.filter(report_id=report.id)
        .prefetch_related("other", "other__nearest_site")
        .order_by("hours_apart")
    )
    photos = await Upload.filter(
        organisation_id=user.organisation_id, id__in=report.photos
    ).values_list("id", flat=True)
    await audit.record(user, "report.viewed", report)
    context = {
        "report": report,
        "place": place_text(report),
        "links": links,
        "photos": [p for p in report.photos if uuid.UUID(p) in set(photos)],
        "missing_photos": len(report.photos) - len(photos),
        "kinds": REPORT_KIND_LABELS,
        "place_text": place_text,
    }
    return render(request, "reports/detail.html", context)


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
    filters = Filters.read(request)
    sites = await scoped(Site, user)
    context = {
        "filters": filters,
        "schools": await scoped(School, user),
        "sites": sites,
        "sites_json": sites_json(sites),
        "map": map_config(settings),
        "kinds": REPORT_KIND_LABELS,
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
    found, _filters = await _filtered(request, EXPORT_MAX)
    tz = zone(request)
    features = [
        {
            "type": "Feature",
            "id": str(r.id),
            "geometry": {"type": "Point", "coordinates": [r.longitude, r.latitude]},
            "properties": {
                "kind": r.kind.value,
                "kind_label": _(REPORT_KIND_LABELS[r.kind.value]),
                "seen_at": r.seen_at.astimezone(tz).isoformat(),
                "place": place_text(r),
                "accuracy_m": r.accuracy,
                "school": r.school.name if r.school else None,
                "activity": r.activity,
                "plate": r.vehicle.get("plate", ""),
                "url": request.url_for("report_detail", id=str(r.id)).path,
            },
        }
        for r in found
    ]
    await audit.record(user, "reports.exported", user, format="geojson", count=len(found))
    return JSONResponse(
        {"type": "FeatureCollection", "features": features},
        media_type="application/geo+json",
        headers={"Cache-Control": "no-store"},
    )


@requires_role(*TEAM)
async def reports_csv(request: Request) -> Response:
    user = signed_in_user(request)
    found, _filters = await _filtered(request, EXPORT_MAX)
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
        ]
        for r in found
    ]
    await audit.record(user, "reports.exported", user, format="csv", count=len(found))
    return csv_response("reports.csv", header, rows)


routes = [
    Route("/reports/new", report_form, name="report_form"),
    Route("/reports", reports_list, name="reports"),
    Route("/reports/map", reports_map, name="reports_map"),
    Route("/reports.geojson", reports_geojson, name="reports_geojson"),
    Route("/reports.csv", reports_csv, name="reports_csv"),
    Route("/reports/{id:str}", report_detail, name="report_detail"),
    Route("/reports/{id:str}/photos/{photo:str}", report_photo, name="report_photo"),
]
