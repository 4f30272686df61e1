"""Ingest rate through POST /api/sync beside the raw batched INSERT rate of the same rows.

For SQLite and PostgreSQL in one run: a real server process on a fresh database takes 10,000
note events in batches of 100 over HTTP, and the same rows (the event log row and the note row
for each event) go straight into the same database with batched INSERTs, 100 events a
transaction. The two take turns, a tenth of the events at a time, so a busy moment of the
machine slows both alike. A third side, taking its turns with them, sends the same batches with
a type the server doesn't know: the HTTP and parsing floor, nothing stored. Prints ``name:
value`` lines; the headline ``ratio`` (sync / raw, the lower of the two databases) comes last.
Target: ratio >= 0.5.

    .venv/bin/python bench/sync.py [--events 10000] [--postgres postgresql://postgres@127.0.0.1:5432]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import sqlite3
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from server.db import SQLITE_LOG_LIMIT  # noqa: E402

BATCH = 100
ROUNDS = 10  # turns each; a tenth of the events a turn
# The floor: the same batches through the same door, of a type the server doesn't know, so each
# is read, checked and answered but nothing is stored. ``floor_ratio`` (floor / raw) is the most
# ``ratio`` could reach if storing cost nothing at all.
FLOOR_TYPE = "bench.unknown"
PUSH = {"MUSTER_VAPID_CONTACT": "mailto:bench@example.org"}  # required to serve


def events(count: int, tag: str, kind: str = "note.recorded") -> list[dict]:
    now = datetime.now(UTC).isoformat()
    return [
        {
            "id": str(uuid.uuid4()),
            "type": kind,
            "occurred_at": now,
            "payload": {"text": f"{tag} note {n}: gate B was left open at the back"},
        }
        for n in range(count)
    ]


def serve(env: dict) -> tuple[subprocess.Popen, str]:
    for command in (["migrate"], ["seed-demo"]):
        subprocess.run(
            [sys.executable, "-m", "server", *command],
            env=env,
            cwd=ROOT,
            check=True,
            capture_output=True,
        )
    port = 8700 + os.getpid() % 200
    process = subprocess.Popen(
        [sys.executable, "-m", "server", "serve", "--port", str(port)],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            httpx.get(f"{url}/api/health", timeout=1)
            return process, url
        except httpx.HTTPError:
            time.sleep(0.1)
    raise RuntimeError("server did not start")


def sign_in(http: httpx.Client, email: str) -> str:
    """Sign a demo person in on ``http``; returns the session's CSRF token."""
    token = re.search(r'name="csrf_token" value="([^"]+)"', http.get("/sign-in").text)[1]
    http.post("/sign-in", data={"email": email, "password": "muster-demo", "csrf_token": token})
    return http.get("/api/session").json()["csrf"]


def sync_seconds(
    http: httpx.Client, csrf: str, batch_events: list[dict], expect: str = "accepted"
) -> float:
    start = time.perf_counter()
    for i in range(0, len(batch_events), BATCH):
        response = http.post(
            "/api/sync",
            headers={"X-CSRF-Token": csrf},
            json={"device_id": "bench", "events": batch_events[i : i + BATCH]},
        )
        statuses = {r["status"] for r in response.json()["results"]}
        assert statuses == {expect}, statuses
    return time.perf_counter() - start


def rows(batch_events: list[dict], org: int, user: int) -> tuple[list[tuple], list[tuple]]:
    now = datetime.now(UTC).isoformat()
    log = [
        (
            e["id"],
            org,
            user,
            "bench-raw",
            e["type"],
            e["occurred_at"],
            now,
            json.dumps(e["payload"]),
            "0" * 64,
        )
        for e in batch_events
    ]
    notes = [(e["id"], org, user, e["payload"]["text"], e["occurred_at"]) for e in batch_events]
    return log, notes


LOG_SQL = (
    "INSERT INTO received_event (id, organisation_id, user_id, device_id, type, occurred_at,"
    " received_at, payload, digest) VALUES ({})"
)
NOTE_SQL = "INSERT INTO note (id, organisation_id, user_id, text, written_at) VALUES ({})"


def raw_sqlite(path: Path, batch_events: list[dict]) -> float:
    """Seconds to insert the rows straight into the app's SQLite file."""
    db = sqlite3.connect(path, isolation_level=None)
    # The database as the app opens it (server/db.py and Tortoise's SQLite client): foreign keys
    # checked, as PostgreSQL always checks them, and the same write-ahead log settings.
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA foreign_keys=ON")
    db.execute(f"PRAGMA journal_size_limit={SQLITE_LOG_LIMIT}")
    org, user = db.execute("SELECT organisation_id, id FROM user LIMIT 1").fetchone()
    log, notes = rows(batch_events, org, user)
    start = time.perf_counter()
    for i in range(0, len(log), BATCH):
        db.execute("BEGIN")
        db.executemany(LOG_SQL.format(",".join("?" * 9)), log[i : i + BATCH])
        db.executemany(NOTE_SQL.format(",".join("?" * 5)), notes[i : i + BATCH])
        db.execute("COMMIT")
    elapsed = time.perf_counter() - start
    db.close()
    return elapsed


