"""Place names for reports from the district's own geocoder (Nominatim through geopy).

Off unless ``MUSTER_GEOCODER_URL`` is set. It runs beside the app, after reports are stored, so a
slow, failing or absent geocoder can never delay or fail a report: each report is looked up once,
and a failure just leaves it without a place name.
"""

from __future__ import annotations

import asyncio
import logging
from urllib.parse import urlsplit

from geopy.exc import GeopyError
from geopy.geocoders import Nominatim

from server.reports.models import Report

log = logging.getLogger("muster.geocode")
BATCH = 20
PAUSE_SECONDS = 10
TIMEOUT_SECONDS = 5


def make_geocoder(url: str) -> Nominatim | None:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return None
    return Nominatim(
        domain=parts.netloc + parts.path.rstrip("/"),
        scheme=parts.scheme,
        user_agent="muster-school-safety",
        timeout=TIMEOUT_SECONDS,
    )


def _place_name(geocoder: Nominatim, latitude: float, longitude: float) -> str:
    try:
        found = geocoder.reverse((latitude, longitude), exactly_one=True, zoom=18)
    except (GeopyError, OSError, ValueError) as error:
        log.info("no place name for %.5f,%.5f: %s", latitude, longitude, error)
        return ""
    return (found.address if found else "")[:300]


async def name_places_once(geocoder: Nominatim) -> int:
    """Look up the newest reports not yet looked up; returns how many were tried."""
    waiting = await Report.filter(place_checked=False).order_by("-received_at").limit(BATCH)
    for report in waiting:
        name = await asyncio.to_thread(_place_name, geocoder, report.latitude, report.longitude)
        await Report.filter(id=report.id).update(place_name=name, place_checked=True)
    return len(waiting)


async def run_place_namer(url: str) -> None:
    """The background loop the app starts when a geocoder is configured."""
    geocoder = make_geocoder(url)
    if geocoder is None:
        log.warning("MUSTER_GEOCODER_URL is not an http(s) URL; place names are off")
        return
    while True:
        try:
            tried = await name_places_once(geocoder)
        except Exception:  # the database was busy or went away: try again later
            log.exception("place names: a pass failed")
            tried = 0
        if tried < BATCH:
            await asyncio.sleep(PAUSE_SECONDS)
