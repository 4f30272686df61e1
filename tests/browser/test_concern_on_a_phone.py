"""Raising a concern on a phone with no connection, in Chromium at 390x844: "I'm worried about
someone" from the home screen, the 911 call offered when someone is in danger now, kept on the
phone through a reload, sent exactly once when the server is back (the threat assessment team
alerted), and read by the safety team; axe finds nothing on any of its pages."""

from __future__ import annotations

import re
import time

import pytest
from playwright.sync_api import Page, expect

from tests.browser.axe import axe_violations
from tests.browser.helpers import query, sign_in, wait_for_offline_cache

pytestmark = pytest.mark.browser
WHAT = "Said he has his dad's gun and the people who laughed at him will find out Friday"


def rows_when_sent(server, sql: str, timeout: float = 30) -> list[tuple]:
    deadline = time.monotonic() + timeout
    while not (rows := query(server, sql)) and time.monotonic() < deadline:
        time.sleep(0.2)
    return rows


def test_a_driver_raises_a_concern_offline_and_it_arrives_once(
    page: Page, browser, browser_context_args, live_server
):
    sign_in(page, live_server, "driver@demo.muster.test")
    wait_for_offline_cache(page, paths=("/", "/concerns/new"))
    live_server.stop()

    page.reload()
    page.get_by_role("link", name=re.compile("I'm worried about someone")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("I'm worried about someone")
    expect(page.get_by_label("When it happened")).not_to_have_value("")  # the script is on
    expect(page.locator("#concern-guidance")).to_contain_text("not concerns in themselves")
    page.get_by_label("Yes, someone could be hurt now or today").check()
    danger = page.locator("#concern-danger")
    expect(danger).to_be_visible()
    expect(danger.get_by_role("link", name="Call 911")).to_have_attribute("href", "tel:911")
    page.get_by_label("What was said or done?").fill(WHAT)
    page.get_by_label("The exact words, where you can").fill("They'll find out Friday.")
    page.get_by_label("Where it happened").fill("Bus 14, back seats")
    page.get_by_label("Who else saw or heard it?").fill("Two students in the seat in front")
    page.get_by_label("I heard it").check()
    assert axe_violations(page) == []
    page.reload()  # before sending: nothing typed is lost
    expect(page.get_by_label("Where it happened")).to_have_value("Bus 14, back seats")
    expect(page.get_by_label("Yes, someone could be hurt now or today")).to_be_checked()
    page.get_by_role("button", name="Send to the threat assessment team").click()
    saved = page.locator("#concern-saved")
    expect(saved.get_by_role("heading", name="Saved on this phone")).to_be_visible()
    expect(saved.get_by_role("link", name="Call 911")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert axe_violations(page) == []

    page.reload()  # still no server: it waits on the phone, the draft gone
    assert page.evaluate("MusterOutbox.draft('concern')") is None
    expect(page.locator("#sync-text")).to_have_text("Offline: 1 saved", timeout=15000)
    live_server.start()
    expect(page.locator("#sync-text")).to_have_text("All sent", timeout=30000)

    rows = rows_when_sent(
        live_server,
        "select c.id, c.place, c.danger_now, c.team_alert, s.name from concern c"
        " left join school s on s.id = c.school_id where c.what like 'Said he has his dad%'",
    )
    assert len(rows) == 1
    concern_id, place, danger_now, team_alert, school = rows[0]
    assert (place, bool(danger_now)) == ("Bus 14, back seats", True)
    assert school is not None
    assert query(live_server, f"select kind from alert where id = '{team_alert}'") == [
        ("threat-concern",)
    ]
    # the sender is told nothing more than "sent"
    page.goto(f"{live_server.url}/concerns/{concern_id}")
    expect(page.get_by_role("heading", level=1)).not_to_have_text("Concern about someone")

    safety = browser.new_context(**browser_context_args).new_page()
    sign_in(safety, live_server, "safety@demo.muster.test")
    safety.goto(f"{live_server.url}/concerns")
    safety.get_by_role("link", name=re.compile("Bus 14, back seats")).first.click()
    expect(safety.get_by_role("heading", level=1)).to_have_text("Concern about someone")
    expect(safety.locator("#concern-what")).to_have_text(WHAT)
    expect(safety.locator("#concern-danger-now")).to_be_visible()
    assert safety.evaluate("document.documentElement.scrollWidth") <= 390
    assert axe_violations(safety) == []
    safety.goto(f"{live_server.url}/concerns")
    assert axe_violations(safety) == []
    viewed = query(
        live_server,
        f"select count(*) from audit_log where action = 'concern.viewed'"
        f" and record_id = '{concern_id}'",
    )
    assert viewed == [(1,)]
    safety.context.close()
