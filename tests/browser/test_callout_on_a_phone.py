"""The team call-out on a phone (390x844): the safety lead holds the button on an incident's live
page for 2 seconds and the crisis team is alerted, the alert in the timeline with the incident's
reference; without JavaScript the same button leads to a confirm page. The recovery checklist
opens from the live page with the incident filled in. axe finds nothing on any of them."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.axe import axe_violations
from tests.browser.helpers import PHONE, clear_crisis_teams, hold, query, sign_in

pytestmark = pytest.mark.browser
DISPATCH = "Dina Dispatch"  # no other browser test signs in as her or counts her alerts


def _open_incident(page, live_server, title: str) -> str:
    page.goto(f"{live_server.url}/incidents/new")
    page.get_by_label("What is happening").select_option("fire")
    page.locator("input[name=schools]").first.check()
    page.get_by_label("A few words (optional)").fill(title)
    page.get_by_role("button", name="Open the incident").click()
    heading = page.get_by_role("heading", level=1)
    expect(heading).to_have_text(re.compile(r"INC-\d{4}-\d{4}"))
    return re.search(r"INC-\d{4}-\d{4}", heading.inner_text()).group(0)


def _recipients(live_server, reference: str) -> list[str]:
    return [
        row[0]
        for row in query(
            live_server,
            "select u.name from alert_recipient r join alert a on a.id = r.alert_id "
            "join \"user\" u on u.id = r.user_id where a.kind = 'team-callout' "
            f"and cast(a.source as text) like '%{reference}%'",
        )
    ]


def test_the_team_call_out_on_a_phone(browser, live_server):
    context = browser.new_context(**PHONE)
    page = context.new_page()
    sign_in(page, live_server, "safety@demo.muster.test")
    # The district team's incident commander covers every school.
    clear_crisis_teams(live_server)
    page.goto(f"{live_server.url}/team/district/incident_commander")
    page.get_by_label("Primary").select_option(label=f"{DISPATCH} (no phone number)")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".flash")).to_contain_text("Incident commander")

    reference = _open_incident(page, live_server, "Call-out browser test")
    form = page.locator("#callout-form[data-ready]")
    expect(form).to_contain_text(DISPATCH)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert axe_violations(page) == []
    button = form.get_by_role("button", name=re.compile("Press and hold to call out"))
    button.click()  # a tap sends nothing
    page.wait_for_timeout(500)
    assert _recipients(live_server, reference) == []
    hold(page, button)
    expect(page.locator(".flash")).to_contain_text("Crisis team called out")
    entry = page.locator("#timeline li").first
    expect(entry).to_contain_text(f"Crisis team call-out: {reference}", timeout=20000)
    assert _recipients(live_server, reference) == [DISPATCH]
    assert axe_violations(page) == []

    # The recovery checklist, from the live page, knows its incident.
    page.get_by_role("link", name="Recovery checklist").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Recovery after an incident")
    expect(page.get_by_label("Incident")).to_have_value(reference)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert axe_violations(page) == []
    context.close()


def test_the_team_call_out_without_javascript(browser, live_server):
    context = browser.new_context(**PHONE)
    page = context.new_page()
    sign_in(page, live_server, "safety@demo.muster.test")
    clear_crisis_teams(live_server)
    page.goto(f"{live_server.url}/team/district/incident_commander")
    page.get_by_label("Primary").select_option(label=f"{DISPATCH} (no phone number)")
    page.get_by_role("button", name="Save").click()
    reference = _open_incident(page, live_server, "Call-out without JavaScript")
    context.close()

    bare = browser.new_context(**PHONE, java_script_enabled=False)
    page = bare.new_page()
    sign_in(page, live_server, "safety@demo.muster.test")
    page.goto(f"{live_server.url}/incidents")
    page.get_by_role("link", name=re.compile(reference)).first.click()
    page.get_by_role("button", name=re.compile("Press and hold to call out")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Call out the crisis team")
    expect(page.locator("main")).to_contain_text(DISPATCH)
    assert _recipients(live_server, reference) == []
    page.get_by_role("button", name="Yes, call out the crisis team now").click()
    expect(page.locator(".flash")).to_contain_text("Crisis team called out: 1 person alerted.")
    assert _recipients(live_server, reference) == [DISPATCH]
    bare.close()
    # axe needs scripts: the confirm page, looked at again with them on.
    checked = browser.new_context(**PHONE)
    page = checked.new_page()
    sign_in(page, live_server, "safety@demo.muster.test")
    page.goto(f"{live_server.url}/incidents")
    page.get_by_role("link", name=re.compile(reference)).first.click()
    page.evaluate("document.querySelector('#callout-form [name=confirm]').value = ''")
    page.evaluate("document.getElementById('callout-form').submit()")
    expect(page.get_by_role("heading", level=1)).to_have_text("Call out the crisis team")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert axe_violations(page) == []
    checked.close()
