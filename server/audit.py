"""The audit log: who did what to which record, and when."""

from __future__ import annotations

from typing import Any

from tortoise.models import Model

from server.models import AuditLog, User


async def record(actor: User, action: str, target: Model, **detail: Any) -> None:
    await AuditLog.create(
        organisation_id=actor.organisation_id,
        actor=actor,
        action=action,
        record_type=type(target).__name__,
        record_id=str(target.pk),
        detail=detail,
    )
