"""The reports' exports as the team's tools read them: a CSV row and a GeoJSON feature per report,
times on the district's clock. Pure: the reports come with their related records fetched."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from server.district_time import clock
from server.i18n import gettext as _
from server.labels import REPORT_KIND_LABELS
from server.reports.models import Report
from server.reports.queries import place_text

CSV_HEADER = [
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


def _description(parts: dict[str, str]) -> str:
    return "; ".join(f"{k}: {v}" for k, v in parts.items() if v)


def csv_row(r: Report, tz: ZoneInfo) -> list[Any]:
    return [
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


def feature_collection(reports: list[Report], tz: ZoneInfo, urls: list[str]) -> dict[str, Any]:
    """The reports as GeoJSON for the map (``urls``: each report's page, in the same order)."""
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
                "url": url,
            },
        }
        for r, url in zip(reports, urls, strict=True)
    ]
    return {"type": "FeatureCollection", "features": features}
