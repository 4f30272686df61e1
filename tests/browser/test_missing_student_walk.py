"""The lost-student path in Chromium at phone size: from the trip page (with no server) and from
the departure checklist, one alert between them; the countdown is the school's setting and ends
on "Call 911 now" full-screen; "Found" reaches, through a local push service, the people the
missing-student alert reached."""

from __future__ import annotations

import re
import time
from datetime import datetime, timedelta

import pytest
from playwright.sync_api import expect

from tests.browser.axe import axe_violations
from tests.browser.helpers import (
    PHONE,
    end_open_searches,
    query,
    send_now,
    sign_in,
    subscribe,
    unsubscribe,
    wait_for_offline_cache,
)
from tests.push_receiver import PushService

pytestmark = pytest.mark.browser
MUSEUM = {"latitude": 38.5844, "longitude": -121.5051, "accuracy": 15}
SHOTS = "/tmp/muster-lost-student"


@pytest.fixture(autouse=True)
def no_search_on(live_server):
    """Each walk starts with no search on (an open one puts the form behind a button)."""
    end_open_searches(live_server)


def _trip_id(server) -> int:
    return query(server, "select id from trip where name = 'Science museum visit'")[0][0]


def _lost_alerts(server, trip_id: int) -> int:
    sql = f"select count(*) from alert where kind = 'lost-student' and trip_id = {trip_id}"
    return query(server, sql)[0][0]


def _titles(service: PushService, device, within_s: float, until: str) -> list[str]:
    deadline = time.monotonic() + within_s
    while time.monotonic() < deadline:
        titles = [m["title"] for m in service.payloads(device)]
        if until in titles:
            return titles
        time.sleep(0.2)
    return [m["title"] for m in service.payloads(device)]


def test_trip_page_and_checklist_raise_one_alert_and_found_reaches_its_recipients(
    browser, live_server
):
    trip_id = _trip_id(live_server)
    before = _lost_alerts(live_server, trip_id)

    # The safety lead's phone, its push subscription at a local push service.
    lead = browser.new_context(**PHONE)
    lead_page = lead.new_page()
    sign_in(lead_page, live_server, "safety@demo.muster.test")
    service, device = subscribe(lead_page, live_server)

    # The teacher at the museum: the trip page, then no signal.
    phone = browser.new_context(**PHONE, permissions=["geolocation"], geolocation=MUSEUM)
    page = phone.new_page()
    sign_in(page, live_server, "staff@demo.muster.test")
    page.goto(f"{live_server.url}/trips/{trip_id}")
    page.locator("#trip[data-ready]").wait_for()
    base = f"/trips/{trip_id}"
    wait_for_offline_cache(
        page, minimum=1, paths=(base, f"{base}/lost", "/checklists/field-trip-departure")
    )
    live_server.stop()
    try:
        page.get_by_role("link", name=re.compile("^A student is missing")).click()
        page.locator("#lost-screen[data-ready]").wait_for()
        now = page.locator(".now-steps")
        for step in (
            "May the student be in danger? Call 911 now.",
            "very young, has medical needs, was seen with someone, or is near water or traffic",
            "Tell the site's security staff.",
            "Keep everyone together.",
            "Never send a student to search.",
        ):
            expect(now).to_contain_text(step)
        page.get_by_label("Who is missing?").select_option(label="Dev Patel")
        page.get_by_label("What are they wearing? How do they look?").fill("Green hoodie")
        page.get_by_role("button", name="Alert school and start the 10-minute countdown").click()
        lost = page.locator("#lost-list .lost-item")
        expect(lost).to_have_count(1)
        expect(lost.locator(".lost-name")).to_have_text("Dev Patel")
        expect(lost.locator(".clock")).to_have_text(re.compile(r"^(9:[0-5]\d|10:00)$"))
        expect(lost.locator(".lost-sent")).to_contain_text("Not sent yet")
        page.screenshot(path=f"{SHOTS}-screen.png", full_page=True)
        assert axe_violations(page) == []

        # The departure checklist, still offline: its missing-student branch leads to the same
        # screen and the same countdown, not a second alert.
        page.get_by_role("link", name="Trip", exact=True).click()
        page.get_by_role("link", name="Departure checklist").click()
        page.locator("#runner[data-ready]").wait_for()
        page.locator("#run-context button[type=submit]").click()
        item = page.locator("#item-student-missing")
        yes = item.get_by_role("button", name="Yes")
        yes.click()
        branch = page.locator("#item-missing-danger")
        expect(branch).to_contain_text("May the student be in danger? Call 911 now.")
        page.screenshot(path=f"{SHOTS}-checklist.png", full_page=True)
        page.get_by_role("link", name="Alert school and start the police countdown").click()
        page.locator("#lost-screen[data-ready]").wait_for()
        expect(lost).to_have_count(1)  # the same search, not a new one
        expect(page.locator("#lost-form")).to_be_hidden()
        expect(page.locator("#lost-student option", has_text="Dev Patel")).to_be_disabled()
    finally:
        live_server.start()
    send_now(page)
    expect(page.locator("#sync-text")).to_have_text("All sent", timeout=20000)
    expect(lost.locator(".lost-sent")).to_have_text("School has this report and has been alerted.")

    # The other chaperone's phone: the same search, from school, with no way to report it twice
    # (two phones reporting one student at once are joined on the server: test_lost_student.py).
    other = browser.new_context(**PHONE)
    other_page = other.new_page()
    sign_in(other_page, live_server, "admin@demo.muster.test")
    other_page.goto(f"{live_server.url}/trips/{trip_id}/lost")
    other_page.locator("#lost-screen[data-ready]").wait_for()
    expect(other_page.locator("#lost-list .lost-name")).to_have_text("Dev Patel")
    expect(other_page.locator("#lost-list .lost-sent")).to_have_text(
        "School has this report and has been alerted."
    )
    assert _lost_alerts(live_server, trip_id) == before + 1  # one alert between them

    titles = _titles(service, device, 30, "Missing student")
    assert titles.count("Missing student") == 1, titles

    # Found, in two taps, on the teacher's phone: the safety lead is told.
    found = lost.get_by_role("button", name="Found: stop the countdown")
    found.click()
    expect(lost.get_by_role("button")).to_have_text("Tap again if Dev Patel is with you now")
    lost.get_by_role("button").click()
    expect(page.locator(".lost-done")).to_have_text(
        "Found. Everyone the alert reached is being told."
    )
    expect(lost).to_have_count(0)
    expect(page.locator("#sync-text")).to_have_text("All sent", timeout=20000)
    titles = _titles(service, device, 30, "Found: Dev Patel")
    assert "Found: Dev Patel" in titles, titles
    assert service.refused == []
    unsubscribe(lead_page, device)
    service.stop()
    for context in (lead, phone, other):
        context.close()


