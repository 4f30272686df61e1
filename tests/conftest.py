"""Shared fixtures: the real app on a freshly migrated database, and demo-like organisations.

The database is SQLite in a temporary folder unless ``MUSTER_TEST_POSTGRES`` names a PostgreSQL
server (``postgresql://postgres@127.0.0.1:5432``); then a fresh database is created for this run
and dropped after it.
"""

from __future__ import annotations

import dataclasses
import functools
import itertools
import os
import re
import tempfile
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from argon2 import PasswordHasher
from tortoise import connections

# Kept in the environment so a second import of this module (tests/browser imports it by name)
# agrees with the first on where the test database is.
_DATA_DIR = Path(os.environ.setdefault("MUSTER_TEST_DATA_DIR", tempfile.mkdtemp(prefix="muster-")))
os.environ["MUSTER_DATA_DIR"] = str(_DATA_DIR)
os.environ.pop("MUSTER_SECRET_KEY", None)
os.environ.pop("MUSTER_VAPID_PRIVATE_KEY", None)
os.environ["MUSTER_VAPID_CONTACT"] = "mailto:push-tests@example.org"
# The in-process app sends no push itself: each push test runs its own delivery workers, to
# watch them (the browser tests' server process runs its own worker, as in production).
os.environ["MUSTER_PUSH_WORKER"] = "0"
POSTGRES_SERVER = os.environ.get("MUSTER_TEST_POSTGRES", "").rstrip("/")
TEST_DB_NAME = os.environ.setdefault("MUSTER_TEST_DB_NAME", f"muster_test_{uuid.uuid4().hex[:10]}")
if POSTGRES_SERVER:
    os.environ["DATABASE_URL"] = (
        f"{POSTGRES_SERVER.replace('postgresql', 'postgres', 1)}/{TEST_DB_NAME}"
    )
else:
    os.environ["DATABASE_URL"] = f"sqlite://{_DATA_DIR / 'test.sqlite3'}"

from server.alerts.audience import Audience  # noqa: E402
from server.alerts.models import Alert  # noqa: E402
from server.alerts.service import raise_alert  # noqa: E402
from server.app import create_app  # noqa: E402
from server.cases.models import Case, CaseMember, SourceKind  # noqa: E402
from server.checklists.models import ChecklistRun  # noqa: E402
from server.concerns.models import Concern, HowKnown  # noqa: E402
from server.db import migrate  # noqa: E402
from server.drills.models import Drill, DrillKind  # noqa: E402
from server.events.models import Upload  # noqa: E402
from server.exercises.models import Exercise  # noqa: E402
from server.images import reencode  # noqa: E402
from server.incidents.models import Incident, IncidentSchool  # noqa: E402
from server.models import Organisation, Role, School, Site, SiteKind, User  # noqa: E402
from server.push.worker import DeliveryWorker  # noqa: E402
from server.reports.models import PositionSource, Report, ReportKind  # noqa: E402
from server.reviews.models import ImprovementAction, Review, ReviewKind  # noqa: E402
from server.risk.models import EventKind, Hazard, RiskPlan  # noqa: E402
from server.settings import load_settings  # noqa: E402
from server.tips.forms import TipForm  # noqa: E402
from server.tips.models import Tip, TipLine  # noqa: E402
from server.tips.service import line_for, send  # noqa: E402
from server.training.models import Attendance, Trainer, TrainingSession  # noqa: E402
from server.training.models import Audience as TrainingAudience  # noqa: E402
from server.trips.models import Trip, TripStudent  # noqa: E402
from tests.channel_servers import MailServer, SmsGateway  # noqa: E402
from tests.photos import jpeg_with_gps  # noqa: E402
from tests.push_receiver import PushService  # noqa: E402

PASSWORD = "correct horse battery"


def cheap_hash(password: str) -> str:
    """A real Argon2id hash at Argon2's lowest cost, for the fixtures' people (and the live
    server's demo people): signing in goes through server/passwords.py's own verify, which reads
    the cost from the hash, in microseconds, not the 0.1-1 s production's cost takes; the suite
    signs in thousands of times, test_access.py alone five times a route. Every hash the app
    writes keeps production's cost."""
    return PasswordHasher(time_cost=1, memory_cost=8, parallelism=1).hash(password)


_PASSWORD_HASH = cheap_hash(PASSWORD)
_addresses = itertools.count(1)


