"""How long until the live page's accounting is complete when a whole school's teachers send their
class accounting at once, beside the same number of plain ``note.recorded`` events.

A 2,000-student school: 80 teachers, each with a class of 25. All 80 send their accounting in one
batch each, at once (the real app in-process, each teacher signed in on their own client): a tap
for every student (here; one injured with a note; in ten classes a student marked missing whom
the next class has as an extra) and the class's report with its assembly point. The clock stops
when the live page's figures (GET /incidents/{id}/accounting, as its htmx refresh asks) say
"Classes reported: 80 of 80" and "Students accounted for: 2000 of 2000" with nobody missing. The
same 80 clients then send as many ``note.recorded`` events, 26 each, at once; the clock stops
when every one is answered. Median of ``--runs`` runs each, alternating. Prints ``name: value``
lines; ``ratio`` (accounting over notes, the worse database) last. Target: at most 1.5.

    .venv/bin/python bench/accounting.py [--runs 7] [--postgres postgresql://postgres@127.0.0.1:5432]
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
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from bench.sync import fresh_postgres  # noqa: E402 - after the path is set

TEACHERS, CLASS_SIZE, SWAPPED = 80, 25, 10
PASSWORD = "bench-password-1234"
PUSH = {"MUSTER_VAPID_CONTACT": "mailto:bench@example.org"}  # required to serve


def _event(kind: str, payload: dict) -> dict:
    now = datetime.now(UTC).isoformat()
    return {"id": str(uuid.uuid4()), "type": kind, "occurred_at": now, "payload": payload}


def accounting_batches(incident: int, classes: list, site: int) -> list[list[dict]]:
    """One batch a teacher: their class's taps and its report."""
    batches = []
    for n, (class_id, students) in enumerate(classes):
        batch = []
        for k, student in enumerate(students):
            mark = "missing" if n < SWAPPED and k == 0 else "injured" if k == 1 else "present"
            payload = {
                "mark_id": str(uuid.uuid4()),
                "incident_id": incident,
                "class_id": class_id,
                "student_id": student,
                "mark": mark,
                "note": "Grazed knee" if mark == "injured" else "",
            }
            batch.append(_event("accounting.marked", payload))
        if 0 < n <= SWAPPED:  # the previous class's missing student is here
            extra = classes[n - 1][1][0]
            payload = {
                "mark_id": str(uuid.uuid4()),
                "incident_id": incident,
                "class_id": class_id,
                "student_id": extra,
                "mark": "extra",
            }
            batch.append(_event("accounting.marked", payload))
        report = {
            "report_id": str(uuid.uuid4()),
            "incident_id": incident,
            "class_id": class_id,
            "site_id": site,
            "place": "Field, gate B",
        }
        batch.append(_event("accounting.reported", report))
        batches.append(batch)
    return batches


def note_batches(sizes: list[int]) -> list[list[dict]]:
    return [
        [_event("note.recorded", {"text": f"Gate B was left open ({n})"}) for n in range(size)]
        for size in sizes
    ]


async def _send_all(clients: list, batches: list[list[dict]]) -> None:
    async def one(client, batch):
        http, csrf = client
        response = await http.post(
            "/api/sync",
            json={"device_id": f"bench-{id(http)}", "events": batch},
            headers={"X-CSRF-Token": csrf},
        )
        results = response.json()["results"]
        assert all(r["status"] == "accepted" for r in results), results[:3]

    await asyncio.gather(*(one(c, b) for c, b in zip(clients, batches, strict=True)))


