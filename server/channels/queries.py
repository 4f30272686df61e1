"""What pages read of email and SMS: every channel tried for each person an alert went to, and
how much of today's SMS a district has used."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from server.alerts.models import Alert
from server.channels.models import Channel, Message, MessageStatus
from server.channels.rules import near_cap
from server.i18n import gettext as _
from server.models import Organisation
from server.push.models import Delivery

_ORDER = {"push": 0, Channel.SMS.value: 1, Channel.EMAIL.value: 2}


def state(status: str) -> str:
    """A row's status in words a person reads on the live page."""
    if status == "sent":
        return _("sent")
    if status in ("failed", "gone"):
        return _("failed")
    if status == "cancelled":
        return _("cancelled")
    if status == "skipped":
        return _("not needed")
    return _("on the way")


def channel_name(channel: str) -> str:
    if channel == "push":
        return _("Push")
    if channel == Channel.SMS.value:
        return _("SMS")
    return _("Email")


async def tried(alert: Alert) -> dict[int, list[dict[str, Any]]]:
    """Per person, each channel tried (push once for each phone) and its state, in the order
    push, SMS, email."""
    found: dict[int, list[dict[str, Any]]] = {}
    rows = await Delivery.filter(alert_id=alert.id).order_by("id").values_list("user_id", "status")
    for user_id, status in rows:
        found.setdefault(user_id, []).append({"channel": "push", "status": status})
    messages = await Message.filter(alert_id=alert.id).values_list(
        "user_id", "channel", "status", "why"
    )
    for user_id, channel, status, why in messages:
        found.setdefault(user_id, []).append({"channel": channel, "status": status, "why": why})
    for entries in found.values():
        entries.sort(key=lambda e: _ORDER.get(e["channel"], 9))
        for entry in entries:
            entry["name"], entry["state"] = channel_name(entry["channel"]), state(entry["status"])
    return found


async def sms_today(organisation_id: int, tz: ZoneInfo) -> tuple[int, int]:
    """(SMS sent since midnight on the district's clock, its daily cap)."""
    local = datetime.now(tz).replace(hour=0, minute=0, second=0, microsecond=0)
    used = await Message.filter(
        organisation_id=organisation_id,
        channel=Channel.SMS.value,
        status=MessageStatus.SENT.value,
        sent_at__gte=local.astimezone(UTC),
    ).count()
    cap = (await Organisation.get(id=organisation_id)).sms_daily_cap
    return used, cap


async def cap_warning(organisation_id: int, tz: ZoneInfo) -> str:
    """What admins read when the day's SMS near the cap; empty when they don't."""
    used, cap = await sms_today(organisation_id, tz)
    if used >= cap:
        return _(
            "Today's SMS limit is reached (%(used)s of %(cap)s): no more SMS go out today. "
            "Raise the limit in the district's settings if you must."
        ) % {"used": used, "cap": cap}
    if near_cap(cap, used):
        return _("%(used)s of today's %(cap)s SMS are used.") % {"used": used, "cap": cap}
    return ""