async def raw_postgres(url: str, batch_events: list[dict]) -> float:
    """Seconds to insert the rows straight into the app's PostgreSQL database."""
    import asyncpg

    conn = await asyncpg.connect(url)
    org, user = await conn.fetchrow('SELECT organisation_id, id FROM "user" LIMIT 1')
    log, notes = rows(batch_events, org, user)
    log = [
        (
            uuid.UUID(r[0]),
            *r[1:5],
            datetime.fromisoformat(r[5]),
            datetime.fromisoformat(r[6]),
            *r[7:],
        )
        for r in log
    ]
    notes = [(uuid.UUID(r[0]), r[1], r[2], r[3], datetime.fromisoformat(r[4])) for r in notes]
    start = time.perf_counter()
    for i in range(0, len(log), BATCH):
        async with conn.transaction():
            await conn.executemany(
                LOG_SQL.format(",".join(f"${n}" for n in range(1, 10))), log[i : i + BATCH]
            )
            await conn.executemany(
                NOTE_SQL.format(",".join(f"${n}" for n in range(1, 6))), notes[i : i + BATCH]
            )
    elapsed = time.perf_counter() - start
    await conn.close()
    return elapsed


async def fresh_postgres(server: str, name: str, drop: bool = False) -> None:
    import asyncpg

    conn = await asyncpg.connect(f"{server}/postgres")
    await conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
    if not drop:
        await conn.execute(f'CREATE DATABASE "{name}"')
    await conn.close()


def measure(label: str, env: dict, raw) -> float:
    """The two in turns, ``ROUNDS`` of each, with the server up throughout (idle in raw's turns)
    and warmed up first (its first requests compile statements and read templates)."""
    process, url = serve(env)
    chunk = ARGS.events // ROUNDS
    sync_s = raw_s = floor_s = 0.0
    try:
        with httpx.Client(base_url=url, timeout=60) as http:
            csrf = sign_in(http, "staff@demo.muster.test")
            sync_seconds(http, csrf, events(chunk, f"{label}-warm-up"))  # not counted
            for n in range(ROUNDS):
                sync_s += sync_seconds(http, csrf, events(chunk, f"{label}-sync-{n}"))
                raw_s += raw(events(chunk, f"{label}-raw-{n}"))
                unknown = events(chunk, f"{label}-floor-{n}", FLOOR_TYPE)
                floor_s += sync_seconds(http, csrf, unknown, expect="rejected")
    finally:
        process.terminate()
        process.wait()
    sync, direct = chunk * ROUNDS / sync_s, chunk * ROUNDS / raw_s
    print(f"{label}_sync_events_per_s: {sync:.0f}")
    print(f"{label}_raw_insert_events_per_s: {direct:.0f}")
    floor = chunk * ROUNDS / floor_s
    print(f"{label}_http_floor_events_per_s: {floor:.0f}")
    print(f"{label}_floor_ratio: {floor / direct:.2f}")
    print(f"{label}_ratio: {sync / direct:.2f}")
    return sync / direct


def main() -> None:
    ratios = []
    with tempfile.TemporaryDirectory() as data:
        db = Path(data) / "bench.sqlite3"
        env = {**os.environ, "MUSTER_DATA_DIR": data, "DATABASE_URL": f"sqlite://{db}", **PUSH}
        ratios.append(measure("sqlite", env, lambda evs: raw_sqlite(db, evs)))
    if ARGS.postgres:
        name = f"muster_bench_{uuid.uuid4().hex[:8]}"
        asyncio.run(fresh_postgres(ARGS.postgres, name))
        try:
            with tempfile.TemporaryDirectory() as data:
                url = f"{ARGS.postgres}/{name}"
                env = {
                    **os.environ,
                    "MUSTER_DATA_DIR": data,
                    "DATABASE_URL": url.replace("postgresql://", "postgres://", 1),
                    **PUSH,
                }
                ratios.append(
                    measure("postgres", env, lambda evs: asyncio.run(raw_postgres(url, evs)))
                )
        finally:
            asyncio.run(fresh_postgres(ARGS.postgres, name, drop=True))
    print(f"events: {ARGS.events}")
    print(f"ratio: {min(ratios):.2f}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=10_000)
    parser.add_argument(
        "--postgres",
        default="postgresql://postgres@127.0.0.1:5432",
        help="a PostgreSQL server to compare on too ('' to skip)",
    )
    ARGS = parser.parse_args()
    main()
