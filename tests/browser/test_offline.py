"""The offline promise, in Chromium against a real server process that the tests stop and kill:
pages open with no server, events survive reloads and browser restarts, and reach the server
exactly once; refusals are shown, never dropped; a new version never costs an event."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from server.demo import DEMO_PASSWORD
from tests.browser.helpers import (
    LAUNCH_ARGS,
    PHONE,
    query,
    send_now,
    sign_in,
    wait_for_offline_cache,
)

pytestmark = pytest.mark.browser
STATIC = Path(__file__).resolve().parents[2] / "web" / "static"


def status(page: Page):
    return page.locator("#sync-text")


def record_notes(page: Page, texts: list[str]) -> None:
    for text in texts:
        page.locator("#note-text").fill(text)
        page.get_by_role("button", name="Save note").click()
        expect(page.locator("#note-text")).to_have_value("")


def notes_in_db(server, prefix: str) -> list[str]:
    return sorted(
        row[0] for row in query(server, f"select text from note where text like '{prefix}%'")
    )


def wait_for_notes(server, prefix: str, expected: list[str], within_s: float = 10) -> None:
    """The server holds exactly these notes, once what is still on its way has arrived."""
    deadline = time.monotonic() + within_s
    while notes_in_db(server, prefix) != expected and time.monotonic() < deadline:
        time.sleep(0.2)
    assert notes_in_db(server, prefix) == expected


def launch(playwright, profile: Path):
    return playwright.chromium.launch_persistent_context(profile, **LAUNCH_ARGS, **PHONE)


def test_pages_open_from_the_cache_when_the_server_is_gone(page: Page, live_server):
    sign_in(page, live_server, "driver@demo.muster.test")
    wait_for_offline_cache(page, paths=("/", "/checklists/bus-pre-route"))
    live_server.stop()

    page.reload()
    expect(page.get_by_role("heading", level=1)).to_have_text("Hello, Dan Driver")
    # Nothing waits, but nothing could be sent either: the header says so, not "All sent".
    expect(status(page)).to_have_text("Offline")
    expect(page.locator("#sync-status")).to_have_attribute("data-state", "offline")
    page.get_by_role("link", name=re.compile("Pre-route bus check")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Before the route")
    page.goto(f"{live_server.url}/admin/people")  # never visited: the offline page, not an error
    expect(page.get_by_role("heading", level=1)).to_have_text("No connection")


def test_a_server_error_page_gives_way_to_the_kept_copy(page: Page, live_server):
    """Behind a proxy, a stopped app is a 502, not a dead connection."""
    sign_in(page, live_server, "driver@demo.muster.test")
    wait_for_offline_cache(page, paths=("/",))
    page.context.route(
        f"{live_server.url}/", lambda route: route.fulfill(status=502, body="Bad gateway")
    )
    page.reload()
    expect(page.get_by_role("heading", level=1)).to_have_text("Hello, Dan Driver")
    page.context.unroute(f"{live_server.url}/")


def test_signing_out_forgets_the_pages_kept_for_that_person(page: Page, live_server):
    sign_in(page, live_server, "driver@demo.muster.test")
    wait_for_offline_cache(page)
    page.locator("details.menu summary").click()
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
    kept = page.evaluate("""async () => {
        const cache = await caches.open("muster-pages");
        return (await cache.keys()).map((request) => new URL(request.url).pathname);
    }""")
    assert "/" not in kept and "/checklists/bus-pre-route" not in kept
    live_server.stop()
    page.goto(f"{live_server.url}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("No connection")


def test_events_survive_reload_and_browser_restart_then_arrive_once(
    playwright, live_server, tmp_path
):
    profile = tmp_path / "profile"
    context = launch(playwright, profile)
    page = context.new_page()
    sign_in(page, live_server, "staff@demo.muster.test")
    page.goto(f"{live_server.url}/outbox")
    wait_for_offline_cache(page)
    live_server.stop()

    texts = [f"restart-{n} gate left open" for n in range(3)]
    record_notes(page, texts)
    expect(status(page)).to_have_text("Offline: 3 saved")
    page.reload()
    expect(status(page)).to_have_text("Offline: 3 saved")
    expect(page.locator("#outbox-waiting li")).to_have_count(3)
    context.close()

    context = launch(playwright, profile)  # the browser restarted, same phone
    page = context.new_page()
    page.goto(f"{live_server.url}/outbox")
    expect(page.locator("#outbox-waiting li")).to_have_count(3)
    expect(status(page)).to_have_text(re.compile("3 saved"))
    assert notes_in_db(live_server, "restart-") == []

    live_server.start()  # no button pressed: the loop's own timer finds the server
    expect(status(page)).to_have_text("All sent", timeout=30000)
    assert notes_in_db(live_server, "restart-") == sorted(texts)
    page.reload()
    expect(page.locator("#outbox-waiting li")).to_have_text(
        ["Nothing is waiting. Everything was sent."]
    )
    context.close()


def test_a_kill_during_a_large_batch_loses_nothing_and_doubles_nothing(page: Page, live_server):
    sign_in(page, live_server, "office@demo.muster.test")
    page.goto(f"{live_server.url}/outbox")
    wait_for_offline_cache(page)
    live_server.stop()
    page.evaluate("""async () => {
        for (let n = 0; n < 250; n++) {
            const text = `kill-${String(n).padStart(3, "0")}`;
            await MusterOutbox.record("note.recorded", {text});
        }
    }""")
    expect(status(page)).to_have_text("Offline: 250 saved")

    with page.expect_request("**/api/sync"):  # the tap's, or the loop's own once it is back
        live_server.start()
        send_now(page)
    live_server.kill()  # SIGKILL while the batches are in flight
    live_server.start()
    send_now(page)
    expect(status(page)).to_have_text("All sent", timeout=30000)

    texts = notes_in_db(live_server, "kill-")
    assert texts == [f"kill-{n:03d}" for n in range(250)]  # each exactly once
    stored = query(
        live_server,
        "select count(*), count(distinct id) from received_event "
        "where type = 'note.recorded' and cast(payload as text) like '%kill-%'",
    )
    assert stored == [(250, 250)]


def test_a_refused_event_needs_attention_and_blocks_nothing(page: Page, live_server):
    sign_in(page, live_server, "safety@demo.muster.test")
    page.goto(f"{live_server.url}/outbox")
    page.evaluate("""async () => {
        await MusterOutbox.record("note.recorded", {text: "refused-before"});
        await MusterOutbox.record("note.recorded", {text: "refused-" + "x".repeat(2100)});
        await MusterOutbox.record("checklist.answered",
            {run_id: crypto.randomUUID(), item_id: "call-911", value: true});
        await MusterOutbox.record("note.recorded", {text: "refused-after"});
    }""")
    expect(status(page)).to_have_text("2 need attention", timeout=15000)
    # "Needs attention" outranks "saved on this phone": the header says it as soon as the first
    # batch is answered, while the note recorded after it may still be on its way.
    wait_for_notes(live_server, "refused-", ["refused-after", "refused-before"])

    attention = page.locator("#outbox-attention li")
    expect(attention).to_have_count(2)
    expect(attention.nth(0).locator(".row-reason")).to_contain_text("not valid")
    expect(attention.nth(1).locator(".row-reason")).to_contain_text("doesn't know")
    # Fix the over-long note and send it again; throw the orphan answer away on purpose.
    attention.nth(0).locator("textarea").fill("refused-fixed")
    attention.nth(0).get_by_role("button", name="Send again").click()
    discard = (
        page.locator("#outbox-attention li")
        .filter(has_text="Call 911, or tell someone to call.")  # its words, never its id
        .locator("[data-discard]")
    )
    expect(discard).to_have_text("Throw away")
    discard.click()
    expect(discard).to_have_text("Tap again to throw this away for good")  # never by accident
    # A sync between the two taps redraws the list; the first tap must still count.
    page.evaluate("""() => {
        document.querySelectorAll("#outbox-attention li").forEach((li) => li.dataset.old = "1");
        window.dispatchEvent(new Event("outbox-changed"));
    }""")
    expect(page.locator("#outbox-attention li[data-old]")).to_have_count(0)
    expect(discard).to_have_text("Tap again to throw this away for good")
    discard.click()
    expect(status(page)).to_have_text("All sent", timeout=15000)
    assert notes_in_db(live_server, "refused-") == [
        "refused-after",
        "refused-before",
        "refused-fixed",
    ]


def test_a_lapsed_session_keeps_every_event_and_asks_to_sign_in_again(page: Page, live_server):
    sign_in(page, live_server, "staff@demo.muster.test")
    page.goto(f"{live_server.url}/outbox")
    # Hold the events on the phone: at the context, so the service worker's Background Sync
    # (which a failed send asks for) is held too.
    page.context.route("**/api/sync", lambda route: route.abort())
    record_notes(page, ["lapsed-1", "lapsed-2"])
    page.context.clear_cookies()  # the session ends (expired, or signed out elsewhere)
    page.context.unroute("**/api/sync")
    # The loop tries again: as coming back online does (the loop's own retry can beat a tap on
    # "Send now", and once it has found the session gone that button is hidden).
    page.evaluate("window.dispatchEvent(new Event('online'))")
    # On a loaded machine that try can still meet the held send's failure or time out ("Offline"):
    # the loop's back-off (a few seconds after a failure or two) tries again, and then it must ask.
    expect(status(page)).to_have_text("Sign in again to send", timeout=25000)
    expect(status(page)).to_have_attribute("title", "2 saved on this phone")
    expect(page.locator("#outbox-waiting li")).to_have_count(2)
    assert notes_in_db(live_server, "lapsed-") == []

    status(page).click()  # the status is the way back in, and back to this page
    page.get_by_label("Email").fill("staff@demo.muster.test")
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(f"{live_server.url}/outbox")
    expect(status(page)).to_have_text("All sent", timeout=15000)
    assert notes_in_db(live_server, "lapsed-") == ["lapsed-1", "lapsed-2"]


def test_background_sync_sends_with_no_page_open(page: Page, live_server):
    """The service worker's own sync, fired through DevTools as the browser would fire it."""
    cdp = page.context.new_cdp_session(page)
    registrations: list[str] = []
    cdp.on(
        "ServiceWorker.workerRegistrationUpdated",
        lambda event: registrations.extend(r["registrationId"] for r in event["registrations"]),
    )
    cdp.send("ServiceWorker.enable")  # before the first page, or no registration is reported
    sign_in(page, live_server, "staff@demo.muster.test")
    page.goto(f"{live_server.url}/outbox")
    wait_for_offline_cache(page)
    page.context.route("**/api/sync", lambda route: route.abort())
    record_notes(page, ["background-1", "background-2"])
    # "2 saved on this phone", or "Offline: 2 saved" once the held send has failed
    expect(status(page)).to_have_text(re.compile("2 saved"))
    page.goto("about:blank")  # no Muster page is left to run the sync loop
    page.context.unroute("**/api/sync")
    assert notes_in_db(live_server, "background-") == []

    cdp.send(
        "ServiceWorker.dispatchSyncEvent",
        {
            "origin": live_server.url,
            "registrationId": registrations[-1],
            "tag": "muster-outbox",
            "lastChance": False,
        },
    )
    page.wait_for_timeout(200)
    for _ in range(50):
        if notes_in_db(live_server, "background-"):
            break
        page.wait_for_timeout(200)
    assert notes_in_db(live_server, "background-") == ["background-1", "background-2"]
    page.goto(f"{live_server.url}/outbox")
    expect(status(page)).to_have_text("All sent")
    expect(page.locator("#outbox-waiting li")).to_have_text(
        ["Nothing is waiting. Everything was sent."]
    )


