"""Push in Chromium: the composer's press-and-hold and undo; the server's own delivery worker
sending to a local push service (which checks the VAPID token and decrypts), that very message
delivered to the service worker through DevTools (``ServiceWorker.deliverPushMessage``) and shown
as a notification, and its "I'm safe" button answered offline first, then synced."""

from __future__ import annotations

import json
import re
import time

import pytest
from playwright.sync_api import Page, expect

from tests.browser.axe import axe_violations
from tests.browser.helpers import (
    PHONE,
    alert_id,
    compose,
    hold,
    poll,
    query,
    sign_in,
    subscribe,
    wait_for_offline_cache,
)

pytestmark = pytest.mark.browser


TWO_LINES = "Drill: lock your doors\nStay away from the gym"


def test_sending_needs_a_hold_and_can_be_undone(page: Page, live_server):
    sign_in(page, live_server, "safety@demo.muster.test")
    compose(page, live_server, "Undo me")
    expect(page.locator(".alert-banner .alert-title")).to_have_text("DRILL: Lockdown")
    expect(page.locator(".alert-banner .drill-flag")).to_have_text("DRILL")
    assert axe_violations(page) == []
    send = page.locator("#alert-send [data-hold]")
    send.click()  # a tap sends nothing
    page.wait_for_timeout(300)
    expect(page.get_by_role("heading", level=1)).to_have_text("Check before sending")
    assert query(live_server, "select count(*) from alert where message = 'Undo me'") == [(0,)]

    hold(page, send)
    expect(page.locator("#undo-form")).to_be_visible(timeout=15000)
    expect(page.locator("#undo-text")).to_have_text(re.compile(r"Sending in [1-5] s\."))
    page.get_by_role("button", name="Undo").click()  # at once: the server keeps the 5 s too
    expect(page.locator(".flash")).to_have_text("Undone. Nobody was alerted.")
    expect(page.locator("#alert-live")).to_contain_text("Undone: this alert was not sent.")
    found = query(live_server, "select cancelled_at from alert where message = 'Undo me'")
    assert found[0][0] is not None

    # The undo screen itself, checked with axe while it counts down (which can take longer than
    # the 5 s on a busy machine), on a drill that is then let go.
    compose(page, live_server, "Let go")
    hold(page, page.locator("#alert-send [data-hold]"))
    expect(page.locator("#undo-form")).to_be_visible(timeout=15000)
    assert axe_violations(page) == []


