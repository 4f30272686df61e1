"""What the safety team's report pages read: the reports the filters on screen find."""

from __future__ import annotations

from functools import reduce
from operator import or_
from zoneinfo import ZoneInfo

from tortoise.expressions import Q
from tortoise.queryset import QuerySet

from server.i18n import N_
from server.listing import Listing, Sort, Spec
from server.models import Site, User
from server.places.geo import distance_m, search_box
from server.reports.models import Report, ReportKind, ReportStatus
from server.tenancy import MAX_ID, scoped

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
