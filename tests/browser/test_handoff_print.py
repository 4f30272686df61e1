"""An incident's timeline for a handoff, in Chromium: the print view on a phone's screen and as
printed (no app header or links, black on white, the timeline a table), axe at zero; the admin
finds the print in the audit log, filtered by kind."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.axe import axe_violations
from tests.browser.helpers import PHONE, sign_in

pytestmark = pytest.mark.browser

BLACK = "rgb(0, 0, 0)"


def test_the_timeline_prints_for_a_handoff(browser, live_server):
    context = browser.new_context(**PHONE)
    page = context.new_page()
    sign_in(page, live_server, "safety@demo.muster.test")
    page.goto(f"{live_server.url}/incidents/new")
    page.get_by_label("What is happening").select_option("medical")
    page.locator("input[name=schools]").first.check()
    page.get_by_role("button", name="Open the incident").click()
    heading = page.get_by_role("heading", level=1)
    expect(heading).to_have_text(re.compile(r"INC-\d{4}-\d{4}"))
    reference = heading.inner_text().split(" ")[0]
    page.get_by_label("What happened, what was decided").fill("Nurse with the student in room 12")
    page.get_by_role("button", name="Add to the log").click()
    expect(page.locator("#timeline li").first).to_contain_text("room 12", timeout=20000)

    page.get_by_role("link", name="Print for a handoff").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(reference)
    row = page.locator("table.handoff-timeline tbody tr").first
    expect(row).to_contain_text("Nurse with the student in room 12")
    expect(row).to_contain_text("Sam Safety")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert axe_violations(page) == []

    page.emulate_media(media="print")
    expect(page.locator(".app-header")).to_be_hidden()
    expect(page.get_by_role("link", name="Back to the incident")).to_be_hidden()
    expect(page.locator("table.handoff-timeline thead")).to_be_visible()
    cell = page.locator("table.handoff-timeline td").nth(3)
    assert cell.evaluate("(c) => getComputedStyle(c).color") == BLACK
    article = page.locator("article.handoff")
    assert article.evaluate("(a) => getComputedStyle(a).backgroundColor") == "rgb(255, 255, 255)"
    context.close()

    context = browser.new_context(**PHONE)
    page = context.new_page()
    sign_in(page, live_server, "admin@demo.muster.test")
    page.goto(f"{live_server.url}/admin/audit")
    page.get_by_text("Find", exact=True).click()
    page.get_by_label("Kind").select_option(label="Incident timeline printed")
    entry = page.locator("#audit-list li.audit-entry").first
    expect(entry).to_contain_text("Incident timeline printed")
    expect(entry).to_contain_text("Sam Safety")
    expect(page).to_have_url(re.compile(r"action=incident\.printed"))
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert axe_violations(page) == []
    context.close()
