"""Lesson mode's pages (signed in) and the family cards (public, in English or Spanish)."""

from __future__ import annotations

import itertools

from server.lessons.library import load_all
from tests.helpers import html


async def test_the_lesson_list_is_the_catalogues_order(as_role):
    page = html(await (await as_role("driver")).get("/lessons"))
    shown = [a["href"] for a in page.select(".lesson-list a")]
    assert shown == [f"/lessons/{lesson.id}" for lesson in load_all().in_order()]


async def test_a_lesson_is_whole_in_its_page_one_screen_each(as_role):
    driver = await as_role("driver")
    response = await driver.get("/lessons/bus-security")
    assert response.status_code == 200
    page = html(response)
    screens = [s["id"] for s in page.select("article.lesson > section.screen")]
    lesson = load_all().get("bus-security")
    parts = [f"part-{part.id}" for part in lesson.parts]
    assert screens == ["start", *parts, "scenario", "questions", "practise"]
    # every screen's Next leads to the next one
    for here, there in itertools.pairwise(screens):
        nexts = page.select(f"#{here} .screen-nav a.primary")
        assert [a["href"] for a in nexts] == [f"#{there}"], here
    answers = [d.select_one("p").get_text() for d in page.select("#questions details")]
    assert answers == [q.answer.en for q in lesson.questions]
    # the checklists open in practice mode, and the page is kept on the phone from this visit
    links = [a["href"] for a in page.select("#practise .lesson-links a")]
    assert links == [f"/checklists/{c}?practice=1" for c in ("bus-pre-route", "bus-post-route")]
    assert "/lessons/bus-security" in page.select_one("body")["data-offline-pages"]


async def test_a_checklist_not_for_your_role_is_named_not_linked(as_role):
    page = html(await (await as_role("staff")).get("/lessons/bus-security"))
    assert not page.select("#practise .lesson-links a[href^='/checklists/']")
    assert "(for other roles)" in page.select_one("#practise").get_text()


async def test_lessons_need_sign_in_and_an_unknown_one_is_not_found(client, as_role):
    response = await client.get("/lessons/bus-security")
    assert response.status_code in (302, 303) and "/sign-in" in response.headers["location"]
    assert (await (await as_role("staff")).get("/lessons/juggling")).status_code == 404


async def test_a_lesson_in_spanish(as_role):
    staff = await as_role("staff")
    await staff.post("/language", data={"locale": "es", "next": "/lessons"})
    page = html(await staff.get("/lessons/threatening-calls"))
    assert page.select_one("h1").get_text() == "Llamadas de amenaza"
    assert page.select_one("#start .screen-nav a.primary").get_text() == "Empezar la lección"
