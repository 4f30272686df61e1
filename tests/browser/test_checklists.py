"""Checklist journeys in Chromium at phone size: runs that survive reloads, in both languages."""

from __future__ import annotations

import json
import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.axe import axe_violations
from tests.browser.helpers import send_now, sign_in

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

    _next_until(page, "wound-place")
    page.locator("#item-wound-place").get_by_role("radio", name="An arm or a leg").click()
    _next_until(page, "have-tourniquet")
    page.locator("#item-have-tourniquet").get_by_role("button", name="Yes").click()
    _next_until(page, "tourniquet-on")
    page.locator("#item-tourniquet-on").get_by_role("button", name="Yes").click()
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
    _next_until(page, "wound-place")
    page.locator("#item-wound-place").get_by_role("radio", name="Somewhere else").click()
    for _ in range(20):
        if page.locator("#run-complete").is_visible():
            break
        page.locator("#step-next").click()
    page.locator("#run-complete").click()
    missing = page.locator("#critical-missing")
    expect(missing).to_be_visible()
    # Calling 911 was never ticked; the tourniquet steps are hidden: the wound is not on a limb.
    expect(missing.locator("label")).to_have_count(1)
    expect(missing.locator("label")).to_contain_text("Call 911")
    missing.locator("input").fill("A colleague called from the office")
    page.locator("#run-complete").click()
    expect(page.locator("#run-done")).to_be_visible()
    expect(page.locator("#item-call-911 .answer-status")).to_contain_text(
        "A colleague called from the office"
    )


def test_bleeding_control_without_a_tourniquet_says_press_and_never_raise_the_legs(
    page: Page, live_server
):
    sign_in(page, live_server, "staff@demo.muster.test")
    page.goto(f"{live_server.url}/checklists/bleeding-control")
    _next_until(page, "wound-place")
    page.locator("#item-wound-place").get_by_role("radio", name="An arm or a leg").click()
    _next_until(page, "have-tourniquet")
    page.locator("#item-have-tourniquet").get_by_role("button", name="No").click()
    _next_until(page, "no-tourniquet-press")
    expect(page.locator("#item-no-tourniquet-press")).to_contain_text("keep pressing hard")
    _next_until(page, "improvised-tourniquet")
    expect(page.locator("#item-improvised-tourniquet")).to_contain_text("Only then")
    expect(page.locator("#item-improvised-tourniquet")).to_contain_text("go back to pressing hard")
    assert axe_violations(page) == []
    _next_until(page, "shock-lie-flat")
    expect(page.locator("#item-shock-lie-flat")).to_contain_text("Do not raise their legs.")


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


def _item(page: Page, item_id: str):
    return page.locator(f"#item-{item_id}")


