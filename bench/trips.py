"""How long one pass of the trip watch takes (late check-ins and lost-student countdowns), beside
the interval it runs on.

On a fresh database (SQLite, and PostgreSQL with --postgres): N trips out today, each with three
stops, thirty students and a departure check-in, a third of them late for their next stop. The
first pass raises their overdue alerts; the second finds nothing new (the steady state every
process repeats). Prints ``name: value`` lines; the headline ``ratio`` (the watch interval over
the slower steady pass) comes last: how many passes would fit in one interval.

    .venv/bin/python bench/trips.py [--trips 300] [--postgres postgresql://postgres@127.0.0.1:5432]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from bench.sync import fresh_postgres  # noqa: E402 - after the path is set

INTERVAL = 60.0  # MUSTER_TRIP_WATCH_SECONDS' default


async def measure(database_url: str, count: int) -> tuple[float, float, int]:
    from tortoise import Tortoise

    from server.alerts.models import Alert
    from server.db import migrate, tortoise_config
    from server.models import Organisation, School, User
    from server.settings import load_settings
    from server.trips.models import CheckIn, CheckInKind, Trip, TripStop, TripStudent
    from server.trips.watch import check_trips

    os.environ["DATABASE_URL"] = database_url
    settings = load_settings()
    await migrate(settings)
    await Tortoise.init(config=tortoise_config(settings))
    try:
        org = await Organisation.create(name="Bench district")
        school = await School.create(organisation=org, name="Bench school")
        admin = await User.create(
            organisation=org, name="A", email=f"{uuid.uuid4()}@b.test", password_hash="x"
        )
        now = datetime.now(UTC)
        for n in range(count):
            start = now - timedelta(hours=2)
            trip = await Trip.create(
                organisation=org,
                school=school,
                name=f"Trip {n}",
                starts_at=start,
                ends_at=start + timedelta(hours=6),
                created_by=admin,
            )
            late = n % 3 == 0
            for i, hours in enumerate((0.5 if late else 2, 3, 4), start=1):
                await TripStop.create(
                    trip=trip,
                    position=i,
                    name=f"Stop {i}",
                    expected_at=start + timedelta(hours=hours),
                )
            await TripStudent.bulk_create(
                [TripStudent(trip=trip, name=f"Student {s}") for s in range(30)]
            )
            await CheckIn.create(
                id=uuid.uuid4(), trip=trip, user=admin, kind=CheckInKind.DEPARTED, at=start
            )
        began = time.perf_counter()
        first = await check_trips(now)
        first_s = time.perf_counter() - began
        began = time.perf_counter()
        again = await check_trips(now)
        steady_s = time.perf_counter() - began
        assert not again and len(first) == await Alert.filter(kind="trip-overdue").count()
        return first_s, steady_s, len(first)
    finally:
        await Tortoise.close_connections()


def one(label: str, url: str, count: int) -> float:
    """Measure one database in its own process (Tortoise keeps per-process state)."""
    done = subprocess.run(
        [sys.executable, __file__, "--trips", str(count), "--only", url],
        capture_output=True,
        text=True,
        check=True,
        env=os.environ,
    )
    first, steady, raised = (float(v) for v in done.stdout.split())
    print(f"{label}_overdue_alerts_raised: {int(raised)}")
    print(f"{label}_first_pass_s: {first:.3f}")
    print(f"{label}_steady_pass_s: {steady:.3f}")
    return steady


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--trips", type=int, default=300)
    parser.add_argument("--postgres", default="")
    parser.add_argument("--only", default="", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.only:
        print(*asyncio.run(measure(args.only, args.trips)))
        return
    data = Path(tempfile.mkdtemp(prefix="muster-bench-trips-"))
    os.environ["MUSTER_DATA_DIR"] = str(data)
    os.environ["MUSTER_TRIP_WATCH_SECONDS"] = "0"
    targets = [("sqlite", f"sqlite://{data / 'bench.sqlite3'}")]
    name = f"muster_bench_trips_{uuid.uuid4().hex[:8]}"
    if args.postgres:
        asyncio.run(fresh_postgres(args.postgres, name))
        targets.append(("postgres", f"{args.postgres.replace('postgresql', 'postgres', 1)}/{name}"))
    print(f"trips: {args.trips}")
    try:
        slowest = max(one(label, url, args.trips) for label, url in targets)
    finally:
        if args.postgres:
            asyncio.run(fresh_postgres(args.postgres, name, drop=True))
    print(f"watch_interval_s: {INTERVAL:.0f}")
    print(f"ratio: {INTERVAL / slowest:.1f}")


if __name__ == "__main__":
    main()
