"""Accounting for every student and reunification, in Chromium at phone size (390x844), with the
server stopped where the field has no signal.

The admin imports the school's roster (a plain CSV); the safety lead opens an evacuation and
asks teachers to account for their classes. Two teachers, each on a phone whose pages are kept
offline, account for their classes with no server: one marks a student missing whom the other
has with her class as an extra. Once both phones send, the live page shows the student found.
Then at the reunification site two phones, offline, release different students, and both
release the same one: one release stands, and the phone that lost is told who took the student
and when, on the page and under "Needs attention"."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.axe import axe_violations
from tests.browser.helpers import (
    OLGA,
    PHONE,
    ROSTER,
    TESS,
    accounting_phone,
    query,
    settled,
    shot,
    sign_in,
)

pytestmark = pytest.mark.browser


def _fits(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert axe_violations(page) == []


def _release(page, student: str, guardian: str) -> None:
    page.get_by_label("Find a student: name or grade").fill(student)
    page.locator("#reu-results button", has_text=student).click()
    page.get_by_label(re.compile(guardian)).check()
    page.get_by_label("Photo ID checked (which one)").fill("California driver's licence")
    page.get_by_label("The photo matches the adult, and they signed the request card.").check()
    page.get_by_role("button", name="Release", exact=True).click()
    expect(page.locator("#reu-done")).to_contain_text("Release saved on this phone")


def test_two_teachers_offline_then_reunification_on_two_phones(browser, live_server):
    lead_context = browser.new_context(**PHONE)
    lead = lead_context.new_page()
    sign_in(lead, live_server, "admin@demo.muster.test")
    lead.goto(f"{live_server.url}/admin/rosters")
    lead.get_by_label("School (for a plain CSV file)").select_option(label="Lincoln Elementary")
    lead.get_by_label("Roster files").set_input_files(
        [{"name": "lincoln.csv", "mimeType": "text/csv", "buffer": ROSTER.encode()}]
    )
    lead.get_by_role("button", name="Import").click()
    expect(lead.locator("#flash")).to_contain_text("Roster imported: 5 students, 2 classes")
    lead.goto(f"{live_server.url}/incidents/new")
    lead.get_by_label("What is happening").select_option("evacuate")
    lead.locator("input[name=schools]").first.check()  # Lincoln Elementary
    lead.get_by_label("A few words (optional)").fill("Accounting walk")
    lead.get_by_role("button", name="Open the incident").click()
    expect(lead.get_by_role("heading", level=1)).to_have_text(
        re.compile(r"INC-\d{4}-\d{4}"), timeout=20000
    )
    incident = int(lead.locator("#incident").get_attribute("data-incident"))
    lead.get_by_role("button", name="Ask teachers to account for their classes").click()
    expect(lead.locator("#accounting-figures")).to_contain_text("Classes reported: 0 of 2")

    tess_context, tess = accounting_phone(browser, live_server, TESS, incident)
    olga_context, olga = accounting_phone(browser, live_server, OLGA, incident)

    live_server.stop()  # no signal at the assembly point
    tess.goto(f"{live_server.url}/incidents/{incident}/account")
    expect(tess.locator("#accounting")).to_have_attribute("data-ready", "true")
    expect(tess.locator("#class-pick option:checked")).to_contain_text("Walk Room 1")
    tess.get_by_role("button", name="Ana Walker").click()
    tess.get_by_role("button", name="Ben Walker").click()
    tess.get_by_label("Maya Lopez: not here").select_option("missing")
    expect(tess.locator("#acc-status")).to_contain_text(
        "2 of 3 accounted for. Missing: Maya Lopez."
    )
    tess.reload()  # a reload offline keeps every tap
    expect(tess.locator("#accounting")).to_have_attribute("data-ready", "true")
    expect(tess.get_by_role("button", name="Ana Walker")).to_have_attribute("aria-pressed", "true")
    expect(tess.locator("#acc-status")).to_contain_text("Missing: Maya Lopez.")
    tess.get_by_label("Assembly point").select_option(label="Lincoln Elementary campus")
    tess.get_by_role("button", name="Send: this is my class").click()
    expect(tess.locator("#acc-saved")).to_contain_text("Saved on this phone")
    shot(tess, "accounting-teacher-offline")
    _fits(tess)

    olga.goto(f"{live_server.url}/incidents/{incident}/account")
    expect(olga.locator("#accounting")).to_have_attribute("data-ready", "true")
    expect(olga.locator("#class-pick option:checked")).to_contain_text("Walk Room 2")
    olga.get_by_role("button", name="Cleo Park").click()
    olga.get_by_role("button", name="Leo Grant").click()
    olga.get_by_label("Name", exact=True).fill("Maya Lopez · 3")
    olga.get_by_role("button", name="Add as extra").click()
    expect(olga.locator("#extras")).to_contain_text("Maya Lopez")
    olga.get_by_role("button", name="Send: this is my class").click()
    expect(olga.locator("#acc-saved")).to_contain_text("Saved on this phone")
    shot(olga, "accounting-extra-offline")

    live_server.start()
    settled(tess)
    settled(olga)
    for page in (tess, olga):
        expect(page.locator("#sync-status")).to_have_attribute("data-state", "ok")
    lead.goto(f"{live_server.url}/incidents/{incident}")
    figures = lead.locator("#accounting-figures")
    expect(figures).to_contain_text("Classes reported: 2 of 2", timeout=20000)
    expect(figures.locator(".acc-found")).to_contain_text("Maya Lopez")
    expect(figures.locator(".acc-found")).to_contain_text("Walk Room 2")
    expect(figures.locator(".acc-missing")).to_have_count(0)
    shot(lead, "accounting-live-found")

    # Reunification: both phones keep the page; no signal at the site.
    for page in (tess, olga):
        page.goto(f"{live_server.url}/incidents/{incident}/reunification")
        expect(page.locator("#reunification")).to_have_attribute("data-ready", "true")
    live_server.stop()
    for page in (tess, olga):
        page.reload()
        expect(page.locator("#reunification")).to_have_attribute("data-ready", "true")
    tess.get_by_label("Find a student: name or grade").fill("Maya")
    tess.locator("#reu-results button", has_text="Maya Lopez").click()
    expect(tess.locator("#reu-custody")).to_contain_text("never release to Victor Lopez")
    expect(tess.get_by_label(re.compile("Victor Lopez"))).to_be_disabled()
    shot(tess, "reunification-custody")
    _fits(tess)
    _release(tess, "Ana Walker", "Rosa Walker")
    _release(olga, "Cleo Park", "Min Park")
    _release(tess, "Leo Grant", "Ruth Grant")
    _release(olga, "Leo Grant", "Ruth Grant")
    live_server.start()
    settled(tess)
    settled(olga)
    states = {
        name: page.locator("#sync-status").get_attribute("data-state")
        for name, page in (("Tess Teacher", tess), ("Olga Office", olga))
    }
    assert sorted(states.values()) == ["attention", "ok"], states
    winner = next(name for name, state in states.items() if state == "ok")
    loser = olga if states["Olga Office"] == "attention" else tess
    refused = loser.locator("#reu-refused")
    expect(refused).to_contain_text("Not released: Leo Grant was already released to Ruth Grant")
    expect(refused).to_contain_text(f"by {winner}")
    expect(loser.locator("#sync-status")).to_contain_text("1 needs attention")
    expect(loser.locator("#reu-done")).to_contain_text("Not released: Leo Grant")
    expect(loser.locator("#reu-form")).to_be_hidden()
    shot(loser, "reunification-refused")
    # The counts on the winner's page catch up with both phones' releases, with no reload.
    other = tess if loser is olga else olga
    expect(other.locator("#reu-counts")).to_contain_text("Released: 3", timeout=30000)
    # Its own release, sent: by whom is this phone's person, not a dash.
    expect(other.locator("#reu-done")).to_contain_text("Released to Ruth Grant by you")
    rows = query(
        live_server,
        "select s.name from reunification_release r join roster_student s on s.id = r.student_id "
        f"where r.incident_id = {incident} order by s.name",
    )
    assert [r[0] for r in rows] == ["Ana Walker", "Cleo Park", "Leo Grant"]
    lead.goto(f"{live_server.url}/incidents/{incident}/reunification/log")
    expect(lead.locator("#release-log tbody tr")).to_have_count(3)
    _fits(lead)
    query(live_server, f"update incident set status = 'closed' where id = {incident}")
    for context in (lead_context, tess_context, olga_context):
        context.close()
