"""Threat assessment case pages: the list, intake ("Start a threat assessment", from a concern,
a report, an incident, or by hand), the case page that reads top to bottom as the record (each
stage's form on it), its print, the district's clock and retention, and the purge. Anyone who
may not see a case is told it doesn't exist (404), and the attempt is audited
(server/cases/access.py). Parse, call server/cases/, render or redirect."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from pydantic import BaseModel
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from server.auth import requires_role, signed_in_user
from server.cases import access, queries, record, retention, service, sources
from server.cases.forms import (
    AssessmentForm,
    CloseForm,
    EntryForm,
    IdentificationForm,
    IntakeForm,
    MarkerForm,
    MemberForm,
    PolicyForm,
    PurgeForm,
    ReviewForm,
    StageForm,
    SupportForm,
    SupportStatusForm,
)
from server.cases.models import Case, SourceKind
from server.cases.page import LABELS
from server.district_time import zone
from server.forms import parsed
from server.i18n import gettext as _
from server.models import Role, School
from server.pages import flash, flashed
from server.templating import render
from server.tenancy import scoped


def _now() -> datetime:
    return datetime.now(UTC)


def _today(request: Request) -> date:
    return datetime.now(zone(request)).date()


async def _case(request: Request, action: str = "case.viewed") -> Case:
    case = await access.find(signed_in_user(request), request.path_params["id"], action)
    if case is None:
        raise HTTPException(404)
    return case


async def _page(
    request: Request, case: Case, errors: dict | None = None, values: dict | None = None
) -> Response:
    context = await queries.record(case, _now())
    context |= LABELS | {
        "log": await queries.access_log(case),
        "candidates": await access.candidates(case),
        "errors": errors or {},
        "values": values or {},
        "flash": None if errors else flash(request),
    }
    return render(request, "cases/case.html", context, status_code=422 if errors else 200)


@requires_role()  # the cases this person may see; 404 for anyone with none to see
async def case_list(request: Request) -> Response:
    user = signed_in_user(request)
    if not await access.may_list(user):
        await access.refused(user)
        raise HTTPException(404)
    rows = await queries.listed(user, _now())
    context = {"rows": rows, "lead": await access.is_lead(user), "flash": flash(request)}
    context |= {"may_open": await access.on_threat_team(user)} | LABELS
    return render(request, "cases/list.html", context)


async def _intake_page(request: Request, values: dict, errors: dict) -> Response:
    user = signed_in_user(request)
    schools = await scoped(School, user).order_by("name")
    context = {"values": values, "errors": errors, "schools": schools} | LABELS
    return render(request, "cases/new.html", context, status_code=422 if errors else 200)


@requires_role()  # the threat assessment teams only; 404 for everyone else
async def case_new(request: Request) -> Response:
    user = signed_in_user(request)
    if not await access.on_threat_team(user):
        await access.refused(user)
        raise HTTPException(404)
    if request.method == "GET":
        raw_kind = request.query_params.get("from", SourceKind.HAND.value)
        kind = SourceKind(raw_kind) if raw_kind in set(SourceKind) else SourceKind.HAND
        raw_id = request.query_params.get("id", "")[:64]
        values = await sources.draft(user, kind, raw_id, zone(request))
        return await _intake_page(request, {"source_kind": kind.value, **values}, {})
    raw = await request.form()
    form, errors = parsed(IntakeForm, raw)
    if form is None:
        return await _intake_page(request, dict(raw), errors)
    given = form.model_dump()
    intake = service.Intake(school_id=given.pop("school"), **given)
    case = await service.open_case(user, intake, _now())
    if case is None:
        errors = {"school": _("You are not on that school's threat assessment team.")}
        return await _intake_page(request, dict(raw), errors)
    return flashed(
        request, _("Case opened. Screen it within the triage clock."), "case", id=case.id
    )


@requires_role()  # the case's team and the district's leads; 404 for everyone else
async def case_page(request: Request) -> Response:
    return await _page(request, await _case(request))


async def _edit(
    request: Request, model: type[BaseModel], part: str
) -> tuple[Case, BaseModel | None, dict, dict]:
    """The case (an edit is audited by the service; the attempt by an outsider here), the
    parsed form or its errors, and what was posted."""
    case = await _case(request, "")  # the edit itself is audited by the service
    raw = await request.form()
    form, errors = parsed(model, raw)
    return case, form, errors, {"part": part, **dict(raw)}


def _done(request: Request, case: Case, said: str, anchor: str) -> Response:
    return flashed(request, said, "case", anchor, id=case.id)


@requires_role()
async def case_identify(request: Request) -> Response:
    case, form, errors, raw = await _edit(request, IdentificationForm, "identification")
    if not isinstance(form, IdentificationForm):
        return await _page(request, case, errors, raw)
    errors = await service.identify(signed_in_user(request), case, form, _now())
    if errors:
        return await _page(request, case, errors, raw)
    return _done(request, case, _("Identification saved."), "#identification")


@requires_role()
async def case_stage(request: Request) -> Response:
    case, form, errors, raw = await _edit(request, StageForm, "stage")
    if isinstance(form, StageForm):
        error = await service.move(signed_in_user(request), case, form.to, _now())
        errors = {"stage": error} if error else {}
    if errors:
        return await _page(request, case, errors, raw)
    return _done(request, case, _("The case moved on."), "#stage")


@requires_role()
async def case_entry(request: Request) -> Response:
    case, form, errors, raw = await _edit(request, EntryForm, "inquiry")
    if isinstance(form, EntryForm):
        done_at = form.done_at.replace(tzinfo=zone(request))
        errors = await record.add_entry(signed_in_user(request), case, form, done_at, _now())
    if errors:
        return await _page(request, case, errors, raw)
    return _done(request, case, _("Added to the inquiry."), "#inquiry")


@requires_role()
async def case_assess(request: Request) -> Response:
    case, form, errors, raw = await _edit(request, AssessmentForm, "assessment")
    if isinstance(form, AssessmentForm):
        errors = await record.assess(signed_in_user(request), case, form, _now())
    if errors:
        return await _page(request, case, errors, raw)
    return _done(request, case, _("Assessment saved."), "#assessment")


@requires_role()
async def case_marker(request: Request) -> Response:
    case, form, errors, raw = await _edit(request, MarkerForm, "markers")
    if isinstance(form, MarkerForm):
        errors = await record.add_marker(signed_in_user(request), case, form, _now())
    if errors:
        return await _page(request, case, errors, raw)
    return _done(request, case, _("Marker saved."), "#markers")


@requires_role()
async def case_support(request: Request) -> Response:
    case, form, errors, raw = await _edit(request, SupportForm, "plan")
    if isinstance(form, SupportForm):
        user = signed_in_user(request)
        errors = await record.add_support(user, case, form, _today(request), _now())
    if errors:
        return await _page(request, case, errors, raw)
    return _done(request, case, _("Support added to the plan."), "#management")


@requires_role()
async def case_support_status(request: Request) -> Response:
    case, form, errors, raw = await _edit(request, SupportStatusForm, "plan")
    if isinstance(form, SupportStatusForm):
        support_id = request.path_params["support"]
        error = await record.set_support(signed_in_user(request), case, support_id, form.status)
        errors = {"form": error} if error else {}
    if errors:
        return await _page(request, case, errors, raw)
    return _done(request, case, _("Support updated."), "#management")


@requires_role()
async def case_review(request: Request) -> Response:
    case, form, errors, raw = await _edit(request, ReviewForm, "review")
    if isinstance(form, ReviewForm):
        user = signed_in_user(request)
        errors = await record.set_review(user, case, form.review_on, _today(request))
    if errors:
        return await _page(request, case, errors, raw)
    return _done(request, case, _("Review date saved."), "#management")


@requires_role()
async def case_close(request: Request) -> Response:
    case, form, errors, raw = await _edit(request, CloseForm, "closure")
    if isinstance(form, CloseForm):
        user = signed_in_user(request)
        errors = await record.close(user, case, form, _today(request), _now())
    if errors:
        return await _page(request, case, errors, raw)
    return _done(request, case, _("Case closed."), "#closure")


@requires_role()
async def case_team(request: Request) -> Response:
    case, form, errors, raw = await _edit(request, MemberForm, "team")
    if isinstance(form, MemberForm):
        user = signed_in_user(request)
        if raw.get("remove"):
            error = await service.remove_member(user, case, form.person)
        else:
            error = await service.add_member(user, case, form.person, _now())
        errors = {"person": error} if error else {}
    if errors:
        return await _page(request, case, errors, raw)
    return _done(request, case, _("Team changed."), "#team")


@requires_role()
async def case_print(request: Request) -> Response:
    case = await _case(request, "case.printed")
    context = await queries.record(case, _now()) | LABELS
    context |= {"log": await queries.access_log(case), "printed_at": _now()}
    return render(request, "cases/print.html", context)


async def _lead_or_404(request: Request) -> None:
    user = signed_in_user(request)
    if not await access.is_lead(user):
        await access.refused(user)
        raise HTTPException(404)


@requires_role()  # the district's leads, and admins (no case is shown: only two numbers)
async def case_settings(request: Request) -> Response:
    user = signed_in_user(request)
    if not user.has_role(Role.ADMIN):
        await _lead_or_404(request)
    kept = await retention.policy(user.organisation_id)
    values: dict[str, Any] = {
        "triage_hours": kept.triage_hours,
        "retention_years": kept.retention_years,
    }
    errors: dict[str, str] = {}
    if request.method == "POST":
        raw = await request.form()
        form, errors = parsed(PolicyForm, raw)
        if isinstance(form, PolicyForm):
            await retention.set_policy(user, form)
            return flashed(request, _("Saved."), "case_settings")
        values = dict(raw)
    context = {"values": values, "errors": errors, "flash": flash(request)}
    return render(request, "cases/settings.html", context, status_code=422 if errors else 200)


@requires_role()  # the district's leads only
async def case_retention(request: Request) -> Response:
    await _lead_or_404(request)
    user = signed_in_user(request)
    cases = await queries.past_retention_list(user, _now())
    kept = await retention.policy(user.organisation_id)
    context = {"cases": cases, "years": kept.retention_years, "flash": flash(request)}
    return render(request, "cases/retention.html", context | LABELS)


@requires_role()  # the district's leads only
async def case_purge(request: Request) -> Response:
    case = await _case(request, "")  # an outsider's attempt audited on the case
    await _lead_or_404(request)
    form, _errors = parsed(PurgeForm, await request.form())
    if form is None:
        raise HTTPException(422)
    error = await retention.purge(signed_in_user(request), case, _now())
    if error:
        raise HTTPException(409, error)
    return flashed(request, _("Case purged. The audit log keeps that it was."), "case_retention")


routes = [
    Route("/cases", case_list, name="cases"),
    Route("/cases/new", case_new, methods=["GET", "POST"], name="case_new"),
    Route("/cases/settings", case_settings, methods=["GET", "POST"], name="case_settings"),
    Route("/cases/retention", case_retention, name="case_retention"),
    Route("/cases/{id:int}", case_page, name="case"),
    Route("/cases/{id:int}/identification", case_identify, methods=["POST"], name="case_identify"),
    Route("/cases/{id:int}/stage", case_stage, methods=["POST"], name="case_stage"),
    Route("/cases/{id:int}/inquiry", case_entry, methods=["POST"], name="case_entry"),
    Route("/cases/{id:int}/assessment", case_assess, methods=["POST"], name="case_assess"),
    Route("/cases/{id:int}/markers", case_marker, methods=["POST"], name="case_marker"),
    Route("/cases/{id:int}/plan", case_support, methods=["POST"], name="case_support"),
    Route(
        "/cases/{id:int}/plan/{support:int}",
        case_support_status,
        methods=["POST"],
        name="case_support_status",
    ),
    Route("/cases/{id:int}/review", case_review, methods=["POST"], name="case_review"),
    Route("/cases/{id:int}/close", case_close, methods=["POST"], name="case_close"),
    Route("/cases/{id:int}/team", case_team, methods=["POST"], name="case_team"),
    Route("/cases/{id:int}/print", case_print, name="case_print"),
    Route("/cases/{id:int}/purge", case_purge, methods=["POST"], name="case_purge"),
]