def test_an_event_too_large_to_send_needs_attention_and_blocks_nothing(page: Page, live_server):
    sign_in(page, live_server, "staff@demo.muster.test")
    page.goto(f"{live_server.url}/outbox")
    page.evaluate("""async () => {
        await MusterOutbox.record("note.recorded", {text: "huge-" + "ñ".repeat(600000)});
        await MusterOutbox.record("note.recorded", {text: "huge-after"});
    }""")  # 600,000 characters, 1.2 MB as UTF-8: over the server's limit, alone in its batch
    expect(status(page)).to_have_text("1 needs attention", timeout=15000)
    # "Needs attention" outranks "saved on this phone": the header can say it while the second
    # note is still on its way (when the sync loop is up before the notes are recorded).
    wait_for_notes(live_server, "huge-", ["huge-after"])
    reason = page.locator("#outbox-attention li .row-reason")
    expect(reason).to_have_text("That is too large to send")


def test_an_event_recorded_while_a_send_is_under_way_follows_it_at_once(page: Page, live_server):
    # A note recorded while a pass is in flight isn't in that pass's list, and its own call for a
    # send finds the pass under way. The page's timers run only when the test says, so the only
    # thing that can send it before the 30 s retry is the loop itself. CI once had the pass's own
    # follow-up timer fire while the pass was still ending (a busy machine): the note waited 30 s.
    page.clock.install()
    sign_in(page, live_server, "staff@demo.muster.test")
    page.goto(f"{live_server.url}/outbox")
    expect(status(page)).to_have_text("All sent")
    page.clock.pause_at(time.time() + 1)
    held = []

    def hold_the_first(route) -> None:
        if held:
            route.continue_()
        else:
            held.append(route)

    page.context.route("**/api/sync", hold_the_first)
    page.evaluate("MusterOutbox.record('note.recorded', {text: 'during-1'})")
    page.clock.run_for(400)  # the new note's call: a pass starts, and its send is held
    for _ in range(50):
        if held:
            break
        page.wait_for_timeout(100)
    assert held, "the first note's send never started"
    page.evaluate("MusterOutbox.record('note.recorded', {text: 'during-2'})")
    page.clock.run_for(400)  # the second note's call, while the first pass is held
    held[0].continue_()
    for _ in range(50):  # real time, the page's timers stopped; the route runs during the waits
        if notes_in_db(live_server, "during-") == ["during-1", "during-2"]:
            break
        page.wait_for_timeout(200)
    assert notes_in_db(live_server, "during-") == ["during-1", "during-2"]
    page.context.unroute("**/api/sync")


