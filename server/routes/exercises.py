"""Tabletop exercise pages: the scenarios and the district's exercises (start one), and the
facilitator's screen, one step at a time (``?step=``: 0 the situation and who takes part, then
each inject, then the wrap-up), which records who took part and the decision taken at each
inject and finishes into the exercise's after-action review. Admins and the safety team run
them. Parse, call server/exercises/, render or redirect."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from server.auth import requires_role, signed_in_user
from server.checklists.library import Library
from server.district_time import zone
from server.exercises import queries, service
from server.exercises.forms import DecisionForm, ParticipantsForm, StartForm
from server.exercises.library import Scenarios
from server.exercises.models import FACILITATORS, Exercise
from server.exercises.schema import Scenario
from server.forms import parsed
from server.i18n import current_locale
from server.i18n import gettext as _
from server.journeys import checklist_allowed
from server.models import School, User
from server.pages import flash, flashed
from server.templating import render
from server.tenancy import get_or_404, scoped


def _scenarios(request: Request) -> Scenarios:
    scenarios: Scenarios = request.app.state.scenarios
    return scenarios


async def _list(request: Request, values: dict, errors: dict) -> Response:
    user = signed_in_user(request)
    context = {
        "scenarios": _scenarios(request).in_order(),
        "titles": {s.id: s.title.get(current_locale.get()) for s in _scenarios(request).in_order()},
        "exercises": await queries.recent(user),
        "schools": await scoped(School, user).order_by("name"),
        "lang": current_locale.get(),
        "values": values,
        "errors": errors,
        "flash": flash(request),
        **queries.LABELS,
    }
    return render(request, "exercises/list.html", context, status_code=422 if errors else 200)


@requires_role(*FACILITATORS)
async def exercise_list(request: Request) -> Response:
    if request.method == "GET":
        return await _list(request, dict(request.query_params), {})
    raw = await request.form()
    form, errors = parsed(StartForm, raw)
    if form is not None:
        user = signed_in_user(request)
        scenarios = _scenarios(request)
        exercise, errors = await service.start(user, form, scenarios, datetime.now(UTC))
        if exercise is not None:
            return RedirectResponse(request.url_for("exercise", id=exercise.id).path, 303)
    return await _list(request, dict(raw), errors)


async def _exercise(request: Request) -> tuple[Exercise, Scenario]:
    exercise = await get_or_404(Exercise, signed_in_user(request), request.path_params["id"])
    scenario = _scenarios(request).get(exercise.scenario)
    if scenario is None:  # its file was taken out since: nothing left to step through
        raise HTTPException(404)
    return exercise, scenario


def _checklists(request: Request, user: User, ids: list[str]) -> list[tuple[object, bool]]:
    """Each linked checklist, and whether this person may open it in practice mode (any, for
    those who run exercises, within the district's settings): the rest are named, not linked."""
    library: Library = request.app.state.checklists
    found: list[tuple[object, bool]] = []
    for checklist_id in ids:
        checklist = library.get(checklist_id)
        assert checklist is not None  # the loader holds it: every linked checklist exists
        mine = user.has_role(*checklist.audience) and checklist_allowed(user, checklist_id)
        opens = mine or service.rehearses_any(user)
        found.append((checklist, opens))
    return found


def _step(request: Request, last: int) -> int:
    raw = request.query_params.get("step", "0")
    return min(int(raw), last) if raw.isdecimal() and len(raw) < 4 else 0


async def _page(request: Request, said: str | None = None, status: int = 200, **extra) -> Response:
    user = signed_in_user(request)
    exercise, scenario = await _exercise(request)
    await exercise.fetch_related("school", "facilitator")
    last = len(scenario.injects) + 1
    step = extra.pop("step", None)
    step = _step(request, last) if step is None else step
    inject = scenario.injects[step - 1] if 0 < step < last else None
    taken = await queries.decisions(exercise)
    started = exercise.started_at  # shown on the district's clock by the templates' filters
    now = datetime.now(UTC)
    at = (started + timedelta(minutes=inject.minute)) if inject else None
    context = {
        "exercise": exercise,
        "scenario": scenario,
        "step": step,
        "last": last,
        "inject": inject,
        "at": at,
        "started": started,
        "now": now,  # the clock's script corrects the device's clock by it
        "elapsed": queries.clock_text((now - started).total_seconds()),
        "until": queries.clock_text(abs((at - now).total_seconds())) if at else None,
        "due": at is not None and at > now,
        "taken": taken,
        "review": await queries.review_of(user, exercise),
        "linked": _checklists(request, user, inject.checklists if inject else []),
        "all_linked": _checklists(request, user, scenario.checklists()),
        "lang": current_locale.get(),
        "flash": said or flash(request),
        "values": extra.pop("values", {}),
        "errors": extra.pop("errors", {}),
        **queries.LABELS,
    }
    return render(request, "exercises/facilitate.html", context, status_code=status)


@requires_role(*FACILITATORS)
async def exercise_page(request: Request) -> Response:
    return await _page(request)


def _to_step(request: Request, exercise: Exercise, step: int, said: str = "") -> Response:
    if said:
        request.session["flash"] = said
    url = request.url_for("exercise", id=exercise.id).path + f"?step={step}"
    return RedirectResponse(url, 303)


@requires_role(*FACILITATORS)
async def exercise_participants(request: Request) -> Response:
    exercise, _scenario = await _exercise(request)
    raw = await request.form()
    form, errors = parsed(ParticipantsForm, raw)
    if form is None:
        return await _page(request, None, 422, step=0, values=dict(raw), errors=errors)
    refused = await service.set_participants(signed_in_user(request), exercise, form.names())
    return _to_step(request, exercise, 0 if refused else 1, refused or _("Who took part: saved."))


@requires_role(*FACILITATORS)
async def exercise_decision(request: Request) -> Response:
    exercise, scenario = await _exercise(request)
    raw = await request.form()
    form, errors = parsed(DecisionForm, raw)
    ids = [inject.id for inject in scenario.injects]
    step = ids.index(str(raw.get("inject"))) + 1 if raw.get("inject") in ids else 0
    if not step:  # not an inject of this scenario: no screen to show it on
        raise HTTPException(422)
    if form is None:
        return await _page(request, None, 422, step=step, values=dict(raw), errors=errors)
    now = datetime.now(UTC)
    refused = await service.record_decision(signed_in_user(request), exercise, scenario, form, now)
    if refused:
        return _to_step(request, exercise, step, refused)
    return _to_step(request, exercise, step + 1, _("Decision saved."))


@requires_role(*FACILITATORS)
async def exercise_finish(request: Request) -> Response:
    exercise, scenario = await _exercise(request)
    user = signed_in_user(request)
    now = datetime.now(UTC)
    today = now.astimezone(zone(request)).date()  # the day it counts on, if it was planned
    review = await service.finish(user, exercise, scenario, current_locale.get(), now, today)
    said = _("The exercise is finished. Its review starts with the decisions taken.")
    return flashed(request, said, "review_edit", id=review.id)


routes = [
    Route("/exercises", exercise_list, methods=["GET", "POST"], name="exercises"),
    Route("/exercises/{id:int}", exercise_page, name="exercise"),
    Route(
        "/exercises/{id:int}/participants",
        exercise_participants,
        methods=["POST"],
        name="exercise_participants",
    ),
    Route(
        "/exercises/{id:int}/decisions",
        exercise_decision,
        methods=["POST"],
        name="exercise_decision",
    ),
    Route("/exercises/{id:int}/finish", exercise_finish, methods=["POST"], name="exercise_finish"),
]
