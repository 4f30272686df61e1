"""Reference cards and the weapon-found checklist in Chromium at phone size (390 x 844), with no
signal after the first visit: a card read one idea a screen, the weapon checklist's first step
never to touch it; axe-core finds nothing on either."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.browser.axe import axe_violations
from tests.browser.helpers import sign_in, wait_for_offline_cache

pytestmark = pytest.mark.browser
SHOTS = Path("/tmp/muster-reference-shots")


def shot(page: Page, name: str) -> None:
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=False)


def test_a_card_and_the_weapon_checklist_open_with_no_signal(page: Page, live_server):
    sign_in(page, live_server, "driver@demo.muster.test")
    wait_for_offline_cache(
        page, paths=("/", "/reference", "/checklists/human-reaction", "/checklists/weapon-found")
    )
    page.context.set_offline(True)  # the depot's dead spot: everything from the phone
    try:
        page.reload()
        shot(page, "home-offline")
        page.locator('.journeys a[data-journey="reference-cards"]').click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Reference cards")
        expect(page.locator("[data-card-link]")).to_have_count(3)
        assert axe_violations(page) == []
        shot(page, "cards-list")

        page.get_by_role("link", name=re.compile("^How people react in an emergency")).click()
        expect(page.get_by_role("heading", level=1)).to_have_text(
            "How people react in an emergency"
        )
        # one idea a screen: the first card only, and where you are
        cards = page.locator("[data-card]")
        expect(cards.first).to_be_visible()
        expect(page.locator("[data-card]:visible")).to_have_count(1)
        expect(page.locator("#card-progress")).to_have_text("Card 1 of 10")
        expect(page.get_by_role("button", name="Back")).to_be_disabled()
        assert axe_violations(page) == []
        shot(page, "card-1")
        page.get_by_role("button", name="Next").click()
        page.get_by_role("button", name="Next").click()
        expect(page.locator("#card-progress")).to_have_text("Card 3 of 10")
        expect(page.locator("[data-card]:visible")).to_contain_text("about 6 minutes")
        shot(page, "card-3")
        for _ in range(7):
            page.get_by_role("button", name="Next").click()
        expect(page.locator("#card-progress")).to_have_text("Card 10 of 10")
        expect(page.get_by_role("button", name="Next")).to_be_hidden()
        expect(page.get_by_role("link", name="Back to the reference cards")).to_be_visible()
        assert axe_violations(page) == []
        shot(page, "card-10")
        # big targets that fit the screen
        for name in ("Back",):
            box = page.get_by_role("button", name=name).bounding_box()
            assert box["height"] >= 48 and box["x"] + box["width"] <= 390

        page.goto(f"{live_server.url}/")
        page.locator('.journeys a[data-journey="weapon-found"]').click()
        expect(page.get_by_role("heading", level=1)).to_have_text("A weapon found")
        page.locator("#runner[data-ready]").wait_for()
        expect(page.locator("#item-no-touch")).to_be_visible()
        expect(page.locator("#item-no-touch")).to_contain_text(
            "Don't touch it. Don't move it. Don't try to unload it."
        )
        assert axe_violations(page) == []
        shot(page, "weapon-1")
        page.get_by_role("button", name="Next").click()
        page.get_by_role("button", name="Next").click()
        expect(page.locator("#item-keep-away")).to_be_visible()
        assert axe_violations(page) == []
        shot(page, "weapon-3")
    finally:
        page.context.set_offline(False)
