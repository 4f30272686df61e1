"""What an alert is about, gathered from what it links to: the school, the place in words and on
a map, who raised it, the caller's exact words (from the call script's run), the missing student
(name, photo, where last seen), the report, and the records to open.

Every surface reads these facts: the push body (``summary``), the alert page, the list and the
live page. Gathering is batched (``gather_many``) so the list costs the same few queries for one
alert or a hundred. Words are made at render time, in the reader's language.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any, TypeVar

from tortoise.functions import Count

from server.alerts.models import Alert, AlertRecipient
from server.checklists.models import ChecklistAnswer, ChecklistRun
from server.i18n import gettext as _
from server.i18n import ngettext
from server.labels import ROLE_LABELS
from server.models import Role, School, Site, SiteKind, User
from server.places.nearest import AT_CAMPUS_METRES, describe, nearest
from server.reports.models import Report
from server.team.models import FUNCTION_LABELS, TeamFunction
from server.trips.models import LostStudent, Trip, TripStudent

# The checklist items whose answer is what a caller (or a note, a rumour) said, word for word.
WORDS_ITEMS = {"threat-call": "exact-words"}
DESK_ROLES = (Role.ADMIN, Role.SAFETY)
# What an alert's ``where`` may say that the facts show in their own way; anything else is the
# context of the checklist it came from (a bus, a route) and is shown as it is.
KNOWN_WHERE = {
    "schools", "position", "site", "distance_m", "bearing", "trip", "student", "last_seen",
    "minutes_missing",
}  # fmt: skip


@dataclass
class Place:
    site: str  # the nearest site's name
    distance_m: float | None
    bearing: str

    def words(self) -> str:
        return describe(self.distance_m, self.bearing, self.site)


@dataclass
class Facts:
    alert: Alert
    raised_by: str = ""
    schools: list[str] = field(default_factory=list)
    audience_team: str = ""  # "Lincoln Elementary: Medical lead", for an alert to a team
    place: Place | None = None
    position: dict[str, float] | None = None  # latitude, longitude (accuracy when known)
    last_seen: str = ""  # a place in the reporter's own words
    words: str = ""  # the caller's exact words
    run: ChecklistRun | None = None
    trip: Trip | None = None
    student: TripStudent | None = None
    lost: LostStudent | None = None
    report: Report | None = None
    minutes_missing: int | None = None
    context: dict[str, str] = field(default_factory=dict)  # e.g. the bus and route of a check
    audience_site: str = ""  # the site it was sent to, when it was sent to one
    recipients: int = 0  # how many people it went to

    @property
    def situation(self) -> bool:
        """Raised in the field about something happening there (a call, a missing student, a
        report, a late trip): the safety team acts on it rather than answering "are you safe?"."""
        source = self.alert.source
        # A crisis team call-out asks each of its people to answer, the safety team's too.
        return not (source.get("composer") or source.get("callout"))

    def place_words(self) -> str:
        return self.place.words() if self.place else ""


def _uuid(value: Any) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(value))
    except (TypeError, ValueError):
        return None


def _int(value: Any) -> int | None:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if 0 < number < 2**31 else None


def _ids(value: Any) -> list[int]:
    return [i for v in value if (i := _int(v))] if isinstance(value, list) else []


def _position(value: Any) -> dict[str, float] | None:
    if not isinstance(value, dict):
        return None
    try:
        lat, lon = float(value["latitude"]), float(value["longitude"])
    except (KeyError, TypeError, ValueError):
        return None
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        return None
    found = {"latitude": lat, "longitude": lon}
    if isinstance(value.get("accuracy"), int | float):
        found["accuracy"] = float(value["accuracy"])
    return found


K = TypeVar("K")
V = TypeVar("V")


def _found(records: dict[K, V], key: K | None) -> V | None:
    return records.get(key) if key is not None else None


async def gather_many(alerts: list[Alert]) -> dict[uuid.UUID, Facts]:
    """The facts of each alert, by its id; a handful of queries whatever the number."""
    if not alerts:
        return {}
    org = alerts[0].organisation_id
    runs_wanted = {r for a in alerts if (r := _uuid(a.source.get("run_id")))}
    reports_wanted = {r for a in alerts if (r := _uuid(a.source.get("report_id")))}
    lost_wanted = {r for a in alerts if (r := _uuid(a.source.get("lost_id")))}
    trips_wanted = {a.trip_id for a in alerts if a.trip_id} | {
        t for a in alerts if (t := _int(a.source.get("trip_id")))
    }
    people = {
        u.id: u
        for u in await User.filter(
            organisation_id=org, id__in={a.raised_by_id for a in alerts}
        ).only("id", "name")
    }
    runs = {
        r.id: r
        for r in await ChecklistRun.filter(organisation_id=org, id__in=runs_wanted)
        .prefetch_related("school")
        .all()
    }
    words: dict[uuid.UUID, str] = {}
    for answer in await ChecklistAnswer.filter(
        run_id__in=[r.id for r in runs.values() if r.checklist_id in WORDS_ITEMS],
        item_id__in=list(WORDS_ITEMS.values()),
    ).order_by("answered_at"):
        if isinstance(answer.value, str):
            words[answer.run_id] = answer.value  # the latest answer stands
    reports = {
        r.id: r
        for r in await Report.filter(organisation_id=org, id__in=reports_wanted).prefetch_related(
            "school"
        )
    }
    lost = {
        x.id: x
        for x in await LostStudent.filter(
            trip__organisation_id=org, id__in=lost_wanted
        ).prefetch_related("student")
    }
    trips = {
        t.id: t
        for t in await Trip.filter(organisation_id=org, id__in=trips_wanted).prefetch_related(
            "school"
        )
    }
    schools_wanted = {
        i for a in alerts for i in _ids(a.audience.get("school_ids") if a.audience else None)
    }
    schools_wanted |= {s for a in alerts if (s := _int(_team(a).get("school_id")))}
    school_names = dict(
        await School.filter(organisation_id=org, id__in=schools_wanted).values_list("id", "name")
    )
    site_ids = {s for a in alerts if a.audience and (s := _int(a.audience.get("site_id")))}
    site_names = dict(
        await Site.filter(organisation_id=org, id__in=site_ids).values_list("id", "name")
    )
    counts = dict(
        await AlertRecipient.filter(alert_id__in=[a.id for a in alerts])
        .annotate(n=Count("id"))
        .group_by("alert_id")
        .values_list("alert_id", "n")
    )
    sites: list[Site] | None = None
    school_of: dict[int, str] = {}
    result = {}
    for alert in alerts:
        facts = Facts(alert, raised_by=getattr(people.get(alert.raised_by_id), "name", ""))
        where = alert.where if isinstance(alert.where, dict) else {}
        schools = where.get("schools")
        facts.schools = [str(s) for s in schools] if isinstance(schools, list) else []
        audience = alert.audience if isinstance(alert.audience, dict) else {}
        if not facts.schools:  # sent from the desk to schools: the schools it went to
            ids = _ids(audience.get("school_ids"))
            facts.schools = [school_names[i] for i in ids if i in school_names]
        facts.audience_site = site_names.get(_int(audience.get("site_id")) or 0, "")
        if team := _team(alert):
            facts.audience_team = team_words(team, school_names)
        facts.recipients = counts.get(alert.id, 0)
        facts.position = _position(where.get("position"))
        facts.last_seen = str(where.get("last_seen") or "")
        facts.context = {
            str(k): str(v) for k, v in where.items() if k not in KNOWN_WHERE and v not in ("", None)
        }
        facts.run = _found(runs, _uuid(alert.source.get("run_id")))
        if facts.run is not None:
            facts.words = words.get(facts.run.id, "")
            if facts.run.school and not facts.schools:
                facts.schools = [facts.run.school.name]
        facts.report = _found(reports, _uuid(alert.source.get("report_id")))
        if facts.report is not None and facts.report.school and not facts.schools:
            facts.schools = [facts.report.school.name]
        facts.lost = _found(lost, _uuid(alert.source.get("lost_id")))
        facts.student = facts.lost.student if facts.lost else None
        facts.trip = trips.get(alert.trip_id or _int(alert.source.get("trip_id")) or 0)
        if facts.trip is not None and not facts.schools:
            facts.schools = [facts.trip.school.name]
        if facts.lost is not None:
            facts.last_seen = facts.last_seen or facts.lost.last_seen_where
            facts.position = facts.position or _position(facts.lost.position)
            end = facts.lost.found_at or alert.raised_at
            facts.minutes_missing = max(0, int((end - facts.lost.started_at).total_seconds() // 60))
        if where.get("site"):
            distance = where.get("distance_m")
            facts.place = Place(
                str(where["site"]),
                float(distance) if isinstance(distance, int | float) else None,
                str(where.get("bearing") or ""),
            )
        elif facts.position is not None:
            if sites is None:
                sites = await Site.filter(organisation_id=org)
                school_of = dict(await School.filter(organisation_id=org).values_list("id", "name"))
            point = (facts.position["latitude"], facts.position["longitude"])
            # A trip is described from its destination's nearest site; anything else from the
            # nearest campus, the place people know.
            near = nearest(point, sites, None if facts.trip else SiteKind.CAMPUS) or nearest(
                point, sites
            )
            if near is not None:
                facts.place = Place(near.site.name, near.distance_m, near.bearing)
            # A phone at a campus says which school, whatever schools its person belongs to.
            campus = nearest(point, sites, SiteKind.CAMPUS)
            school_id = campus.site.school_id if campus else None
            if campus and campus.distance_m <= AT_CAMPUS_METRES and school_id in school_of:
                facts.schools = [school_of[school_id]]
        result[alert.id] = facts
    return result


async def gather(alert: Alert) -> Facts:
    return (await gather_many([alert]))[alert.id]


def _clip(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def lines(facts: Facts, when: Any = None) -> list[str]:
    """The facts as short lines of text, in the current language: the push body and any place
    with no room for the page's layout. ``when`` formats a time (the district's clock)."""
    out = []
    where = ", ".join(x for x in (facts.place_words(), facts.last_seen) if x)
    school = ", ".join(facts.schools)
    if school and where:
        out.append(f"{school}: {where}")
    elif school or where:
        out.append(school or where)
    if facts.trip is not None:
        out.append(_("Trip: %(name)s") % {"name": facts.trip.name})
    if facts.student is not None:
        student = facts.student.name
        if facts.student.grade:
            student += " " + _("(grade %(grade)s)") % {"grade": facts.student.grade}
        out.append(_("Student: %(name)s") % {"name": student})
    if facts.minutes_missing and facts.lost and facts.lost.found_at is None:
        out.append(_("Missing for %(n)s min") % {"n": facts.minutes_missing})
    if facts.words:
        out.append(_("Caller: “%(words)s”") % {"words": _clip(facts.words, 240)})
    if facts.report is not None:
        out.append(_report_line(facts.report))
    if facts.raised_by:
        out.append(_("Raised by %(name)s") % {"name": facts.raised_by})
    return out


def _report_line(report: Report) -> str:
    vehicle = report.vehicle if isinstance(report.vehicle, dict) else {}
    parts = [str(vehicle.get(k) or "") for k in ("colour", "make_model", "plate") if vehicle.get(k)]
    what = " ".join(parts)
    text = report.item or report.activity
    return _clip(f"{what}: {text}" if what and text else what or text, 200)


def summary(facts: Facts, limit: int) -> str:
    """The facts for a notification, whole lines only, within ``limit`` bytes of UTF-8."""
    text = ""
    for line in lines(facts):
        candidate = f"{text}\n{line}" if text else line
        if len(candidate.encode()) > limit:
            break
        text = candidate
    return text


def is_desk(user_roles: list[str] | tuple[str, ...]) -> bool:
    return any(role in user_roles for role in (r.value for r in DESK_ROLES))


def _team(alert: Alert) -> dict[str, Any]:
    team = alert.audience.get("team") if isinstance(alert.audience, dict) else None
    return team if isinstance(team, dict) else {}


def team_words(team: dict[str, Any], school_names: dict[int, str]) -> str:
    """ "Lincoln Elementary: Medical lead", "Lincoln Elementary: the whole crisis team",
    "District team: Police liaison"."""
    school = school_names.get(_int(team.get("school_id")) or 0) or _("District team")
    function = team.get("function")
    if function in FUNCTION_LABELS:
        return _("%(team)s: %(function)s") % {
            "team": school,
            "function": _(FUNCTION_LABELS[TeamFunction(function)]),
        }
    return _("%(team)s: the whole crisis team") % {"team": school}


def audience_words(facts: Facts) -> str:
    """Who it went to, in words: "Roosevelt Middle", "Lincoln (Teacher / staff)", "the
    chaperones of Zoo day", "3 named people", "everyone in the district"."""
    alert = facts.alert
    audience = alert.audience if isinstance(alert.audience, dict) else {}
    scope = audience.get("scope", "organisation")
    if scope == "trip" and facts.trip is not None:
        whom = _("the chaperones of %(trip)s") % {"trip": facts.trip.name}
    elif scope == "people":
        n = len(_ids(audience.get("user_ids")))
        whom = ngettext("%(num)s named person", "%(num)s named people", n) % {"num": n}
    elif scope == "team" and facts.audience_team:
        whom = facts.audience_team
    elif scope == "site" and facts.audience_site:
        whom = facts.audience_site
    elif scope == "schools" and audience.get("school_ids") and facts.schools:
        whom = ", ".join(facts.schools)
    else:
        whom = _("everyone in the district")
    roles = [_(ROLE_LABELS[r]) for r in alert.notify or [] if r in ROLE_LABELS]
    if roles and scope != "people":
        whom = f"{whom} ({', '.join(roles)})"
    return whom


def counted(people: int, phones: int | None = None) -> str:
    """ "48 people, 41 phones" (or "1 person, no phone")."""
    text = ngettext("%(num)s person", "%(num)s people", people) % {"num": people}
    if phones is None:
        return text
    if phones == 0:
        return _("%(people)s, no phone") % {"people": text}
    return f"{text}, " + ngettext("%(num)s phone", "%(num)s phones", phones) % {"num": phones}
