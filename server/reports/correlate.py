"""Which stored reports are probably about the same thing as a new one.

Two rules: the same licence plate (normalised) at any time and place, or a report of an overlapping
kind within a distance and a time window (settings). Both searches go through an index: the plate
by equality, the window by time and a latitude/longitude box, and only the few rows in the box are
measured exactly with geopy.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import timedelta
from functools import reduce
from operator import or_

from tortoise.expressions import Q

from server.places.geo import distance_m, search_box
from server.reports.models import Report, ReportKind, ReportLink

PLATE_KEY_MAX = 16
PLATE_MATCHES_MAX = 50  # a plate seen more often than this is a regular, not a lead

# A "both" report (a person with a vehicle) can be about the same thing as either.
OVERLAPPING_KINDS = {
    ReportKind.PERSON: [ReportKind.PERSON, ReportKind.BOTH],
    ReportKind.VEHICLE: [ReportKind.VEHICLE, ReportKind.BOTH],
    ReportKind.BOTH: [ReportKind.PERSON, ReportKind.VEHICLE, ReportKind.BOTH],
    ReportKind.ITEM: [ReportKind.ITEM],
    ReportKind.BEHAVIOUR: [ReportKind.BEHAVIOUR],
}


def plate_key(plate: str) -> str | None:
    """``"abc 123"``, ``"ABC-123"`` and ``"Abc·123"`` all become ``"ABC123"``."""
    folded = unicodedata.normalize("NFKC", plate).upper()
    key = re.sub(r"[^0-9A-Z]", "", folded)[:PLATE_KEY_MAX]
    return key or None


@dataclass(frozen=True)
class Match:
    other_id: object
    reason: str  # "plate" or "nearby"
    distance_m: float
    hours_apart: float


async def find_related(report: Report, metres: float, hours: float) -> list[Match]:
    here = (report.latitude, report.longitude)
    matches: dict[object, Match] = {}

    def measure(other: Report, reason: str) -> Match:
        apart = abs((other.seen_at - report.seen_at).total_seconds()) / 3600
        return Match(other.id, reason, distance_m(here, (other.latitude, other.longitude)), apart)

    mine = Report.filter(organisation_id=report.organisation_id).exclude(id=report.id)
    if report.plate_key:
        same_plate = mine.filter(plate_key=report.plate_key).limit(PLATE_MATCHES_MAX)
        for other in await same_plate.only("id", "latitude", "longitude", "seen_at"):
            matches[other.id] = measure(other, "plate")
    window = timedelta(hours=hours)
    box = search_box(here, metres)
    in_box = mine.filter(
        kind__in=OVERLAPPING_KINDS[ReportKind(report.kind)],
        seen_at__gte=report.seen_at - window,
        seen_at__lte=report.seen_at + window,
        latitude__gte=box.lat_min,
        latitude__lte=box.lat_max,
    ).filter(reduce(or_, [Q(longitude__gte=w, longitude__lte=e) for w, e in box.lon_ranges]))
    for other in await in_box.only("id", "latitude", "longitude", "seen_at"):
        if other.id not in matches:
            match = measure(other, "nearby")
            if match.distance_m <= metres:
                matches[other.id] = match
    return list(matches.values())


async def link(report: Report, matches: list[Match]) -> None:
    """Store each match both ways round."""
    rows = []
    for m in matches:
        common = {
            "organisation_id": report.organisation_id,
            "reason": m.reason,
            "distance_m": m.distance_m,
            "hours_apart": m.hours_apart,
        }
        rows.append(ReportLink(report_id=report.id, other_id=m.other_id, **common))
        rows.append(ReportLink(report_id=m.other_id, other_id=report.id, **common))
    if rows:
        await ReportLink.bulk_create(rows, ignore_conflicts=True)