def test_a_pushed_alert_is_shown_and_answered_offline_then_synced(browser, live_server):
    # The teacher's phone: the service worker is the push handler. Chromium can't reach a
    # browser vendor's push service here, so the phone's subscription points at a local one
    # that checks the VAPID token and decrypts, as Google's or Apple's would.
    phone = browser.new_context(
        **PHONE,
        permissions=["notifications", "geolocation"],
        geolocation={"latitude": 38.5789, "longitude": -121.4865, "accuracy": 12},  # 300 m N
    )
    page = phone.new_page()
    cdp = phone.new_cdp_session(page)
    registrations: dict[str, str] = {}  # scope -> id of the live registration

    def registered(event: dict) -> None:
        for r in event["registrations"]:
            if r["isDeleted"]:
                registrations.pop(r["scopeURL"], None)
            else:
                registrations[r["scopeURL"]] = r["registrationId"]

    cdp.on("ServiceWorker.workerRegistrationUpdated", registered)
    cdp.send("ServiceWorker.enable")
    sign_in(page, live_server, "staff@demo.muster.test")
    wait_for_offline_cache(page)
    user_id = int(page.locator("body").get_attribute("data-user-id"))
    service, device = subscribe(page, live_server)

    # The safety lead sends a drill lockdown to Lincoln's teachers and watches the live page.
    lead = browser.new_context(**PHONE)
    lead_page = lead.new_page()
    sign_in(lead_page, live_server, "safety@demo.muster.test")
    # Two lines, as a textarea sends them (CR LF), and the preview names the school and counts.
    compose(lead_page, live_server, TWO_LINES)
    expect(lead_page.locator("#sending")).to_have_text(
        "DRILL: Lockdown to Lincoln Elementary (Teacher / staff): 1 person, 1 phone"
    )
    expect(lead_page.locator("#alert-send [data-hold] .hold-what")).to_have_text(
        "DRILL: Lockdown to Lincoln Elementary (Teacher / staff): 1 person, 1 phone"
    )
    hold(lead_page, lead_page.locator("#alert-send [data-hold]"))
    expect(lead_page.locator("#alert-live")).to_be_visible(timeout=15000)
    expect(lead_page.locator(".count-waiting strong")).to_have_text("1")  # the teacher
    the_alert = alert_id(live_server, TWO_LINES)

    # After the undo window, the server's own delivery worker sends it to the phone's service.
    deadline = time.monotonic() + 30
    while not service.received[device.token] and time.monotonic() < deadline:
        page.wait_for_timeout(200)
    service.stop()
    assert service.refused == []
    [received] = service.received[device.token]
    assert (received.urgency, received.ttl) == ("high", 4 * 3600)  # an emergency
    message = received.payload
    assert (message["alert"], message["user"], message["drill"]) == (the_alert, user_id, True)
    expect(lead_page.locator("#alert-live")).to_contain_text("Phones: 1 reached", timeout=10000)

    cdp.send(
        "ServiceWorker.deliverPushMessage",
        {
            "origin": live_server.url,
            "registrationId": registrations[f"{live_server.url}/"],
            "data": json.dumps(message),
        },
    )
    shown = poll(
        page,
        """async () => {
            const registration = await navigator.serviceWorker.ready;
            return (await registration.getNotifications()).map((n) => ({title: n.title,
                body: n.body, tag: n.tag, actions: n.actions.map((a) => a.title), data: n.data,
                icon: new URL(n.icon).pathname.split("/").pop(), vibrate: n.vibrate,
                requireInteraction: n.requireInteraction}));
        }""",
    )
    assert shown == [
        {
            "title": "DRILL: Lockdown",
            "body": "This is a drill. Lock the door, lights off, everyone out of sight and silent."
            " Open for no one.\nMessage: Drill: lock your doors\nStay away from the gym"
            "\nLincoln Elementary\nRaised by Sam Safety",
            "tag": f"alert-{the_alert}",
            "actions": ["I'm safe", "Need help"],
            "icon": "alert-lockdown.png",
            "vibrate": [600, 200, 600, 200, 600],
            "requireInteraction": True,
            "data": {
                "alert": the_alert,
                "user": user_id,
                "url": f"/alerts/{the_alert}",
                "drill": True,
            },
        }
    ]
    # The push came while there was signal; the answer is given with none.
    phone.set_offline(True)

    # "I'm safe" pressed on the notification, with no signal: the service worker's own handler.
    [worker] = phone.service_workers
    worker.evaluate(
        """async () => {
            const [notification] = await self.registration.getNotifications();
            self.dispatchEvent(new NotificationEvent("notificationclick",
                {notification, action: "safe"}));
        }"""
    )
    waiting = poll(
        page,
        """async () => (await MusterOutbox.outbox())
            .filter((e) => e.type === "alert.acknowledged")
            .map((e) => [e.payload, e.by, e.state])""",
    )
    assert waiting == [[{"alert_id": the_alert, "response": "safe"}, user_id, "pending"]]
    answered = f"select response from alert_recipient where cast(alert_id as text) = '{the_alert}'"
    assert query(live_server, answered) == [(None,)]

    phone.set_offline(False)  # the signal is back: the page's sync loop sends it
    deadline = time.monotonic() + 20
    while query(live_server, answered) != [("safe",)] and time.monotonic() < deadline:
        page.wait_for_timeout(200)
    assert query(live_server, answered) == [("safe",)]
    expect(lead_page.locator(".count-safe strong")).to_have_text("1", timeout=15000)
    expect(lead_page.locator("#safe")).to_contain_text("Tess Teacher")

    # The alert page (what a tap opens) shows the answer given and says DRILL.
    page.goto(f"{live_server.url}/alerts/{the_alert}")
    expect(page.locator(".drill-flag")).to_have_text("DRILL")
    expect(page.get_by_role("button", name="I'm safe")).to_have_attribute("aria-pressed", "true")

    # In the app too: a change of mind, "Need help", sends where the phone is.
    page.get_by_role("button", name="Need help").click()
    expect(page.get_by_role("button", name="Need help")).to_have_attribute("aria-pressed", "true")
    deadline = time.monotonic() + 20
    while query(live_server, answered) != [("help",)] and time.monotonic() < deadline:
        page.wait_for_timeout(200)
    assert query(live_server, answered) == [("help",)]
    help_card = lead_page.locator("#need-help li")
    expect(help_card).to_contain_text("Tess Teacher", timeout=15000)
    expect(help_card.locator(".help-place")).to_have_text("300 m N of Lincoln Elementary campus")
    assert axe_violations(page) == []

    # The phone turns alerts off: later tests' alerts don't go to a push service that is gone.
    removed = page.evaluate(
        """async (endpoint) => {
            const csrf = JSON.parse(document.body.getAttribute("hx-headers"))["X-CSRF-Token"];
            return (await (await fetch("/api/push/subscriptions/delete", {method: "POST", body:
                JSON.stringify({endpoint}), headers: {"Content-Type": "application/json",
                "X-CSRF-Token": csrf}})).json()).status;
        }""",
        device.endpoint,
    )
    assert removed == "removed"
    lead.close()
    phone.close()


def test_the_alerts_setup_page_explains_and_says_when_push_cannot_work(page: Page, live_server):
    sign_in(page, live_server, "driver@demo.muster.test")
    expect(page.locator("#push-optin")).to_be_visible()  # after sign-in, the home offers it
    page.get_by_role("link", name="Set up alerts").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Alerts on this phone")
    expect(page.get_by_role("button", name="Turn on alerts")).to_be_visible()
    assert axe_violations(page) == []


def test_on_an_iphone_the_setup_page_asks_for_the_home_screen_first(browser, live_server):
    iphone = browser.new_context(
        **PHONE,
        user_agent="Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X) AppleWebKit/605.1.15 "
        "(KHTML, like Gecko) Version/18.0 Mobile/15E148 Safari/604.1",
    )
    page = iphone.new_page()
    sign_in(page, live_server, "office@demo.muster.test")
    page.goto(f"{live_server.url}/alerts/setup")
    expect(page.locator("#push-ios")).to_be_visible()
    expect(page.locator("#push-ios")).to_contain_text("Add to Home Screen")
    expect(page.get_by_role("button", name="Turn on alerts")).to_be_hidden()  # it can't work yet
    assert axe_violations(page) == []
    iphone.close()
