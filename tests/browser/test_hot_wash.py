"""A hot wash on a phone (390x844): the safety lead opens an incident, writes its review from
the live page (the figures shown as measured: none yet, so "not measured"), adds two improvement
actions for a teacher and changes one, looks at the plan and the near miss's form; the teacher
finds both actions on the home screen and marks one done. Axe finds nothing on any of these
pages, and none scrolls sideways."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from playwright.sync_api import expect

from tests.browser.axe import axe_violations
from tests.browser.helpers import PHONE, sign_in

pytestmark = pytest.mark.browser


def _fits(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert axe_violations(page) == []


def test_a_hot_wash_and_two_actions_reach_the_owners_home(browser, live_server):
    lead = browser.new_context(**PHONE)
    page = lead.new_page()
    sign_in(page, live_server, "safety@demo.muster.test")
    page.goto(f"{live_server.url}/incidents/new")
    page.get_by_label("What is happening").select_option("fire")
    page.locator("input[name=schools]").first.check()
    page.get_by_label("A few words (optional)").fill("Review browser test")
    page.get_by_role("button", name="Open the incident").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile(r"INC-\d{4}-\d{4}"))
    reference = page.get_by_role("heading", level=1).inner_text().split(" ")[0]

    page.get_by_role("link", name="Write the review").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Hot wash for {reference}")
    expect(page.locator("#figure-first-answer")).to_have_text("not measured")
    _fits(page)
    page.get_by_label("What happened").fill("Smoke from the kitchen; the school evacuated.")
    page.get_by_label("What went well").fill("Everyone out in four minutes.")
    page.get_by_label("What to improve").fill("The east door stuck.")
    page.get_by_role("button", name="Save the review").click()
    expect(page.locator(".flash")).to_have_text("Review saved.")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Hot wash: {reference}")
    _fits(page)

    due = [date.today() + timedelta(days=n) for n in (3, 10)]
    for text, day in zip(
        ("Fix the east door", "Walk the route with the kitchen staff"), due, strict=True
    ):
        page.get_by_label("What must be done").fill(text)
        page.get_by_label("Owner").select_option(label="Tess Teacher")
        page.get_by_label("Due date").fill(day.isoformat())
        page.get_by_role("button", name="Add the action").click()
        expect(page.locator(".flash")).to_have_text("Action added.")
    expect(page.locator(".actions-list li")).to_have_count(2)
    _fits(page)
    page.locator(".actions-list li").first.get_by_role("link", name=re.compile("^Change")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Change the action")
    expect(page.get_by_label("Owner")).to_have_value(re.compile(r"^\d+$"))
    _fits(page)
    page.get_by_role("button", name="Save the action").click()
    expect(page.locator(".flash")).to_have_text("Action saved.")
    page.goto(f"{live_server.url}/reviews")  # the plan, with the near miss's form a tap away
    expect(page.locator(".actions-list li").filter(has_text="Fix the east door")).to_have_count(1)
    _fits(page)
    page.get_by_role("link", name="Log a near miss").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Log a near miss")
    _fits(page)
    lead.close()

    owner = browser.new_context(**PHONE)
    home = owner.new_page()
    sign_in(home, live_server, "staff@demo.muster.test")
    mine = home.locator("#my-actions li")
    expect(mine.filter(has_text="Fix the east door")).to_have_count(1)
    expect(mine.filter(has_text="Walk the route with the kitchen staff")).to_have_count(1)
    _fits(home)
    mine.filter(has_text="Fix the east door").get_by_role("button", name="Mark done").click()
    expect(home.locator(".flash")).to_have_text("Action marked done.")
    expect(home.locator("#my-actions li").filter(has_text="Fix the east door")).to_have_count(0)
    expect(home.locator("#my-actions li").filter(has_text="Walk the route")).to_have_count(1)
    _fits(home)
    owner.close()
