"""A demo district: two schools, their campuses, a bus depot, a venue, one person per role, a
field trip today with its roster and risk plan, and two classes' rosters at Roosevelt."""

from __future__ import annotations

from dataclasses import dataclass

from tortoise.transactions import in_transaction

from server.accounting.demo import seed_roster
from server.models import Organisation, Role, School, Site, SiteKind, User
from server.passwords import hash_password
from server.trips.demo import seed_trip

DEMO_ORGANISATION = "Riverside Unified School District (demo)"
DEMO_PASSWORD = "muster-demo"


@dataclass(frozen=True)
class DemoPerson:
    name: str
    email: str
    roles: tuple[Role, ...]
    phone: str = ""


DEMO_PEOPLE = [
    DemoPerson("Ada Admin", "admin@demo.muster.test", (Role.ADMIN, Role.SAFETY)),
    DemoPerson("Sam Safety", "safety@demo.muster.test", (Role.SAFETY,)),
    DemoPerson("Tess Teacher", "staff@demo.muster.test", (Role.STAFF,), "916-555-0150"),
    DemoPerson("Dan Driver", "driver@demo.muster.test", (Role.DRIVER,)),
    DemoPerson("Olga Office", "office@demo.muster.test", (Role.OFFICE,)),
    DemoPerson("Dina Dispatch", "dispatch@demo.muster.test", (Role.DISPATCH,)),
]

# (school, [(kind, name, latitude, longitude)]) — invented places around Sacramento, California.
DEMO_PLACES = [
    ("Lincoln Elementary", [(SiteKind.CAMPUS, "Lincoln Elementary campus", 38.57620, -121.48650)]),
    (
        "Roosevelt Middle School",
        [
            (SiteKind.CAMPUS, "Roosevelt Middle campus", 38.56410, -121.47100),
            (SiteKind.CAMPUS, "Roosevelt sports field", 38.56290, -121.46880),
        ],
    ),
    (
        None,
        [
            (SiteKind.DEPOT, "District bus depot", 38.59200, -121.46000),
            (SiteKind.VENUE, "River City Science Museum", 38.58440, -121.50510),
        ],
    ),
]


async def seed_demo() -> list[DemoPerson] | None:
    """Create the demo district once; returns its people, or None when it already exists."""
    if await Organisation.filter(name=DEMO_ORGANISATION).exists():
        return None
    async with in_transaction():
        org = await Organisation.create(name=DEMO_ORGANISATION)
        schools = []
        for school_name, sites in DEMO_PLACES:
            school = (
                await School.create(organisation=org, name=school_name) if school_name else None
            )
            if school:
                schools.append(school)
            for kind, name, lat, lon in sites:
                await Site.create(
                    organisation=org,
                    school=school,
                    kind=kind,
                    name=name,
                    latitude=lat,
                    longitude=lon,
                )
        password_hash = hash_password(DEMO_PASSWORD)
        users = []
        for person in DEMO_PEOPLE:
            user = await User.create(
                organisation=org,
                name=person.name,
                email=person.email,
                password_hash=password_hash,
                roles=[r.value for r in person.roles],
                phone=person.phone,
            )
            await user.schools.add(*schools)
            users.append(user)
        venue = await Site.get(organisation=org, kind=SiteKind.VENUE)
        await seed_trip(org, schools[0], venue, users)
        await seed_roster(users[0], schools[1])  # Ada Admin imports Roosevelt's classes
    return DEMO_PEOPLE


def credentials_text(people: list[DemoPerson]) -> str:
    lines = [f"Demo sign-ins (password for all: {DEMO_PASSWORD}):"]
    lines += [f"  {p.email:<28} {', '.join(r.value for r in p.roles)}" for p in people]
    return "\n".join(lines)
