"""Alerts raised in the field (the call script's silent alert, a lost student). Stored as events
arrive; the push issue delivers them to phones. Until then the safety team sees them on the alerts
page."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

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


async def raise_alert(
    *,
    organisation_id: int,
    raised_by_id: int,
    kind: str,
    notify: list[str],
    raised_at: datetime,
    alert_id: uuid.UUID | None = None,
    drill: bool = False,
    source: dict[str, Any] | None = None,
    where: dict[str, Any] | None = None,
) -> Alert:
    """The one way an alert comes into being, whoever raises it (a checklist action, a report near
    a campus, a late field trip), so delivery hangs off a single path."""
    return await Alert.create(
        id=alert_id or uuid.uuid4(),
        organisation_id=organisation_id,
        raised_by_id=raised_by_id,
        kind=kind,
        notify=notify,
        drill=drill,
        source=source or {},
        where=where or {},
        raised_at=raised_at,
    )
