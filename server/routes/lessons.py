"""Lesson mode and the public family cards: pages only, read from the lesson files.

A trainer reads a lesson from the phone, one screen at a time (``#<screen>`` in the address: the
page is whole, so it works offline once kept). The family cards need no sign-in and print on one
page; ``?lang=es`` gives one in Spanish to a parent with an English phone.
"""

from __future__ import annotations

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from server.auth import public, requires_role, signed_in_user
from server.checklists.library import Library
from server.exercises.library import Scenarios
from server.exercises.models import FACILITATORS
from server.i18n import LANGUAGES, current_locale
from server.journeys import checklist_allowed, offline_urls
from server.labels import AUDIENCE_LABELS
from server.lessons.library import Lessons
from server.templating import render


def _lessons(request: Request) -> Lessons:
    lessons: Lessons = request.app.state.lessons
    return lessons


@requires_role()
async def lesson_list(request: Request) -> Response:
    user = signed_in_user(request)
    here = request.url_for("lessons").path
    context = {
        "lessons": _lessons(request).in_order(),
        "audience_labels": AUDIENCE_LABELS,
        "lang": current_locale.get(),
        "offline_urls": [*offline_urls(request, user), here],
    }
    return render(request, "lessons/list.html", context)


@requires_role()
async def lesson_page(request: Request) -> Response:
    user = signed_in_user(request)
    lesson = _lessons(request).get(request.path_params["slug"])
    if lesson is None:
        raise HTTPException(status_code=404)
    library: Library = request.app.state.checklists
    linked = []
    for checklist_id in lesson.checklists:
        checklist = library.get(checklist_id)
        assert checklist is not None  # the loader holds it: every linked checklist exists
        opens = user.has_role(*checklist.audience) and checklist_allowed(user, checklist_id)
        linked.append((checklist, opens))
    here = request.url_for("lesson", slug=lesson.id).path
    scenarios: Scenarios = request.app.state.scenarios
    context = {
        "lesson": lesson,
        "linked": linked,
        # the tabletop exercises that follow it, for those who run them
        "exercises": scenarios.for_lesson(lesson.id) if user.has_role(*FACILITATORS) else [],
        "audience_labels": AUDIENCE_LABELS,
        "lang": current_locale.get(),
        # kept on the phone from the first visit: a lesson given at a depot with no signal
        "offline_urls": [*offline_urls(request, user), request.url_for("lessons").path, here],
    }
    return render(request, "lessons/lesson.html", context)


def _in_language(request: Request, page: str, context: dict) -> Response:
    """A public page in the language asked for (``?lang=es``), else the visitor's own."""
    wanted = request.query_params.get("lang", "")
    if wanted not in LANGUAGES:
        return render(request, page, {**context, "lang": current_locale.get()})
    token = current_locale.set(wanted)
    try:
        return render(request, page, {**context, "lang": wanted})
    finally:
        current_locale.reset(token)


@public
async def family_cards(request: Request) -> Response:
    return _in_language(request, "lessons/families.html", {"cards": _lessons(request).cards()})


@public
async def family_card(request: Request) -> Response:
    found = _lessons(request).card(request.path_params["card"])
    if found is None:
        raise HTTPException(status_code=404)
    lesson, card = found
    sources = {source.id: source for source in lesson.sources}
    cited = {s for section in card.sections for point in section.points for s in point.cites}
    context = {
        "lesson": lesson,
        "card": card,
        "sources": [sources[s] for s in sources if s in cited],
        # kept for reading again with no signal (the address as asked: ?lang=es stays Spanish)
        "offline_urls": [request.url.path + (f"?{request.url.query}" if request.url.query else "")],
    }
    return _in_language(request, "lessons/card.html", context)


routes = [
    Route("/lessons", lesson_list, name="lessons"),
    Route("/lessons/{slug:str}", lesson_page, name="lesson"),
    Route("/families", family_cards, name="families"),
    Route("/families/{card:str}", family_card, name="family_card"),
]