async def _create_postgres_db(name: str, drop: bool = False) -> None:
    import asyncpg

    conn = await asyncpg.connect(f"{POSTGRES_SERVER}/postgres")
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        if not drop:
            await conn.execute(f'CREATE DATABASE "{name}"')
            # A commit returns without waiting for its log to reach the disk: only a crash of
            # the machine could lose the last ones, and a test run's database does not outlive
            # it; each test commits dozens of times.
            await conn.execute(f'ALTER DATABASE "{name}" SET synchronous_commit = off')
    finally:
        await conn.close()


@pytest.fixture(scope="session")
def settings():
    return load_settings()


@pytest.fixture(scope="session")
async def app(settings):
    if POSTGRES_SERVER:
        await _create_postgres_db(TEST_DB_NAME)
    await migrate(settings)  # the committed migrations, exactly as production applies them
    application = create_app(settings)
    async with application.router.lifespan_context(application):
        if not POSTGRES_SERVER:
            # The log is synced at checkpoints, not at every commit (SQLite's default, FULL):
            # a commit survives the process's end either way, and only a crash of the machine
            # could lose the last ones; each test commits dozens of times, each sync ~5 ms.
            await connections.get("default").execute_script("PRAGMA synchronous=NORMAL")
        yield application
    if POSTGRES_SERVER:
        await _create_postgres_db(TEST_DB_NAME, drop=True)


@dataclass
class Org:
    organisation: Organisation
    school: School
    other_school: School
    site: Site
    users: dict[str, User] = field(default_factory=dict)
    spare: User | None = None  # a person no test signs in as, safe to reset or deactivate
    run: ChecklistRun | None = None  # a bleeding-control run by the staff member
    report: Report | None = None  # a vehicle report by the driver, with one photo
    trip: Trip | None = None  # today, every role's person a chaperone, one student
    student: TripStudent | None = None
    plan: RiskPlan | None = None  # a draft risk plan for the trip, with one hazard
    hazard: Hazard | None = None
    alert: Alert | None = None  # a medical alert the admin sent to everyone else
    incident: Incident | None = None  # an active lockdown at the school, opened by hand
    review: Review | None = None  # a near miss, with one action the spare person owns
    action: ImprovementAction | None = None
    drill: Drill | None = None  # a lockdown drill planned at the school, in a week
    concern: Concern | None = None  # raised by the driver about someone at the school, no danger
    tip_line: TipLine | None = None  # the district's anonymous tip line
    tip: Tip | None = None  # one tip sent to it, not urgent, about the school
    trainer: Trainer | None = None  # the spare person, certified for two years from a month ago
    training: TrainingSession | None = None  # the spare person's bus-security session: the driver
    case: Case | None = None  # a threat assessment case whose team is the spare person alone
    exercise: Exercise | None = None  # a bomb-threat tabletop under way at the school


