"""What the trip pages read: a trip as its chaperone's phone shows it, the students being searched
for, the missing-student screen's steps, the last headcount, the roster; and the admin's forms
(a trip's choices, values and readiness, a student's and a school's trip rules)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from server.checklists.schema import Checklist
from server.i18n import gettext as _
from server.labels import CHECKIN_LABELS
from server.models import School, Site, SiteKind, User
from server.risk.models import RiskPlan
from server.tenancy import MAX_ID, scoped
from server.trips.forms import PolicyForm, StudentForm, itinerary_text
from server.trips.models import (
    CheckIn,
    Headcount,
    LostStudent,
    Trip,
    TripPolicy,
    TripStudent,
)
from server.trips.rules import Ratio, Reached, next_checkin
from server.trips.service import plan_of, policy_for, standing_of


async def trip_view(trip: Trip) -> dict[str, Any]:
    """What every trip page shows: the trip, its students and stops."""
    await trip.fetch_related("school", "venue")
    return {
        "trip": trip,
        "students": await TripStudent.filter(trip_id=trip.id).only("id", "name", "grade"),
        "stops": await trip.stops.all(),
    }


async def open_lost(trip: Trip) -> list[dict[str, Any]]:
    """The students being searched for, as the phone's screens read them (a report joined to an
    earlier one of the same student is that one)."""
    open_lost = await LostStudent.filter(
        trip_id=trip.id, found_at__isnull=True, same_as_id__isnull=True
    )
    return [
        {
            "lost_id": str(lost.id),
            "student_id": lost.student_id,
            "started_at": lost.started_at.isoformat(),
            "ends_at": lost.ends_at.isoformat(),
            "last_seen_at": lost.last_seen_at.isoformat() if lost.last_seen_at else None,
            "last_seen_where": lost.last_seen_where,
            "description": lost.description,
        }
        for lost in open_lost
    ]


async def trip_page(trip: Trip, stops: list, now: datetime) -> dict[str, Any]:
    """The trip page's check-ins: the last one, the next, the plan and the stop awaited."""
    last = await CheckIn.filter(trip_id=trip.id).prefetch_related("stop").first()  # newest
    return {
        "lost_json": await open_lost(trip),
        "checkin_names": {kind: _(label) for kind, label in CHECKIN_LABELS.items()},
        "last_checkin": last,
        "next_checkin": next_checkin(
            Reached(last.kind, last.stop_id) if last else None, [stop.id for stop in stops]
        ),
        "plan": await plan_of(trip),
        "next_stop_id": (await standing_of(trip, now, 0)).awaited_stop_id,
    }


async def lost_screen(
    trip: Trip, checklist: Checklist | None, photo_url: Callable[[int], str]
) -> dict[str, Any]:
    """The missing-student screen: the departure checklist's "now" and "then" steps, the
    minutes before the police call, the students searched for, and for "Call 911 now" what the
    police will ask about each student (kept on the phone; ``photo_url`` from a student's id)."""
    sections = {s.id: s for s in checklist.sections} if checklist else {}
    steps = {
        key: [item for item in sections[section].items if item.kind in ("check", "instruction")]
        if section in sections
        else []
        for key, section in (("now", "missing-now"), ("then", "missing-help"))
    }
    policy = await policy_for(trip.school_id)
    return {
        "steps": steps,
        "checklist": checklist,
        "minutes": policy.police_call_minutes,
        "lost_json": await open_lost(trip),
        "roster_json": {
            s.id: {
                "name": s.name,
                "grade": s.grade,
                "photo": photo_url(s.id) if s.photo_id else "",
                "medical": " ".join(filter(None, [s.medical, s.allergies])),
            }
            for s in await TripStudent.filter(trip_id=trip.id)
        },
    }


async def last_headcount(trip: Trip) -> dict[str, Any] | None:
    last = await Headcount.filter(trip_id=trip.id).first()
    if last is None:
        return None
    return {
        "at": last.counted_at.isoformat(),
        "counted": last.counted,
        "expected": last.expected,
        "missing": last.missing,
    }


async def emergency_roster(trip: Trip, lost: LostStudent) -> dict[str, Any]:
    """The roster as the safety team sees it while a student is missing: every student, and the
    chaperones still active."""
    await trip.fetch_related("school", "chaperones")
    return {
        "trip": trip,
        "lost": lost,
        "students": await TripStudent.filter(trip_id=trip.id),
        "chaperones": [c for c in trip.chaperones if c.active],
        "emergency": True,
    }


async def roster(trip: Trip) -> list[TripStudent]:
    return await TripStudent.filter(trip_id=trip.id)


async def readiness(trip: Trip) -> dict[str, Any]:
    """The ratio and the risk plan, as the trip's form and the ready button see them."""
    policy = await policy_for(trip.school_id)
    ratio = Ratio(
        await TripStudent.filter(trip_id=trip.id).count(),
        await trip.chaperones.all().count(),
        policy.students_per_adult,
    )
    plan = await RiskPlan.get_or_none(trip_id=trip.id)
    return {"ratio": ratio, "policy": policy, "plan": plan}


async def trip_form_choices(admin: User, trip: Trip | None) -> dict[str, Any]:
    """What the trip's form offers: the district's schools, venues, people and sites (for the
    map), and for a saved trip its readiness and how many students it has."""
    context = {
        "sites": await scoped(Site, admin),
        "schools": await scoped(School, admin),
        "venues": await scoped(Site, admin).filter(kind=SiteKind.VENUE),
        "people": await scoped(User, admin).filter(active=True),
    }
    if trip is not None:
        context |= await readiness(trip)
        context["students"] = await TripStudent.filter(trip_id=trip.id).count()
    return context


async def trip_values(trip: Trip, tz: ZoneInfo) -> dict[str, Any]:
    """A saved trip as its form shows it, in the district's time."""
    await trip.fetch_related("chaperones", "stops")
    return {
        "school": trip.school_id,
        "name": trip.name,
        "starts_at": trip.starts_at.astimezone(tz).strftime("%Y-%m-%dT%H:%M"),
        "ends_at": trip.ends_at.astimezone(tz).strftime("%Y-%m-%dT%H:%M"),
        "venue": trip.venue_id,
        "destination": trip.destination,
        "latitude": trip.latitude,
        "longitude": trip.longitude,
        "chaperones": [u.id for u in trip.chaperones],
        "itinerary": itinerary_text(list(trip.stops), trip.starts_at, tz),
    }


def student_values(student: TripStudent) -> dict[str, Any]:
    return {name: getattr(student, name) for name in StudentForm.model_fields}


async def policy_values(school: School) -> tuple[TripPolicy, dict[str, Any]]:
    policy = await policy_for(school.id)
    return policy, {name: getattr(policy, name) for name in PolicyForm.model_fields}


async def student(trip: Trip, student_id: int) -> TripStudent | None:
    if not 0 < student_id <= MAX_ID:
        return None
    return await TripStudent.get_or_none(id=student_id, trip_id=trip.id)
