"""Spanish on a phone: what a Spanish-speaking teacher sees in the outbox, the alert that reaches
them, and a district's own names for its actions, in Chromium against a real server."""

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
SHOTS = "/tmp/muster-shots"


LOCKDOWN_ES = (
    "Cierre con llave, apague las luces, todos fuera de la vista y en silencio. No abra a nadie."
)


@pytest.fixture
def spanish_teacher(live_server):
    """The demo teacher, who chose Spanish on their phone; English again afterwards."""
    yield "staff@demo.muster.test"
    query(live_server, "update \"user\" set locale = null where email = 'staff@demo.muster.test'")


@pytest.fixture
def district_words(live_server):
    """The demo district's names for its actions go back to the defaults afterwards (and the
    office's language to English)."""
    yield
    query(live_server, "delete from action_name")
    query(live_server, "update \"user\" set locale = null where email = 'office@demo.muster.test'")


def speak_spanish(page: Page) -> None:
    page.get_by_text("Menu").click()
    page.get_by_role("button", name="Español").click()
    expect(page.locator("html")).to_have_attribute("lang", "es")


def test_the_outbox_names_checklist_answers_by_their_spanish_words(
    page: Page, live_server, spanish_teacher
):
    sign_in(page, live_server, spanish_teacher)
    speak_spanish(page)
    wait_for_offline_cache(page, paths=("/outbox",))
    # The copy kept at sign-in was English; the page load after the switch keeps it again.
    kept_in_spanish = """async () => {
        const kept = await (await caches.open("muster-pages")).match("/outbox");
        return !!kept && (await kept.text()).includes('<html lang="es"');
    }"""
    deadline = time.monotonic() + 20
    while not page.evaluate(kept_in_spanish) and time.monotonic() < deadline:
        page.wait_for_timeout(100)
    live_server.stop()  # no signal: the answers wait on the phone
    page.goto(f"{live_server.url}/outbox")
    page.evaluate("""async () => {
        const run = crypto.randomUUID();
        await MusterOutbox.record("checklist.started",
            {run_id: run, checklist_id: "bleeding-control", version: 2, context: {}});
        await MusterOutbox.record("checklist.answered",
            {run_id: run, item_id: "tourniquet-time", value: new Date().toISOString()});
        window.dispatchEvent(new Event("outbox-changed"));
    }""")
    waiting = page.locator("#outbox-waiting li .row-summary")
    expect(waiting).to_have_text(
        ["Control de sangrado", 'Toque "Ahora" cuando el torniquete esté apretado.']
    )
    page.screenshot(path=f"{SHOTS}/outbox-es.png", full_page=True)
    expect(page.locator("#outbox-waiting")).not_to_contain_text("tourniquet-time")


