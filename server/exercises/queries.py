"""What the exercise pages read: the district's exercises, newest first, one exercise's
decisions and review, and the facilitator's clock as the page is made (its script keeps it
going)."""

from __future__ import annotations

from typing import Any

from server.exercises.models import STATUS_LABELS, Exercise, ExerciseDecision
from server.models import User
from server.reviews.models import Review, SubjectKind
from server.tenancy import scoped

LIST_LIMIT = 50


async def recent(user: User) -> list[Exercise]:
    return await scoped(Exercise, user).prefetch_related("school").limit(LIST_LIMIT)


async def decisions(exercise: Exercise) -> dict[str, ExerciseDecision]:
    """The decision taken at each inject, by the inject's id."""
    rows = await ExerciseDecision.filter(exercise_id=exercise.id)
    return {row.inject: row for row in rows}


async def review_of(user: User, exercise: Exercise) -> Review | None:
    return await scoped(Review, user).get_or_none(
        subject_kind=SubjectKind.EXERCISE, subject_id=str(exercise.id)
    )


def clock_text(seconds: float) -> str:
    """A duration as the facilitator's clock shows it: "m:ss", or "h:mm:ss" from an hour on
    (as web/static/js/exercise-clock.js does)."""
    total = max(0, int(seconds))
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02}:{secs:02}" if hours else f"{minutes}:{secs:02}"


LABELS: dict[str, Any] = {"statuses": STATUS_LABELS}
