"""The safety lead's desk at a laptop (1366x768) and a phone (390x844): a silent alert from the
call script opens on the situation (the caller's words, the place, the call record), "Active
now" shows each active thing once and an all clear ends it; during a missing-student alert the
lead opens the trip's roster and calls a guardian, and once it is over the roster is a 404."""

from __future__ import annotations

import re
import uuid

import pytest
from playwright.sync_api import expect

from tests.browser.axe import axe_violations
from tests.browser.helpers import PHONE, end_open_searches, events, hold, query, shot, sign_in

pytestmark = pytest.mark.browser

LAPTOP = {"viewport": {"width": 1366, "height": 768}}
SIZES = {"laptop": LAPTOP, "phone": PHONE}


def threat_call(browser, live_server, words: str) -> None:
    """The front office takes the call: the silent alert from the script, then the words."""
    context = browser.new_context(
        **PHONE,
        permissions=["geolocation"],
        geolocation={"latitude": 38.5767, "longitude": -121.4859, "accuracy": 9},
    )
    page = context.new_page()
    sign_in(page, live_server, "office@demo.muster.test")
    page.goto(f"{live_server.url}/checklists/threat-call")
    page.get_by_role("button", name="A call is on the line").click()
    page.locator("#runner[data-ready]").wait_for()
    hold(page, page.locator("#item-silent-alert [data-hold]"))
    expect(page.locator("#item-silent-alert .answer-status")).to_contain_text(
        "Alert sent", timeout=15000
    )
    box = page.locator("#item-exact-words textarea")
    box.fill(words)
    box.blur()
    tag = words.split("\n")[0][-10:].replace("'", "")
    sql = f"select count(*) from checklist_answer where cast(value as text) like '%{tag}%'"
    for _ in range(150):  # the phone's sync loop sends the answer: wait for it, up to 15 s
        if query(live_server, sql) == [(1,)]:
            break
        page.wait_for_timeout(100)
    assert query(live_server, sql) == [(1,)]
    context.close()


def event(kind: str, **payload) -> dict:
    from datetime import UTC, datetime

    return {
        "id": str(uuid.uuid4()),
        "type": kind,
        "occurred_at": datetime.now(UTC).isoformat(),
        "payload": payload,
    }


@pytest.mark.parametrize("size", sorted(SIZES))
def test_a_silent_alert_opens_on_the_desk_and_an_all_clear_ends_it(browser, live_server, size):
    words = f"There is a bomb in the gym ({size}).\nIt goes off at noon."
    threat_call(browser, live_server, words)
    desk = browser.new_context(**SIZES[size])
    page = desk.new_page()
    sign_in(page, live_server, "safety@demo.muster.test")
    page.goto(f"{live_server.url}/admin/now")
    expect(page.get_by_role("heading", level=1)).to_have_text("Active now")
    card = page.locator(".desk-alerts li[data-alert]").filter(has_text=f"({size})")
    expect(card).to_have_count(1)
    shown = page.locator(".desk-alerts li[data-alert]").evaluate_all(
        "(items) => items.map((li) => li.dataset.alert)"
    )
    assert len(shown) == len(set(shown))  # each active thing once
    panels = page.locator(".desk-panel").evaluate_all(
        "(ps) => ps.map((p) => Math.round(p.getBoundingClientRect().left))"
    )
    if size == "laptop":
        assert len(set(panels)) == 2  # two columns use the laptop's width
    else:
        assert len(set(panels)) == 1
    assert page.evaluate("document.documentElement.scrollWidth") <= SIZES[size]["viewport"]["width"]
    assert axe_violations(page) == []
    shot(page, f"desk-{size}")

    card.get_by_role("link", name="Silent alert").click()
    facts = page.locator("#alert-facts")
    expect(facts.locator(".caller-words")).to_have_text(words.replace("\n", "\n"))
    expect(facts).to_contain_text("80 m NE of Lincoln Elementary campus")
    expect(facts).to_contain_text("Olga Office")
    expect(facts).to_contain_text("Lincoln Elementary")
    expect(facts.get_by_role("link", name="Open the call record")).to_have_attribute(
        "href", re.compile(r"^/admin/runs/[0-9a-f-]{36}$")
    )
    page.locator(".alert-map[data-ready]").wait_for(timeout=15000)
    assert axe_violations(page) == []
    shot(page, f"alert-live-{size}")

    alert = page.url.rsplit("/", 1)[1]
    page.goto(f"{live_server.url}/alerts/{alert}")  # what the notification opens
    expect(page.locator("#alert-facts .caller-words")).to_be_visible()
    expect(page.locator("#answer")).to_have_count(0)  # the desk is not asked "are you safe?"
    assert axe_violations(page) == []
    shot(page, f"alert-page-{size}")

    page.goto(f"{live_server.url}/admin/alerts/{alert}")
    hold(page, page.locator("#alert-end [data-hold]"))
    expect(page.locator("#ended")).to_contain_text("Ended at", timeout=15000)
    ends = query(live_server, f"select kind from alert where cast(ends as text) = '{alert}'")
    assert ends == [("all-clear",)]
    page.goto(f"{live_server.url}/admin/now")
    expect(page.locator(f'.desk-alerts li[data-alert="{alert}"]')).to_have_count(0)

    page.goto(f"{live_server.url}/admin/alerts")
    assert axe_violations(page) == []
    shot(page, f"alerts-list-{size}")
    desk.close()


def test_the_lead_opens_the_missing_students_roster_and_calls_a_guardian(browser, live_server):
    end_open_searches(live_server)  # the roster is open while any search is on: only this one
    teacher = browser.new_context(**PHONE)
    phone = teacher.new_page()
    sign_in(phone, live_server, "staff@demo.muster.test")
    trip = query(live_server, "select id from trip order by id limit 1")[0][0]
    student = query(
        live_server, f"select id from trip_student where trip_id = {trip} and name = 'Ana Ruiz'"
    )[0][0]
    lost = str(uuid.uuid4())
    lost_event = event(
        "trip.student_lost",
        lost_id=lost,
        trip_id=trip,
        student_id=student,
        last_seen_where="the gift shop",
        position={"latitude": 38.5846, "longitude": -121.5049, "accuracy": 8},
    )
    assert events(phone, [lost_event]) == ["accepted"]

    lead = browser.new_context(**PHONE)
    page = lead.new_page()
    sign_in(page, live_server, "safety@demo.muster.test")
    page.goto(f"{live_server.url}/admin/now")
    card = page.locator(".desk-alerts li[data-alert]").filter(has_text="Ana Ruiz")
    expect(card).to_have_count(1)
    card.get_by_role("link").first.click()
    page.get_by_role("link", name="Open the trip's roster").click()
    expect(page.locator("#emergency-access")).to_be_visible()
    missing = page.locator(".urgent-card")
    expect(missing).to_contain_text("Ana Ruiz")
    call = missing.get_by_role("link", name="555-0101")
    expect(call).to_have_attribute("href", "tel:5550101")
    expect(page.get_by_role("link", name="916-555-0150")).to_have_attribute(
        "href", "tel:9165550150"
    )  # the chaperone
    assert axe_violations(page) == []
    shot(page, "roster-emergency-phone")
    roster = page.url

    found = event("trip.student_found", lost_id=lost, trip_id=trip)
    assert events(phone, [found]) == ["accepted"]
    response = page.goto(roster)
    assert response.status == 404
    teacher.close()
    lead.close()
