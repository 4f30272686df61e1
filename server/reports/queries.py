"""What the safety team's report pages read: the reports the filters on screen find, a report's
page and photos, its place in words, who may own its follow-up."""

from __future__ import annotations

import uuid
from functools import reduce
from operator import or_
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from tortoise.expressions import Q
from tortoise.queryset import QuerySet

from server.events.models import Upload
from server.i18n import N_
from server.incidents.models import LinkKind
from server.incidents.queries import incident_of
from server.labels import REPORT_KIND_LABELS, REPORT_STATUS_LABELS
from server.listing import Listing, Sort, Spec
from server.models import Role, School, Site, User
from server.places.geo import distance_m, search_box
from server.places.nearest import describe
from server.reports.models import Report, ReportKind, ReportLink, ReportStatus
from server.tenancy import MAX_ID, scoped

TEAM = (Role.ADMIN.value, Role.SAFETY.value)
NEAR_DEFAULT_M = 1000
NEAR_MAX_M = 50_000


def _choice(values: set[str]):
    return lambda raw: raw if raw in values else None


def _number(limit: int):
    return lambda raw: int(raw) if raw.isdecimal() and 0 < int(raw) <= limit else None


SPEC = Spec(
    day_field="seen_at",
    sorts={
        "newest": Sort(N_("Newest first"), ("-seen_at",)),
        "oldest": Sort(N_("Oldest first"), ("seen_at",)),
        "kind": Sort(N_("What was seen"), ("kind", "-seen_at")),
        "status": Sort(N_("Follow-up"), ("status", "-seen_at")),
    },
    text_fields=(
        "activity",
        "concern",
        "item",
        "place_name",
        "reported_by__name",
        "case_number",
        "notes",
        "owner__name",
    ),
    json_fields=("person", "vehicle"),  # a description, a colour, a make
    plate_field="plate_key",
    school_field="school_id",
    extra={
        "kind": _choice(set(ReportKind._value2member_map_)),
        "status": _choice(set(ReportStatus._value2member_map_)),
        "owner": _number(MAX_ID),
        "near": _number(MAX_ID),
        "within": _number(NEAR_MAX_M),
    },
)


def read(query) -> Listing:
    listing = Listing.read(SPEC, query)
    if "near" not in listing.extra:
        listing.extra.pop("within", None)  # a distance from nowhere filters nothing
    return listing


async def found(user: User, listing: Listing, tz: ZoneInfo) -> QuerySet[Report]:
    """The reports ``listing`` finds, sorted; a place filter is exact (geodesic), after the
    index has narrowed it to a box."""
    reports = listing.apply(scoped(Report, user), tz)
    if kind := listing.extra.get("kind"):
        reports = reports.filter(kind=kind)
    if status := listing.extra.get("status"):
        reports = reports.filter(status=status)
    if owner := listing.extra.get("owner"):
        reports = reports.filter(owner_id=owner)
    near = listing.extra.get("near")
    site = await scoped(Site, user).get_or_none(id=near) if near else None
    if site is None:
        return reports
    within = listing.extra.get("within") or NEAR_DEFAULT_M
    centre = (site.latitude, site.longitude)
    box = search_box(centre, within)
    lon_q = reduce(or_, [Q(longitude__gte=w, longitude__lte=e) for w, e in box.lon_ranges])
    boxed = reports.filter(Q(latitude__gte=box.lat_min, latitude__lte=box.lat_max) & lon_q)
    inside = [
        rid
        for rid, lat, lon in await boxed.values_list("id", "latitude", "longitude")
        if distance_m(centre, (lat, lon)) <= within
    ]
    return reports.filter(id__in=inside)


async def owners(user: User) -> list[User]:
    """Who may own a report's follow-up: the district's active admins and safety team."""
    people = await scoped(User, user).filter(active=True).order_by("name")
    return [p for p in people if any(role in TEAM for role in p.roles)]


def place_text(report: Report) -> str:
    """Where a report was seen, in words: from the nearest site, else its coordinates."""
    if report.nearest_site is None:
        return f"{report.latitude:.5f}, {report.longitude:.5f}"
    return describe(report.distance_m, report.bearing, report.nearest_site.name)


async def choices(user: User) -> dict[str, Any]:
    """What the team's report pages offer to filter and choose from."""
    return {
        "schools": await scoped(School, user),
        "sites": await scoped(Site, user),
        "kinds": REPORT_KIND_LABELS,
        "statuses": REPORT_STATUS_LABELS,
        "owners": await owners(user),
        "place_text": place_text,
    }


async def detail(user: User, report: Report) -> dict[str, Any]:
    """A report's page: the report, its place, the reports linked to it, its photos (those
    still stored, and how many are not)."""
    await report.fetch_related("reported_by", "nearest_site", "school", "owner")
    links = (
        await ReportLink.filter(report_id=report.id)
        .prefetch_related("other", "other__nearest_site")
        .order_by("hours_apart")
    )
    photos = await Upload.filter(
        organisation_id=user.organisation_id, id__in=report.photos
    ).values_list("id", flat=True)
    return {
        "report": report,
        "place": place_text(report),
        "links": links,
        "photos": [p for p in report.photos if uuid.UUID(p) in set(photos)],
        "missing_photos": len(report.photos) - len(photos),
        "incident": await incident_of(user.organisation_id, LinkKind.REPORT, str(report.id)),
    }


async def photo(user: User, report: Report, photo_id: str, uploads: Path) -> Upload | None:
    """One of the report's photos, when it is the report's and still stored in ``uploads``."""
    if photo_id not in report.photos:
        return None
    upload = await scoped(Upload, user).get_or_none(id=photo_id)
    return upload if upload is not None and (uploads / photo_id).is_file() else None
