"""After-action reviews and the improvement plan they lead to.

A review is a hot wash written the same day for a subject (an incident, a drill, a tabletop
exercise: each a ``SubjectKind``), or a near miss logged with no subject. Its subject is a kind
and a record id, like an incident's links: a new subject needs a new kind, not a new column. The
figures measured from the subject's records are kept with the review as they stood when it was
saved (an exercise measures nothing: its review starts from the decisions taken).

An improvement action has an owner (a person of the same organisation), a due day on the
district's calendar and a status; what prompted it is a review, free text, or both; it may name a
checklist whose content must change."""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING, Any

from tortoise import fields

from server.i18n import N_
from server.models import Role, TenantModel

if TYPE_CHECKING:
    from server.models import Organisation, User

WRITERS = (Role.ADMIN, Role.SAFETY)  # who writes reviews and actions


class ReviewKind(StrEnum):
    HOT_WASH = "hot-wash"
    NEAR_MISS = "near-miss"


REVIEW_KIND_LABELS = {
    ReviewKind.HOT_WASH: N_("Hot wash"),
    ReviewKind.NEAR_MISS: N_("Near miss"),
}


class SubjectKind(StrEnum):
    INCIDENT = "incident"
    DRILL = "drill"
    EXERCISE = "exercise"  # a tabletop exercise (server/exercises), prefilled with its decisions


class ActionStatus(StrEnum):
    OPEN = "open"
    DONE = "done"
    DROPPED = "dropped"


ACTION_STATUS_LABELS = {
    ActionStatus.OPEN: N_("Open"),
    ActionStatus.DONE: N_("Done"),
    ActionStatus.DROPPED: N_("Dropped"),
}


class Review(TenantModel):
    id = fields.IntField(primary_key=True)
    organisation: fields.ForeignKeyRelation[Organisation] = fields.ForeignKeyField(
        "models.Organisation", related_name="reviews"
    )
    organisation_id: int
    kind = fields.CharEnumField(ReviewKind, max_length=16)
    # What it reviews (null for a near miss): the kind of record and its id.
    subject_kind = fields.CharEnumField(SubjectKind, max_length=16, null=True)
    subject_id = fields.CharField(max_length=64, null=True)
    title = fields.CharField(max_length=200, default="")
    what_happened = fields.TextField(default="")
    went_well = fields.TextField(default="")
    to_improve = fields.TextField(default="")
    # The measured figures as they stood when it was last saved (see reviews.queries.Figures).
    figures: fields.JSONField[dict[str, Any]] = fields.JSONField(default=dict)
    written_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="reviews_written", null=True, on_delete=fields.SET_NULL
    )
    written_by_id: int | None
    written_at = fields.DatetimeField()
    updated_at = fields.DatetimeField()

    class Meta:
        table = "review"
        ordering = ["-written_at"]
        # One review a subject (near misses have none: NULLs never clash).
        unique_together = (("organisation", "subject_kind", "subject_id"),)


class ImprovementAction(TenantModel):
    id = fields.IntField(primary_key=True)
    organisation: fields.ForeignKeyRelation[Organisation] = fields.ForeignKeyField(
        "models.Organisation", related_name="improvement_actions"
    )
    organisation_id: int
    review: fields.ForeignKeyNullableRelation[Review] = fields.ForeignKeyField(
        "models.Review", related_name="actions", null=True, on_delete=fields.SET_NULL
    )
    review_id: int | None
    prompted_by = fields.CharField(max_length=500, default="")  # what prompted it, in words
    description = fields.TextField()
    owner: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="improvement_actions"
    )
    owner_id: int
    due_on = fields.DateField()  # a day on the district's calendar
    status = fields.CharEnumField(ActionStatus, max_length=16, default=ActionStatus.OPEN)
    checklist_id = fields.CharField(max_length=64, default="")  # whose content must change
    created_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "models.User",
        related_name="improvement_actions_created",
        null=True,
        on_delete=fields.SET_NULL,
    )
    created_by_id: int | None
    created_at = fields.DatetimeField()
    closed_at = fields.DatetimeField(null=True)  # when it was marked done or dropped

    class Meta:
        table = "improvement_action"
        ordering = ["due_on", "id"]
        indexes = (("owner_id", "status", "due_on"), ("organisation_id", "status", "due_on"))
