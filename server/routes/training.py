"""Training pages: a trainer's page and the session form (kept on the phone: a session at a bus
depot is recorded with no signal and sent through the outbox), a session with its attendance and
the feedback on a practice delivery, the safety team's coverage (matrix, people due a refresher,
a CSV), and the admins' trainers, certification and settings. Anyone else gets a 404, as if the
pages didn't exist. Parse, call server/training/, render or redirect."""

from __future__ import annotations

from datetime import date, datetime

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from server.auth import requires_role, signed_in_user
from server.district_time import zone
from server.forms import parsed
from server.i18n import current_locale
from server.i18n import gettext as _
from server.lessons.catalogue import SLUGS, choices, title
from server.models import Role, User
from server.pages import flash, flashed
from server.spreadsheet import csv_response
from server.templating import render
from server.tenancy import get_or_404
from server.training import queries, service
from server.training.forms import TrainerForm, TrainingSettingsForm
from server.training.models import AUDIENCE_LABELS, PUBLIC, VERDICT_LABELS, Audience, Trainer


def _today(request: Request) -> date:
    return datetime.now(zone(request)).date()


def _common() -> dict:
    return {
        "lessons": choices(current_locale.get()),
        "audiences": AUDIENCE_LABELS,
        "public": sorted(PUBLIC),
        "verdicts": VERDICT_LABELS,
        "lesson_title": lambda slug: title(slug, current_locale.get()) if slug in SLUGS else slug,
    }


async def _readers_only(user: User) -> None:
    if not service.may_read_all(user):
        raise HTTPException(status_code=404)


@requires_role()
async def training_home(request: Request) -> Response:
    user = signed_in_user(request)
    trainer = await service.trainer_of(user)
    if trainer is None and not service.may_read_all(user):
        raise HTTPException(status_code=404)
    settings = await service.settings_of(user.organisation_id)
    today = _today(request)
    context = _common() | {
        "trainer": trainer,
        "reminder": await queries.my_reminder(user, today, settings.reminder_days),
        "mine": await queries.my_sessions(user) if trainer else [],
        "recent": await queries.recent_sessions(user) if service.may_read_all(user) else [],
        "reads": service.may_read_all(user),
        "certifies": user.has_role(Role.ADMIN),
        "flash": flash(request),
    }
    return render(request, "training/home.html", context)


@requires_role()
async def session_form(request: Request) -> Response:
    user = signed_in_user(request)
    if await service.trainer_of(user) is None:
        raise HTTPException(status_code=404)
    context = _common() | {
        "people": await queries.people(user),
        "schools": await queries.schools(user),
    }
    return render(request, "training/session_form.html", context)


@requires_role()
async def session_page(request: Request) -> Response:
    user = signed_in_user(request)
    session = await service.read_session(user, request.path_params["id"])
    if session is None:
        raise HTTPException(status_code=404)
    page = await queries.session_page(session)
    refusal = await service.feedback_refusal(user, session)
    given = any(f.author_id == user.id for f in page.feedback)
    context = _common() | {"page": page, "may_give": refusal is None and not given}
    return render(request, "training/session.html", context)


def _scope(request: Request, schools: list) -> str:
    raw = request.query_params.get("school", queries.ALL)
    known = {queries.ALL, queries.DISTRICT, *(str(s.id) for s in schools)}
    return raw if raw in known else queries.ALL


@requires_role()
async def coverage(request: Request) -> Response:
    user = signed_in_user(request)
    await _readers_only(user)
    settings = await service.settings_of(user.organisation_id)
    schools = await queries.schools(user)
    scope = _scope(request, schools)
    today = _today(request)
    records = await queries.attended(user.organisation_id, zone(request))
    raw = request.query_params.get("audience", "")
    chosen = Audience(raw) if raw in {a.value for a in Audience} else None
    context = _common() | {
        "schools": schools,
        "scope": scope,
        "audience": chosen,  # one audience's column (a phone's width), or every one
        "columns": {a: AUDIENCE_LABELS[a] for a in Audience if chosen in (None, a)},
        "cells": queries.matrix(records, scope),
        "due": await queries.due_refreshers(
            user.organisation_id, records, today, settings.refresher_months
        ),
        "today": today,
        "months": settings.refresher_months,
        "slugs": SLUGS,
    }
    return render(request, "training/coverage.html", context)