def test_the_countdown_is_the_schools_setting_and_ends_on_call_911_full_screen(
    browser, live_server
):
    trip_id = _trip_id(live_server)
    school = query(live_server, f"select school_id from trip where id = {trip_id}")[0][0]
    desk = browser.new_context(**PHONE)
    admin = desk.new_page()
    sign_in(admin, live_server, "admin@demo.muster.test")
    rules = f"{live_server.url}/admin/schools/{school}/trip-rules"

    def police_minutes(minutes: int) -> None:
        admin.goto(rules)
        admin.get_by_label("A missing student: minutes before calling the police").fill(
            str(minutes)
        )
        admin.get_by_role("button", name="Save").click()
        admin.wait_for_load_state("load")
        saved = f"select police_call_minutes from trip_policy where school_id = {school}"
        assert query(live_server, saved) == [(minutes,)]

    police_minutes(2)
    try:
        phone = browser.new_context(**PHONE)
        page = phone.new_page()
        page.clock.install()  # the phone's own clock, moved on below instead of waiting
        sign_in(page, live_server, "staff@demo.muster.test")
        page.goto(f"{live_server.url}/trips/{trip_id}/lost")
        page.locator("#lost-screen[data-ready]").wait_for()
        page.get_by_label("Who is missing?").select_option(label="Eli Brooks")
        page.get_by_label("What are they wearing? How do they look?").fill("Red cap, blue coat")
        page.get_by_label("Last seen where?").fill("Planetarium queue")
        page.get_by_role("button", name="Alert school and start the 2-minute countdown").click()
        lost = page.locator("#lost-list .lost-item")
        expect(lost.locator(".clock")).to_have_text(re.compile(r"^(1:[0-5]\d|2:00)$"))
        call = page.locator("#call-now")
        expect(call).to_be_hidden()
        page.clock.fast_forward("02:05")
        expect(call).to_be_visible()
        expect(call.get_by_role("heading")).to_have_text("Call 911 now")
        expect(call.locator("#call-now-name")).to_have_text("Eli Brooks")
        expect(call.locator("#call-now-grade")).to_have_text("grade 4")
        expect(call.locator("#call-now-description")).to_have_text("Red cap, blue coat")
        expect(call.locator("#call-now-seen")).to_contain_text("Planetarium queue")
        expect(call.get_by_role("link", name="Call 911")).to_have_attribute("href", "tel:911")
        page.screenshot(path=f"{SHOTS}-call-911.png")
        assert axe_violations(page) == []
        page.get_by_role("button", name="I have called: back to the search").click()
        expect(call).to_be_hidden()
        # Found: stops it here and at school (no escalation later for this one).
        lost.get_by_role("button", name="Found: stop the countdown").click()
        lost.get_by_role("button").click()
        expect(lost).to_have_count(0)
        expect(page.locator("#sync-text")).to_have_text("All sent", timeout=20000)
        [(started, ends)] = query(
            live_server,
            "select l.started_at, l.ends_at from trip_lost_student l "
            "join trip_student s on s.id = l.student_id where s.name = 'Eli Brooks'",
        )
        moment = lambda v: v if isinstance(v, datetime) else datetime.fromisoformat(v)  # noqa: E731
        # the server's countdown is the school's two minutes too
        assert moment(ends) - moment(started) == timedelta(minutes=2)
        phone.close()
    finally:
        police_minutes(10)
        desk.close()


def test_practising_the_departure_checklist_never_opens_the_missing_student_screen(
    browser, live_server
):
    """The missing-student screen alerts school and starts the police clock: practice hides it."""
    page = browser.new_context(**PHONE).new_page()
    sign_in(page, live_server, "staff@demo.muster.test")
    page.goto(f"{live_server.url}/checklists/field-trip-departure?practice=1")
    page.locator("#runner[data-ready]").wait_for()
    expect(page.locator("#practice-banner")).to_be_visible()
    page.locator("#run-context").get_by_label("Trip").fill("Science museum")
    page.locator("#run-context button[type=submit]").click()
    page.locator("#item-student-missing").get_by_role("button", name="Yes").click()
    item = page.locator("#item-missing-open-screen")
    expect(item).to_be_visible()
    links = item.locator("a[data-lost-student]")
    assert links.count() >= 1  # the demo chaperone has a trip: the real screen is there, hidden
    for link in links.all():
        expect(link).to_be_hidden()
    expect(item.locator("[data-practice-note]")).to_have_text(
        "In practice, no one is alerted. In a real case this opens the missing-student screen: "
        "it alerts school and starts the police countdown."
    )
    page.screenshot(path=f"{SHOTS}-practice.png", full_page=True)
