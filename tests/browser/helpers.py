"""Helpers shared by the browser tests (the live server, signing in, reading its database):
import them from here, never from another test file; fixtures live in conftest.py."""

from __future__ import annotations

import asyncio
import os
import re
import signal
import socket
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
from playwright.sync_api import Page, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from server.demo import DEMO_PASSWORD
from tests.browser.axe import axe_violations
from tests.channel_servers import SmsGateway
from tests.push_receiver import Device, PushService

__all__ = ["SmsGateway"]  # the live server's, for conftest.py


def hold(page: Page, locator, ms: int = 2600) -> None:
    # Its script armed the button first: a hold before the module ran did nothing (CI, once).
    expect(locator).to_have_attribute("data-armed", "true", timeout=15000)
    locator.scroll_into_view_if_needed()
    box = locator.bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.mouse.down()
    page.wait_for_timeout(ms)
    page.mouse.up()


def compose(page: Page, live_server, message: str, drill: bool = True) -> None:
    """As the safety lead: a lockdown for Lincoln Elementary's teachers, up to the preview."""
    page.goto(f"{live_server.url}/admin/alerts/new")
    assert axe_violations(page) == []
    page.get_by_role("radio", name=re.compile("^Lockdown")).check()
    if drill:
        page.get_by_label("This is a drill").check()
    page.get_by_label(re.compile("^Message")).fill(message)
    page.get_by_label("Who gets it").select_option(label="Lincoln Elementary")
    page.get_by_role("checkbox", name="Teacher / staff").check()
    page.get_by_role("button", name="Preview").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check before sending")


def poll(page: Page, script: str, within_s: float = 15):
    """The script's first non-empty answer (an async predicate can't go to wait_for_function:
    it takes the promise itself for the answer)."""
    deadline = time.monotonic() + within_s
    while True:
        answer = page.evaluate(script)
        if answer or time.monotonic() > deadline:
            return answer
        page.wait_for_timeout(100)


def alert_id(live_server, message: str) -> str:
    rows = query(live_server, f"select cast(id as text) from alert where message = '{message}'")
    assert len(rows) == 1, rows
    return rows[0][0]


SHOTS = Path("/tmp/muster-desk-shots")


def shot(page: Page, name: str) -> None:
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def events(page: Page, batch: list[dict]) -> list[str]:
    """Events as the trip page sends them, from a signed-in page."""
    return page.evaluate(
        """async (events) => {
            const csrf = JSON.parse(document.body.getAttribute("hx-headers"))["X-CSRF-Token"];
            const response = await fetch("/api/sync", {method: "POST", headers: {
                "Content-Type": "application/json", "X-CSRF-Token": csrf},
                body: JSON.stringify({device_id: "teacher-phone", events})});
            return (await response.json()).results.map((r) => r.status);
        }""",
        batch,
    )


ROOT = Path(__file__).resolve().parents[2]


CHROMIUM = "/usr/bin/chromium"


PHONE = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
}


LAUNCH_ARGS = {
    "executable_path": CHROMIUM,
    "chromium_sandbox": False,
    "args": ["--disable-gpu", "--disable-quic"],
}


def run_async(coroutine):
    """Run a coroutine to its end from sync code, even while Playwright's loop runs here."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class LiveServer:
    """A real Muster server process that tests can stop, kill and start again on the same port."""

    def __init__(self, data_dir: Path, database_url: str) -> None:
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = {
            **os.environ,
            "MUSTER_DATA_DIR": str(data_dir),
            "DATABASE_URL": database_url,
            "MUSTER_PUSH_WORKER": "1",
        }
        self.log = (data_dir / "server.log").open("ab")
        self.process: subprocess.Popen | None = None

    def manage(self, *command: str) -> str:
        done = subprocess.run(
            [sys.executable, "-m", "server", *command],
            env=self.env,
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=120,
            check=True,
        )
        return done.stdout

    def start(self) -> None:
        assert self.process is None, "already running"
        self.process = subprocess.Popen(
            [sys.executable, "-m", "server", "serve", "--port", str(self.port)],
            env=self.env,
            cwd=ROOT,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(
                    f"server exited with {self.process.returncode}; see {self.log.name}"
                )
            try:
                if httpx.get(f"{self.url}/api/health", timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                time.sleep(0.1)
        raise RuntimeError("server did not start within 30 s")

    def stop(self) -> None:
        """A clean shutdown (SIGTERM)."""
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=15)
            self.process = None

    def kill(self) -> None:
        """SIGKILL: no chance to finish anything in flight."""
        if self.process is not None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(timeout=15)
            self.process = None

    def restart(self) -> None:
        self.stop()
        self.start()

    @property
    def running(self) -> bool:
        return self.process is not None


def sign_in(page, server: LiveServer, email: str, password: str = DEMO_PASSWORD) -> None:
    page.goto(f"{server.url}/sign-in")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state("load")


def query(server: LiveServer, sql: str) -> list[tuple]:
    """Read the live server's database directly (SQLite file or PostgreSQL)."""
    url = server.env["DATABASE_URL"]
    if url.startswith("sqlite://"):
        import sqlite3

        with sqlite3.connect(url.removeprefix("sqlite://").partition("?")[0]) as db:
            return db.execute(sql).fetchall()

    async def run() -> list[tuple]:
        import asyncpg

        conn = await asyncpg.connect(url.replace("postgres://", "postgresql://", 1))
        try:
            return [tuple(row) for row in await conn.fetch(sql)]
        finally:
            await conn.close()

    return run_async(run())


def end_open_searches(server: LiveServer) -> None:
    """No student is being searched for: browser tests share the demo trip, and an open search
    changes what the missing-student screen and the emergency roster show."""
    query(server, "update trip_lost_student set found_at = started_at where found_at is null")


