"""What filing a report costs the phone, and what linking it costs the server.

1. Time to file (headless Chromium at phone size, position set, signed in as the demo driver):
   from the tap on "Report something suspicious" on the home screen to "Saved on this phone",
   filling kind, plate and what they were doing; the median of several runs. This is the app's
   share of the minute a person has; their typing is not in it.
2. Bytes a first visit to the form costs (compressed, every request the page made).
3. Correlation for one new report against 100,000 stored ones (SQLite, then PostgreSQL unless
   ``--postgres ''``): the indexed search the
   server runs (plate by equality; time window and latitude/longitude box through an index) beside
   a scan of every row measured with geopy. The headline ``ratio`` is indexed / scan (the worse of
   the two databases): far below 1 means the index does the work.

    .venv/bin/python bench/reports.py [--stored 100000] [--postgres postgresql://...]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

from playwright.sync_api import sync_playwright

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench.pages import network_bytes, signed_in_cookie
from bench.sync import PUSH, fresh_postgres, serve

LINCOLN = (38.5762, -121.4865)
FILE_RUNS = 5


def time_to_file(url: str) -> tuple[float, int]:
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", chromium_sandbox=False)
        context = browser.new_context(
            viewport={"width": 390, "height": 844},
            is_mobile=True,
            has_touch=True,
            permissions=["geolocation"],
            geolocation={"latitude": 38.578, "longitude": -121.489, "accuracy": 15},
        )
        context.add_cookies([signed_in_cookie(url)])
        page = context.new_page()
        first_bytes, _ = network_bytes(
            page, lambda: page.goto(url + "/reports/new", wait_until="networkidle")
        )
        timings = []
        for run in range(FILE_RUNS):
            page.goto(url + "/", wait_until="networkidle")
            start = time.perf_counter()
            page.get_by_role("link", name="Report something suspicious").click()
            page.get_by_label("A vehicle", exact=True).check()
            page.get_by_label("Licence plate (the most useful detail)").fill(f"7ABC{run}")
            page.get_by_label("What were they doing?").fill("Followed the bus for three stops")
            page.get_by_text("Found where you are").wait_for()
            page.get_by_role("button", name="Save report").click()
            page.get_by_role("heading", name="Saved on this phone").wait_for()
            timings.append((time.perf_counter() - start) * 1000)
        browser.close()
    return statistics.median(timings), first_bytes


async def correlation(stored: int) -> tuple[float, float, int]:
    from tortoise import Tortoise

    from server.db import migrate, tortoise_config
    from server.events.bulk import insert_many
    from server.models import Organisation, User
    from server.places.geo import distance_m
    from server.reports import correlate
    from server.reports.models import Report
    from server.settings import load_settings

    settings = load_settings()
    await migrate(settings)
    await Tortoise.init(config=tortoise_config(settings))
    try:
        org = await Organisation.create(name="Bench district")
        user = await User.create(
            organisation=org, name="Bench", email="bench@example.org", password_hash="x"
        )
        rng = random.Random(1)
        now = datetime.now(UTC)
        kinds = ["person", "vehicle", "both", "item", "behaviour"]
        rows = []
        for n in range(stored):
            rows.append(
                {
                    "id": uuid.uuid4(),
                    "organisation_id": org.id,
                    "reported_by_id": user.id,
                    "kind": kinds[n % 5],
                    "person": {},
                    "vehicle": {},
                    "item": "",
                    "activity": "stored report",
                    "concern": "",
                    "plate_key": f"P{rng.randrange(20_000)}" if n % 5 in (1, 2) else None,
                    "seen_at": now - timedelta(minutes=rng.uniform(0, 365 * 24 * 60)),
                    "latitude": LINCOLN[0] + rng.uniform(-0.3, 0.3),
                    "longitude": LINCOLN[1] + rng.uniform(-0.3, 0.3),
                    "accuracy": 10.0,
                    "position_source": "device",
                    "nearest_site_id": None,
                    "distance_m": None,
                    "bearing": "",
                    "school_id": None,
                    "place_name": "",
                    "place_checked": False,
                    "photos": [],
                    "context": {},
                    "received_at": now,
                }
            )
        for start in range(0, len(rows), 5000):
            await insert_many(Report, rows[start : start + 5000])
        new = await Report.create(
            id=uuid.uuid4(),
            organisation=org,
            reported_by=user,
            kind="vehicle",
            activity="new report",
            plate_key="P123",
            seen_at=now - timedelta(days=30),
            latitude=LINCOLN[0],
            longitude=LINCOLN[1],
            position_source="device",
        )

        indexed = []
        for _ in range(20):
            start = time.perf_counter()
            found = await correlate.find_related(new, 500, 2)
            indexed.append((time.perf_counter() - start) * 1000)

        async def scan() -> list:
            everything = await Report.filter(organisation_id=org.id).values_list(
                "id", "kind", "plate_key", "latitude", "longitude", "seen_at"
            )
            window = timedelta(hours=2)
            return [
                row[0]
                for row in everything
                if row[0] != new.id
                and (
                    row[2] == new.plate_key
                    or (
                        row[1] in ("vehicle", "both")
                        and abs(row[5] - new.seen_at) <= window
                        and distance_m((new.latitude, new.longitude), (row[3], row[4])) <= 500
                    )
                )
            ]

        scans = []
        for _ in range(3):
            start = time.perf_counter()
            scanned = await scan()
            scans.append((time.perf_counter() - start) * 1000)
        assert {m.other_id for m in found} == set(scanned), "the two searches disagree"
        return statistics.median(indexed), statistics.median(scans), len(found)
    finally:
        await Tortoise.close_connections()


def correlation_in(database_url: str, data: str, stored: int) -> tuple[float, float, int]:
    """In a process of its own: Tortoise keeps one configuration per process."""
    env = {**os.environ, "MUSTER_DATA_DIR": data, "DATABASE_URL": database_url}
    done = subprocess.run(
        [sys.executable, __file__, "--correlate-here", "--stored", str(stored)],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    indexed, scan, matches = done.stdout.split()
    return float(indexed), float(scan), int(matches)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--stored", type=int, default=100_000)
    parser.add_argument(
        "--postgres",
        default="postgresql://postgres@127.0.0.1:5432",
        help="also measure correlation on a fresh PostgreSQL database; empty to skip",
    )
    parser.add_argument("--correlate-here", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.correlate_here:
        print(*asyncio.run(correlation(args.stored)))
        return
    with tempfile.TemporaryDirectory() as data:
        env = {
            **os.environ,
            "MUSTER_DATA_DIR": data,
            "DATABASE_URL": f"sqlite://{Path(data) / 'reports.sqlite3'}",
            **PUSH,
        }
        process, url = serve(env)
        try:
            file_ms, form_bytes = time_to_file(url)
        finally:
            process.terminate()
            process.wait()
    with tempfile.TemporaryDirectory() as data:
        sqlite = correlation_in(f"sqlite://{Path(data) / 'correlate.sqlite3'}", data, args.stored)
        pg = None
        if args.postgres:
            name = f"muster_bench_reports_{os.getpid()}"
            asyncio.run(fresh_postgres(args.postgres, name))
            try:
                url = f"{args.postgres}/{name}".replace("postgresql://", "postgres://", 1)
                pg = correlation_in(url, data, args.stored)
            finally:
                asyncio.run(fresh_postgres(args.postgres, name, drop=True))
    print(f"time_to_file_ms: {file_ms:.0f}")
    print(f"form_first_visit_bytes: {form_bytes}")
    print(f"stored_reports: {args.stored}")
    print(f"correlation_matches: {sqlite[2]}")
    print(f"sqlite_correlation_indexed_ms: {sqlite[0]:.2f}")
    print(f"sqlite_correlation_full_scan_ms: {sqlite[1]:.0f}")
    if pg:
        print(f"postgres_correlation_indexed_ms: {pg[0]:.2f}")
        print(f"postgres_correlation_full_scan_ms: {pg[1]:.0f}")
    worst = max(sqlite[0] / sqlite[1], pg[0] / pg[1] if pg else 0)
    print(f"ratio: {worst:.4f}")


if __name__ == "__main__":
    main()
