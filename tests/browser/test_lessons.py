"""Lesson mode on a phone: a trainer goes through a lesson screen by screen, opens its checklist
in practice mode (an alert held there reaches nobody), and reads the lesson again with no signal;
a parent opens the public lockdown card in Spanish without signing in, and it prints on one
sheet. axe-core finds nothing on any of these pages."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.axe import axe_violations
from tests.browser.helpers import PHONE, hold, query, shot, sign_in, wait_for_offline_cache

pytestmark = pytest.mark.browser
LESSON = "/lessons/bleeding-control"


def test_a_trainer_gives_a_lesson_and_practises_its_checklist(browser, live_server):
    phone = browser.new_context(**PHONE)
    page = phone.new_page()
    sign_in(page, live_server, "staff@demo.muster.test")
    page.goto(f"{live_server.url}/lessons")
    assert axe_violations(page) == []
    shot(page, "lessons-list")
    page.get_by_role("link", name="Bleeding control").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Bleeding control")
    assert axe_violations(page) == []
    shot(page, "lesson-start")

    # One screen at a time: Next shows the next one and only it.
    page.get_by_role("link", name="Start the lesson").click()
    screen = page.locator("#part-first-steps")
    expect(screen).to_be_visible()
    expect(page.locator("#start")).to_be_hidden()
    expect(screen).to_contain_text("Press hard on the wound with both hands")
    expect(screen).to_contain_text("Screen 2 of 7")
    shot(page, "lesson-points")
    screen.get_by_role("link", name="Next").click()
    expect(page.locator("#part-pack-and-tourniquet")).to_be_visible()
    page.locator("#part-pack-and-tourniquet").get_by_role("link", name="Next").click()
    page.locator("#part-after").get_by_role("link", name="Next").click()
    expect(page.locator("#scenario")).to_contain_text("Glass in the art room")
    assert axe_violations(page) == []
    page.locator("#scenario").get_by_role("link", name="Next").click()
    questions = page.locator("#questions")
    answer = questions.locator("details").first
    expect(answer.get_by_text("Above the knee. Never on a joint.")).to_be_hidden()
    answer.get_by_text("Show the answer").click()
    expect(answer.get_by_text("Above the knee. Never on a joint.")).to_be_visible()
    assert axe_violations(page) == []
    shot(page, "lesson-questions")
    questions.get_by_role("link", name="Next").click()
    assert axe_violations(page) == []
    shot(page, "lesson-practise")

    # The linked checklist opens in practice mode: an alert held there reaches nobody.
    before = query(live_server, "select count(*) from alert_recipient")[0][0]
    page.locator("#practise").get_by_role("link", name="Bleeding control").click()
    expect(page).to_have_url(re.compile(r"/checklists/bleeding-control\?practice=1$"))
    page.locator("#runner[data-ready]").wait_for()
    expect(page.locator("#practice-banner")).to_be_visible()
    item = page.locator("#item-send-help")
    hold(page, item.get_by_role("button", name="Press and hold to send"))
    expect(item.locator(".answer-status")).to_have_text(
        "PRACTICE: this alert was recorded as practice. Nobody was alerted.", timeout=20000
    )
    assert query(live_server, "select count(*) from alert_recipient")[0][0] == before

    # Back at the depot with no signal: the lesson opens from the phone, every screen of it.
    page.goto(f"{live_server.url}{LESSON}")
    wait_for_offline_cache(page, paths=(LESSON,))
    phone.set_offline(True)
    try:
        page.goto(f"{live_server.url}{LESSON}#scenario")
        expect(page.locator("#scenario")).to_be_visible()
        expect(page.locator("#scenario")).to_contain_text("Glass in the art room")
        page.goto(f"{live_server.url}{LESSON}")
        expect(page.get_by_role("heading", level=1)).to_have_text("Bleeding control")
        shot(page, "lesson-offline")
    finally:
        phone.set_offline(False)
    phone.close()


def test_a_parent_opens_the_lockdown_card_in_spanish_without_signing_in(browser, live_server):
    phone = browser.new_context(**PHONE, locale="en-US")
    page = phone.new_page()
    page.goto(f"{live_server.url}/families")
    expect(page.get_by_role("heading", level=1)).to_have_text("For parents and students")
    assert axe_violations(page) == []
    page.get_by_role("link", name="Español").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Para padres y estudiantes")
    page.get_by_role("link", name="Durante un cierre de emergencia (Lockdown)").click()
    expect(page).to_have_url(re.compile(r"/families/lockdown\?lang=es$"))
    card = page.locator("#family-card")
    expect(card.get_by_role("heading", name="Para padres")).to_be_visible()
    expect(card).to_contain_text("No vaya a la escuela.")
    expect(card).to_contain_text("No llame ni le mande mensajes a su hijo.")
    expect(card.get_by_role("heading", name="Para estudiantes")).to_be_visible()
    assert page.locator("html").get_attribute("lang") == "es"
    assert axe_violations(page) == []
    shot(page, "family-lockdown-es")
    phone.close()


def test_every_family_card_prints_on_one_sheet(browser, live_server):
    context = browser.new_context()
    page = context.new_page()
    page.goto(f"{live_server.url}/families?lang=es")
    cards = [a.get_attribute("href") for a in page.locator(".lesson-list a").all()]
    assert len(cards) >= 5
    for href in cards:
        page.goto(f"{live_server.url}{href}")
        assert axe_violations(page) == []
        page.emulate_media(media="print")
        pdf = page.pdf(format="Letter")
        pages = len(re.findall(rb"/Type\s*/Page[^s]", pdf))
        assert pages == 1, f"{href} prints on {pages} pages"
        page.emulate_media(media="screen")
    page.goto(f"{live_server.url}/families/lockdown?lang=es")
    page.emulate_media(media="print")
    shot(page, "family-lockdown-print")
    context.close()
