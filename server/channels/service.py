"""The district's decisions about email and SMS: SMS to everyone in an emergency or only to those
push can't reach, the daily SMS cap, and how long an emergency waits for an answer before it
escalates. Audited."""

from __future__ import annotations

from server import audit
from server.models import Organisation, User


async def set_settings(
    admin: User, organisation: Organisation, sms_to_all: bool, cap: int, escalate_seconds: int
) -> None:
    organisation.sms_to_all = sms_to_all
    organisation.sms_daily_cap = cap
    organisation.escalate_seconds = escalate_seconds
    await organisation.save(update_fields=["sms_to_all", "sms_daily_cap", "escalate_seconds"])
    await audit.record(
        admin,
        "district.messages",
        organisation,
        sms_to_all=sms_to_all,
        sms_daily_cap=cap,
        escalate_seconds=escalate_seconds,
    )
