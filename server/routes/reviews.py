"""After-action review pages: the district's reviews and improvement plan, the hot wash for an
incident (or a near miss), a review with its actions, and an action's status. The safety team
and admins write; an action's owner may mark it done (from their home screen). Parse, call
server/reviews/service.py or queries.py, render or redirect."""

from __future__ import annotations

from datetime import UTC, date, datetime

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from server.auth import requires_role, signed_in_user
from server.district_time import zone
from server.drills import queries as drill_queries
from server.drills.models import Drill
from server.forms import parsed
from server.i18n import N_
from server.i18n import gettext as _
from server.incidents.models import Incident
from server.pages import flash, flashed
from server.reviews import queries, service
from server.reviews.forms import ActionForm, ActionStatusForm, ReviewForm
from server.reviews.models import WRITERS, ActionStatus, ImprovementAction, Review
from server.templating import render
from server.tenancy import MAX_ID, get_or_404

# What the next page says after an action's status is set (each a whole sentence, for Spanish).
SAID = {
    ActionStatus.OPEN: N_("Action open again."),
    ActionStatus.DONE: N_("Action marked done."),
    ActionStatus.DROPPED: N_("Action dropped."),
}


def _today(request: Request) -> date:
    """The district's day: due dates are days on its calendar."""
    return datetime.now(zone(request)).date()


def _checklists(request: Request) -> list:
    return sorted(request.app.state.checklists.checklists.values(), key=lambda c: c.id)


@requires_role(*WRITERS)
async def review_list(request: Request) -> Response:
    user = signed_in_user(request)
    context = await queries.plan_page(user, _today(request))
    context |= {"flash": flash(request), "checklists": _checklists(request)}
    context |= {"values": {}, "errors": {}}
    return render(request, "reviews/list.html", context)


async def _subject(request: Request) -> tuple[Incident | None, Drill | None]:
    """What a new review is for: an incident (``?incident=``), a drill (``?drill=``, with its
    own incident, whose records are measured), or neither: a near miss."""
    user = signed_in_user(request)
    drill = None
    raw = request.query_params.get("drill", "")
    if raw:
        if not raw.isdecimal() or not 0 < int(raw) <= MAX_ID:
            raise HTTPException(404)
        drill = await get_or_404(Drill, user, int(raw))
        incident = await Incident.get_or_none(id=drill.incident_id) if drill.incident_id else None
        return incident, drill
    raw = request.query_params.get("incident", "")
    if not raw:
        return None, None
    if not raw.isdecimal() or not 0 < int(raw) <= MAX_ID:
        raise HTTPException(404)
    return await get_or_404(Incident, user, int(raw)), None


async def _review_form(
    request: Request,
    subject: tuple[Incident | None, Drill | None],
    review: Review | None,
    values: dict,
    errors: dict,
) -> Response:
    user = signed_in_user(request)
    context = await queries.form_page(user, *subject)
    context |= {"review": review, "values": values, "errors": errors, "flash": flash(request)}
    return render(request, "reviews/form.html", context, status_code=422 if errors else 200)


@requires_role(*WRITERS)
async def review_new(request: Request) -> Response:
    user = signed_in_user(request)
    subject = incident, drill = await _subject(request)
    if request.method == "GET":
        existing = await queries.review_of(user, incident, drill)
        if existing is not None:
            return RedirectResponse(str(request.url_for("review_edit", id=existing.id)), 303)
        # A drill's review opens with the words its figures give; the writer edits them.
        values = await drill_queries.review_draft(drill) if drill else {}
        return await _review_form(request, subject, None, values, {})
    # Posted while someone else wrote it: their review is edited with these words, not lost.
    raw = await request.form()
    form, errors = parsed(ReviewForm, raw)
    if form is None:
        return await _review_form(request, subject, None, dict(raw), errors)
    review = await service.write_review(user, form, incident, datetime.now(UTC), drill)
    return flashed(request, _("Review saved."), "review", id=review.id)


@requires_role(*WRITERS)
async def review_edit(request: Request) -> Response:
    user = signed_in_user(request)
    review = await get_or_404(Review, user, request.path_params["id"])
    subject = await queries.incident_of(user, review), await queries.drill_of(user, review)
    if request.method == "GET":
        values = {n: getattr(review, n) for n in ReviewForm.model_fields}
        return await _review_form(request, subject, review, values, {})
    raw = await request.form()
    form, errors = parsed(ReviewForm, raw)
    if form is None:
        return await _review_form(request, subject, review, dict(raw), errors)
    await service.edit_review(user, review, form, datetime.now(UTC))
    return flashed(request, _("Review saved."), "review", id=review.id)


