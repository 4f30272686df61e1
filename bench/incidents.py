"""What the live incident page costs the server as an incident grows.

The timeline refresh the live page polls every few seconds (``GET /incidents/{id}`` with
``HX-Request``, through the real app in-process, signed in as the safety lead) for an incident
with 5,000 entries beside the same page for one with 50; a tenth of each incident's entries are
linked alerts (each answered, every other answer "need help" with a position the page puts in
words), the rest typed log entries. The median of several runs, on SQLite and then on
PostgreSQL (unless ``--postgres ''``). The headline ``ratio`` is large / small (the worse of the
two databases): the page reads the newest entries by the (incident, time) indexes, so the target
is at most 3.

    .venv/bin/python bench/incidents.py [--small 50] [--large 5000] [--runs 20] [--postgres ...]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench.sync import PUSH, fresh_postgres

PASSWORD = "bench password long enough"


async def _incident(org, school, user, entries: int, number: int) -> int:
    from server.alerts.models import Alert, AlertRecipient
    from server.checklists.models import ChecklistAnswer, ChecklistRun
    from server.incidents.models import (
        Incident,
        IncidentLink,
        IncidentLogEntry,
        IncidentSchool,
        LinkKind,
    )
    from server.reports.models import Report
    from server.trips.models import CheckIn, Headcount, LostStudent, Trip

    start = datetime.now(UTC) - timedelta(hours=5)
    incident = await Incident.create(
        organisation=org, year=start.year, number=number, kind="lockdown", opened_at=start
    )
    await IncidentSchool.create(incident=incident, school=school)
    tenth = entries // 10
    times = [start + timedelta(seconds=3 * n) for n in range(entries)]

    def at(share: int, n: int) -> datetime:  # the n-th entry of a share, through the incident
        return times[10 * n + share]

    rows = [
        Alert(
            id=uuid.uuid4(),
            organisation_id=org.id,
            raised_by_id=user.id,
            kind="lockdown",
            severity="emergency",
            raised_at=at(0, n),
        )
        for n in range(tenth)
    ]
    await Alert.bulk_create(rows, batch_size=1000)
    links = [
        IncidentLink(
            incident_id=incident.id, kind=LinkKind.ALERT, record_id=str(a.id), at=a.raised_at
        )
        for a in rows
    ]
    await AlertRecipient.bulk_create(
        [
            AlertRecipient(
                alert_id=a.id,
                user_id=user.id,
                response="help" if n % 2 else "safe",
                responded_at=a.raised_at + timedelta(seconds=1),
                first_responded_at=a.raised_at + timedelta(seconds=1),
                position={"latitude": 38.578, "longitude": -121.486, "accuracy": 10}
                if n % 2
                else None,
            )
            for n, a in enumerate(rows)
        ],
        batch_size=1000,
    )
    reports = [
        Report(
            id=uuid.uuid4(),
            organisation_id=org.id,
            reported_by_id=user.id,
            kind="person",
            activity=f"Report {n}: someone at the fence",
            seen_at=at(1, n),
            latitude=38.578,
            longitude=-121.486,
            position_source="device",
            school_id=school.id,
        )
        for n in range(tenth)
    ]
    await Report.bulk_create(reports, batch_size=1000)
    links += [
        IncidentLink(
            incident_id=incident.id, kind=LinkKind.REPORT, record_id=str(r.id), at=r.seen_at
        )
        for r in reports
    ]
    trip = await Trip.create(
        organisation=org,
        school=school,
        name=f"Trip {number}",
        starts_at=start,
        ends_at=start + timedelta(hours=8),
        created_by=user,
    )
    lost = await LostStudent.create(
        id=uuid.uuid4(), trip=trip, user=user, started_at=start, ends_at=start
    )
    links.append(
        IncidentLink(incident_id=incident.id, kind=LinkKind.LOST, record_id=str(lost.id), at=start)
    )
    await CheckIn.bulk_create(
        [
            CheckIn(
                id=uuid.uuid4(),
                trip_id=trip.id,
                user_id=user.id,
                kind="arrived" if n % 2 else "departed",
                position={"latitude": 38.578, "longitude": -121.486, "accuracy": 10},
                at=at(2, n),
            )
            for n in range(tenth)
        ],
        batch_size=1000,
    )
    await Headcount.bulk_create(
        [
            Headcount(
                id=uuid.uuid4(),
                trip_id=trip.id,
                user_id=user.id,
                expected=24,
                counted=24,
                by_name=False,
                place="the museum steps",
                counted_at=at(3, n),
            )
            for n in range(tenth)
        ],
        batch_size=1000,
    )
    run = await ChecklistRun.create(
        id=uuid.uuid4(),
        organisation=org,
        user=user,
        school=school,
        checklist_id="bleeding-control",
        checklist_version=4,
        started_at=start,
    )
    links.append(
        IncidentLink(incident_id=incident.id, kind=LinkKind.RUN, record_id=str(run.id), at=start)
    )
    await ChecklistAnswer.bulk_create(
        [
            ChecklistAnswer(
                run_id=run.id,
                item_id="tourniquet-on",
                stored={"value": True},
                answered_at=at(4, n),
                event_id=uuid.uuid4(),
            )
            for n in range(tenth)
        ],
        batch_size=1000,
    )
    await IncidentLink.bulk_create(links, batch_size=1000)
    await IncidentLogEntry.bulk_create(
        [
            IncidentLogEntry(
                id=uuid.uuid4(),
                incident_id=incident.id,
                author_id=user.id,
                text=f"Log entry {n}: door checked, all quiet",
                at=times[n],
            )
            for n in range(entries)
            if n % 10 > 4 or n // 10 >= tenth
        ],
        batch_size=1000,
    )
    return incident.id


async def measure(small: int, large: int, runs: int) -> tuple[float, float]:
    import httpx

    from server.app import create_app
    from server.db import migrate
    from server.models import Organisation, School, Site, User
    from server.passwords import hash_password
    from server.settings import load_settings

    settings = load_settings()
    await migrate(settings)
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        org = await Organisation.create(name="Bench district")
        school = await School.create(organisation=org, name="Lincoln")
        await Site.create(
            organisation=org,
            school=school,
            kind="campus",
            name="Lincoln campus",
            latitude=38.5762,
            longitude=-121.4865,
        )
        lead = await User.create(
            organisation=org,
            name="Safety lead",
            email="lead@bench.example",
            password_hash=hash_password(PASSWORD),
            roles=["safety"],
        )
        ids = {
            "small": await _incident(org, school, lead, small, 1),
            "large": await _incident(org, school, lead, large, 2),
        }
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
            page = await http.get("/sign-in")
            token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
            signed = await http.post(
                "/sign-in",
                data={"email": lead.email, "password": PASSWORD, "csrf_token": token},
            )
            assert signed.status_code == 303, signed.text
            medians = {}
            for size, incident in ids.items():
                url = f"/incidents/{incident}"
                timings = []
                for run in range(runs + 2):  # two to warm up
                    start = time.perf_counter()
                    response = await http.get(url, headers={"HX-Request": "true"})
                    elapsed = (time.perf_counter() - start) * 1000
                    assert response.status_code == 200 and "timeline" in response.text
                    assert (
                        "timeline-answer" in response.text and " of Lincoln campus" in response.text
                    )
                    for kind in ("report", "checkin", "headcount", "step"):
                        assert f"timeline-{kind}" in response.text, kind
                    if run >= 2:
                        timings.append(elapsed)
                medians[size] = statistics.median(timings)
    return medians["small"], medians["large"]


def measure_in(database_url: str, data: str, args: argparse.Namespace) -> tuple[float, float]:
    """In a process of its own: Tortoise keeps one configuration per process."""
    env = {**os.environ, "MUSTER_DATA_DIR": data, "DATABASE_URL": database_url, **PUSH}
    command = [sys.executable, __file__, "--here", "--small", str(args.small)]
    command += ["--large", str(args.large), "--runs", str(args.runs)]
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=True)
    small, large = done.stdout.split()[-2:]
    return float(small), float(large)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--small", type=int, default=50)
    parser.add_argument("--large", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument(
        "--postgres",
        default="postgresql://postgres@127.0.0.1:5432",
        help="also measure on a fresh PostgreSQL database; empty to skip",
    )
    parser.add_argument("--here", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.here:
        print(*asyncio.run(measure(args.small, args.large, args.runs)))
        return
    results = {}
    with tempfile.TemporaryDirectory() as data:
        sqlite = f"sqlite://{Path(data) / 'incidents.sqlite3'}"
        results["sqlite"] = measure_in(sqlite, data, args)
        if args.postgres:
            name = f"muster_bench_incidents_{os.getpid()}"
            asyncio.run(fresh_postgres(args.postgres, name))
            try:
                url = f"{args.postgres}/{name}".replace("postgresql://", "postgres://", 1)
                results["postgres"] = measure_in(url, data, args)
            finally:
                asyncio.run(fresh_postgres(args.postgres, name, drop=True))
    print(f"entries_small: {args.small}")
    print(f"entries_large: {args.large}")
    for db, (small, large) in results.items():
        print(f"{db}_timeline_ms_{args.small}: {small:.1f}")
        print(f"{db}_timeline_ms_{args.large}: {large:.1f}")
        print(f"{db}_ratio: {large / small:.2f}")
    print(f"ratio: {max(large / small for small, large in results.values()):.2f}")


if __name__ == "__main__":
    main()