async def make_org(name: str | None = None) -> Org:
    tag = uuid.uuid4().hex[:8]
    org = await Organisation.create(name=name or f"District {tag}")
    school = await School.create(organisation=org, name=f"Lincoln {tag}")
    other = await School.create(organisation=org, name=f"Roosevelt {tag}")
    site = await Site.create(
        organisation=org,
        school=school,
        kind=SiteKind.CAMPUS,
        name=f"Campus {tag}",
        latitude=38.5762,
        longitude=-121.4865,
    )
    result = Org(org, school, other, site)
    for role in Role:
        user = await User.create(
            organisation=org,
            name=f"{role.value.title()} {tag}",
            email=f"{role.value}-{tag}@example.org",
            password_hash=_PASSWORD_HASH,
            roles=[role.value],
        )
        await user.schools.add(school)
        result.users[role.value] = user
    result.spare = await User.create(
        organisation=org,
        name=f"Spare {tag}",
        email=f"spare-{tag}@example.org",
        password_hash=_PASSWORD_HASH,
        roles=["staff"],
    )
    result.run = await ChecklistRun.create(
        id=uuid.uuid4(),
        organisation=org,
        user=result.users["staff"],
        school=school,
        checklist_id="bleeding-control",
        checklist_version=1,
        started_at=datetime.now(UTC),
    )
    result.report = await _make_report(result)
    await _add_trip(result, tag)
    result.alert = await raise_alert(
        organisation_id=org.id,
        raised_by_id=result.users["admin"].id,
        kind="medical",
        audience=Audience(),
        raised_at=datetime.now(UTC),
        message="Nurse to the gym",
    )
    result.incident = await Incident.create(
        organisation=org, year=2026, number=1, kind="lockdown", opened_at=datetime.now(UTC)
    )
    await IncidentSchool.create(incident=result.incident, school=school)
    now = datetime.now(UTC)
    result.review = await Review.create(
        organisation=org,
        kind=ReviewKind.NEAR_MISS,
        title="Gate left open",
        what_happened="The side gate was found open at lunch.",
        written_at=now,
        updated_at=now,
    )
    result.action = await ImprovementAction.create(
        organisation=org,
        review=result.review,
        description="Fit a closer to the side gate",
        owner=result.spare,
        due_on=(now + timedelta(days=30)).date(),
        created_at=now,
    )
    result.drill = await Drill.create(
        organisation=org,
        school=school,
        kind=DrillKind.LOCKDOWN,
        planned_on=(now + timedelta(days=7)).date(),
        planned_by=result.users["safety"],
    )
    result.exercise = await Exercise.create(
        organisation=org,
        school=school,
        scenario="bomb-threat-call",
        scenario_version=1,
        facilitator=result.users["safety"],
        started_at=now,
    )
    result.concern = await Concern.create(
        id=uuid.uuid4(),
        organisation=org,
        raised_by=result.users["driver"],
        school=school,
        what="Said on the bus he would bring something to sort them out",
        place="Bus 14, back seats",
        happened_at=now,
        how_known=HowKnown.HEARD,
        danger_now=False,
        raised_at=now,
    )
    result.tip_line = await line_for(org.id)
    sent = await send(
        result.tip_line,
        TipForm(urgent=False, what="Posted a knife and wrote 'tomorrow'", school=school.id),
    )
    result.tip = sent.tip
    result.trainer = await Trainer.create(
        organisation=org,
        person=result.spare,
        certified_on=(now - timedelta(days=30)).date(),
        expires_on=(now + timedelta(days=700)).date(),
    )
    result.training = await TrainingSession.create(
        id=uuid.uuid4(),
        organisation=org,
        trainer=result.spare,
        lesson="bus-security",
        audience=TrainingAudience.BUS_DRIVERS,
        held_at=now,
        recorded_at=now,
    )
    await Attendance.create(session=result.training, person=result.users["driver"])
    result.case = await Case.create(
        organisation=org,
        school=school,
        source_kind=SourceKind.CONCERN,
        source_id=str(result.concern.id),
        subject="Sam Doe, grade 8",
        summary="Said on the bus he would bring something to sort them out",
        opened_by=result.spare,
        opened_at=now,
    )
    await CaseMember.create(case=result.case, person=result.spare, added_at=now)
    return result


@functools.cache
def _clean_photo(colour: str) -> bytes:
    """A phone's photo as the app keeps it (re-encoded, its GPS gone): made once a colour."""
    return reencode(jpeg_with_gps(colour))


async def _make_report(org: Org) -> Report:
    photo = uuid.uuid4()
    clean = _clean_photo("red")
    folder = _DATA_DIR / "uploads" / str(org.organisation.id)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / str(photo)).write_bytes(clean)
    await Upload.create(
        id=photo,
        organisation=org.organisation,
        user=org.users["driver"],
        media_type="image/jpeg",
        size=len(clean),
        digest="0" * 64,
    )
    return await Report.create(
        id=uuid.uuid4(),
        organisation=org.organisation,
        reported_by=org.users["driver"],
        kind=ReportKind.VEHICLE,
        vehicle={"plate": "7ABC123", "colour": "Silver"},
        plate_key="7ABC123",
        activity="Followed the bus for three stops",
        seen_at=datetime.now(UTC),
        latitude=38.5780,
        longitude=-121.4890,
        accuracy=12,
        position_source=PositionSource.DEVICE,
        nearest_site=org.site,
        distance_m=290,
        bearing="NW",
        school=org.school,
        photos=[str(photo)],
    )


async def _add_trip(result: Org, tag: str) -> None:
    now = datetime.now(UTC)
    result.trip = await Trip.create(
        organisation=result.organisation,
        school=result.school,
        name=f"Museum {tag}",
        starts_at=now + timedelta(hours=1),
        ends_at=now + timedelta(hours=7),
        destination="Science museum",
        latitude=38.5844,
        longitude=-121.5051,
        created_by=result.users["admin"],
    )
    await result.trip.chaperones.add(*result.users.values())
    photo = uuid.uuid4()
    clean = _clean_photo("blue")
    folder = _DATA_DIR / "uploads" / str(result.organisation.id)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / str(photo)).write_bytes(clean)
    await Upload.create(
        id=photo,
        organisation=result.organisation,
        user=result.users["admin"],
        media_type="image/jpeg",
        size=len(clean),
        digest="0" * 64,
    )
    result.student = await TripStudent.create(
        trip=result.trip, name=f"Ana {tag}", grade="4", photo_id=photo
    )
    result.plan = await RiskPlan.create(
        organisation=result.organisation,
        school=result.school,
        trip=result.trip,
        title=f"Museum {tag}",
        kind=EventKind.TRIP,
        author=result.users["staff"],
    )
    result.hazard = await Hazard.create(
        plan=result.plan,
        description="Busy road outside",
        likelihood=3,
        impact=4,
        residual_likelihood=2,
        residual_impact=2,
    )


