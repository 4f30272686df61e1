"""Field trips in Chromium at phone size: a chaperone's headcount, lost student and check-in with
the server gone, through a reload, arriving once; the trips board and the risk plan at school."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from tests.browser.axe import axe_violations
from tests.browser.helpers import PHONE, query, send_now, sign_in, wait_for_offline_cache

pytestmark = pytest.mark.browser
MUSEUM = {"latitude": 38.5844, "longitude": -121.5051, "accuracy": 15}


def _count(server, sql: str) -> int:
    return query(server, sql)[0][0]


def test_a_chaperone_offline_then_everything_arrives_once_and_shows_on_the_board(
    browser, live_server
):
    context = browser.new_context(**PHONE, permissions=["geolocation"], geolocation=MUSEUM)
    page = context.new_page()
    sign_in(page, live_server, "staff@demo.muster.test")
    page.get_by_role("link", name=re.compile("Field trip")).click()
    page.get_by_role("link", name=re.compile("Science museum visit")).click()
    page.locator("#trip[data-ready]").wait_for()
    trip_id = int(page.locator("#trip").get_attribute("data-trip"))
    # Other tests may use the demo trip too: what this one adds is counted from here.
    tables = ("trip_headcount", "trip_lost_student", "trip_checkin")
    before = {
        t: _count(live_server, f"select count(*) from {t} where trip_id = {trip_id}")
        for t in tables
    }
    events = "select count(*) from received_event where type like 'trip.%'"
    events_before = _count(live_server, events)
    assert axe_violations(page) == []
    base = f"/trips/{trip_id}"
    wait_for_offline_cache(
        page, minimum=1, paths=(base, f"{base}/lost", f"{base}/headcount", f"{base}/roster")
    )

    page.get_by_role("link", name="Roster", exact=True).click()
    allergy = page.locator(".roster details", has_text="Ana Ruiz")
    expect(allergy.get_by_text("Peanuts")).to_be_hidden()  # medical notes only behind a tap
    allergy.locator("summary").click()
    expect(allergy.get_by_text("Peanuts")).to_be_visible()
    assert axe_violations(page) == []

    live_server.stop()  # from here on the chaperone is in the basement with no signal
    page.get_by_role("link", name="Headcount", exact=True).click()
    page.locator("#headcount[data-ready]").wait_for()
    page.get_by_role("button", name="Everyone is here").click()
    page.get_by_role("button", name="Ben Cho").click()
    page.get_by_role("button", name="Cara Diaz").click()
    expect(page.locator("#hc-status")).to_have_text("4 of 6 here. Missing: Ben Cho, Cara Diaz")
    page.get_by_label("Where are you?").fill("Dinosaur hall")
    assert axe_violations(page) == []
    page.reload()  # a count half done survives a reload
    page.locator("#headcount[data-ready]").wait_for()
    expect(page.locator("#hc-status")).to_have_text("4 of 6 here. Missing: Ben Cho, Cara Diaz")
    expect(page.get_by_label("Where are you?")).to_have_value("Dinosaur hall")
    page.get_by_role("button", name="Save headcount").click()
    expect(page.locator("#hc-saved")).to_contain_text("Headcount saved on this phone")
    expect(page.locator("#last-headcount")).to_have_text(
        re.compile(r"4 of 6\. Missing: Ben Cho, Cara Diaz$")
    )

    page.get_by_role("link", name="Someone is missing: start the steps").click()
    page.locator("#lost-screen[data-ready]").wait_for()  # the missing-student screen, offline
    expect(page.locator(".now-steps")).to_contain_text(
        "May the student be in danger? Call 911 now."
    )
    page.get_by_label("Who is missing?").select_option(label="Ben Cho")
    page.get_by_label("Last seen where?").fill("By the gift shop")
    page.get_by_role("button", name="Alert school and start the 10-minute countdown").click()
    lost = page.locator("#lost-list .lost-item")
    expect(lost).to_have_count(1)
    expect(lost.locator(".lost-name")).to_have_text("Ben Cho")
    expect(lost.locator(".clock")).to_have_text(re.compile(r"^(9:[0-5]\d|10:00)$"))
    expect(lost.locator(".lost-sent")).to_contain_text("Not sent yet: school does not know.")
    lost.get_by_role("button", name="Found: stop the countdown").click()  # a slip of the thumb
    expect(lost.get_by_role("button")).to_have_text("Tap again if Ben Cho is with you now")
    expect(lost.locator(".clock")).to_have_text(re.compile(r"^(9:[0-5]\d|10:00)$"))
    # No time was given: the report's own time is never passed off as when she was last seen.
    expect(lost.get_by_text("Last seen time not noted, By the gift shop")).to_be_visible()
    # Scrolled to the countdown, and not under the sticky header: the name is what is on top.
    page.wait_for_function(
        """() => {
            const name = document.querySelector("#lost-list .lost-name");
            const box = name.getBoundingClientRect();
            const onTop = document.elementFromPoint(box.left + 4, box.top + 4);
            return box.top >= 0 && name.contains(onTop);
        }"""
    )
    expect(page.locator("#lost-form")).to_be_hidden()  # no second red button to tap by mistake
    page.get_by_role("button", name="Another student is missing").click()
    expect(page.get_by_label("Who is missing?")).to_have_value(
        page.get_by_role("option", name="Cara Diaz").get_attribute("value")
    )  # the headcount's other missing student, not the first name on the list
    expect(page.get_by_role("option", name="Ben Cho")).to_be_disabled()  # already searched for
    assert axe_violations(page) == []

    page.get_by_role("link", name="Trip", exact=True).click()
    page.locator("#trip[data-ready]").wait_for()
    expect(page.locator("#lost-link")).to_have_text("A student is missing: open the countdown")
    primary = page.locator("[data-checkin].primary")  # the one check-in that stands out
    expect(primary).to_have_text("Departed")  # nothing checked in yet
    page.get_by_label("Stop").select_option(index=0)  # the museum, the first stop
    page.get_by_role("button", name="Arrived at stop").click()
    checkin = page.locator("#last-checkin")
    expect(checkin).to_have_text(re.compile("^Saved on this phone: Arrived at stop"))
    expect(page.get_by_label("Stop")).to_have_value(  # the next stop, ready for the next tap
        page.get_by_role("option", name=re.compile("Picnic lunch")).get_attribute("value")
    )
    expect(page.locator("#sync-text")).to_have_text("Offline: 3 saved")
    expect(primary).to_have_text("Arrived at stop")  # lunch is next, not "Back at school"
    assert axe_violations(page) == []

    page.reload()  # still no server: the page from the phone, its state from the outbox
    page.locator("#trip[data-ready]").wait_for()
    expect(page.locator("#lost-link")).to_have_text("A student is missing: open the countdown")
    expect(page.locator("#last-checkin")).to_contain_text("River City Science Museum")
    expect(primary).to_have_text("Arrived at stop")
    expect(page.locator("#sync-text")).to_have_text("Offline: 3 saved")

    live_server.start()
    send_now(page)
    expect(page.locator("#sync-text")).to_have_text("All sent", timeout=20000)
    expect(checkin).to_have_text(re.compile("^Last check-in: Arrived at stop"))  # sent
    page.locator("#lost-link").click()
    page.locator("#lost-screen[data-ready]").wait_for()
    expect(lost.locator(".lost-name")).to_have_text("Ben Cho")
    expect(lost.locator(".lost-sent")).to_have_text("School has this report and has been alerted.")
    for table in tables:
        added = _count(live_server, f"select count(*) from {table} where trip_id = {trip_id}")
        assert added - before[table] == 1, table
    assert _count(live_server, events) - events_before == 3
    page.locator("#send-now").evaluate("button => button.click()")  # a resend changes nothing
    expect(page.locator("#sync-text")).to_have_text("All sent")
    assert _count(live_server, events) - events_before == 3
    context.close()

    school = browser.new_context(**PHONE)
    desk = school.new_page()
    sign_in(desk, live_server, "admin@demo.muster.test")
    desk.goto(f"{live_server.url}/admin/trips")
    card = desk.locator(f'.trip-card[data-trip="{trip_id}"]')
    expect(card).to_contain_text("Missing: Ben Cho, Cara Diaz")
    expect(card).to_contain_text("Missing student: Ben Cho")
    expect(card).to_contain_text("last seen: By the gift shop")
    expect(card.locator(".trip-alerts")).to_contain_text("Missing student")
    expect(card).to_have_class(re.compile(r"\bred\b"))
    assert axe_violations(desk) == []

    card.get_by_role("link", name="Science museum visit").click()
    desk.get_by_role("link", name="Science museum visit").first.click()  # the risk plan
    expect(desk.get_by_role("heading", level=1)).to_have_text("Science museum visit")
    expect(desk.locator(".heat-map tbody td")).to_have_count(25)
    expect(desk.locator("#hospital")).to_contain_text("km from the venue")
    expect(desk.locator("#lightning-status")).to_have_text(re.compile("^No thunder recorded"))
    desk.get_by_role("button", name="Thunder heard").click()  # the lightning rule's 30 minutes
    expect(desk.locator("#lightning-clock")).to_have_text(re.compile(r"^(29:[0-5]\d|30:00)$"))
    expect(desk.locator("#lightning-status")).to_have_text(re.compile("^Everyone stays inside"))
    assert axe_violations(desk) == []
    desk.get_by_role("button", name="Approve").click()
    expect(desk.locator(".flash")).to_have_text("Plan approved.")
    expect(desk.locator("#lightning-clock")).to_have_text(re.compile(r"^(29:[0-5]\d|30:00)$"))
    expect(desk.locator("#sync-text")).to_have_text("All sent", timeout=20000)
    thunder = "select count(*) from risk_plan where last_thunder_at is not null"
    assert _count(live_server, thunder) == 1  # sent, and the page's clock counts from it
    school.close()


def test_a_roster_kept_past_its_days_is_dropped_from_the_phone_not_shown(browser, live_server):
    context = browser.new_context(**PHONE)
    page = context.new_page()
    sign_in(page, live_server, "staff@demo.muster.test")
    page.goto(f"{live_server.url}/trips")
    trip = page.get_by_role("link", name=re.compile("Science museum visit")).get_attribute("href")
    roster = f"{urlsplit(trip).path}/roster"
    wait_for_offline_cache(page, minimum=1, paths=(roster,))
    live_server.stop()  # first, so no fetch still under way can put a fresh copy back
    try:
        # The copy the phone keeps, as it stands the day after the trip's window closed: the
        # server's own page, its Muster-Keep-Until now in the past.
        page.evaluate(
            """async (path) => {
                const cache = await caches.open("muster-pages");
                const url = new URL(path, location.origin).href;
                const kept = await cache.match(url);
                const headers = new Headers(kept.headers);
                headers.set("Muster-Keep-Until", new Date(Date.now() - 60000).toISOString());
                await cache.put(url, new Response(await kept.text(), { status: 200, headers }));
            }""",
            roster,
        )
        page.goto(f"{live_server.url}{roster}")
        expect(page.locator("body")).not_to_contain_text("Ana Ruiz")
        expect(page.locator("body")).not_to_contain_text("Peanuts")
        left = page.evaluate(
            """async (path) => (await (await caches.open("muster-pages")).keys())
                .map((request) => new URL(request.url).pathname).includes(path)""",
            roster,
        )
        assert left is False
    finally:
        live_server.start()
    context.close()