async def _review_page(
    request: Request, review: Review, values: dict, errors: dict, flashed_now: str | None
) -> Response:
    user = signed_in_user(request)
    context = await queries.review_page(user, review, _today(request))
    context |= {"values": values, "errors": errors, "flash": flashed_now}
    context |= {"checklists": _checklists(request)}
    return render(request, "reviews/review.html", context, status_code=422 if errors else 200)


@requires_role(*WRITERS)
async def review_page(request: Request) -> Response:
    review = await get_or_404(Review, signed_in_user(request), request.path_params["id"])
    return await _review_page(request, review, {}, {}, flash(request))


@requires_role(*WRITERS)
async def review_action(request: Request) -> Response:
    """An action added on a review's page: prompted by that review."""
    user = signed_in_user(request)
    review = await get_or_404(Review, user, request.path_params["id"])
    raw = await request.form()
    form, errors = parsed(ActionForm, raw)
    if form is not None:
        known = {c.id for c in _checklists(request)}
        now = datetime.now(UTC)
        _action, errors = await service.add_action(user, form, review, known, _today(request), now)
    if errors:
        return await _review_page(request, review, dict(raw), errors, None)
    return flashed(request, _("Action added."), "review", "#actions-title", id=review.id)


@requires_role(*WRITERS)
async def action_new(request: Request) -> Response:
    """An action added on the plan's page: prompted by words, or a review chosen there."""
    user = signed_in_user(request)
    raw = await request.form()
    form, errors = parsed(ActionForm, raw)
    if form is not None:
        known = {c.id for c in _checklists(request)}
        now = datetime.now(UTC)
        _action, errors = await service.add_action(user, form, None, known, _today(request), now)
    if errors:
        context = await queries.plan_page(user, _today(request))
        context |= {"flash": None, "checklists": _checklists(request)}
        context |= {"values": dict(raw), "errors": errors}
        return render(request, "reviews/list.html", context, status_code=422)
    return flashed(request, _("Action added."), "reviews", "#plan-title")


async def _action_page(
    request: Request, action: ImprovementAction, values: dict, errors: dict
) -> Response:
    context = await queries.action_page(signed_in_user(request), action)
    context |= {"values": values, "errors": errors, "checklists": _checklists(request)}
    return render(request, "reviews/action.html", context, status_code=422 if errors else 200)


@requires_role(*WRITERS)
async def action_edit(request: Request) -> Response:
    """An action's words, owner, due day or checklist, changed by the safety team or admins."""
    user = signed_in_user(request)
    action = await get_or_404(ImprovementAction, user, request.path_params["id"])
    if request.method == "GET":
        values = {
            "description": action.description,
            "owner": action.owner_id,
            "due_on": action.due_on.isoformat(),
            "prompted_by": action.prompted_by,
            "checklist": action.checklist_id,
        }
        return await _action_page(request, action, values, {})
    raw = await request.form()
    form, errors = parsed(ActionForm, raw)
    if form is not None:
        known = {c.id for c in _checklists(request)}
        errors = await service.edit_action(user, action, form, known, _today(request))
    if errors:
        return await _action_page(request, action, dict(raw), errors)
    if action.review_id is not None:
        return flashed(request, _("Action saved."), "review", "#actions-title", id=action.review_id)
    return flashed(request, _("Action saved."), "reviews", "#plan-title")


@requires_role()
async def action_status(request: Request) -> Response:
    """An action's status: the safety team and admins any; its owner may mark it done."""
    user = signed_in_user(request)
    action = await get_or_404(ImprovementAction, user, request.path_params["id"])
    form, _errors = parsed(ActionStatusForm, await request.form())
    if form is None:
        raise HTTPException(422)
    outcome = await service.set_status(user, action, form.status, datetime.now(UTC))
    if outcome == service.Outcome.HIDDEN:
        raise HTTPException(404)
    if outcome == service.Outcome.REFUSED:
        raise HTTPException(403)
    message = _(SAID[form.status])
    if form.back == "home":
        return flashed(request, message, "home", "#my-actions-title")
    if form.back == "review" and action.review_id is not None:
        return flashed(request, message, "review", "#actions-title", id=action.review_id)
    return flashed(request, message, "reviews", "#plan-title")


routes = [
    Route("/reviews", review_list, name="reviews"),
    Route("/reviews/new", review_new, methods=["GET", "POST"], name="review_new"),
    Route("/reviews/{id:int}", review_page, name="review"),
    Route("/reviews/{id:int}/edit", review_edit, methods=["GET", "POST"], name="review_edit"),
    Route("/reviews/{id:int}/actions", review_action, methods=["POST"], name="review_action"),
    Route("/reviews/actions", action_new, methods=["POST"], name="action_new"),
    Route("/reviews/actions/{id:int}", action_edit, methods=["GET", "POST"], name="action_edit"),
    Route(
        "/reviews/actions/{id:int}/status",
        action_status,
        methods=["POST"],
        name="action_status",
    ),
]
