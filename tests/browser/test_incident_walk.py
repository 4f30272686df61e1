"""One incident, from the field to its review, in Chromium at phone size (390x844).

A teacher's panic button pressed with no signal and a lockdown called by the office open one
incident. The safety lead watches its timeline fill on the live page: both alerts, the teacher's
"Need help" with its place, and a log entry the lead typed with no signal, synced later and shown
in its true time order (before the answer that reached the server first). The lead fills the
incident commander's role, calls out the crisis team, gives the all clear, writes the hot wash
with its figures measured, adds two improvement actions for the teacher, who finds them on her
home screen; the timeline prints for the handoff."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from playwright.sync_api import expect

from tests.browser.axe import axe_violations
from tests.browser.helpers import (
    PHONE,
    clear_crisis_teams,
    hold,
    query,
    send_now,
    shot,
    sign_in,
    wait_for_offline_cache,
)

pytestmark = pytest.mark.browser
AT_LINCOLN = {"latitude": 38.5789, "longitude": -121.4865, "accuracy": 12}  # 300 m N of it


def _fits(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert axe_violations(page) == []


def _latest_alert(live_server, email: str, kind: str) -> str:
    rows = query(
        live_server,
        'select cast(a.id as text) from alert a join "user" u on u.id = a.raised_by_id '
        f"where u.email = '{email}' and a.kind = '{kind}' order by a.raised_at desc limit 1",
    )
    return rows[0][0]


def _incidents_of(live_server, alert_id: str) -> list[int]:
    return [
        row[0]
        for row in query(
            live_server,
            "select incident_id from incident_link "
            f"where kind = 'alert' and record_id = '{alert_id}'",
        )
    ]


def _wait_for(page, check, what: str, within_ms: int = 30000) -> None:
    for _ in range(within_ms // 250):
        if check():
            return
        page.wait_for_timeout(250)
    raise AssertionError(f"still waiting for {what}")


def test_one_incident_from_a_panic_offline_to_its_review(browser, live_server):
    # Incidents open before this test (other tests share the server) are over: Lincoln's
    # emergencies must open a new one.
    query(live_server, "update incident set status = 'closed' where status <> 'closed'")

    # The teacher near Lincoln: her pages kept, then no signal; the panic button held.
    teacher = browser.new_context(**PHONE, permissions=["geolocation"], geolocation=AT_LINCOLN)
    phone = teacher.new_page()
    sign_in(phone, live_server, "staff@demo.muster.test")
    wait_for_offline_cache(phone, paths=("/",))
    teacher.set_offline(True)
    phone.reload()
    panic = phone.get_by_role("button", name="Emergency: I need help here")
    hold(phone, panic)
    expect(phone.locator("#panic .not-sent")).to_be_visible(timeout=20000)

    # Meanwhile the office calls a lockdown for Lincoln: it opens the incident.
    office = browser.new_context(**PHONE)
    desk = office.new_page()
    sign_in(desk, live_server, "office@demo.muster.test")
    desk.goto(f"{live_server.url}/actions")
    desk.get_by_role("radio", name="Lincoln Elementary").check()
    hold(desk, desk.get_by_role("button", name="Lockdown"))
    card = desk.locator(".action-card.kind-lockdown")
    expect(card.locator(".answer-status")).to_have_text(
        "Alert sent. The people it is for are being alerted now.", timeout=30000
    )
    lockdown = _latest_alert(live_server, "office@demo.muster.test", "lockdown")
    _wait_for(desk, lambda: _incidents_of(live_server, lockdown), "the lockdown's incident")
    [incident] = _incidents_of(live_server, lockdown)
    office.close()

    # The teacher's signal is back: her panic reaches the server and joins the same incident.
    teacher.set_offline(False)
    send_now(phone)
    expect(phone.locator("#sync-text")).to_have_text("All sent", timeout=30000)
    panic_alert = _latest_alert(live_server, "staff@demo.muster.test", "panic")
    _wait_for(phone, lambda: _incidents_of(live_server, panic_alert), "the panic's incident")
    assert _incidents_of(live_server, panic_alert) == [incident]  # one incident, not two

    # The safety lead's live page shows both alerts. (The district's crisis team names its
    # incident commander: the admin.)
    lead = browser.new_context(**PHONE)
    page = lead.new_page()
    sign_in(page, live_server, "safety@demo.muster.test")
    clear_crisis_teams(live_server)
    page.goto(f"{live_server.url}/team/district/incident_commander")
    page.get_by_label("Primary").select_option(label="Ada Admin (no phone number)")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".flash")).to_contain_text("Incident commander")
    page.goto(f"{live_server.url}/incidents/{incident}")
    heading = page.get_by_role("heading", level=1)
    expect(heading).to_have_text(re.compile(r"^INC-\d{4}-\d{4}"))
    reference = re.search(r"INC-\d{4}-\d{4}", heading.inner_text()).group(0)
    timeline = page.locator("#timeline")
    expect(timeline).to_contain_text("Lockdown")
    expect(timeline).to_contain_text("Emergency")
    wait_for_offline_cache(page, minimum=1)
    _fits(page)

    # The lead types a log entry with no signal: kept on the phone.
    lead.set_offline(True)
    page.get_by_label("What happened, what was decided").fill("Police on site at the east gate")
    page.get_by_role("button", name="Add to the log").click()
    expect(page.locator("#log-status")).to_contain_text("Saved on this phone")

    # While the lead has no signal, the teacher answers the lockdown: she needs help, here.
    phone.goto(f"{live_server.url}/alerts/{lockdown}")
    phone.get_by_role("button", name="Need help").click()
    expect(phone.get_by_role("button", name="Need help")).to_have_attribute("aria-pressed", "true")
    answered = (
        'select response from alert_recipient r join "user" u on u.id = r.user_id '
        f"where cast(r.alert_id as text) = '{lockdown}' and u.email = 'staff@demo.muster.test'"
    )
    _wait_for(phone, lambda: query(live_server, answered) == [("help",)], "the teacher's answer")

    # The lead's signal is back: the entry joins the timeline below the answer, in its true
    # time, though it reached the server after it.
    lead.set_offline(False)
    send_now(page)
    entries = timeline.locator("li")
    expect(timeline).to_contain_text("Police on site at the east gate", timeout=30000)
    texts = entries.all_inner_texts()
    log_at = next(i for i, text in enumerate(texts) if "Police on site at the east gate" in text)
    help_at = next(i for i, text in enumerate(texts) if "Tess Teacher" in text and "help" in text)
    assert help_at < log_at, texts  # newest on top: the answer came after the entry was typed
    assert "N of Lincoln Elementary" in texts[help_at], texts[help_at]  # where she was
    shot(page, "incident-walk-live")

    # The incident commander for the day, and the crisis team called out.
    page.get_by_label("Role", exact=True).select_option(label="Incident commander")
    page.get_by_label("Person").select_option(label="Sam Safety")
    page.get_by_role("button", name="Fill the role").click()
    expect(page.locator("#roles-title + ul")).to_contain_text("Incident commander: Sam Safety")
    callout = page.locator("#callout-form[data-ready]")
    expect(callout).to_contain_text("It alerts 1 person: Ada Admin")
    hold(page, callout.get_by_role("button", name=re.compile("call out")))
    expect(page.locator(".flash")).to_contain_text("Crisis team called out")
    expect(timeline).to_contain_text(f"Crisis team call-out: {reference}", timeout=20000)

    # The all clear for the lockdown, then the panic's end: with no emergency still going, the
    # active phase is over.
    for alert in (lockdown, panic_alert):
        page.goto(f"{live_server.url}/admin/alerts/{alert}")
        hold(page, page.locator("#alert-end [data-hold]"))
        expect(page.locator("#ended")).to_contain_text("Ended at", timeout=15000)
        page.goto(f"{live_server.url}/incidents/{incident}")
        stabilised = page.locator(".tag.status-stabilised")
        expect(stabilised).to_have_count(0 if alert == lockdown else 1)

    # The hot wash, its figures measured from the records.
    page.get_by_role("link", name="Write the review").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Hot wash for {reference}")
    first_answer = page.locator("#figure-first-answer")
    expect(first_answer).not_to_have_text("not measured")
    expect(page.locator("#figure-p90")).to_contain_text("(1 answer)")
    _fits(page)
    page.get_by_label("What happened").fill("A panic from the field and a lockdown; police came.")
    page.get_by_label("What went well").fill("The office called the lockdown at once.")
    page.get_by_label("What to improve").fill("The east gate radio was off.")
    page.get_by_role("button", name="Save the review").click()
    expect(page.locator(".flash")).to_have_text("Review saved.")
    for text, days in (
        ("Radio check at the east gate every morning", 7),
        ("Drill the lockdown", 30),
    ):
        page.get_by_label("What must be done").fill(text)
        page.get_by_label("Owner").select_option(label="Tess Teacher")
        page.get_by_label("Due date").fill((date.today() + timedelta(days=days)).isoformat())
        page.get_by_role("button", name="Add the action").click()
        expect(page.locator(".flash")).to_have_text("Action added.")
    expect(page.locator(".actions-list li")).to_have_count(2)
    _fits(page)
    shot(page, "incident-walk-review")

    # The owner sees both on her home screen.
    phone.goto(f"{live_server.url}/")
    mine = phone.locator("#my-actions li")
    expect(mine.filter(has_text="Radio check at the east gate every morning")).to_have_count(1)
    expect(mine.filter(has_text="Drill the lockdown")).to_have_count(1)
    _fits(phone)

    # The timeline prints for the police: the reference, the alerts, the entry typed offline.
    page.goto(f"{live_server.url}/incidents/{incident}/print")
    page.emulate_media(media="print")
    printed = page.locator("main")
    expect(printed).to_contain_text(reference)
    expect(printed).to_contain_text("Police on site at the east gate")
    expect(printed).to_contain_text("Lockdown")
    shot(page, "incident-walk-print")
    for context in (lead, teacher):
        context.close()