def test_threat_call_offline_from_the_office_home_then_synced_once(page: Page, live_server):
    from tests.browser.helpers import query, wait_for_offline_cache

    sign_in(page, live_server, "office@demo.muster.test")
    wait_for_offline_cache(page)
    live_server.stop()  # the whole call happens with no server
    page.reload()
    # One tap from the office home, right after the panic button and "Call an action".
    call = page.locator('.journeys a[data-journey="threat-call"]')
    expect(call).to_have_text(re.compile("Threatening call"))
    assert page.locator(".journeys a").nth(1).get_attribute("data-journey") == "threat-call"
    call.click()
    # Opening records nothing; one tap starts the call and its timer.
    page.get_by_role("button", name="A call is on the line").click()
    page.locator("#runner[data-ready]").wait_for()
    expect(page.locator("#pinned-clocks .clock")).to_have_text(
        re.compile(r"0:0[1-9]")
    )  # call timer
    assert axe_violations(page) == []

    _item(page, "arrived-by").get_by_role("radio", name="Phone call").click()
    expect(_item(page, "email-leave-open")).to_be_hidden()  # branches for other ways stay hidden
    words = "The bomb is in the gym and it goes off at noon. " * 12  # long, never cut short
    _item(page, "exact-words").locator("textarea").fill(words)
    _item(page, "exact-words").locator("textarea").blur()
    _item(page, "do-not-hang-up").get_by_role("button", name="Done").click()
    _item(page, "ask-when").locator("input").fill("At noon")
    _item(page, "ask-where").locator("input").fill("The gym")
    _item(page, "ask-where").locator("input").blur()
    voice = _item(page, "caller-voice")
    voice.get_by_role("button", name="Calm").click()
    voice.get_by_role("button", name="Accent").click()
    expect(_item(page, "caller-accent")).to_be_visible()  # shown only after that chip

    alert = _item(page, "silent-alert").locator("[data-hold]")
    alert.click()  # a tap is not enough
    expect(_item(page, "silent-alert").locator(".answer-status")).to_have_text("")
    box = alert.bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.mouse.down()
    page.wait_for_timeout(2300)
    page.mouse.up()
    # 5 seconds to undo (let go here), then the alert is on its way.
    expect(_item(page, "silent-alert").locator("[data-undo]")).to_be_visible()
    expect(_item(page, "silent-alert").locator(".answer-status")).to_contain_text(
        "Alert raised", timeout=15000
    )
    expect(alert).to_contain_text("Hold only to send another alert")  # a second is on purpose
    # No signal: said plainly and large, while it keeps trying.
    not_sent = _item(page, "silent-alert").locator(".not-sent")
    expect(not_sent).to_be_visible(timeout=10000)
    expect(not_sent.locator(".not-sent-title")).to_have_text("NOT SENT: call 911")
    expect(not_sent).to_have_attribute("role", "alert")
    assert axe_violations(page) == []

    _item(page, "report-now").get_by_role("button", name="Done").click()
    page.locator("#run-complete").click()
    expect(page.locator("#run-done")).to_be_visible()
    expect(page.locator("#sync-text")).to_have_text("Alert not sent")  # outranks all else
    # This call's run, as the phone knows it: nothing of it reached the server yet.
    call_id = page.evaluate(
        """async () => (await MusterOutbox.journal())
            .filter((e) => e.type === "checklist.started").pop().payload.run_id"""
    ).replace("-", "")
    this_run = f"replace(cast(id as text), '-', '') = '{call_id}'"
    assert query(live_server, f"select count(*) from checklist_run where {this_run}") == [(0,)]

    live_server.start()
    send_now(page)
    expect(page.locator("#sync-text")).to_have_text("All sent", timeout=20000)
    expect(_item(page, "silent-alert").locator(".not-sent")).to_be_hidden(timeout=10000)
    expect(_item(page, "silent-alert").locator(".answer-status")).to_contain_text("Alert sent")
    runs = query(live_server, f"select id, completed_at from checklist_run where {this_run}")
    assert len(runs) == 1 and runs[0][1] is not None
    run_id = str(runs[0][0])
    answers = dict(
        query(
            live_server,
            "select item_id, count(*) from checklist_answer "
            f"where cast(run_id as text) = '{run_id}' group by item_id",
        )
    )
    assert answers["exact-words"] == 1 and answers["caller-voice"] == 2
    stored_words = query(
        live_server,
        "select cast(value as text) from checklist_answer where item_id = 'exact-words'",
    )
    assert any(words.strip()[:400] in row[0] for row in stored_words)
    alerts = query(
        live_server, f"select kind, notify from alert where cast(source as text) like '%{run_id}%'"
    )
    assert len(alerts) == 1 and alerts[0][0] == "silent"


def test_bus_pre_route_survives_a_reload_and_finishes(page: Page, live_server):
    sign_in(page, live_server, "driver@demo.muster.test")
    page.get_by_role("link", name=re.compile("Pre-route bus check")).click()
    form = page.locator("#run-context")
    expect(form).to_be_visible()
    form.get_by_label("Bus number").fill("42")
    form.get_by_label("Route").fill("North 3")
    form.get_by_role("button", name="Start").click()
    page.locator("#runner[data-ready]").wait_for()
    assert axe_violations(page) == []
    for item_id in ("break-in", "under-bus", "wheel-wells"):
        _item(page, item_id).get_by_role("button", name="Done").click()
    expect(_item(page, "wheel-wells").get_by_role("button", name="Done")).to_have_attribute(
        "aria-pressed", "true"
    )

    page.reload()  # interrupted: the phone rings, the page reloads
    page.locator("#runner[data-ready]").wait_for()
    expect(page.locator("#run-context")).to_be_hidden()  # resumed, not started again
    expect(page.locator("#run-context-shown")).to_have_text("Bus number: 42 · Route: North 3")
    for item_id in ("break-in", "under-bus", "wheel-wells"):
        expect(_item(page, item_id).get_by_role("button", name="Done")).to_have_attribute(
            "aria-pressed", "true"
        )
    expect(page.locator("#runner-progress-label")).to_have_text(re.compile(r"^3 of \d+ answered"))
    _item(page, "emergency-exits").get_by_role("button", name="Done").click()
    _item(page, "found-something").get_by_role("button", name="No").click()
    expect(_item(page, "found-do-not-touch")).to_be_hidden()
    page.locator("#run-complete").click()
    expect(page.locator("#run-done")).to_be_visible()
    expect(page.locator("#sync-text")).to_have_text("All sent", timeout=15000)


