"""A report's place in words: the nearest of the district's sites, how far and which way."""

from __future__ import annotations

from dataclasses import dataclass

from server.i18n import gettext as _
from server.models import Site, SiteKind
from server.places.geo import Point, compass_point, distance_m

AT_SITE_METRES = 30  # closer than this, the report is "at" the site
AT_CAMPUS_METRES = 300  # a phone this close to a campus is taken to be at that school


@dataclass(frozen=True)
class Nearest:
    site: Site
    distance_m: float
    bearing: str  # compass point of the report, seen from the site


def nearest(point: Point, sites: list[Site], kind: SiteKind | None = None) -> Nearest | None:
    candidates = [s for s in sites if kind is None or s.kind == kind]
    if not candidates:
        return None
    measured = [(distance_m((s.latitude, s.longitude), point), s) for s in candidates]
    metres, site = min(measured, key=lambda pair: pair[0])
    return Nearest(site, metres, compass_point((site.latitude, site.longitude), point))


def rounded_distance(metres: float) -> str:
    if metres < 1000:
        return _("%(n)s m") % {"n": int(round(metres, -1))}
    return _("%(n)s km") % {"n": f"{metres / 1000:.1f}"}


def describe(metres: float | None, bearing: str, site_name: str) -> str:
    """ "280 m NW of Lincoln Elementary", or "At Lincoln Elementary"."""
    if metres is None:
        return ""
    if metres < AT_SITE_METRES or not bearing:
        return _("At %(site)s") % {"site": site_name}
    return _("%(distance)s %(direction)s of %(site)s") % {
        "distance": rounded_distance(metres),
        "direction": _(bearing),
        "site": site_name,
    }


def seen_from(origin: Point, point: Point, origin_name: str) -> str:
    """ "120 m NE of River City Science Museum": a point described from a named place."""
    return describe(distance_m(origin, point), compass_point(origin, point), origin_name)


def campus_school(point: Point, sites: list[Site]) -> int | None:
    """The school whose campus ``point`` is at (within AT_CAMPUS_METRES), if any."""
    campus = nearest(point, sites, SiteKind.CAMPUS)
    if campus is None or campus.distance_m > AT_CAMPUS_METRES:
        return None
    return campus.site.school_id


def field_school(point: Point | None, sites: list[Site], person_schools: list[int]) -> int | None:
    """The school of a record made in the field: the campus the phone was at, whatever schools
    its person belongs to (a call taken at Roosevelt by someone in Lincoln and Roosevelt is
    Roosevelt's); else the person's school (the first, for someone in several: the team can
    correct it on the record's page)."""
    at = campus_school(point, sites) if point is not None else None
    return at or (person_schools[0] if person_schools else None)