def test_a_lockdown_with_an_english_message_reaches_a_spanish_teacher_in_spanish(
    browser, live_server, spanish_teacher
):
    phone = browser.new_context(**PHONE, permissions=["notifications"])
    page = phone.new_page()
    cdp = phone.new_cdp_session(page)
    registrations: dict[str, str] = {}

    def registered(event: dict) -> None:
        for r in event["registrations"]:
            if not r["isDeleted"]:
                registrations[r["scopeURL"]] = r["registrationId"]

    cdp.on("ServiceWorker.workerRegistrationUpdated", registered)
    cdp.send("ServiceWorker.enable")
    sign_in(page, live_server, spanish_teacher)
    speak_spanish(page)
    wait_for_offline_cache(page)
    service, device = subscribe(page, live_server)
    try:
        # The safety lead types the message in English, as they usually do.
        lead = browser.new_context(**PHONE)
        lead_page = lead.new_page()
        sign_in(lead_page, live_server, "safety@demo.muster.test")
        compose(lead_page, live_server, "Intruder near the gym", drill=False)
        hold(lead_page, lead_page.locator("#alert-send [data-hold]"))
        expect(lead_page.locator("#alert-live")).to_be_visible(timeout=15000)
        the_alert = alert_id(live_server, "Intruder near the gym")
        deadline = time.monotonic() + 30
        while not service.received[device.token] and time.monotonic() < deadline:
            page.wait_for_timeout(200)
        assert service.refused == []
        [received] = service.received[device.token]
        message = received.payload
        assert message["title"] == "Cierre de emergencia (Lockdown)"
        # The Spanish instructions first, then the sender's words, marked as theirs.
        assert message["body"].startswith(f"{LOCKDOWN_ES}\nMensaje: Intruder near the gym")

        # The phone shows it as it came: the service worker's own push handler.
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
                    body: n.body, actions: n.actions.map((a) => a.title)}));
            }""",
        )
        assert [n["title"] for n in shown] == ["Cierre de emergencia (Lockdown)"]
        assert shown[0]["body"] == message["body"]
        assert shown[0]["actions"] == ["Estoy a salvo", "Necesito ayuda"]

        # Its tap opens the alert page: the same, in Spanish.
        page.goto(f"{live_server.url}/alerts/{the_alert}")
        banner = page.locator(".alert-banner")
        expect(banner.locator(".alert-title")).to_have_text("Cierre de emergencia (Lockdown)")
        expect(banner.locator(".alert-body")).to_have_text(LOCKDOWN_ES)
        expect(banner.locator(".alert-message")).to_have_text("Mensaje: Intruder near the gym")
        page.screenshot(path=f"{SHOTS}/alert-es.png", full_page=True)
        lead.close()
    finally:
        service.stop()
        query(live_server, f"delete from push_subscription where endpoint = '{device.endpoint}'")
        phone.close()


def test_a_district_renames_secure_and_every_surface_follows(
    browser, live_server, spanish_teacher, district_words
):
    admin = browser.new_context(**PHONE).new_page()
    sign_in(admin, live_server, "admin@demo.muster.test")
    admin.get_by_text("Menu").click()
    admin.get_by_role("link", name="Names of the actions").click()
    secure = admin.locator("fieldset.kind-secure")
    secure.get_by_label("In English").fill("Lockout")
    secure.get_by_label("In Spanish").fill("Cierre exterior (Lockout)")
    admin.get_by_role("button", name="Save").click()
    expect(admin.locator(".flash")).to_contain_text("Saved.")
    assert axe_violations(admin) == []
    admin.screenshot(path=f"{SHOTS}/action-names.png", full_page=True)

    # The composer offers it by the district's name, and the alert goes out under it.
    admin.goto(f"{live_server.url}/admin/alerts/new")
    admin.get_by_role("radio", name=re.compile("^Lockout")).check()
    admin.get_by_label(re.compile("^Message")).fill("Police activity on Elm Street")
    admin.get_by_label("Who gets it").select_option(label="Lincoln Elementary")
    admin.get_by_role("checkbox", name="Teacher / staff").check()
    admin.get_by_role("button", name="Preview").click()
    expect(admin.locator(".alert-banner .alert-title")).to_have_text("Lockout")
    hold(admin, admin.locator("#alert-send [data-hold]"))
    expect(admin.locator("#alert-live .alert-title")).to_have_text("Lockout", timeout=15000)
    the_alert = alert_id(live_server, "Police activity on Elm Street")

    # A Spanish-speaking teacher reads the district's Spanish name.
    teacher = browser.new_context(**PHONE).new_page()
    sign_in(teacher, live_server, spanish_teacher)
    speak_spanish(teacher)
    teacher.goto(f"{live_server.url}/alerts/{the_alert}")
    expect(teacher.locator(".alert-title")).to_have_text("Cierre exterior (Lockout)")
    # Home lists it once its undo window is over.
    deadline = time.monotonic() + 30
    listed = teacher.locator("#my-alerts li", has_text="Cierre exterior (Lockout)")
    while listed.count() == 0 and time.monotonic() < deadline:
        teacher.wait_for_timeout(500)
        teacher.goto(f"{live_server.url}/")
    expect(listed).to_have_count(1)

    # The call script's alert button names it, in English and in Spanish.
    office = browser.new_context(**PHONE).new_page()
    sign_in(office, live_server, "office@demo.muster.test")
    office.goto(f"{live_server.url}/checklists/threat-call")
    button = office.locator('[data-alert="secure"]')
    expect(button).to_have_text("Press and hold to send: Lockout")
    office.goto(f"{live_server.url}/")  # the call script is full screen: no menu on it
    speak_spanish(office)
    office.goto(f"{live_server.url}/checklists/threat-call")
    expect(button).to_have_text("Mantenga presionado para enviar: Cierre exterior (Lockout)")
    office.get_by_role("button", name="Hay una llamada en la línea").click()  # the start screen
    button.scroll_into_view_if_needed()
    office.screenshot(path=f"{SHOTS}/call-script-es.png")
