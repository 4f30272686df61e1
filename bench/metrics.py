"""What the safety metrics dashboard costs the server over two years of a district.

A district of 30 schools with two years of records (about 200,000 suspicious reports, 50,000
checklist runs, 5,000 alerts with 200,000 answers, field trips with late check-ins, improvement
actions, concerns, tips and threat assessment cases, training sessions and who attended, the
calendar's drills), written with raw executemany (``server.events.bulk.insert_many``), not the
ORM row by row. Then ``GET /metrics`` (the real app in-process, signed in as the safety lead)
for the last two years beside the same page for the last month; the median of several runs, on
SQLite and then on PostgreSQL (unless ``--postgres ''``). The headline ``ratio`` is two years /
one month (the worse of the two databases): the figures are counted in the database through
indexes, so the target is at most 3.

    .venv/bin/python bench/metrics.py [--scale 1.0] [--runs 7] [--postgres postgresql://...]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import re
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench.sync import PUSH, fresh_postgres

PASSWORD = "bench password long enough"
SCHOOLS = 30
DAYS = 730
REPORTS = 200_000
RUNS = 50_000
ALERTS = 5_000
ANSWERS_EACH = 40  # 200,000 answers
STAFF = 200
DRIVERS = 60
TRIPS = 3_000
ACTIONS = 600
CONCERNS = 2_000
TIPS = 1_000
CASES = 400
SESSIONS = 1_500  # training sessions, with ATTENDEES each
ATTENDEES = 10
DRILLS_A_YEAR = 8  # drills each school holds a school year (the calendar's, not alerts)
CHECKLISTS = [  # (id, share of runs)
    ("bus-pre-route", 0.4),
    ("bus-post-route", 0.3),
    ("field-trip-departure", 0.15),
    ("bleeding-control", 0.1),
    ("threat-call", 0.05),
]


def _filled(model, row: dict[str, Any]) -> dict[str, Any]:
    """``row`` with every other column at its field's default (as the ORM would write it)."""
    db = model._meta.db
    executor = db.executor_class(model=model, db=db)
    fields = model._meta.fields_map
    columns = executor.regular_columns if model._meta.pk.generated else executor.regular_columns_all
    for name in columns:
        if name in row:
            continue
        field = fields[name]
        default = field.default
        row[name] = default() if callable(default) else default
    return row


async def _insert(model, rows: list[dict[str, Any]]) -> None:
    from tortoise.transactions import in_transaction

    from server.events.bulk import insert_many

    async with in_transaction():
        for start in range(0, len(rows), 5000):
            await insert_many(model, [_filled(model, r) for r in rows[start : start + 5000]])


