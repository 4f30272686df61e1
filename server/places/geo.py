"""Distances, compass bearings and search boxes on the WGS-84 ellipsoid.

Distances come from geopy's geodesic; the bearing from geographiclib, the geodesic library geopy
itself is built on (geopy has no bearing function). ``search_box`` turns "within N metres" into
ranges an index can use, so finding nearby reports never scans every row.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from geographiclib.geodesic import Geodesic
from geopy.distance import geodesic

from server.i18n import N_

# The shortest a degree of latitude gets (at the equator): dividing by it overestimates degrees,
# so a box built with it always contains the circle it stands for.
METRES_PER_DEGREE_MIN = 6_335_439 * math.pi / 180
MARGIN = 1.01

COMPASS = [N_("N"), N_("NE"), N_("E"), N_("SE"), N_("S"), N_("SW"), N_("W"), N_("NW")]

Point = tuple[float, float]  # (latitude, longitude)


def distance_m(a: Point, b: Point) -> float:
    return geodesic(a, b).meters


def compass_point(origin: Point, target: Point) -> str:
    """Which of the eight compass points ``target`` lies in, seen from ``origin``."""
    azimuth = Geodesic.WGS84.Inverse(*origin, *target)["azi1"] % 360
    return COMPASS[round(azimuth / 45) % 8]


@dataclass(frozen=True)
class SearchBox:
    lat_min: float
    lat_max: float
    lon_ranges: tuple[tuple[float, float], ...]  # one range, or two across the antimeridian


WHOLE_WORLD = ((-180.0, 180.0),)


def search_box(centre: Point, metres: float) -> SearchBox:
    """A latitude/longitude box containing every point within ``metres`` of ``centre``."""
    lat, lon = centre
    dlat = metres / METRES_PER_DEGREE_MIN * MARGIN
    lat_min, lat_max = max(-90.0, lat - dlat), min(90.0, lat + dlat)
    widest = math.radians(max(abs(lat_min), abs(lat_max)))
    if lat_min <= -90 or lat_max >= 90 or math.cos(widest) * 180 <= dlat:
        return SearchBox(lat_min, lat_max, WHOLE_WORLD)  # the circle reaches round a pole
    dlon = dlat / math.cos(widest)
    west, east = lon - dlon, lon + dlon
    if west < -180:
        ranges: tuple[tuple[float, float], ...] = ((west + 360, 180.0), (-180.0, east))
    elif east > 180:
        ranges = ((west, 180.0), (-180.0, east - 360))
    else:
        ranges = ((west, east),)
    return SearchBox(lat_min, lat_max, ranges)
