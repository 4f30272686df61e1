"""Alerts from the field in Chromium at phone size: the panic button and a lockdown called by a
teacher with the server down, each delivered once through a local push service when it is back;
bleeding control's "Send help to me" and its undo; practice that alerts nobody."""

from __future__ import annotations

import re
import time

import pytest
from playwright.sync_api import expect

from tests.browser.axe import axe_violations
from tests.browser.helpers import (
    PHONE,
    hold,
    query,
    sign_in,
    subscribe,
    unsubscribe,
    wait_for_offline_cache,
)

pytestmark = pytest.mark.browser
AT_LINCOLN = {"latitude": 38.5789, "longitude": -121.4865, "accuracy": 12}  # 300 m N of it


def alerts_by(live_server, email: str, kind: str) -> list[tuple]:
    return query(
        live_server,
        "select cast(a.id as text), a.practice, a.cancelled_at from alert a "
        'join "user" u on u.id = a.raised_by_id '
        f"where u.email = '{email}' and a.kind = '{kind}' order by a.raised_at",
    )


def test_panic_and_a_lockdown_called_offline_reach_the_safety_lead_once(browser, live_server):
    # The safety lead's phone gets alerts through a local push service.
    lead = browser.new_context(**PHONE)
    lead_page = lead.new_page()
    sign_in(lead_page, live_server, "safety@demo.muster.test")
    service, device = subscribe(lead_page, live_server)

    # The teacher's phone has kept its pages, then the server goes away.
    phone = browser.new_context(**PHONE, permissions=["geolocation"], geolocation=AT_LINCOLN)
    page = phone.new_page()
    sign_in(page, live_server, "staff@demo.muster.test")
    wait_for_offline_cache(page, paths=("/", "/actions"))
    before = {
        kind: len(alerts_by(live_server, "staff@demo.muster.test", kind))
        for kind in ("panic", "lockdown")
    }
    live_server.stop()
    try:
        page.goto(f"{live_server.url}/")
        panic = page.get_by_role("button", name="Emergency: I need help here")
        expect(panic).to_be_visible()
        # Emergencies first: the panic button, then the way to call an action.
        first_journey = page.locator(".journeys a").first
        assert first_journey.get_attribute("data-journey") == "call-action"
        assert panic.bounding_box()["y"] < first_journey.bounding_box()["y"]
        assert axe_violations(page) == []
        panic.click()  # a tap sends nothing
        expect(page.locator("#panic [data-undo]")).to_be_hidden()
        hold(page, panic)
        undo_bar = page.locator("#panic [data-undo]")
        expect(undo_bar).to_be_visible()
        expect(undo_bar).to_contain_text(re.compile(r"Sending in [1-5] s\."))
        expect(page.get_by_role("button", name="Undo")).to_be_focused()
        page.screenshot(path="/tmp/field-alerts-panic-undo.png")
        not_sent = page.locator("#panic .not-sent")
        expect(not_sent).to_be_visible(timeout=20000)
        expect(not_sent).to_contain_text("NOT SENT: call 911")
        page.screenshot(path="/tmp/field-alerts-panic-not-sent.png")

        page.get_by_role("link", name=re.compile("^Call an action")).click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Call an action")
        assert axe_violations(page) == []
        page.get_by_role("radio", name="Lincoln Elementary").check()
        lockdown = page.get_by_role("button", name="Lockdown")
        hold(page, lockdown)
        card = page.locator(".action-card.kind-lockdown")
        expect(card.locator("[data-undo]")).to_be_visible()
        expect(card.locator(".not-sent")).to_be_visible(timeout=20000)
        expect(lockdown).to_have_text(re.compile("^Lockdown: Hold only to send another alert"))
        page.screenshot(path="/tmp/field-alerts-lockdown-not-sent.png")
    finally:
        live_server.start()

    # The signal is back: the page keeps trying, and says so once the alerts have left.
    expect(card.locator(".answer-status")).to_have_text(
        "Alert sent. The people it is for are being alerted now.", timeout=30000
    )
    expect(card.locator(".not-sent")).to_be_hidden()
    panic_rows = alerts_by(live_server, "staff@demo.muster.test", "panic")
    lockdown_rows = alerts_by(live_server, "staff@demo.muster.test", "lockdown")
    assert len(panic_rows) == before["panic"] + 1
    assert len(lockdown_rows) == before["lockdown"] + 1
    wanted = {panic_rows[-1][0]: "panic", lockdown_rows[-1][0]: "lockdown"}

    deadline = time.monotonic() + 40
    while len(service.received[device.token]) < 2 and time.monotonic() < deadline:
        lead_page.wait_for_timeout(200)
    lead_page.wait_for_timeout(1500)  # anything sent twice would be in by now
    service.stop()
    assert service.refused == []
    got = [r.payload for r in service.received[device.token]]
    assert sorted((m["alert"], m["kind"]) for m in got) == sorted(wanted.items())  # once each
    by_kind = {m["kind"]: m for m in got}
    assert by_kind["panic"]["title"] == "Emergency: help needed"
    # The safety lead reads the situation first: where, and who called it.
    assert "300 m N of Lincoln Elementary campus" in by_kind["panic"]["body"].splitlines()[0]
    assert "Raised by Tess Teacher" in by_kind["panic"]["body"]
    assert "Raised by Tess Teacher" in by_kind["lockdown"]["body"]
    school = query(
        live_server,
        f"select audience from alert where cast(id as text) = '{lockdown_rows[-1][0]}'",
    )[0][0]
    lincoln = query(live_server, "select id from school where name = 'Lincoln Elementary'")
    assert f'"school_ids":[{lincoln[0][0]}]' in school.replace(" ", "")
    unsubscribe(lead_page, device)
    lead.close()
    phone.close()


