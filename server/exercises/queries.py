"""What the exercise pages read: the district's exercises, newest first, and one exercise's
decisions and review."""

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


LABELS: dict[str, Any] = {"statuses": STATUS_LABELS}
