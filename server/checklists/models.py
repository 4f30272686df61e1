"""Checklist runs as the server keeps them, built from the events the devices send."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from uuid import UUID

from tortoise import fields

from server.models import TenantModel

if TYPE_CHECKING:
    from server.models import Organisation, School, User


class ChecklistRun(TenantModel):
    # The id is made on the device, so a run can start with no network.
    id = fields.UUIDField(primary_key=True)
    organisation: fields.ForeignKeyRelation[Organisation] = fields.ForeignKeyField(
        "models.Organisation", related_name="checklist_runs"
    )
    organisation_id: int
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="checklist_runs"
    )
    user_id: int
    school: fields.ForeignKeyNullableRelation[School] = fields.ForeignKeyField(
        "models.School", related_name="checklist_runs", null=True
    )
    school_id: int | None
    checklist_id = fields.CharField(max_length=64, db_index=True)
    checklist_version = fields.IntField()
    context: fields.JSONField[dict[str, Any]] = fields.JSONField(default=dict)
    started_at = fields.DatetimeField(db_index=True)
    completed_at = fields.DatetimeField(null=True)
    skipped: fields.JSONField[list[Any]] = fields.JSONField(default=list)
    # Closed on purpose as not real (a misdial, a test): kept, but it is no record of a call.
    discarded_at = fields.DatetimeField(null=True)
    # One person rehearsing: counts in no figure.
    practice = fields.BooleanField(default=False, db_default=False)

    answers: fields.ReverseRelation[ChecklistAnswer]  # filled by ChecklistAnswer.run

    class Meta:
        table = "checklist_run"
        ordering = ["-started_at"]
        # The metrics dashboard counts a checklist's runs in a time range from the index alone.
        indexes = (
            (
                "organisation_id",
                "checklist_id",
                "started_at",
                "practice",
                "discarded_at",
                "completed_at",
                "school_id",
            ),
        )


class ChecklistAnswer(TenantModel):
    org_path = "run__organisation_id"

    id = fields.BigIntField(primary_key=True)
    run: fields.ForeignKeyRelation[ChecklistRun] = fields.ForeignKeyField(
        "models.ChecklistRun", related_name="answers"
    )
    run_id: UUID
    item_id = fields.CharField(max_length=64)
    # {"value": ...}: Tortoise reads a bare JSON string as already-encoded JSON, so wrap it.
    stored: fields.JSONField[Any] = fields.JSONField(source_field="value")
    answered_at = fields.DatetimeField()
    event_id = fields.UUIDField(unique=True)

    class Meta:
        table = "checklist_answer"
        ordering = ["answered_at"]
        indexes = (("run_id", "answered_at"),)  # a run's newest steps (an incident's timeline)

    @property
    def value(self) -> Any:
        return self.stored.get("value")
