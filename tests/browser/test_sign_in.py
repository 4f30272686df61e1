"""A driver signs in on a phone and sees the driver's home screen."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.helpers import sign_in

pytestmark = pytest.mark.browser


def test_driver_signs_in_and_sees_their_journeys(page: Page, live_server, tmp_path):
    sign_in(page, live_server, "driver@demo.muster.test")

    expect(page.get_by_role("heading", level=1)).to_have_text("Hello, Dan Driver")
    # Emergencies first: the panic button, then calling an action and the call script.
    panic = page.get_by_role("button", name="Emergency: I need help here")
    expect(panic).to_be_visible()
    journeys = page.locator(".journeys a")
    expect(journeys).to_have_count(11)
    for name in (
        "Call an action",
        "Threatening call",
        "Bleeding control",
        "Active threat",
        "Weapon found",
        "Pre-route bus check",
        "Trouble on the route",
        "Post-route child check",
        "Report something suspicious",
        "I'm worried about someone",
        "Reference cards",
    ):
        expect(page.get_by_role("link", name=re.compile(f"^{name}"))).to_be_visible()
    # Big targets: every journey button is at least 48 px tall and fits the 390 px screen.
    for box in [panic.bounding_box()] + [journeys.nth(i).bounding_box() for i in range(11)]:
        assert box["height"] >= 48 and box["x"] >= 0 and box["x"] + box["width"] <= 390
    page.screenshot(path=tmp_path / "driver-home.png", full_page=True)


def test_wrong_password_says_so(page: Page, live_server):
    sign_in(page, live_server, "office@demo.muster.test", "not-the-password")
    expect(page.get_by_role("alert")).to_have_text("That email and password don't match.")
    expect(page).to_have_url(f"{live_server.url}/sign-in")
