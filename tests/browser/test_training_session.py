"""A training session at the bus depot with no signal, in Chromium at 390x844: an admin adds three
new drivers and certifies Dan, a senior driver, as a trainer; on his phone, with the server gone,
he reads the bus-security lesson, opens its en-route checklist in practice mode from it (nobody
is alerted), records the session for the three drivers (kept through a reload), comes back online
and it is sent once; the coverage matrix shows the three drivers trained. axe finds nothing on
the session form, its saved screen, the coverage page or the trainers page."""

from __future__ import annotations

import time
import uuid
from datetime import date, timedelta

import pytest
from playwright.sync_api import Page, expect

from tests.browser.axe import axe_violations
from tests.browser.helpers import query, shot, sign_in, wait_for_offline_cache

pytestmark = pytest.mark.browser


def _rows_when_sent(server, sql: str, timeout: float = 30) -> list[tuple]:
    deadline = time.monotonic() + timeout
    while not (rows := query(server, sql)) and time.monotonic() < deadline:
        time.sleep(0.2)
    return rows


def _add_driver(admin: Page, server, name: str) -> None:
    admin.goto(f"{server.url}/admin/people/new")
    admin.get_by_label("Name", exact=True).fill(name)
    admin.get_by_label("Email").fill(f"{name.split()[0].lower()}-{uuid.uuid4().hex[:6]}@demo.test")
    admin.get_by_label("Bus driver").check()
    admin.get_by_label("Active: can sign in").check()
    admin.get_by_role("button", name="Save").click()
    admin.wait_for_load_state("load")


def test_a_trainer_records_the_bus_security_session_at_the_depot_offline(
    page: Page, browser, browser_context_args, live_server
):
    tag = uuid.uuid4().hex[:4]
    drivers = [f"Bea Route{tag}", f"Cal Route{tag}", f"Dee Route{tag}"]
    admin = browser.new_context(**browser_context_args).new_page()
    sign_in(admin, live_server, "admin@demo.muster.test")
    for name in drivers:
        _add_driver(admin, live_server, name)
    admin.goto(f"{live_server.url}/training/trainers")
    admin.get_by_label("Person").select_option(label="Dan Driver")
    today = date.today()
    admin.get_by_label("Certified on").fill((today - timedelta(days=30)).isoformat())
    admin.get_by_label("Expires on").fill((today + timedelta(days=700)).isoformat())
    admin.get_by_role("button", name="Save the certification").click()
    expect(admin.locator("#trainers-list")).to_contain_text("Dan Driver")
    assert axe_violations(admin) == []

    sign_in(page, live_server, "driver@demo.muster.test")
    expect(page.locator("#training-record")).to_be_visible()
    wait_for_offline_cache(page, paths=("/", "/training/sessions/new", "/checklists/bus-en-route"))
    page.goto(f"{live_server.url}/lessons/bus-security")  # read once with signal: kept
    wait_for_offline_cache(page, paths=("/lessons/bus-security",))
    alerts_before = query(live_server, "select count(*) from alert")
    live_server.stop()  # the depot: no signal

    page.reload()  # the lesson, from the phone; its checklist in practice mode
    expect(page.get_by_role("heading", level=1)).to_contain_text("Bus security")
    page.goto(f"{live_server.url}/lessons/bus-security#practise")
    practise = page.locator("#practise")
    expect(practise).to_be_visible()
    practise.locator("a[href='/checklists/bus-en-route?practice=1']").click()
    expect(page.locator("#practice-banner")).to_be_visible()
    page.goto(f"{live_server.url}/")
    page.get_by_role("link", name="Record a training session").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Record a training session")
    expect(page.get_by_label("When")).not_to_have_value("")  # the script is on
    page.get_by_label("Lesson", exact=True).select_option(label="Bus security")
    page.get_by_label("Bus drivers").check()
    page.get_by_label("School").select_option(label="District-wide (a bus depot, no one school)")
    for name in drivers:
        page.get_by_label("Find a person").fill(name)
        page.locator("#s-people label:visible", has_text=name).get_by_role("checkbox").check()
    page.get_by_label("Find a person").fill("")
    expect(page.locator("#s-picked")).to_have_text("Picked: 3")
    page.get_by_label("Notes (optional)").fill("Depot yard, before the afternoon routes")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert axe_violations(page) == []
    shot(page, "training-session-form")

    page.reload()  # before saving: nothing picked or typed is lost
    expect(page.get_by_label("Lesson", exact=True)).to_have_value("bus-security")
    expect(page.get_by_label("Bus drivers")).to_be_checked()
    expect(page.locator("#s-picked")).to_have_text("Picked: 3")
    expect(page.get_by_label("Notes (optional)")).to_have_value(
        "Depot yard, before the afternoon routes"
    )
    page.get_by_role("button", name="Save the session").click()
    saved = page.locator("#session-saved")
    expect(saved.get_by_role("heading", name="Saved on this phone")).to_be_visible()
    expect(page.locator("#session-saved-summary")).to_have_text("Bus security: 3 came.")
    expect(page.locator("#session-feedback")).to_be_hidden()  # no practice delivery
    assert axe_violations(page) == []
    shot(page, "training-session-saved")

    page.reload()  # still no signal: it waits on the phone, the draft gone
    assert page.evaluate("MusterOutbox.draft('training-session')") is None
    expect(page.locator("#sync-text")).to_have_text("Offline: 1 saved", timeout=15000)
    live_server.start()
    expect(page.locator("#sync-text")).to_have_text("All sent", timeout=30000)

    assert query(live_server, "select count(*) from alert") == alerts_before  # nobody alerted
    rows = _rows_when_sent(
        live_server,
        "select cast(s.id as text), s.lesson, s.audience, s.school_id from training_session s"
        " where s.notes = 'Depot yard, before the afternoon routes'",
    )
    assert len(rows) == 1
    session_id, lesson, audience, school = rows[0]
    assert (lesson, audience, school) == ("bus-security", "bus_drivers", None)
    came = query(
        live_server,
        'select u.name from training_attendance a join "user" u on u.id = a.person_id'
        f" where cast(a.session_id as text) = '{session_id}' order by u.name",
    )
    assert [r[0] for r in came] == sorted(drivers)

    admin.goto(f"{live_server.url}/training/coverage?school=district&audience=bus_drivers")
    cell = admin.locator("#cell-bus-security-bus_drivers")
    expect(cell).to_contain_text("3 trained")
    expect(cell).to_contain_text(today.isoformat())
    assert axe_violations(admin) == []
    shot(admin, "training-coverage")
    cell.get_by_role("link").click()
    for name in drivers:
        expect(admin.locator("#cell-sessions")).to_contain_text(name)
    assert axe_violations(admin) == []
    admin.locator("#cell-sessions").get_by_role("link", name=today.isoformat()).click()
    expect(admin.get_by_role("heading", level=1)).to_have_text("Bus security")
    expect(admin.locator("#session-people li")).to_have_count(3)
    assert axe_violations(admin) == []
    shot(admin, "training-session-page")
    admin.context.close()
    # later tests meet the demo district as it was: its drivers, no trainer
    query(live_server, f"update \"user\" set active = false where name like '%Route{tag}'")
    query(live_server, "delete from training_trainer")
    query(live_server, "delete from training_attendance")
    query(live_server, "delete from training_session")
