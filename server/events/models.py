"""Every event the server has accepted, by the id the device made: the guard against doubles."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tortoise import fields
from tortoise.models import Model

from server.models import TenantModel

if TYPE_CHECKING:
    from server.models import Organisation, User


class ReceivedEvent(TenantModel):
    id = fields.UUIDField(primary_key=True)
    organisation: fields.ForeignKeyRelation[Organisation] = fields.ForeignKeyField(
        "models.Organisation", related_name="events"
    )
    organisation_id: int
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="events"
    )
    user_id: int
    device_id = fields.CharField(max_length=64)
    type = fields.CharField(max_length=64, db_index=True)
    occurred_at = fields.DatetimeField()
    received_at = fields.DatetimeField(auto_now_add=True)
    payload: fields.JSONField[Any] = fields.JSONField()
    # sha256 of the canonical event: tells a resend (same content) from a clash (same id,
    # other content)
    digest = fields.CharField(max_length=64)

    class Meta:
        table = "received_event"


# A free-text note from the field: the simplest event, used by the outbox page and the tests.
# (Comments, not docstrings, on models: Tortoise turns docstrings into SQL comments.)
class Note(TenantModel):
    id = fields.UUIDField(primary_key=True)
    organisation: fields.ForeignKeyRelation[Organisation] = fields.ForeignKeyField(
        "models.Organisation", related_name="notes"
    )
    organisation_id: int
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="notes"
    )
    user_id: int
    text = fields.TextField()
    written_at = fields.DatetimeField()

    class Meta:
        table = "note"
        ordering = ["-written_at"]


# A file sent on its own (PUT /api/uploads/{id}) and referenced by events.
class Upload(TenantModel):
    id = fields.UUIDField(primary_key=True)
    organisation: fields.ForeignKeyRelation[Organisation] = fields.ForeignKeyField(
        "models.Organisation", related_name="uploads"
    )
    organisation_id: int
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="uploads"
    )
    user_id: int
    media_type = fields.CharField(max_length=64)
    size = fields.IntField()
    digest = fields.CharField(max_length=64)
    received_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "upload"


# An event the server failed to store for a passing fault (the database away, a lock timeout),
# counted per device: after a few tries it is refused with its reason instead of coming back
# forever.
class EventRetry(Model):
    id = fields.BigIntField(primary_key=True)
    event_id = fields.UUIDField()
    device_id = fields.CharField(max_length=64)
    attempts = fields.IntField(default=0)
    last_at = fields.DatetimeField()

    class Meta:
        table = "event_retry"
        unique_together = (("event_id", "device_id"),)
