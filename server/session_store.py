"""Sessions ended by signing out. The session lives in a signed cookie, so a copy of the cookie
would outlive the sign-out; each sign-in gets an id, and signing out writes that id here, in the
database every web process shares, until the cookie would have expired anyway."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime, timedelta

from tortoise import fields
from tortoise.models import Model


class RevokedSession(Model):
    sid = fields.CharField(max_length=32, primary_key=True)
    expires_at = fields.DatetimeField(db_index=True)

    class Meta:
        table = "revoked_session"


def new_sid() -> str:
    return secrets.token_hex(16)


async def revoke(sid: str, lasts: timedelta) -> None:
    now = datetime.now(UTC)
    await RevokedSession.filter(expires_at__lt=now).delete()  # those cookies expired anyway
    if not await RevokedSession.exists(sid=sid):
        await RevokedSession.create(sid=sid, expires_at=now + lasts)
