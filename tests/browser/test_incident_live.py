"""The live incident page on a phone (390x844): the safety lead opens an incident by hand, types
a log entry (an outbox event), and the timeline shows it without a reload; axe finds nothing."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.axe import axe_violations
from tests.browser.helpers import PHONE, sign_in

pytestmark = pytest.mark.browser


def test_the_live_incident_page_on_a_phone(browser, live_server):
    context = browser.new_context(**PHONE)
    page = context.new_page()
    sign_in(page, live_server, "safety@demo.muster.test")
    page.goto(f"{live_server.url}/incidents/new")
    page.get_by_label("What is happening").select_option("lockdown")
    page.locator("input[name=schools]").first.check()
    page.get_by_label("A few words (optional)").fill("Browser test")
    page.get_by_role("button", name="Open the incident").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile(r"INC-\d{4}-\d{4}"))
    page.get_by_label("What happened, what was decided").fill("Door 4 secured by the caretaker")
    page.get_by_role("button", name="Add to the log").click()
    expect(page.locator("#log-status")).to_contain_text("Saved on this phone")
    entry = page.locator("#timeline li").first
    expect(entry).to_contain_text("Door 4 secured by the caretaker", timeout=20000)
    expect(page.locator("#log-status")).to_have_text("In the log.")  # no longer "saved on…"
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert axe_violations(page) == []
    context.close()


def test_the_team_directory_on_a_phone(browser, live_server):
    context = browser.new_context(**PHONE)
    page = context.new_page()
    sign_in(page, live_server, "safety@demo.muster.test")
    page.goto(f"{live_server.url}/team")
    expect(page.get_by_role("heading", level=1)).to_have_text("District crisis team")
    assert axe_violations(page) == []
    page.locator(".team-schools a").first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Crisis team: ")
    page.get_by_role("link", name="Change who fills Medical lead").click()
    page.get_by_label("Primary").select_option(index=1)
    page.get_by_label("Backup 1").select_option(index=2)
    assert axe_violations(page) == []
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".flash")).to_have_text("Saved: Medical lead.")
    card = page.locator(".team .card").filter(has_text="Medical lead")
    expect(card.locator("ol li")).to_have_count(2)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert axe_violations(page) == []
    context.close()