def test_bleeding_control_sends_help_to_me_and_can_undo(browser, live_server):
    phone = browser.new_context(**PHONE, permissions=["geolocation"], geolocation=AT_LINCOLN)
    page = phone.new_page()
    sign_in(page, live_server, "driver@demo.muster.test")
    page.get_by_role("link", name=re.compile("Bleeding control")).click()
    page.locator("#runner[data-ready]").wait_for()
    # The first screen: "Send help to me", press and hold.
    expect(page.locator("#runner-progress-label")).to_have_text(re.compile(r"Step 1 of \d+"))
    item = page.locator("#item-send-help")
    expect(item).to_be_visible()
    expect(item.locator(".item-label")).to_have_text("Send help to me")
    send = item.locator("[data-hold]")
    expect(send).to_have_text("Press and hold to send: Medical emergency")
    before = len(alerts_by(live_server, "driver@demo.muster.test", "medical"))

    hold(page, send)
    expect(item.get_by_role("button", name="Undo")).to_be_visible()
    item.get_by_role("button", name="Undo").click()
    expect(item.locator(".answer-status")).to_have_text("Undone. Nobody was alerted.")
    expect(send).to_have_text("Press and hold to send: Medical emergency")  # as before
    deadline = time.monotonic() + 20
    rows = alerts_by(live_server, "driver@demo.muster.test", "medical")
    while (len(rows) == before or rows[-1][2] is None) and time.monotonic() < deadline:
        page.wait_for_timeout(200)
        rows = alerts_by(live_server, "driver@demo.muster.test", "medical")
    assert len(rows) == before + 1 and rows[-1][2] is not None  # undone: reached nobody
    undone = rows[-1][0]
    assert query(
        live_server,
        f"select count(*) from delivery where cast(alert_id as text) = '{undone}' "
        "and status != 'cancelled'",
    ) == [(0,)]

    hold(page, send)  # this time it is let go
    expect(item.locator(".answer-status")).to_have_text(
        "Alert sent. The people it is for are being alerted now.", timeout=20000
    )
    rows = alerts_by(live_server, "driver@demo.muster.test", "medical")
    assert len(rows) == before + 2 and rows[-1][2] is None and not rows[-1][1]
    sent = rows[-1][0]
    got = query(
        live_server,
        'select u.email from alert_recipient r join "user" u on u.id = r.user_id '
        f"where cast(r.alert_id as text) = '{sent}' order by u.email",
    )
    assert got == [("admin@demo.muster.test",), ("safety@demo.muster.test",)]
    where = query(live_server, f"select \"where\" from alert where cast(id as text) = '{sent}'")
    assert '"latitude"' in where[0][0]  # where it was sent from: the facts say it in words
    page.screenshot(path="/tmp/field-alerts-bleeding-sent.png")
    assert axe_violations(page) == []
    phone.close()


def test_practice_raises_nothing_for_anyone_else(browser, live_server):
    phone = browser.new_context(**PHONE)
    page = phone.new_page()
    sign_in(page, live_server, "staff@demo.muster.test")
    before = query(live_server, "select count(*) from alert_recipient")[0][0]

    page.goto(f"{live_server.url}/checklists/bleeding-control")
    page.locator("#runner[data-ready]").wait_for()
    page.get_by_role("link", name="Practise this checklist").click()
    page.locator("#runner[data-ready]").wait_for()
    banner = page.locator("#practice-banner")
    expect(banner).to_be_visible()
    expect(banner).to_contain_text("PRACTICE")
    assert "practice" in page.locator("body").get_attribute("class")
    assert axe_violations(page) == []
    page.screenshot(path="/tmp/field-alerts-practice-bleeding.png")
    item = page.locator("#item-send-help")
    hold(page, item.get_by_role("button", name="Press and hold to send"))
    expect(item.locator(".answer-status")).to_have_text(
        "PRACTICE: this alert was recorded as practice. Nobody was alerted.", timeout=20000
    )
    # Every screen of the run says so, and a reload keeps it practice.
    page.locator("#step-next").click()
    expect(banner).to_be_visible()
    page.reload()
    page.locator("#runner[data-ready]").wait_for()
    expect(page.locator("#practice-banner")).to_be_visible()

    page.goto(f"{live_server.url}/actions?practice=1")
    expect(page.locator("#practice-banner")).to_be_visible()
    hold(page, page.get_by_role("button", name="Evacuate"))
    card = page.locator(".action-card.kind-evacuate")
    expect(card.locator(".answer-status")).to_have_text(
        "PRACTICE: this alert was recorded as practice. Nobody was alerted.", timeout=20000
    )
    page.screenshot(path="/tmp/field-alerts-practice-actions.png")

    medical = alerts_by(live_server, "staff@demo.muster.test", "medical")
    evacuate = alerts_by(live_server, "staff@demo.muster.test", "evacuate")
    assert medical[-1][1] and evacuate[-1][1]  # recorded as practice
    assert query(live_server, "select count(*) from alert_recipient")[0][0] == before
    for alert_id in (medical[-1][0], evacuate[-1][0]):
        assert query(
            live_server,
            f"select count(*) from delivery where cast(alert_id as text) = '{alert_id}'",
        ) == [(0,)]
    # The safety team's list doesn't show it; the run isn't among the runs.
    lead = browser.new_context(**PHONE)
    lead_page = lead.new_page()
    sign_in(lead_page, live_server, "safety@demo.muster.test")
    lead_page.goto(f"{live_server.url}/admin/alerts")
    for alert_id in (medical[-1][0], evacuate[-1][0]):
        expect(lead_page.locator(f'a[href$="{alert_id}"]')).to_have_count(0)
    lead.close()
    phone.close()
