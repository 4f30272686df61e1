"""Spanish on a phone: what a Spanish-speaking teacher sees in the outbox, the alert that reaches
them, and a district's own names for its actions, in Chromium against a real server."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import query, sign_in, wait_for_offline_cache

pytestmark = pytest.mark.browser
SHOTS = "/tmp/muster-shots"


@pytest.fixture
def spanish_teacher(live_server):
    """The demo teacher, who chose Spanish on their phone; English again afterwards."""
    yield "staff@demo.muster.test"
    query(live_server, "update \"user\" set locale = null where email = 'staff@demo.muster.test'")


def speak_spanish(page: Page) -> None:
    page.get_by_text("Menu").click()
    page.get_by_role("button", name="Español").click()
    expect(page.locator("html")).to_have_attribute("lang", "es")


def test_the_outbox_names_checklist_answers_by_their_spanish_words(
    page: Page, live_server, spanish_teacher
):
    sign_in(page, live_server, spanish_teacher)
    speak_spanish(page)
    page.goto(f"{live_server.url}/checklists/bleeding-control")
    wait_for_offline_cache(page, paths=("/outbox",))
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
