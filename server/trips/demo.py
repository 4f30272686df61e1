"""The demo district's field trip (today, to the science museum) and its risk plan."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from server.models import Organisation, School, Site, User
from server.risk.models import EventKind, Hazard, PlanStatus, RiskPlan
from server.trips.models import Trip, TripStop, TripStudent

# (name, grade, contacts, allergies, medical notes, medication, carrier) — invented children.
DEMO_STUDENTS = [
    ("Ana Ruiz", "4", "Maria Ruiz (mother) 555-0101", "Peanuts", "", "EpiPen", "Tess Teacher"),
    ("Ben Cho", "4", "Ji Cho (father) 555-0102", "", "", "", ""),
    (
        "Cara Diaz",
        "4",
        "Luis Diaz (father) 555-0103",
        "",
        "Asthma: two puffs before running; call 911 if the inhaler doesn't help",
        "Inhaler",
        "Cara",
    ),
    ("Dev Patel", "4", "Asha Patel (mother) 555-0104", "Bee stings", "", "", ""),
    ("Eli Brooks", "4", "Sam Brooks (guardian) 555-0105", "", "", "", ""),
    ("Fay Nguyen", "4", "Linh Nguyen (mother) 555-0106", "", "", "", ""),
]
DEMO_HAZARDS = [
    ("Student separated from the group in the museum", 3, 4, "Buddies, headcounts", 2, 3),
    ("Crossing the road to the park", 2, 5, "Crossing guard, adults at front and back", 1, 5),
    ("Allergic reaction at lunch", 2, 4, "EpiPen carried by the lead chaperone", 2, 2),
]


async def seed_trip(org: Organisation, school: School, venue: Site, people: list[User]) -> Trip:
    now = datetime.now(UTC).replace(second=0, microsecond=0)
    admin = next(p for p in people if p.has_role("admin"))
    teacher = next(p for p in people if p.roles == ["staff"])
    trip = await Trip.create(
        organisation=org,
        school=school,
        name="Science museum visit",
        starts_at=now + timedelta(hours=1),
        ends_at=now + timedelta(hours=7),
        venue=venue,
        destination=venue.name,
        latitude=venue.latitude,
        longitude=venue.longitude,
        created_by=admin,
    )
    await trip.chaperones.add(teacher, admin)
    await TripStop.create(
        trip=trip, position=1, name=venue.name, expected_at=now + timedelta(hours=2)
    )
    await TripStop.create(
        trip=trip,
        position=2,
        name="Picnic lunch, Capitol Park",
        expected_at=now + timedelta(hours=4),
    )
    for name, grade, contacts, allergies, medical, medication, carrier in DEMO_STUDENTS:
        await TripStudent.create(
            trip=trip,
            name=name,
            grade=grade,
            contacts=contacts,
            allergies=allergies,
            medical=medical,
            medication=medication,
            medication_carrier=carrier,
        )
    plan = await RiskPlan.create(
        organisation=org,
        school=school,
        trip=trip,
        title=trip.name,
        kind=EventKind.TRIP,
        happens_on=trip.starts_at.date(),
        venue=venue,
        crowd=6,
        staff_count=2,
        medical_cover="Two adults trained in first aid; EpiPen with Tess Teacher",
        hospital="Sutter Medical Center",
        hospital_latitude=38.5735,
        hospital_longitude=-121.4731,
        rally_point="Museum front steps",
        weather_plan="Lunch moves indoors to the museum café if it rains.",
        status=PlanStatus.SUBMITTED,
        submitted_at=now,
        author=teacher,
    )
    for text, likelihood, impact, mitigation, after_l, after_i in DEMO_HAZARDS:
        await Hazard.create(
            plan=plan,
            description=text,
            likelihood=likelihood,
            impact=impact,
            mitigation=mitigation,
            owner=teacher,
            residual_likelihood=after_l,
            residual_impact=after_i,
        )
    return trip
