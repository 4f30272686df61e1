"""A tabletop exercise on a phone (390x844), then on a projector's screen: the safety lead plans
one on the drills calendar (it shows beside the drills), looks at the exercises list, starts the
planned bomb threat by phone at Lincoln Elementary from its day, writes who takes part, steps
through every inject one screen at a time recording the decision the group took (opening the
call checklist in practice mode from the first; the clock since the start ticks with no reload,
and each inject says when it is due), finishes, and lands on the exercise's review already
filled in with those decisions; saves it, and the calendar's exercise is held. Axe finds nothing
on the calendar, the list, the facilitator's screens (the expected decisions shown) or the
review, and none scrolls sideways."""

from __future__ import annotations

import re
from datetime import date

import pytest
from playwright.sync_api import expect

from server.exercises.library import load_all
from tests.browser.axe import axe_violations
from tests.browser.helpers import PHONE, query, shot, sign_in

pytestmark = pytest.mark.browser

SCENARIO = load_all().get("bomb-threat-call")


def _fits(page, width: int = 390) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert axe_violations(page) == []


def test_a_bomb_threat_tabletop_run_through_every_inject_into_its_review(browser, live_server):
    assert SCENARIO is not None
    lead = browser.new_context(**PHONE)
    page = lead.new_page()
    sign_in(page, live_server, "safety@demo.muster.test")
    page.get_by_role("link", name=re.compile("^Drills")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Drills")
    # Planned on the calendar first: a dated item beside the drills, with its scenario.
    page.get_by_label("School", exact=True).select_option(label="Lincoln Elementary")
    page.get_by_label("Drill", exact=True).select_option(label="Tabletop exercise")
    page.get_by_label("Scenario, for a tabletop exercise").select_option(label=SCENARIO.title.en)
    page.get_by_label("Day").fill(date.today().isoformat())
    page.get_by_label("Who leads it (optional)").select_option(label="Sam Safety")
    page.get_by_role("button", name="Plan the drill").click()
    expect(page.locator(".flash")).to_have_text("Drill planned.")
    expect(page.locator("#drill-scenario")).to_have_text(SCENARIO.title.en)
    _fits(page)
    drill_page = page.url
    drill_id = int(drill_page.rstrip("/").split("/")[-1])
    page.get_by_role("link", name="All drills").click()
    planned = page.locator("#drills-title ~ ul li", has_text=SCENARIO.title.en)
    expect(planned.first).to_contain_text("Tabletop exercise")
    _fits(page)
    page.get_by_role("link", name="Tabletop exercises").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Tabletop exercises")
    _fits(page)
    page.goto(drill_page)  # started from its day on the calendar
    page.get_by_role("button", name="Start the exercise").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(SCENARIO.title.en)
    exercise_id = int(re.search(r"/exercises/(\d+)", page.url).group(1))
    page.locator(".facilitator-notes summary").click()  # what the brief leaves unanswered
    expect(page.locator(".facilitator-notes li").first).to_have_text(SCENARIO.silent[0].en)
    _fits(page)
    page.get_by_label("Who takes part").fill("Ana Ruiz, front office\nBen Cole, principal")
    page.get_by_role("button", name="Save and begin").click()

    for number, inject in enumerate(SCENARIO.injects, start=1):
        expect(page.get_by_role("heading", level=1)).to_have_text(inject.title.en)
        expect(page.locator(".facilitator-when")).to_contain_text(f"Minute {inject.minute}")
        expect(page.locator(".facilitator-when")).to_contain_text(
            f"Event {number} of {len(SCENARIO.injects)}"
        )
        if number == 1:
            # The clock: time since the start, ticking with no reload, never a live region;
            # the first inject's minute already past.
            clock = page.locator("#exercise-clock [role=timer]")
            expect(clock).to_have_text(re.compile(r"^\d+:\d\d$"))
            assert clock.evaluate("(e) => e.closest('[aria-live]')") is None
            expect(clock).not_to_have_text(clock.inner_text())
            expect(page.locator("#inject-clock")).to_have_text(re.compile(r"^\d+:\d\d ago$"))
            checklist = page.get_by_role("link", name="Threatening call")  # practice mode
            expect(checklist).to_have_attribute("href", "/checklists/threat-call?practice=1")
            page.locator(".facilitator-notes summary").click()
            expect(page.locator(".facilitator-notes li").first).to_be_visible()
            shot(page, "tabletop-inject")
            _fits(page)
            checklist.click()
            expect(page.locator("#practice-banner")).to_be_visible()
            page.go_back()
        if number == len(SCENARIO.injects):  # minute 40: still to come
            expect(page.locator("#inject-clock")).to_have_text(re.compile(r"^in \d+:\d\d$"))
        page.get_by_label("The decision the group took").fill(f"Decision {number}: {inject.id}")
        page.get_by_role("button", name="Save and go on").click()
        expect(page.locator(".flash")).to_have_text("Decision saved.")

    expect(page.get_by_role("heading", level=1)).to_have_text("Wrap-up")
    expect(page.locator(".facilitator-questions li")).to_have_count(len(SCENARIO.injects))
    _fits(page)
    page.get_by_role("button", name="Finish and review").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Edit the review")
    what = page.get_by_label("What happened")
    expect(what).to_contain_text("Who took part: Ana Ruiz, front office, Ben Cole, principal")
    for number, inject in enumerate(SCENARIO.injects, start=1):
        expect(what).to_contain_text(f"Decided: Decision {number}: {inject.id}")
    expect(what).to_contain_text("Expected: Stay calm and polite")
    _fits(page)
    page.get_by_label("What went well").fill("The office signalled at once.")
    page.get_by_role("button", name="Save the review").click()
    expect(page.locator(".flash")).to_have_text("Review saved.")
    shot(page, "tabletop-review")
    _fits(page)
    review = query(
        live_server,
        "select kind, went_well from review"
        f" where subject_kind = 'exercise' and subject_id = '{exercise_id}'",
    )
    assert review == [("hot-wash", "The office signalled at once.")]
    assert query(live_server, f"select status from exercise where id = {exercise_id}") == [
        ("finished",)
    ]
    # The calendar's exercise is held: it counts where the district requires exercises.
    assert query(live_server, f"select status from drill where id = {drill_id}") == [("held",)]
    lead.close()

    # The same screens read from across a room: a projector's width, big type, still clean.
    projector = browser.new_context(viewport={"width": 1280, "height": 720})
    wall = projector.new_page()
    sign_in(wall, live_server, "safety@demo.muster.test")
    wall.goto(f"{live_server.url}/exercises/{exercise_id}?step=3")
    expect(wall.get_by_role("heading", level=1)).to_have_text(SCENARIO.injects[2].title.en)
    text = wall.locator(".facilitator-text")
    size = text.evaluate("e => parseFloat(getComputedStyle(e).fontSize)")
    assert size >= 32  # readable from the back of a room
    _fits(wall, 1280)
    projector.close()
