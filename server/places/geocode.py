"""The district's own geocoder (Nominatim through geopy): a place's name from its position, and a
position from a name. Off unless ``MUSTER_GEOCODER_URL`` is set; a slow, failing or absent
geocoder only means no name or no position, never an error."""

from __future__ import annotations

import asyncio
import logging
from urllib.parse import urlsplit

from geopy.exc import GeopyError
from geopy.geocoders import Nominatim

log = logging.getLogger("muster.geocode")
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


def place_name(geocoder: Nominatim, latitude: float, longitude: float) -> str:
    try:
        found = geocoder.reverse((latitude, longitude), exactly_one=True, zoom=18)
    except (GeopyError, OSError, ValueError) as error:
        log.info("no place name for %.5f,%.5f: %s", latitude, longitude, error)
        return ""
    return (found.address if found else "")[:300]


async def find_place(geocoder_url: str, name: str) -> tuple[float, float] | None:
    """A place's position from the district's geocoder, when it has one; a slow or failing
    geocoder only means the admin types the position."""
    geocoder = make_geocoder(geocoder_url) if geocoder_url else None
    if geocoder is None:
        return None
    try:
        found = await asyncio.to_thread(geocoder.geocode, name, exactly_one=True)
    except (GeopyError, OSError, ValueError) as error:
        log.info("no position for %r: %s", name, error)
        return None
    return (found.latitude, found.longitude) if found else None
