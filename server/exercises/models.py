"""A tabletop exercise run: a scenario (a file in ``checklists/exercises/``, by id and version)
talked through at a school of the district by a facilitator, who it was with, and the decision
the group took at each inject. It ends in an after-action review (``reviews``, subject kind
``exercise``) prefilled with those decisions. Nothing here alerts anyone or counts in a figure:
it is a discussion, not a drill."""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.models import Model

from server.i18n import N_
from server.models import Role, TenantModel

if TYPE_CHECKING:
    from server.drills.models import Drill
    from server.models import Organisation, School, User

FACILITATORS = (Role.ADMIN, Role.SAFETY)  # who runs exercises (the drills' planners)


class ExerciseStatus(StrEnum):
    RUNNING = "running"
    FINISHED = "finished"  # its review is written


STATUS_LABELS = {
    ExerciseStatus.RUNNING: N_("Under way"),
    ExerciseStatus.FINISHED: N_("Finished"),
}


class Exercise(TenantModel):
    id = fields.IntField(primary_key=True)
    organisation: fields.ForeignKeyRelation[Organisation] = fields.ForeignKeyField(
        "models.Organisation", related_name="exercises"
    )
    organisation_id: int
    school: fields.ForeignKeyRelation[School] = fields.ForeignKeyField(
        "models.School", related_name="exercises"
    )
    school_id: int
    scenario = fields.CharField(max_length=64)  # the scenario file's id
    scenario_version = fields.SmallIntField()
    facilitator: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="exercises_facilitated", null=True, on_delete=fields.SET_NULL
    )
    facilitator_id: int | None
    # The tabletop exercise planned on the drill calendar that this runs, if any: finishing
    # records it as held (server/drills/).
    drill: fields.ForeignKeyNullableRelation[Drill] = fields.ForeignKeyField(
        "models.Drill", related_name="exercises", null=True, on_delete=fields.SET_NULL
    )
    drill_id: int | None
    # Who took part, as the facilitator wrote them: a name (and a role, if given) a line.
    participants: fields.JSONField[list[str]] = fields.JSONField(default=list)
    status = fields.CharEnumField(ExerciseStatus, max_length=16, default=ExerciseStatus.RUNNING)
    started_at = fields.DatetimeField()
    finished_at = fields.DatetimeField(null=True)

    class Meta:
        table = "exercise"
        ordering = ["-started_at", "-id"]
        indexes = [("organisation_id", "started_at")]


class ExerciseDecision(Model):
    """The decision the group took at one inject: one an inject, written again when changed."""

    id = fields.IntField(primary_key=True)
    exercise: fields.ForeignKeyRelation[Exercise] = fields.ForeignKeyField(
        "models.Exercise", related_name="decisions", on_delete=fields.CASCADE
    )
    exercise_id: int
    inject = fields.CharField(max_length=64)  # the inject's id in the scenario
    text = fields.TextField()
    recorded_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="exercise_decisions", null=True, on_delete=fields.SET_NULL
    )
    recorded_by_id: int | None
    recorded_at = fields.DatetimeField()

    class Meta:
        table = "exercise_decision"
        unique_together = (("exercise", "inject"),)
