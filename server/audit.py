"""The audit log: who did what to which record, and when."""

from __future__ import annotations

from datetime import datetime
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


async def seen_since(actor: User, action: str, target: Model, since: datetime) -> bool:
    """Whether ``actor`` has an entry ``action`` on ``target`` since ``since`` (the index on
    organisation, person and time finds it among that person's latest entries)."""
    return await AuditLog.filter(
        organisation_id=actor.organisation_id,
        actor_id=actor.id,
        at__gte=since,
        action=action,
        record_type=type(target).__name__,
        record_id=str(target.pk),
    ).exists()