async def measure(runs: int) -> tuple[float, ...]:
    import httpx

    from server.accounting.models import (
        AccountingCall,
        ClassTeacher,
        Enrollment,
        RosterClass,
        Student,
    )
    from server.app import create_app
    from server.db import migrate
    from server.incidents.models import Incident, IncidentSchool
    from server.models import Organisation, School, Site, User
    from server.passwords import hash_password
    from server.settings import load_settings

    settings = load_settings()
    await migrate(settings)
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        org = await Organisation.create(name="Bench district")
        school = await School.create(organisation=org, name="Lincoln")
        site = await Site.create(
            organisation=org,
            school=school,
            kind="campus",
            name="Lincoln field",
            latitude=38.5762,
            longitude=-121.4865,
        )
        hashed = hash_password(PASSWORD)
        lead = await User.create(
            organisation=org,
            name="Safety lead",
            email="lead@bench.example",
            password_hash=hashed,
            roles=["safety"],
        )
        await User.bulk_create(
            [
                User(
                    organisation=org,
                    name=f"Teacher {n}",
                    email=f"teacher{n}@bench.example",
                    password_hash=hashed,
                    roles=["staff"],
                )
                for n in range(TEACHERS)
            ]
        )
        teachers = await User.filter(organisation=org, email__startswith="teacher").order_by("id")
        for teacher in teachers:
            await teacher.schools.add(school)
        classes = []
        for n, teacher in enumerate(teachers):
            klass = await RosterClass.create(
                organisation=org, school=school, source_id=f"c{n}", name=f"Room {n}"
            )
            await ClassTeacher.create(roster_class=klass, teacher=teacher)
            await Student.bulk_create(
                [
                    Student(
                        organisation=org,
                        school=school,
                        source_id=f"s{n}-{k}",
                        name=f"Student {n}-{k}",
                    )
                    for k in range(CLASS_SIZE)
                ]
            )
            ids = await Student.filter(
                organisation=org, source_id__startswith=f"s{n}-"
            ).values_list("id", flat=True)
            await Enrollment.bulk_create(
                [Enrollment(roster_class=klass, student_id=s) for s in ids]
            )
            classes.append((klass.id, sorted(ids)))
        transport = httpx.ASGITransport(app=app)
        clients = []
        for person in [*teachers, lead]:
            http = httpx.AsyncClient(transport=transport, base_url="http://testserver")
            page = await http.get("/sign-in")
            token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
            signed = await http.post(
                "/sign-in", data={"email": person.email, "password": PASSWORD, "csrf_token": token}
            )
            assert signed.status_code == 303, signed.text
            home = await http.get("/")
            token = re.search(r'name="csrf_token" value="([^"]+)"', home.text).group(1)
            clients.append((http, token))
        lead_http = clients.pop()[0]
        timings: dict[str, list[float]] = {"accounting": [], "notes": [], "panel": []}
        for run in range(runs + 1):  # the first of each warms up
            incident = await Incident.create(
                organisation=org,
                year=2026,
                number=run + 1,
                kind="evacuate",
                opened_at=datetime.now(UTC),
            )
            await IncidentSchool.create(incident=incident, school=school)
            await AccountingCall.create(incident=incident, asked_at=datetime.now(UTC))
            batches = accounting_batches(incident.id, classes, site.id)
            start = time.perf_counter()
            await _send_all(clients, batches)
            sent = time.perf_counter()
            panel = await lead_http.get(
                f"/incidents/{incident.id}/accounting", headers={"HX-Request": "true"}
            )
            elapsed = time.perf_counter() - start
            panel_s = time.perf_counter() - sent
            text = panel.text
            assert f"Classes reported: {TEACHERS} of {TEACHERS}" in text, text[:500]
            total = TEACHERS * CLASS_SIZE
            assert f"Students accounted for: {total} of {total}" in text, text[:500]
            assert "acc-missing" not in text and text.count("<li>") >= SWAPPED
            notes = note_batches([len(b) for b in batches])
            start_notes = time.perf_counter()
            await _send_all(clients, notes)
            elapsed_notes = time.perf_counter() - start_notes
            if run:
                timings["accounting"].append(elapsed)
                timings["notes"].append(elapsed_notes)
                timings["panel"].append(panel_s)
        for http, _token in clients:
            await http.aclose()
        await lead_http.aclose()
    return tuple(statistics.median(timings[k]) for k in ("accounting", "notes", "panel"))


def measure_in(database_url: str, data: str, runs: int) -> tuple[float, float, float]:
    """In a process of its own: Tortoise keeps one configuration per process."""
    env = {**os.environ, "MUSTER_DATA_DIR": data, "DATABASE_URL": database_url, **PUSH}
    command = [sys.executable, __file__, "--here", "--runs", str(runs)]
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=True)
    accounting, notes, panel = done.stdout.split()[-3:]
    return float(accounting), float(notes), float(panel)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--postgres", default="", help="also measure on a fresh PostgreSQL")
    parser.add_argument("--here", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.here:
        print(*asyncio.run(measure(args.runs)))
        return
    results = {}
    with tempfile.TemporaryDirectory() as data:
        results["sqlite"] = measure_in(f"sqlite://{Path(data) / 'bench.sqlite3'}", data, args.runs)
        if args.postgres:
            name = f"muster_bench_accounting_{os.getpid()}"
            asyncio.run(fresh_postgres(args.postgres, name))
            try:
                url = f"{args.postgres}/{name}".replace("postgresql://", "postgres://", 1)
                results["postgres"] = measure_in(url, data, args.runs)
            finally:
                asyncio.run(fresh_postgres(args.postgres, name, drop=True))
    print(f"students: {TEACHERS * CLASS_SIZE}")
    print(f"teachers: {TEACHERS}")
    print(f"events_each_way: {TEACHERS * (CLASS_SIZE + 1) + SWAPPED}")
    for db, (accounting, notes, panel) in results.items():
        print(f"{db}_accounting_complete_s: {accounting:.3f}")
        print(f"{db}_live_page_figures_s: {panel:.3f}")
        print(f"{db}_notes_s: {notes:.3f}")
        print(f"{db}_ratio: {accounting / notes:.2f}")
    print(f"ratio: {max(a / n for a, n, _p in results.values()):.2f}")


if __name__ == "__main__":
    main()