@pytest.fixture
async def org(app) -> Org:
    return await make_org()


@pytest.fixture
async def other_org(app) -> Org:
    return await make_org()


class Client:
    """An httpx client on the real app that keeps its session's CSRF token at hand."""

    TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')

    def __init__(self, http: httpx.AsyncClient) -> None:
        self.http = http
        self.csrf = ""

    async def get(self, url: str, **kwargs) -> httpx.Response:
        response = await self.http.get(url, **kwargs)
        found = self.TOKEN.search(response.text)
        if found:
            self.csrf = found.group(1)
        return response

    async def post(
        self, url: str, data: dict | list | None = None, csrf: bool = True, **kwargs
    ) -> httpx.Response:
        if csrf and not self.csrf:
            await self.get("/sign-in")
        pairs = [*(data.items() if isinstance(data, dict) else data or [])]
        if csrf:
            pairs.append(("csrf_token", self.csrf))
        form: dict[str, list[str]] = {}
        for key, value in pairs:
            values = value if isinstance(value, list) else [value]
            form.setdefault(key, []).extend(str(v) for v in values)
        return await self.http.post(url, data=form, **kwargs)

    async def sign_in(self, user: User, password: str = PASSWORD) -> httpx.Response:
        response = await self.post("/sign-in", {"email": user.email, "password": password})
        await self.get("/")  # pick up the signed-in page's token
        return response


@pytest.fixture
async def make_client(app) -> AsyncIterator:
    clients: list[httpx.AsyncClient] = []

    def factory() -> Client:
        # Each client its own address, so the per-address sign-in throttle never spans tests.
        n = next(_addresses)
        transport = httpx.ASGITransport(
            app=app, client=(f"10.{n // 65536 % 256}.{n // 256 % 256}.{n % 256}", 50000)
        )
        http = httpx.AsyncClient(transport=transport, base_url="http://testserver")
        clients.append(http)
        return Client(http)

    yield factory
    for http in clients:
        await http.aclose()


@pytest.fixture
async def client(make_client) -> Client:
    return make_client()


@pytest.fixture
async def as_role(make_client, org):
    """``await as_role("driver")`` -> a client signed in as that role's person in ``org``."""

    async def signed_in(role: str, who: Org | None = None) -> Client:
        c = make_client()
        response = await c.sign_in((who or org).users[role])
        assert response.status_code == 303, response.text
        return c

    return signed_in


def pytest_collection_modifyitems(config, items):
    """Browser tests last: Playwright's sync API keeps an event loop running in this thread
    from its first use to the end of the session, and async tests can't run beside it."""
    items.sort(key=lambda item: item.get_closest_marker("browser") is not None)


# Push: a local push service that checks and decrypts what it is sent, and the delivery worker.
@pytest.fixture
def service(app):
    receiver = PushService(vapid_public_key=app.state.vapid.public_key).start()
    yield receiver
    receiver.stop()


@pytest.fixture
async def worker(settings, app):
    icons = app.state.assets.url  # as the app's own worker: icon URLs carry their content hash
    async with DeliveryWorker(settings, icons, retry_base=0.02, retry_cap=0.2) as running:
        yield running


# Email and SMS (server/channels/): a local SMTP server and SMS gateway, and settings aimed at them.
PUBLIC = "https://muster.example.org"


@pytest.fixture
def mail():
    server = MailServer().start()
    yield server
    server.stop()


@pytest.fixture
def gateway():
    server = SmsGateway().start()
    yield server
    server.stop()


@pytest.fixture
def on(settings, mail, gateway):
    """The settings with email and SMS pointed at the local servers."""
    return dataclasses.replace(
        settings,
        public_url=PUBLIC,
        smtp_host="127.0.0.1",
        smtp_port=mail.port,
        smtp_tls="none",
        smtp_from="Muster <alerts@district.example>",
        sms_url=gateway.url,
        sms_account=gateway.account,
        sms_token=gateway.token,
        sms_from="+15550100",
    )
