"""Chaos: five devices send 100 events each while the server is killed and restarted at random,
twenty times. The database must end with exactly 500 events, none doubled.

The devices are Python clients speaking the same protocol as the phone's sync loop: batches of
random size, resent until every event is answered accepted or duplicate.
"""

from __future__ import annotations

import random
import re
import threading
import time
import uuid
from datetime import UTC, datetime

import httpx
import pytest

from server.demo import DEMO_PASSWORD
from tests.browser.helpers import query

pytestmark = pytest.mark.slow

DEVICES = 5
EVENTS_PER_DEVICE = 100
KILLS = 20


# Devices keep sending for this long after the last restart: a loaded machine restarts slowly, so
# a deadline from the start would measure the machine, not the sync protocol.
SETTLE_SECONDS = 90


def device(server, number: int, errors: list[str], kills_done: threading.Event) -> None:
    tag = f"chaos-{uuid.uuid4().hex[:6]}-{number}"
    events = [
        {
            "id": str(uuid.uuid4()),
            "type": "note.recorded",
            "occurred_at": datetime.now(UTC).isoformat(),
            "payload": {"text": f"{tag}-{n}"},
        }
        for n in range(EVENTS_PER_DEVICE)
    ]
    with httpx.Client(base_url=server.url, timeout=5) as http:
        left, last_error = send_all(http, tag, events, random.Random(number), errors, kills_done)
    if left:
        errors.append(f"{tag}: {len(left)} events never arrived; last error {last_error}")


def send_all(
    http: httpx.Client,
    tag: str,
    waiting: list[dict],
    rng: random.Random,
    errors: list[str],
    kills_done: threading.Event,
) -> tuple[list[dict], str]:
    """Send until every event is answered accepted or duplicate, as the phone's loop does."""
    csrf, last_error = None, ""
    settled_by: float | None = None
    while waiting:
        if kills_done.is_set():
            settled_by = settled_by or time.monotonic() + SETTLE_SECONDS
            if time.monotonic() > settled_by:
                break
        try:
            if csrf is None:
                csrf = http.get("/api/session").json()["csrf"]  # None when not signed in
            if csrf is None:
                page = http.get("/sign-in").text
                token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
                http.post(
                    "/sign-in",
                    data={
                        "email": "staff@demo.muster.test",
                        "password": DEMO_PASSWORD,
                        "csrf_token": token,
                    },
                )
                continue
            batch = waiting[: rng.randint(1, 30)]
            response = http.post(
                "/api/sync",
                json={"device_id": tag, "events": batch},
                headers={"X-CSRF-Token": csrf},
            )
            if response.status_code == 401:
                csrf = None
                continue
            response.raise_for_status()
            results = response.json()["results"]
            refused = [r for r in results if r["status"] == "rejected"]
            if refused:
                errors.append(f"{tag}: refused {refused[0]}")
                return waiting, ""
            done = {r["id"] for r in results if r["status"] in ("accepted", "duplicate")}
            waiting = [e for e in waiting if e["id"] not in done]
        except (httpx.HTTPError, AttributeError, ValueError) as error:
            last_error = repr(error)[:200]
            time.sleep(rng.uniform(0.05, 0.3))  # the server is down: back off a little
    return waiting, last_error


def test_kills_and_restarts_lose_and_double_nothing(live_server):
    before = query(live_server, "select count(*) from note where text like 'chaos-%'")[0][0]
    errors: list[str] = []
    kills_done = threading.Event()
    threads = [
        threading.Thread(target=device, args=(live_server, n, errors, kills_done))
        for n in range(DEVICES)
    ]
    for thread in threads:
        thread.start()
    rng = random.Random(2026)
    try:
        for _ in range(KILLS):
            time.sleep(rng.uniform(0.1, 0.6))
            live_server.kill()
            time.sleep(rng.uniform(0.0, 0.3))
            live_server.start()
    finally:
        kills_done.set()  # the devices stop in time even if a restart failed
    for thread in threads:
        thread.join(timeout=300)
    assert not errors, errors
    notes = query(
        live_server, "select count(*), count(distinct text) from note where text like 'chaos-%'"
    )
    assert notes == [(before + DEVICES * EVENTS_PER_DEVICE, before + DEVICES * EVENTS_PER_DEVICE)]
    events = query(
        live_server,
        "select count(*), count(distinct id) from received_event where device_id like 'chaos-%'",
    )
    assert events[0][0] == events[0][1] == before + DEVICES * EVENTS_PER_DEVICE
