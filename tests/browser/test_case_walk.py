"""A threat assessment case walked on a phone (390x844): the district's lead opens a case from a
concern, moves it through the four stages, classifies it substantive-serious with two pathway
markers, adds a plan of three supports and closes it; axe finds nothing on the case page."""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import Page, expect

from tests.browser.axe import axe_violations
from tests.browser.helpers import query, shot, sign_in

pytestmark = pytest.mark.browser
WHAT = "Told two classmates he had a list and they were on it"


def _lead_and_concern(server) -> str:
    """safety@demo is the district's threat-assessment lead; a concern about someone waits."""
    [(person, org, school)] = query(
        server,
        'select u.id, u.organisation_id, s.id from "user" u join school s'
        " on s.organisation_id = u.organisation_id where u.email = 'safety@demo.muster.test'"
        " order by s.id limit 1",
    )
    query(server, "delete from team_seat where function = 'threat_assessment'")
    query(
        server,
        "insert into team_seat (organisation_id, school_id, function, rank, person_id)"
        f" values ({org}, null, 'threat_assessment', 0, {person})",
    )
    concern = str(uuid.uuid4())
    now = datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S+00:00")
    query(
        server,
        "insert into concern (id, organisation_id, raised_by_id, school_id, what, exact_words,"
        " place, happened_at, witnesses, how_known, how_known_detail, danger_now, raised_at,"
        f" received_at) values ('{concern}', {org}, {person}, {school}, '{WHAT}', '', 'Library',"
        f" '{now}', '', 'heard', '', false, '{now}', '{now}')",
    )
    return concern


def test_the_lead_walks_a_case_from_a_concern_to_closure(
    page: Page, browser_context_args, live_server
):
    concern = _lead_and_concern(live_server)
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, live_server, "safety@demo.muster.test")
    page.goto(f"{live_server.url}/concerns/{concern}")
    page.get_by_role("link", name="Start a threat assessment").click()
    expect(page.get_by_label("What was said or done")).to_have_value(WHAT)
    page.get_by_label("Person of concern").fill("Jordan Lee, grade 10")
    page.get_by_role("button", name="Open the case").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Threat assessment case")

    page.get_by_role("button", name="Move on to: Inquiry").click()
    page.get_by_label("Who was interviewed, or which record").fill("The librarian")
    an_hour_ago = (datetime.now() - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")
    page.get_by_label("When", exact=True).fill(an_hour_ago)
    page.get_by_role("button", name="Add to the inquiry").click()
    expect(page.locator("#inquiry ~ ul")).to_contain_text("The librarian")
    page.get_by_role("button", name="Move on to: Assessment").click()

    for question, answer in (("resolved on the spot", "No"), ("intent to harm", "Yes")):
        group = page.locator("fieldset", has_text=re.compile(question))
        group.get_by_label(answer, exact=True).check()
    page.locator("fieldset", has_text="weapon").get_by_label("No", exact=True).check()
    page.get_by_role("button", name="Classify").click()
    expect(page.locator("#case-level")).to_have_text("Substantive: serious")
    for marker, behaviour in (("Grievance", "Bullied since September"), ("Ideation", "The list")):
        page.get_by_label("Marker").select_option(label=marker)
        page.get_by_label("The behaviour that shows it").fill(behaviour)
        page.get_by_role("button", name="Add the marker").click()
    expect(page.locator("#markers ~ ul li")).to_have_count(2)
    page.get_by_role("button", name="Move on to: Management").click()

    due = (datetime.now() + timedelta(days=7)).strftime("%Y-%m-%d")
    for support in ("Counselling", "Parent meeting", "Safety plan"):
        page.get_by_label("What", exact=True).select_option(label=support)
        page.get_by_label("Due date").fill(due)
        page.get_by_role("button", name="Add to the plan").click()
    expect(page.locator("#supports li")).to_have_count(3)
    assert axe_violations(page) == []
    shot(page, "case-management-390")

    page.get_by_text("Close the case", exact=True).first.click()
    page.get_by_label("Why the case can close").fill("Plan in place; parents engaged")
    page.get_by_label("Follow up on").fill(due)
    page.get_by_role("button", name="Close the case").click()
    expect(page.locator("#case-closed")).not_to_be_empty()
    assert axe_violations(page) == []
    shot(page, "case-closed-390")
    rows = query(live_server, "select stage, level from threat_case order by id desc limit 1")
    assert rows == [("closed", "substantive_serious")]
