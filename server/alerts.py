"""Alerts raised in the field (the call script's silent alert, a lost student). Stored as events
arrive; the push issue delivers them to phones. Until then the safety team sees them on the alerts
page."""

from __future__ import annotations

from tortoise import fields

from server.models import TenantModel


class Alert(TenantModel):
    id = fields.UUIDField(primary_key=True)  # made on the device: raising one works offline
    organisation = fields.ForeignKeyField("models.Organisation", related_name="alerts")
    raised_by = fields.ForeignKeyField("models.User", related_name="alerts_raised")
    kind = fields.CharField(max_length=32)
    notify = fields.JSONField(default=list)  # roles to tell
    drill = fields.BooleanField(default=False)
    source = fields.JSONField(default=dict)  # e.g. the checklist run and item it came from
    where = fields.JSONField(default=dict)  # schools of the sender, context, position if known
    raised_at = fields.DatetimeField(db_index=True)
    received_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "alert"
        ordering = ["-raised_at"]