def clear_crisis_teams(server: LiveServer) -> None:
    """Nobody fills any crisis team: browser tests share the demo district, and who fills it
    decides whom a call-out or a team alert reaches."""
    query(server, "delete from team_seat")


def wait_for_offline_cache(
    page, minimum: int = 3, timeout_ms: int = 20000, paths: tuple[str, ...] = ()
) -> None:
    """Until the service worker controls the page and has kept the person's pages (at least
    ``minimum`` of them, and each of ``paths`` when given).

    Polled with ``evaluate``: ``wait_for_function`` takes an async predicate's promise itself
    for a truthy answer and returns at once."""
    deadline = time.monotonic() + timeout_ms / 1000
    while not page.evaluate(
        """async ([minimum, paths]) => {
            if (!navigator.serviceWorker.controller) return false;
            const cache = await caches.open("muster-pages");
            // A path is kept when its own page is: "/checklists/x?v=2" is not "/checklists/x".
            const kept = (await cache.keys()).map((request) => {
                const url = new URL(request.url);
                return url.pathname + url.search;
            });
            return kept.length >= minimum && paths.every((path) => kept.includes(path));
        }""",
        [minimum, list(paths)],
    ):
        if time.monotonic() > deadline:
            raise TimeoutError(
                f"the service worker did not keep {minimum} pages {paths}: {_cache_state(page)}"
            )
        page.wait_for_timeout(100)


def _cache_state(page) -> dict:
    """What the phone holds, and what the server answers now for each page it should keep: for
    a failure message that says which of the two went wrong."""
    return page.evaluate(
        """async () => {
            const wanted = JSON.parse(document.body.dataset.offlinePages || "[]");
            const kept = (await (await caches.open("muster-pages")).keys())
                .map((request) => new URL(request.url).pathname);
            const answers = {};
            for (const path of wanted.filter((p) => !kept.includes(p))) {
                try { answers[path] = (await fetch(path, { credentials: "same-origin" })).status; }
                catch (error) { answers[path] = String(error); }
            }
            return { controlled: !!navigator.serviceWorker.controller, page: location.pathname,
                     kept, missing_now: answers };
        }"""
    )


_POST_JSON = """async ([path, body]) => {
    const csrf = JSON.parse(document.body.getAttribute("hx-headers"))["X-CSRF-Token"];
    return (await fetch(path, {method: "POST", body: JSON.stringify(body),
        headers: {"Content-Type": "application/json", "X-CSRF-Token": csrf}})).status;
}"""


def subscribe(page, server: LiveServer) -> tuple[PushService, Device]:
    """The signed-in person's phone subscribed to a local push service that checks each
    message's VAPID signature and decrypts it. Stop the service and ``unsubscribe`` after."""
    page.goto(f"{server.url}/alerts/setup")
    service = PushService(vapid_public_key=page.locator("#push-setup").get_attribute("data-key"))
    device = service.start().device()
    assert page.evaluate(_POST_JSON, ["/api/push/subscriptions", device.subscription()]) == 201
    return service, device


def unsubscribe(page, device: Device) -> None:
    """Later tests' alerts must not go to a push service that is gone."""
    page.evaluate(_POST_JSON, ["/api/push/subscriptions/delete", {"endpoint": device.endpoint}])


def send_now(page: Page) -> None:
    """Tap "Send now"; or, when the sync loop's own timer got there first and the button has
    gone, wake the loop as coming back online does. Either way a send starts now (a tap that
    waited for a button the loop had already hidden timed out under load). A button already
    hidden is not waited for: coming back online, the page's own send has usually begun."""
    button = page.locator("#send-now")
    if button.is_visible():
        try:
            button.click(timeout=2000)
            return
        except PlaywrightTimeoutError:
            pass  # hidden between the look and the tap
    page.evaluate("window.dispatchEvent(new Event('online'))")


# The accounting walks (tests/browser/test_accounting_walk.py, test_drill_day.py): two teachers of
# the demo district and a small roster of their classes.
TESS, OLGA = "staff@demo.muster.test", "office@demo.muster.test"
ROSTER = "\n".join(
    [
        "Student ID,Student,Grade,Class,Teacher email,Guardian 1,Guardian 1 phone,"
        "Guardian 1 may pick up,Guardian 2,Guardian 2 phone,Guardian 2 may pick up,Custody notes",
        f"W-1,Ana Walker,3,Walk Room 1,{TESS},Rosa Walker,916-555-0101,yes,,,,",
        f"W-2,Maya Lopez,3,Walk Room 1,{TESS},Elena Lopez,916-555-0102,yes,"
        "Victor Lopez,916-555-0103,no,Court order: never release to Victor Lopez.",
        f"W-3,Ben Walker,3,Walk Room 1,{TESS},Rosa Walker,916-555-0101,yes,,,,",
        f"W-4,Cleo Park,4,Walk Room 2,{OLGA},Min Park,916-555-0104,yes,,,,",
        f"W-5,Leo Grant,4,Walk Room 2,{OLGA},Ruth Grant,916-555-0105,yes,,,,",
    ]
)


def settled(page) -> None:
    """Until the phone has nothing left to send (everything accepted, or set aside)."""
    send_now(page)
    expect(page.locator("#sync-status")).to_have_attribute(
        "data-state", re.compile("ok|attention"), timeout=30000
    )


def accounting_phone(browser, live_server, email: str, incident: int):
    """A teacher's phone, signed in, with the incident's accounting pages kept offline."""
    context = browser.new_context(**PHONE)
    page = context.new_page()
    sign_in(page, live_server, email)
    expect(page.locator("#account-for-class")).to_be_visible()
    paths = (f"/incidents/{incident}/account", f"/incidents/{incident}/reunification")
    wait_for_offline_cache(page, paths=paths)
    return context, page