def test_a_new_version_while_events_wait_keeps_them_and_offline_use(page: Page, live_server):
    sign_in(page, live_server, "driver@demo.muster.test")
    wait_for_offline_cache(page)
    # Events must wait through the update: hold every sync, the page's and the service worker's
    # (Background Sync), at the browser context.
    page.context.route("**/api/sync", lambda route: route.abort())
    page.goto(f"{live_server.url}/outbox")
    record_notes(page, ["update-1", "update-2"])
    expect(status(page)).to_have_text(re.compile("2 saved"))
    page.wait_for_timeout(3000)  # time for a retry and a Background Sync: both are held
    expect(status(page)).to_have_text(re.compile("2 saved"))

    marker = STATIC / "_test-new-version.txt"
    try:
        marker.write_text("a new version of the app shell")
        live_server.restart()  # deployed: the service worker's precache list has changed
        page.reload()
        expect(page.get_by_role("button", name="Update now")).to_be_visible(timeout=20000)
        with page.expect_navigation():  # the new worker takes over, the page reloads once
            page.get_by_role("button", name="Update now").click()
        expect(page.locator("#update-ready")).to_be_hidden()
        expect(page.locator("#outbox-waiting li")).to_have_count(2)

        live_server.stop()
        page.reload()
        expect(page.get_by_role("heading", level=1)).to_have_text("Saved on this phone")
        expect(page.locator("#outbox-waiting li")).to_have_count(2)
        page.goto(f"{live_server.url}/")
        expect(page.get_by_role("heading", level=1)).to_have_text("Hello, Dan Driver")

        live_server.start()
        page.context.unroute("**/api/sync")
        send_now(page)
        expect(status(page)).to_have_text("All sent", timeout=20000)
        assert notes_in_db(live_server, "update-") == ["update-1", "update-2"]
    finally:
        marker.unlink(missing_ok=True)
        if live_server.running:
            live_server.restart()


