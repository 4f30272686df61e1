"""Every decision about tabletop exercises: starting one (a scenario that exists, a school of the
district), who took part, the decision taken at an inject (one an inject; saying it again
replaces it), and finishing it into its after-action review, prefilled with the decisions taken
beside those the scenario expected. The facilitators are admins and the safety team; every change
is audited. Takes no request, raises no HTTP errors: what a page must say comes back as errors."""

from __future__ import annotations

from datetime import date, datetime

from server import audit
from server.drills.models import Drill, DrillKind, DrillStatus
from server.exercises.forms import DecisionForm, StartForm
from server.exercises.library import Scenarios
from server.exercises.models import FACILITATORS, Exercise, ExerciseDecision, ExerciseStatus
from server.exercises.schema import Scenario
from server.i18n import gettext as _
from server.models import School, User
from server.reviews import service as reviews
from server.reviews.forms import LONG, ReviewForm
from server.reviews.models import Review, SubjectKind
from server.tenancy import scoped


def rehearses_any(user: User) -> bool:
    """Those who run exercises open any checklist in practice mode, whatever roles it is for:
    the facilitator shows the group the driver's or the teacher's steps. A practice run alerts
    nobody and counts nowhere; the district's limits on roles never narrow admins and the safety
    team."""
    return user.has_role(*FACILITATORS)


async def start(
    user: User, form: StartForm, scenarios: Scenarios, now: datetime
) -> tuple[Exercise | None, dict[str, str]]:
    errors = {}
    scenario = scenarios.get(form.scenario)
    if scenario is None:
        errors["scenario"] = _("Choose a scenario from the list.")
    if not await scoped(School, user).filter(id=form.school).exists():
        errors["school"] = _("Choose a school from the list.")
    if form.drill is not None and not await _planned(user, form):
        errors["scenario"] = _("This exercise is not the one planned on the calendar.")
    if errors or scenario is None:
        return None, errors
    exercise = await Exercise.create(
        drill_id=form.drill,
        organisation_id=user.organisation_id,
        school_id=form.school,
        scenario=scenario.id,
        scenario_version=scenario.version,
        facilitator_id=user.id,
        started_at=now,
    )
    await audit.record(user, "exercise.started", exercise, scenario=scenario.id)
    return exercise, {}


async def _planned(user: User, form: StartForm) -> bool:
    """The calendar's tabletop exercise it runs: the district's, still planned, of this school
    and scenario."""
    return (
        await scoped(Drill, user)
        .filter(
            id=form.drill,
            kind=DrillKind.TABLETOP,
            status=DrillStatus.PLANNED,
            school_id=form.school,
            scenario=form.scenario,
        )
        .exists()
    )


def refused(exercise: Exercise) -> str | None:
    """Why nothing more may be recorded: a finished exercise is its review's now."""
    if exercise.status == ExerciseStatus.FINISHED:
        return _("This exercise is finished: change its review instead.")
    return None


async def set_participants(user: User, exercise: Exercise, names: list[str]) -> str | None:
    if why := refused(exercise):
        return why
    if names != exercise.participants:
        exercise.participants = names
        await exercise.save(update_fields=["participants"])
        await audit.record(user, "exercise.participants", exercise, count=len(names))
    return None


async def record_decision(
    user: User, exercise: Exercise, scenario: Scenario, form: DecisionForm, now: datetime
) -> str | None:
    """The group's decision at one of the scenario's injects; None when kept, else why not."""
    if why := refused(exercise):
        return why
    if scenario.inject(form.inject) is None:
        return _("That is not a part of this scenario.")
    decision, created = await ExerciseDecision.get_or_create(
        exercise_id=exercise.id,
        inject=form.inject,
        defaults={"text": form.decision, "recorded_by_id": user.id, "recorded_at": now},
    )
    if not created:
        if decision.text == form.decision:
            return None  # said twice (a second tap): nothing changed
        decision.text = form.decision
        decision.recorded_by_id = user.id
        decision.recorded_at = now
        await decision.save(update_fields=["text", "recorded_by_id", "recorded_at"])
    await audit.record(user, "exercise.decision", exercise, inject=form.inject)
    return None


def prefill(exercise: Exercise, scenario: Scenario, taken: dict[str, str], locale: str) -> str:
    """What the review's "what happened" starts with: who took part, then each inject, the
    decision the group took and those the scenario expected. Cut to the review's length."""
    lines = []
    if exercise.participants:
        lines.append(_("Who took part: %(names)s") % {"names": ", ".join(exercise.participants)})
    for inject in scenario.injects:
        lines.append("")
        lines.append(
            _("Minute %(minute)s, %(title)s")
            % {"minute": inject.minute, "title": inject.title.get(locale)}
        )
        said = taken.get(inject.id)
        lines.append(
            _("Decided: %(text)s") % {"text": said} if said else _("Decided: nothing recorded")
        )
        expected = "; ".join(d.text.get(locale) for d in inject.expected)
        lines.append(_("Expected: %(text)s") % {"text": expected})
    text = "\n".join(lines).strip()
    return text if len(text) <= LONG else text[: LONG - 1] + "…"


async def finish(
    user: User,
    exercise: Exercise,
    scenario: Scenario,
    locale: str,
    now: datetime,
    today: date | None = None,
) -> Review:
    """The exercise ends in its review, prefilled with the decisions recorded; finishing again
    (a second tap) opens the same review. One planned on the drill calendar is held ``today``
    (the district's day), and counts there."""
    rows = await ExerciseDecision.filter(exercise_id=exercise.id).values_list("inject", "text")
    taken = {str(inject): str(text) for inject, text in rows}
    title = f"{scenario.title.get(locale)} · {exercise.started_at.date().isoformat()}"
    form = ReviewForm(
        title=title[:200], what_happened=prefill(exercise, scenario, taken, locale) or title
    )
    review = await reviews.open_for(
        user, SubjectKind.EXERCISE, str(exercise.id), title[:200], form, now
    )
    if exercise.status != ExerciseStatus.FINISHED:
        exercise.status = ExerciseStatus.FINISHED
        exercise.finished_at = now
        await exercise.save(update_fields=["status", "finished_at"])
        await audit.record(user, "exercise.finished", exercise, review=review.id)
        if exercise.drill_id is not None:
            await Drill.filter(id=exercise.drill_id, status=DrillStatus.PLANNED).update(
                status=DrillStatus.HELD, held_on=today or now.date()
            )
    return review