@requires_role()
async def coverage_cell(request: Request) -> Response:
    user = signed_in_user(request)
    await _readers_only(user)
    lesson, raw_audience = request.path_params["lesson"], request.path_params["audience"]
    if lesson not in SLUGS or raw_audience not in {a.value for a in Audience}:
        raise HTTPException(status_code=404)
    schools = await queries.schools(user)
    scope = _scope(request, schools)
    records = await queries.attended(user.organisation_id, zone(request))
    chosen = queries.cell_attendees(records, scope, lesson, Audience(raw_audience))
    settings = await service.settings_of(user.organisation_id)
    context = _common() | {
        "lesson": lesson,
        "audience": Audience(raw_audience),
        "scope": scope,
        "schools": {str(s.id): s.name for s in schools},
        "sessions": chosen,
        "names": await queries.names_of(user.organisation_id, chosen),
        "cell": queries.matrix(chosen, queries.ALL).get((lesson, Audience(raw_audience))),
        "today": _today(request),
        "months": settings.refresher_months,
    }
    return render(request, "training/cell.html", context)


CSV_HEADER = [
    "lesson",
    "audience",
    "school",
    "sessions",
    "people_trained",
    "last_trained",
    "refresher_due_on",
    "status",
]


@requires_role()
async def coverage_csv(request: Request) -> Response:
    """Every lesson x audience x school (and district-wide) of the district, one row each."""
    user = signed_in_user(request)
    await _readers_only(user)
    settings = await service.settings_of(user.organisation_id)
    months, today = settings.refresher_months, _today(request)
    records = await queries.attended(user.organisation_id, zone(request))
    scopes = [(queries.DISTRICT, _("District-wide"))]
    scopes += [(str(s.id), s.name) for s in await queries.schools(user)]
    rows = []
    for scope, name in scopes:
        cells = queries.matrix(records, scope)
        for slug in SLUGS:
            for audience in Audience:
                cell = cells.get((slug, audience)) or queries.Cell()
                due = cell.due_on(months)
                rows.append(
                    [
                        slug,
                        audience.value,
                        name,
                        cell.sessions,
                        cell.trained,
                        cell.last.isoformat() if cell.last else "",
                        due.isoformat() if due else "",
                        cell.status(today, months),
                    ]
                )
    return csv_response("training-coverage.csv", CSV_HEADER, rows)


async def _trainers_page(
    request: Request, values: dict, errors: dict, status: int = 200, flashed_now: str | None = None
) -> Response:
    user = signed_in_user(request)
    settings = await service.settings_of(user.organisation_id)
    context = {
        "trainers": await queries.trainers(user),
        "people": await queries.people(user),
        "settings": settings,
        "today": _today(request),
        "values": values,
        "errors": errors,
        "flash": flashed_now,
    }
    return render(request, "training/trainers.html", context, status_code=status)


@requires_role(Role.ADMIN)
async def trainers(request: Request) -> Response:
    if request.method == "GET":
        return await _trainers_page(request, {}, {}, flashed_now=flash(request))
    raw = await request.form()
    form, errors = parsed(TrainerForm, raw)
    if form is not None:
        _trainer, errors = await service.certify(signed_in_user(request), form)
    if errors:
        return await _trainers_page(request, dict(raw), errors, status=422)
    return flashed(request, _("Certification saved."), "training_trainers")


@requires_role(Role.ADMIN)
async def trainer_remove(request: Request) -> Response:
    user = signed_in_user(request)
    trainer = await get_or_404(Trainer, user, request.path_params["id"])
    await service.uncertify(user, trainer)
    return flashed(request, _("No longer a trainer."), "training_trainers")


@requires_role(Role.ADMIN)
async def training_settings(request: Request) -> Response:
    raw = await request.form()
    form, errors = parsed(TrainingSettingsForm, raw)
    if form is None:
        return await _trainers_page(request, dict(raw), errors, status=422)
    await service.set_settings(signed_in_user(request), form)
    return flashed(request, _("Saved."), "training_trainers")


routes = [
    Route("/training", training_home, name="training"),
    Route("/training/sessions/new", session_form, name="training_session_form"),
    Route("/training/sessions/{id:str}", session_page, name="training_session"),
    Route("/training/coverage", coverage, name="training_coverage"),
    Route("/training/coverage.csv", coverage_csv, name="training_coverage_csv"),
    Route(
        "/training/coverage/{lesson:str}/{audience:str}",
        coverage_cell,
        name="training_coverage_cell",
    ),
    Route("/training/trainers", trainers, methods=["GET", "POST"], name="training_trainers"),
    Route(
        "/training/trainers/{id:int}/remove",
        trainer_remove,
        methods=["POST"],
        name="training_trainer_remove",
    ),
    Route("/training/settings", training_settings, methods=["POST"], name="training_settings"),
]
