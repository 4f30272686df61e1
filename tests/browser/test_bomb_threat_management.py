"""Bomb threat management after the call, in Chromium at phone size: one tap from the office home
with no signal, the decision recorded, the evacuation steps only once evacuating, the stand-off
card on screen, and the answers kept through a reload."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.browser.axe import axe_violations
from tests.browser.helpers import sign_in, wait_for_offline_cache

pytestmark = pytest.mark.browser


def _item(page: Page, item_id: str):
    return page.locator(f"#item-{item_id}")


def test_the_office_decides_offline_and_the_evacuation_steps_follow(page: Page, live_server):
    sign_in(page, live_server, "office@demo.muster.test")
    wait_for_offline_cache(page)
    live_server.stop()  # the office works the threat with no server
    page.reload()
    link = page.locator('.journeys a[data-journey="bomb-threat-management"]')
    expect(link).to_contain_text("Bomb threat: after the call")
    link.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Bomb threat, after the call")
    page.locator("#runner[data-ready]").wait_for()
    expect(_item(page, "standoff-pipe")).to_contain_text("at least 70 feet. Better: 1,200 feet.")
    expect(_item(page, "evac-routes")).to_be_hidden()
    assert axe_violations(page) == []

    _item(page, "risk").get_by_role("radio", name="High").click()
    _item(page, "decision").get_by_role("radio", name="Evacuate").click()
    expect(_item(page, "evac-routes")).to_be_visible()
    expect(_item(page, "evacuate-scope")).to_be_visible()
    expect(_item(page, "lockdown-scope")).to_be_hidden()
    _item(page, "evac-routes").get_by_role("button", name="Done").click()
    assert axe_violations(page) == []

    page.reload()
    page.locator("#runner[data-ready]").wait_for()
    expect(_item(page, "decision").get_by_role("radio", name="Evacuate")).to_be_checked()
    expect(_item(page, "risk").get_by_role("radio", name="High")).to_be_checked()
    expect(_item(page, "evac-routes")).to_be_visible()
    done = _item(page, "evac-routes").get_by_role("button", name="Done")
    expect(done).to_have_attribute("aria-pressed", "true")