def test_on_a_shared_phone_each_persons_events_go_out_under_their_own_name(page: Page, live_server):
    sign_in(page, live_server, "staff@demo.muster.test")
    page.context.route("**/api/sync", lambda route: route.abort())  # no signal for a while
    page.goto(f"{live_server.url}/outbox")
    record_notes(page, ["shared-by-tess"])
    page.get_by_text("Menu").click()
    page.get_by_role("button", name="Sign out").click()
    page.get_by_role("button", name="Sign out anyway").click()  # warned, and chose to go
    # As a person would: the next sign-in starts once the sign-out has answered (signing in over a
    # sign-out still in flight let its late answer clear the new session's cookie).
    page.wait_for_url("**/sign-in")

    sign_in(page, live_server, "driver@demo.muster.test")
    page.context.unroute("**/api/sync")
    page.goto(f"{live_server.url}/outbox")
    page.wait_for_timeout(2000)  # the driver's session syncs, but not Tess's note
    assert notes_in_db(live_server, "shared-by-") == []

    page.get_by_text("Menu").click()
    page.get_by_role("button", name="Sign out").click()
    page.get_by_role("button", name="Sign out anyway").click()
    page.wait_for_url("**/sign-in")
    sign_in(page, live_server, "staff@demo.muster.test")
    expect(status(page)).to_have_text("All sent", timeout=15000)
    rows = query(
        live_server,
        'select u.email from note n join "user" u on u.id = n.user_id '
        "where n.text = 'shared-by-tess'",
    )
    assert rows == [("staff@demo.muster.test",)]
