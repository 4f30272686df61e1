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
    in_page = [s["id"] for s in page.select("article.lesson > section.screen")]
    lesson = load_all().get("bus-security")
    parts = [f"part-{part.id}" for part in lesson.parts]
    screens = ["start", *parts, "scenario", "questions", "practise"]
    # the first screen sits last in the page (a screen chosen by # hides it with CSS alone)
    assert in_page == [*screens[1:], "start"]
    # every screen's Next leads to the next one
    for here, there in itertools.pairwise(screens):
        nexts = page.select(f"#{here} .screen-nav a.primary")
        assert [a["href"] for a in nexts] == [f"#{there}"], here
    answers = [d.select_one("p").get_text() for d in page.select("#questions details")]
    assert answers == [q.answer.en for q in lesson.questions]
    # the checklists open in practice mode, and the page is kept on the phone from this visit
    links = [a["href"] for a in page.select("#practise .lesson-links a")]
    checklists = ("bus-pre-route", "bus-en-route", "bus-post-route")
    assert links == [f"/checklists/{c}?practice=1" for c in checklists]
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


async def test_family_cards_are_public_in_either_language(client):
    cards = [card for _, card in load_all().cards()]
    listing = html(await client.get("/families"))
    assert [a["href"] for a in listing.select(".lesson-list a")] == [
        f"/families/{card.id}" for card in cards
    ]
    response = await client.get("/families/lockdown?lang=es")
    assert response.status_code == 200
    page = html(response)
    assert page.select_one("html")["lang"] == "es"
    assert page.select_one("h1").get_text() == "Durante un cierre de emergencia (Lockdown)"
    said = page.select_one("#family-card").get_text()
    assert "No vaya a la escuela." in said and "No llame ni le mande mensajes a su hijo" in said
    assert page.select_one(".language-links a")["href"] == "/families/lockdown?lang=en"
    english = html(await client.get("/families/lockdown", headers={"Accept-Language": "en"}))
    assert english.select_one("h1").get_text() == "During a lockdown"
    # a language Muster doesn't speak is ignored, not an error
    assert (await client.get("/families/lockdown?lang=xx")).status_code == 200
    assert (await client.get("/families/nothing-here")).status_code == 404


async def test_each_family_card_shows_both_audiences_and_its_sources(client):
    for lesson, card in load_all().cards():
        page = html(await client.get(f"/families/{card.id}"))
        headings = [h.get_text() for h in page.select("#family-card h2")]
        wanted = {"parents": "For parents", "students": "For students"}
        assert headings == [wanted[s.audience.value] for s in card.sections], card.id
        cited = {c for s in card.sections for p in s.points for c in p.cites}
        foot = page.select_one(".card-foot").get_text()
        for source in lesson.sources:
            assert (source.title in foot) == (source.id in cited), (card.id, source.id)
