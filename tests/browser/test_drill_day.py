"""A drill on a phone (390x844): the safety lead sets what the district requires, plans a
lockdown drill at Lincoln Elementary led by the teacher, and the teacher finds it on the home
screen, starts it with a press and hold (a DRILL alert to the school), the front office
answers it, and she ends it; the drill's page shows the answer measured, and the calendar
counts it. Axe finds nothing on the calendar, the requirements or the drill page, and none
scrolls sideways."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from playwright.sync_api import expect

from tests.browser.axe import axe_violations
from tests.browser.helpers import PHONE, hold, query, shot, sign_in

pytestmark = pytest.mark.browser


def _fits(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert axe_violations(page) == []


def test_a_lockdown_drill_planned_started_answered_and_ended_on_phones(browser, live_server):
    lead = browser.new_context(**PHONE)
    page = lead.new_page()
    sign_in(page, live_server, "safety@demo.muster.test")
    page.get_by_role("link", name=re.compile("^Drills")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Drills")
    page.get_by_role("link", name="What the district requires").click()
    _fits(page)
    lockdown = page.get_by_role("group", name="Lockdown")
    lockdown.get_by_label("Drills each school year").fill("2")
    lockdown.get_by_label("Of them, early in the year (optional)").fill("1")
    lockdown.get_by_label("Early: within this many days of the year's start").fill("366")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".flash")).to_have_text("Requirements saved.")
    row = page.locator("table.drill-standing tr", has_text="Lincoln Elementary").filter(
        has_text="Lockdown"
    )
    expect(row.locator("td").nth(2)).to_contain_text(re.compile(r"^\s*\d+ of 2"))
    held_before = int(row.locator("td").nth(2).inner_text().split()[0])

    page.get_by_label("School", exact=True).select_option(label="Lincoln Elementary")
    page.get_by_label("Drill", exact=True).select_option(label="Lockdown")
    page.get_by_label("Day").fill((date.today() + timedelta(days=1)).isoformat())
    page.get_by_label("Who leads it (optional)").select_option(label="Tess Teacher")
    page.get_by_role("button", name="Plan the drill").click()
    expect(page.locator(".flash")).to_have_text("Drill planned.")
    drill_id = int(page.url.rstrip("/").split("/")[-1])
    _fits(page)

    teacher = browser.new_context(**PHONE)
    mine = teacher.new_page()
    sign_in(mine, live_server, "staff@demo.muster.test")
    drill = mine.locator("#my-drills a", has_text="Lockdown")
    expect(drill).to_contain_text("Lincoln Elementary")
    drill.click()
    start = mine.get_by_role("button", name=re.compile("^Press and hold to start the drill"))
    start.click()  # a tap sends nothing
    assert query(live_server, f"select status from drill where id = {drill_id}") == [("planned",)]
    hold(mine, start)
    expect(mine.locator(".flash")).to_have_text("The drill has started: its DRILL alert is out.")
    shot(mine, "drill-running")
    _fits(mine)
    alert = query(live_server, f"select cast(alert_id as text) from drill where id = {drill_id}")
    alert_id = alert[0][0]
    assert query(live_server, f"select drill from alert where id = '{alert_id}'")[0][0] in (1, True)

    # The front office answers it from the alert's page, as everyone at the school would (the
    # teacher who started it is not sent her own alert).
    office = browser.new_context(**PHONE)
    front = office.new_page()
    sign_in(front, live_server, "office@demo.muster.test")
    front.goto(f"{live_server.url}/alerts/{alert_id}")
    expect(front.locator(".drill-flag").first).to_have_text("DRILL")
    front.get_by_role("button", name="I'm safe").click()
    answered = (
        "select count(*) from alert_recipient"
        f" where alert_id = '{alert_id}' and first_responded_at is not null"
    )
    for _ in range(50):
        if query(live_server, answered)[0][0]:
            break
        page.wait_for_timeout(200)

    mine.reload()
    hold(mine, mine.get_by_role("button", name=re.compile("^Press and hold to end the drill")))
    expect(mine.locator(".flash")).to_have_text("Drill ended: the all clear is out.")
    figures = mine.locator("#figures-title ~ table")
    expect(figures).to_contain_text(re.compile(r"Answered\s*1 of \d+"))
    expect(figures.locator("tr", has_text="First answer").locator("td")).to_have_text(
        re.compile(r"^\d+ seconds?$")
    )
    shot(mine, "drill-held")
    _fits(mine)

    page.goto(f"{live_server.url}/drills")
    expect(row.locator("td").nth(2)).to_contain_text(f"{held_before + 1} of 2")
    shot(page, "drill-calendar")
    _fits(page)
    for context in (lead, teacher, office):
        context.close()