async def _district(now: datetime) -> tuple[Any, Any]:
    """The district and its two years; returns (organisation, safety lead)."""
    from server.alerts.models import Alert, AlertRecipient
    from server.alerts.service import figures
    from server.checklists.models import ChecklistRun
    from server.models import Organisation, School, User
    from server.passwords import hash_password
    from server.reports.models import Report
    from server.reviews.models import ImprovementAction
    from server.trips.models import Trip, TripOverdue

    rng = random.Random(20)
    org = await Organisation.create(name="Bench district")
    schools = [await School.create(organisation=org, name=f"School {n:02}") for n in range(SCHOOLS)]
    lead = await User.create(
        organisation=org,
        name="Safety lead",
        email="lead@bench.example",
        password_hash=hash_password(PASSWORD),
        roles=["safety"],
    )
    await User.bulk_create(
        [
            User(
                organisation=org,
                name=f"{role.title()} {n}",
                email=f"{role}-{n}@bench.example",
                password_hash="x",
                roles=[role],
            )
            for role, count in (("staff", STAFF), ("driver", DRIVERS))
            for n in range(count)
        ]
    )
    staff = await User.filter(organisation=org, email__startswith="staff-").values_list(
        "id", flat=True
    )
    drivers = await User.filter(organisation=org, email__startswith="driver-").values_list(
        "id", flat=True
    )

    def moment() -> datetime:
        return now - timedelta(seconds=rng.uniform(0, DAYS * 86400))

    kinds = ["person", "vehicle", "both", "item", "behaviour"]
    await _insert(
        Report,
        [
            {
                "id": uuid.uuid4(),
                "organisation_id": org.id,
                "reported_by_id": rng.choice(staff),
                "kind": rng.choice(kinds),
                "activity": "Someone at the fence",
                "seen_at": moment(),
                "latitude": 38.57 + rng.uniform(-0.2, 0.2),
                "longitude": -121.48 + rng.uniform(-0.2, 0.2),
                "accuracy": 10.0,
                "position_source": "device",
                "school_id": rng.choice(schools).id if rng.random() < 0.9 else None,
                "received_at": now,
                "status": "new",
            }
            for _ in range(REPORTS)
        ],
    )

    runs = []
    for checklist, share in CHECKLISTS:
        for _ in range(int(RUNS * share)):
            started = moment()
            bus = checklist.startswith("bus-")
            done = rng.random() < 0.9
            skipped = [{"item_id": "fire-extinguisher", "reason": "Gauge unreadable"}]
            runs.append(
                {
                    "id": uuid.uuid4(),
                    "organisation_id": org.id,
                    "user_id": rng.choice(drivers if bus else staff),
                    "school_id": None if bus else rng.choice(schools).id,
                    "checklist_id": checklist,
                    "checklist_version": 1,
                    "context": {"bus_number": str(rng.randrange(1, 61))} if bus else {},
                    "started_at": started,
                    "completed_at": started + timedelta(minutes=8) if done else None,
                    "skipped": skipped if done and rng.random() < 0.05 else [],
                    "practice": rng.random() < 0.05,
                }
            )
    await _insert(ChecklistRun, runs)

    alerts, answers = [], []
    for n in range(ALERTS):
        raised = moment()
        drill = n % 5 < 3
        times = sorted(rng.uniform(5, 300) for _ in range(ANSWERS_EACH))
        firsts = [raised + timedelta(seconds=s) for s in times]
        alert_id = uuid.uuid4()
        shape = SimpleNamespace(raised_at=raised, send_after=None)
        alerts.append(
            {
                "id": alert_id,
                "organisation_id": org.id,
                "raised_by_id": lead.id,
                "kind": "lockdown" if drill else "medical",
                "severity": "emergency" if drill else "warning",
                "audience": {"scope": "schools", "school_ids": [rng.choice(schools).id]},
                "drill": drill,
                "practice": rng.random() < 0.03,
                "raised_at": raised,
                "received_at": raised,
                "figures": figures(shape, firsts),  # as the alerts area keeps them
                "ended_at": raised + timedelta(minutes=20),
            }
        )
        for user, at in zip(rng.sample(list(staff), ANSWERS_EACH), firsts, strict=True):
            answers.append(
                {
                    "alert_id": alert_id,
                    "user_id": user,
                    "response": "safe",
                    "responded_at": at,
                    "first_responded_at": at,
                    "position": None,
                }
            )
    await _insert(Alert, alerts)
    await _insert(AlertRecipient, answers)

    trips = []
    for _ in range(TRIPS):
        start = moment()
        trips.append(
            Trip(
                organisation=org,
                school=rng.choice(schools),
                name="Museum",
                starts_at=start,
                ends_at=start + timedelta(hours=6),
                created_by=lead,
            )
        )
    await Trip.bulk_create(trips, batch_size=1000)
    trip_rows = await Trip.filter(organisation=org).values_list("id", "starts_at")
    await _insert(
        TripOverdue,
        [
            {
                "trip_id": trip,
                "expected": "back",
                "due_at": start + timedelta(hours=6),
                "alerted_at": start + timedelta(hours=6, minutes=30),
            }
            for trip, start in trip_rows[: TRIPS // 10]
        ],
    )
    await ImprovementAction.bulk_create(
        [
            ImprovementAction(
                organisation=org,
                description="Fit a closer to the side gate",
                owner_id=rng.choice(staff),
                due_on=(moment() + timedelta(days=30)).date(),
                status=rng.choice(["open", "done", "dropped"]),
                created_at=moment(),
            )
            for _ in range(ACTIONS)
        ],
        batch_size=1000,
    )
    await _assessment_and_training(org, schools, staff, lead, moment, rng)
    return org, lead


async def _assessment_and_training(org, schools, staff, lead, moment, rng) -> None:
    """What the dashboard's later figures count: concerns, tips and threat assessment cases;
    training sessions and who attended; the district's drill requirements and each school's
    drills on the calendar."""
    from server.cases.models import Case, Level, SourceKind, Stage
    from server.concerns.models import Concern, HowKnown
    from server.drills.models import Drill, DrillKind, DrillRequirement, DrillStatus
    from server.tips.models import Reporter, Tip
    from server.training.models import Attendance, Audience, TrainingSession

    def school() -> int | None:
        return rng.choice(schools).id if rng.random() < 0.95 else None

    concerns = []
    for _ in range(CONCERNS):
        at = moment()
        concerns.append(
            {
                "id": uuid.uuid4(),
                "organisation_id": org.id,
                "raised_by_id": rng.choice(staff),
                "school_id": school(),
                "what": "Said he would bring something",
                "place": "Bus 14",
                "happened_at": at,
                "how_known": HowKnown.HEARD,
                "danger_now": rng.random() < 0.1,
                "raised_at": at,
                "received_at": at,
            }
        )
    await _insert(Concern, concerns)
    await _insert(
        Tip,
        [
            {
                "id": uuid.uuid4(),
                "organisation_id": org.id,
                "school_id": school(),
                "urgent": rng.random() < 0.1,
                "what": "A post about a knife",
                "reporter": Reporter.SOMEONE,
                "code_hash": uuid.uuid4().hex,
                "received_at": moment(),
            }
            for _ in range(TIPS)
        ],
    )
    levels = [None, Level.TRANSIENT, Level.SERIOUS, Level.VERY_SERIOUS]
    stages = list(Stage)
    await _insert(
        Case,
        [
            {
                "organisation_id": org.id,
                "school_id": rng.choice(schools).id,
                "stage": rng.choice(stages),
                "source_kind": SourceKind.CONCERN,
                "level": rng.choice(levels),
                "opened_by_id": lead.id,
                "opened_at": moment(),
            }
            for _ in range(CASES)
        ],
    )
    sessions, attended = [], []
    for _ in range(SESSIONS):
        at, session = moment(), uuid.uuid4()
        sessions.append(
            {
                "id": session,
                "organisation_id": org.id,
                "trainer_id": lead.id,
                "lesson": "bus-security",
                "audience": Audience.TEACHERS,
                "school_id": school(),
                "held_at": at,
                "practice": rng.random() < 0.05,
                "recorded_at": at,
                "received_at": at,
            }
        )
        attended += [
            {"session_id": session, "person_id": person, "name": ""}
            for person in rng.sample(list(staff), ATTENDEES)
        ]
    await _insert(TrainingSession, sessions)
    await _insert(Attendance, attended)
    await DrillRequirement.bulk_create(
        [DrillRequirement(organisation=org, kind=kind, per_year=2) for kind in DrillKind]
    )
    drills = []
    for _ in range(len(schools) * DRILLS_A_YEAR * DAYS // 365):
        day = moment().date()
        held = rng.random() < 0.9
        drills.append(
            Drill(
                organisation=org,
                school=rng.choice(schools),
                kind=rng.choice(list(DrillKind)),
                planned_on=day,
                held_on=day if held else None,
                status=DrillStatus.HELD if held else DrillStatus.CANCELLED,
                planned_by=lead,
            )
        )
    await Drill.bulk_create(drills, batch_size=1000)


async def _settle() -> None:
    """The planner's statistics (and PostgreSQL's visibility map, for index-only scans), as a
    database that has been running has them (autovacuum; SQLite's ANALYZE)."""
    from tortoise import connections

    db = connections.get("default")
    if db.capabilities.dialect == "postgres":
        await db.execute_script("VACUUM ANALYZE")
    else:
        await db.execute_script("ANALYZE")


async def measure(runs: int) -> tuple[float, float, float]:
    import httpx

    from server.app import create_app
    from server.db import migrate
    from server.settings import load_settings

    settings = load_settings()
    await migrate(settings)
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        now = datetime.now(UTC)
        began = time.perf_counter()
        _org, lead = await _district(now)
        written = time.perf_counter() - began
        await _settle()
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
            page = await http.get("/sign-in")
            token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
            signed = await http.post(
                "/sign-in", data={"email": lead.email, "password": PASSWORD, "csrf_token": token}
            )
            assert signed.status_code == 303, signed.text
            today = now.date()
            ranges = {
                "month": f"from={today - timedelta(days=30)}&to={today}",
                "two_years": f"from={today - timedelta(days=DAYS)}&to={today}",
            }
            medians = {}
            for name, query in ranges.items():
                timings = []
                for run in range(runs + 2):  # two to warm up
                    start = time.perf_counter()
                    response = await http.get(f"/metrics?{query}")
                    elapsed = (time.perf_counter() - start) * 1000
                    assert response.status_code == 200, response.text[-2000:]
                    assert 'id="table-drills-over-time"' in response.text
                    if run >= 2:
                        timings.append(elapsed)
                medians[name] = statistics.median(timings)
    return medians["month"], medians["two_years"], written


def measure_in(database_url: str, data: str, args: argparse.Namespace) -> tuple[float, ...]:
    """In a process of its own: Tortoise keeps one configuration per process."""
    env = {**os.environ, "MUSTER_DATA_DIR": data, "DATABASE_URL": database_url, **PUSH}
    command = [sys.executable, __file__, "--here", "--runs", str(args.runs)]
    done = subprocess.run(command, env=env, capture_output=True, text=True)
    if done.returncode:
        sys.exit(done.stderr[-4000:])
    return tuple(float(x) for x in done.stdout.split()[-3:])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument(
        "--postgres",
        default=os.environ.get("MUSTER_BENCH_POSTGRES", "postgresql://postgres@127.0.0.1:5432"),
        help="also measure on a fresh PostgreSQL database; empty to skip",
    )
    parser.add_argument("--here", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.here:
        print(*asyncio.run(measure(args.runs)))
        return
    results = {}
    with tempfile.TemporaryDirectory() as data:
        sqlite = f"sqlite://{Path(data) / 'metrics.sqlite3'}"
        results["sqlite"] = measure_in(sqlite, data, args)
        if args.postgres:
            name = f"muster_bench_metrics_{os.getpid()}"
            asyncio.run(fresh_postgres(args.postgres, name))
            try:
                url = f"{args.postgres}/{name}".replace("postgresql://", "postgres://", 1)
                results["postgres"] = measure_in(url, data, args)
            finally:
                asyncio.run(fresh_postgres(args.postgres, name, drop=True))
    print(f"schools: {SCHOOLS}")
    print(f"reports: {REPORTS}")
    print(f"checklist_runs: {RUNS}")
    print(f"alerts: {ALERTS}")
    print(f"answers: {ALERTS * ANSWERS_EACH}")
    for db, (month, two_years, written) in results.items():
        print(f"{db}_write_s: {written:.1f}")
        print(f"{db}_dashboard_ms_one_month: {month:.1f}")
        print(f"{db}_dashboard_ms_two_years: {two_years:.1f}")
        print(f"{db}_ratio: {two_years / month:.2f}")
    print(f"ratio: {max(two_years / month for month, two_years, _w in results.values()):.2f}")


if __name__ == "__main__":
    main()
