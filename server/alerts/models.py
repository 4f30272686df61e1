"""An alert and the people it went to (with their answers)."""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING, Any
from uuid import UUID

from tortoise import fields
from tortoise.models import Model

from server.alerts.kinds import AlertKind, Severity, kind_of
from server.models import TenantModel

if TYPE_CHECKING:
    from server.models import Organisation, User

__all__ = ["Alert", "AlertFallback", "AlertRecipient", "Response", "Severity"]


class Alert(TenantModel):
    id = fields.UUIDField(primary_key=True)  # made on the device: raising one works offline
    organisation: fields.ForeignKeyRelation[Organisation] = fields.ForeignKeyField(
        "models.Organisation", related_name="alerts"
    )
    organisation_id: int
    raised_by: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="alerts_raised"
    )
    raised_by_id: int
    kind = fields.CharField(max_length=32)
    severity = fields.CharField(max_length=16, default=Severity.WARNING.value)
    title = fields.CharField(max_length=80, default="")  # a custom alert's own title
    message = fields.TextField(default="")
    notify: fields.JSONField[list[Any]] = fields.JSONField(
        default=list
    )  # roles to tell (empty: every role)
    # Who it went to, as asked: {"scope": "organisation" | "schools" | "site" | "trip" |
    # "people", "school_ids": [...], "site_id": n, "user_ids": [...]}
    audience: fields.JSONField[dict[str, Any]] = fields.JSONField(default=dict)
    trip_id = fields.IntField(null=True, db_index=True)  # the field trip it concerns
    drill = fields.BooleanField(default=False)
    # From a practice run: reaches nobody.
    practice = fields.BooleanField(default=False, db_default=False)
    # A drill goes by SMS only when it asks to (issue 21): a drill's SMS costs like a real one.
    drill_sms = fields.BooleanField(default=False, db_default=False)
    source: fields.JSONField[dict[str, Any]] = fields.JSONField(
        default=dict
    )  # e.g. the checklist run and item it came from
    where: fields.JSONField[dict[str, Any]] = fields.JSONField(
        default=dict
    )  # schools of the sender, context, position if known
    raised_at = fields.DatetimeField(db_index=True)
    received_at = fields.DatetimeField(auto_now_add=True)
    send_after = fields.DatetimeField(null=True)  # the end of the composer's undo window
    cancelled_at = fields.DatetimeField(null=True)
    figures: fields.JSONField[dict[str, Any]] = fields.JSONField(
        default=dict
    )  # acknowledgment times, kept with the alert
    # An alert is active until it is ended: by an "all clear" sent for it (``ends`` on the all
    # clear names it) or, for one that asks nothing of anyone, by the safety team closing it.
    ended_at = fields.DatetimeField(null=True, db_index=True)
    ends = fields.UUIDField(null=True)  # on an all clear: the alert it ends

    class Meta:
        table = "alert"
        ordering = ["-raised_at"]
        indexes = (("organisation_id", "drill", "raised_at"),)  # the metrics' drills in a range

    @property
    def info(self) -> AlertKind:
        return kind_of(self.kind)


class Response(StrEnum):
    SAFE = "safe"
    HELP = "help"


# One person an alert went to, and their answer (the latest one they gave).
class AlertRecipient(Model):
    id = fields.BigIntField(primary_key=True)
    alert: fields.ForeignKeyRelation[Alert] = fields.ForeignKeyField(
        "models.Alert", related_name="recipients"
    )
    alert_id: UUID
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="alerts_received"
    )
    user_id: int
    response = fields.CharField(max_length=8, null=True)
    responded_at = fields.DatetimeField(null=True)
    first_responded_at = fields.DatetimeField(null=True)
    position: fields.JSONField[Any] = fields.JSONField(null=True)
    note = fields.CharField(max_length=500, default="")

    class Meta:
        table = "alert_recipient"
        unique_together = (("alert", "user"),)


# An alert to one function of a crisis team reaches its primary alone when the primary has a phone
# that takes alerts; these are the backups, alerted at ``due_at`` if the primary hasn't answered
# by then (``server/alerts/fallback.py``). ``done_at`` is set once, by the worker that takes it.
class AlertFallback(Model):
    id = fields.BigIntField(primary_key=True)
    alert: fields.OneToOneRelation[Alert] = fields.OneToOneField(
        "models.Alert", related_name="fallback"
    )
    alert_id: UUID
    primary_id = fields.IntField()
    people: fields.JSONField[list[int]] = fields.JSONField()  # the backups, in their order
    due_at = fields.DatetimeField(db_index=True)
    done_at = fields.DatetimeField(null=True)
    fell_back = fields.BooleanField(default=False)  # whether the backups were alerted

    class Meta:
        table = "alert_fallback"