def test_threat_call_phone_steps_leave_for_a_threat_by_email(page: Page, live_server):
    sign_in(page, live_server, "office@demo.muster.test")
    page.goto(f"{live_server.url}/checklists/threat-call")
    page.get_by_role("button", name="A call is on the line").click()
    page.locator("#runner[data-ready]").wait_for()
    # Before anyone says how it came in, the phone steps are there: most threats are calls.
    expect(_item(page, "do-not-hang-up")).to_be_visible()
    _item(page, "arrived-by").get_by_role("radio", name="Email").click()
    expect(_item(page, "do-not-hang-up")).to_be_hidden()
    expect(_item(page, "email-leave-open")).to_be_visible()
    _item(page, "exact-words").locator("textarea").fill("You will all regret Friday.")
    _item(page, "exact-words").locator("textarea").blur()
    _item(page, "report-now").get_by_role("button", name="Done").click()
    page.locator("#run-complete").click()
    expect(page.locator("#run-done")).to_be_visible()  # no reason asked for the phone steps


def test_a_silent_alert_carries_the_position_when_location_is_already_allowed(
    browser, browser_context_args, live_server
):
    from tests.browser.helpers import query

    context = browser.new_context(
        **browser_context_args,
        permissions=["geolocation"],
        geolocation={"latitude": 38.5762, "longitude": -121.4865, "accuracy": 9},
    )
    page = context.new_page()
    sign_in(page, live_server, "office@demo.muster.test")
    page.goto(f"{live_server.url}/checklists/threat-call")
    page.get_by_role("button", name="A call is on the line").click()
    page.locator("#runner[data-ready]").wait_for()
    button = _item(page, "silent-alert").locator("[data-hold]")
    box = button.bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.mouse.down()
    page.wait_for_timeout(2600)
    page.mouse.up()
    expect(_item(page, "silent-alert").locator(".answer-status")).to_contain_text(
        "Alert sent", timeout=15000
    )
    rows = query(  # the newest silent alert: this one
        live_server,
        "select cast(\"where\" as text) from alert where kind = 'silent'"
        " order by raised_at desc limit 1",
    )
    assert json.loads(rows[0][0])["position"] == {
        "latitude": 38.5762,
        "longitude": -121.4865,
        "accuracy": 9,
    }
    context.close()


def test_next_pressed_at_once_after_an_answer_follows_its_branch(page: Page, live_server):
    """A quick tap on Next, before the answer is written to the phone's storage, must already
    follow it: "An arm or a leg" then Next is the tourniquet step, never a step past it."""
    sign_in(page, live_server, "staff@demo.muster.test")
    page.goto(f"{live_server.url}/checklists/bleeding-control")
    _next_until(page, "wound-place")
    on_screen = page.evaluate(
        """() => {  // both taps in one go, as a hurried thumb does: no time to write between
            document.querySelector('#item-wound-place [data-value="arm-leg"]').click();
            document.getElementById("step-next").click();
            return [...document.querySelectorAll(".run-item")].filter((el) => !el.hidden)
                .map((el) => el.id);
        }"""
    )
    assert on_screen == ["item-have-tourniquet"]


def test_offline_a_checklist_link_with_its_trip_opens_the_current_version_with_the_trip(
    page: Page, live_server
):
    """Offline, "/checklists/field-trip-departure?trip=…" was never cached as such. The service
    worker once answered with any copy of the path, sometimes the kept version 2 (cached for
    finishing an old run), whose runner then went to the plain page and lost the trip: the
    required field was empty and Start did nothing. The plain page must come first."""
    from tests.browser.helpers import wait_for_offline_cache

    sign_in(page, live_server, "staff@demo.muster.test")
    plain = "/checklists/field-trip-departure"
    wait_for_offline_cache(page, paths=(plain, f"{plain}?v=2"))
    # The plain page kept last, so "any copy of the path" is the old version's.
    page.evaluate(
        """async (plain) => {
            const cache = await caches.open("muster-pages");
            const url = new URL(plain, location.origin).href;
            const response = await cache.match(url);
            await cache.delete(url);
            await cache.put(url, response);
        }""",
        plain,
    )
    live_server.stop()
    try:
        page.goto(f"{live_server.url}{plain}?trip=Science%20museum%20visit")
        page.locator("#runner[data-ready]").wait_for()
        expect(page.locator("#runner")).to_have_attribute("data-version", "3")
        expect(page.locator("#ctx-trip")).to_have_value("Science museum visit")
        page.locator("#run-context button[type=submit]").click()
        expect(_item(page, "student-missing").get_by_role("button", name="Yes")).to_be_visible()
        expect(page.locator("#run-context-shown")).to_contain_text("Science museum visit")
    finally:
        live_server.start()
