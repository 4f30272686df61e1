"""Verifying a phone number or email address: a six-digit code sent to it (through the same
delivery path as alerts), entered in the app. Only the code's SHA-256 is kept; it lasts
``LASTS``, allows ``TRIES`` wrong entries, and a person may ask for ``PER_HOUR`` codes an hour."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta
from enum import StrEnum

from server import audit
from server.channels.models import Channel, ContactCode, Message, MessageStatus, Why
from server.i18n import gettext as _
from server.models import User
from server.push.payload import speaking

LASTS = timedelta(minutes=15)
TRIES = 5
PER_HOUR = 5


def _hash(code: str) -> str:
    return hashlib.sha256(code.encode()).hexdigest()


class Asked(StrEnum):
    SENT = "sent"
    TOO_MANY = "too-many"


async def send_code(
    user: User, channel: Channel, address: str, now: datetime, default_locale: str = "en"
) -> Asked:
    recent = Message.filter(
        user_id=user.id, why=Why.CODE.value, due_at__gte=now - timedelta(hours=1)
    )
    if await recent.count() >= PER_HOUR:
        return Asked.TOO_MANY
    code = f"{secrets.randbelow(1_000_000):06d}"
    await ContactCode.filter(user_id=user.id, channel=channel.value).delete()  # the newest only
    await ContactCode.create(
        user_id=user.id,
        channel=channel.value,
        address=address,
        code_hash=_hash(code),
        expires_at=now + LASTS,
    )
    with speaking(user.locale, default_locale):
        text = _("Your Muster code is %(code)s. It lasts 15 minutes.") % {"code": code}
    await Message.create(
        organisation_id=user.organisation_id,
        alert_id=None,
        user_id=user.id,
        channel=channel.value,
        address=address,
        why=Why.CODE.value,
        body=text,
        due_at=now,
    )
    from server.push.worker import wake

    wake()
    return Asked.SENT


class Checked(StrEnum):
    VERIFIED = "verified"
    WRONG = "wrong"
    EXPIRED = "expired"  # no code, too old, or too many tries: ask for a new one


async def confirm(user: User, channel: Channel, code: str, now: datetime) -> Checked:
    kept = await ContactCode.filter(user_id=user.id, channel=channel.value).first()
    if kept is None or kept.expires_at < now or kept.tries >= TRIES:
        return Checked.EXPIRED
    if not secrets.compare_digest(kept.code_hash, _hash(code.strip())):
        kept.tries += 1
        await kept.save(update_fields=["tries"])
        return Checked.WRONG
    if channel == Channel.SMS:
        user.verified_phone = kept.address
    else:
        user.verified_email = kept.address
    await user.save(update_fields=["verified_phone", "verified_email"])
    await kept.delete()
    return Checked.VERIFIED


async def forget(user: User, channel: Channel) -> str:
    """No more SMS (or email) to this person: the verified address emptied, a code on its way
    to a new one dropped, and what was still waiting to go there cancelled (a message already
    claimed is cancelled by the worker, which sends only to the address verified now). Audited.
    Returns the address removed, empty when there was none."""
    if channel == Channel.SMS:
        removed, user.verified_phone = user.verified_phone, ""
    else:
        removed, user.verified_email = user.verified_email, ""
    await ContactCode.filter(user_id=user.id, channel=channel.value).delete()
    if not removed:
        return ""
    await user.save(update_fields=["verified_phone", "verified_email"])
    await (
        Message.filter(user_id=user.id, channel=channel.value, status=MessageStatus.PENDING.value)
        .exclude(why=Why.CODE.value)
        .update(status=MessageStatus.CANCELLED.value)
    )
    await audit.record(user, "contact.removed", user, channel=channel.value)
    return removed
