"""Checklist journeys in Chromium at phone size: runs that survive reloads, in both languages."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.axe import axe_violations
from tests.browser.conftest import sign_in

pytestmark = pytest.mark.browser


def _next_until(page: Page, item_id: str, limit: int = 20) -> None:
    """Press Next until the given item is the step on screen."""
    page.locator("#runner[data-ready]").wait_for()
    for _ in range(limit):
        if page.locator(f"#item-{item_id}").is_visible():
            return
        page.locator("#step-next").click()
    raise AssertionError(f"never reached {item_id}")


def test_bleeding_control_keeps_the_tourniquet_time_across_a_reload(page: Page, live_server):
    sign_in(page, live_server, "driver@demo.muster.test")
    page.get_by_role("link", name=re.compile("Bleeding control")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Bleeding control")
    expect(page.locator("#runner-progress-label")).to_have_text(re.compile(r"Step 1 of \d+"))
    # One instruction a screen: only the first step is visible.
    expect(page.locator(".run-item:visible")).to_have_count(1)
    assert axe_violations(page) == []

    _next_until(page, "limb-wound")
    page.locator("#item-limb-wound").get_by_role("button", name="Yes").click()
    _next_until(page, "tourniquet-time")
    page.locator("#item-tourniquet-time").get_by_role("button", name="Now").click()
    time_field = page.locator("#item-tourniquet-time input")
    expect(time_field).to_have_value(re.compile(r"^\d\d:\d\d:\d\d$"))
    applied = time_field.input_value()
    clock = page.locator("#pinned-clocks .clock")
    expect(clock).to_have_text(re.compile(r"0:0[1-9]"), timeout=5000)

    page.reload()
    page.locator("#runner[data-ready]").wait_for()
    # Same step, same tourniquet time, and the clock still counts from the stored moment.
    expect(page.locator("#item-tourniquet-time")).to_be_visible()
    assert page.locator("#item-tourniquet-time input").input_value() == applied
    expect(page.locator("#pinned-clocks .clock")).to_have_text(
        re.compile(r"0:0[2-9]"), timeout=5000
    )
    assert axe_violations(page) == []


def test_finishing_asks_for_a_reason_when_a_critical_step_is_open(page: Page, live_server):
    sign_in(page, live_server, "staff@demo.muster.test")
    page.goto(f"{live_server.url}/checklists/bleeding-control")
    _next_until(page, "limb-wound")
    page.locator("#item-limb-wound").get_by_role("button", name="No").click()
    for _ in range(20):
        if page.locator("#run-complete").is_visible():
            break
        page.locator("#step-next").click()
    page.locator("#run-complete").click()
    missing = page.locator("#critical-missing")
    expect(missing).to_be_visible()
    # Calling 911 was never ticked; the tourniquet steps are hidden because the answer was No.
    expect(missing.locator("label")).to_have_count(1)
    expect(missing.locator("label")).to_contain_text("Call 911")
    missing.locator("input").fill("A colleague called from the office")
    page.locator("#run-complete").click()
    expect(page.locator("#run-done")).to_be_visible()
    expect(page.locator("#item-call-911 .answer-status")).to_contain_text(
        "A colleague called from the office"
    )


def test_spanish_bleeding_control(browser, live_server):
    context = browser.new_context(
        locale="es-MX", viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True
    )
    page = context.new_page()
    page.goto(f"{live_server.url}/sign-in")
    page.get_by_label("Correo electrónico").fill("office@demo.muster.test")
    page.get_by_label("Contraseña").fill("muster-demo")
    page.get_by_role("button", name="Iniciar sesión").click()
    page.get_by_role("link", name=re.compile("Control de sangrado")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Control de sangrado")
    expect(page.locator("html")).to_have_attribute("lang", "es")
    expect(page.locator("#runner-progress-label")).to_have_text(re.compile(r"Paso 1 de \d+"))
    expect(page.locator("#item-scene-safe")).to_contain_text("Asegúrese de que es seguro ayudar.")
    expect(page.get_by_role("button", name="Siguiente")).to_be_visible()
    context.close()
