"""Place names for reports from the district's geocoder (server/places/geocode.py).

It runs beside the app, after reports are stored, so a slow, failing or absent geocoder can never
delay or fail a report: each report is looked up once, and a failure just leaves it without a
place name.
"""

from __future__ import annotations

import asyncio
import logging

from geopy.geocoders import Nominatim

from server.places.geocode import make_geocoder, place_name
from server.reports.models import Report

log = logging.getLogger("muster.geocode")
BATCH = 20
PAUSE_SECONDS = 10


async def name_places_once(geocoder: Nominatim) -> int:
    """Look up the newest reports not yet looked up; returns how many were tried."""
    waiting = await Report.filter(place_checked=False).order_by("-received_at").limit(BATCH)
    for report in waiting:
        name = await asyncio.to_thread(place_name, geocoder, report.latitude, report.longitude)
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
