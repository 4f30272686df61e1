"""Alerts by SMS on a phone (issue 21): a person enters their number, the code reaches the local
SMS gateway through the live server's own delivery worker, they enter it and later remove the
number, asked again first; and the district's SMS settings page. Each screen checked with axe."""

from __future__ import annotations

import re
import time

import pytest
from playwright.sync_api import Page, expect

from tests.browser.axe import axe_violations
from tests.browser.helpers import query, sign_in

pytestmark = pytest.mark.browser

NUMBER = "+19165550123"


def _code(gateway, number: str, within_s: float = 20) -> str:
    """The six digits of the code the gateway took for ``number`` (the worker sends it soon)."""
    deadline = time.monotonic() + within_s
    while time.monotonic() < deadline:
        for sms in gateway.to(number):
            found = re.search(r"Muster code is (\d{6})", sms.body)
            if found:
                return found.group(1)
        time.sleep(0.1)
    raise AssertionError(f"no code reached {number}: {gateway.sent}")


def _big_enough(page: Page, name: str) -> None:
    """A whole-finger target: the app's 44 px at the least, across most of the phone."""
    box = page.get_by_role("button", name=name).bounding_box()
    assert box is not None and box["height"] >= 44 and box["width"] >= 300, (name, box)


def test_a_number_is_verified_with_the_code_it_gets_and_removed(
    page: Page, live_server, sms_gateway
):
    sign_in(page, live_server, "driver@demo.muster.test")
    page.goto(f"{live_server.url}/account/contact")
    expect(page.locator("#verified-phone")).to_have_text("No number verified yet.")
    assert axe_violations(page) == []

    page.get_by_label("Mobile number").fill("(916) 555-0123")
    page.get_by_role("button", name="Send a code by SMS").click()
    expect(page.locator(".flash")).to_have_text(
        f"A code is on its way to {NUMBER}. Enter it below."
    )
    assert axe_violations(page) == []
    page.get_by_label("Code (6 digits)").fill(_code(sms_gateway, NUMBER))
    page.get_by_role("button", name="Verify").click()
    expect(page.locator(".flash")).to_have_text("Verified.")
    expect(page.locator("#verified-phone")).to_have_text(f"Verified: {NUMBER}")
    assert axe_violations(page) == []

    _big_enough(page, "Remove this number")
    page.get_by_role("button", name="Remove this number").click()
    expect(page.locator("#remove-sms [role=alert]")).to_have_text(
        f"Remove {NUMBER}? Alerts will no longer come to it by SMS."
    )
    assert axe_violations(page) == []
    _big_enough(page, "Yes, remove it")
    page.get_by_role("button", name="Yes, remove it").click()
    expect(page.locator(".flash")).to_have_text(f"Removed {NUMBER}. Alerts no longer go to it.")
    expect(page.locator("#verified-phone")).to_have_text("No number verified yet.")
    assert query(
        live_server, "select verified_phone from \"user\" where email = 'driver@demo.muster.test'"
    ) == [("",)]


def test_the_districts_sms_settings_on_a_phone(page: Page, live_server):
    sign_in(page, live_server, "admin@demo.muster.test")
    page.goto(f"{live_server.url}/admin/messages")
    expect(page.locator("#sms-used")).to_have_text(re.compile(r"^SMS sent today: \d+ of \d+\.$"))
    assert axe_violations(page) == []
    page.get_by_label("Most SMS a day").fill("1000")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".flash")).to_have_text("Saved.")
    expect(page.locator("#sms-used")).to_have_text(re.compile(r" of 1000\.$"))
    assert axe_violations(page) == []
