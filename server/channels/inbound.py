"""Answers by SMS reply: "1" safe, "2" need help, posted by the gateway to ``/api/sms/inbound``.

The gateway signs each post as Twilio does (and the gateways that copy it): base64 of the
HMAC-SHA1, keyed with the account's token, of the URL it posted to followed by each form field's
name and value in name order, in the ``X-Twilio-Signature`` header. An unsigned or wrongly signed
post changes nothing. A reply answers the latest alert an SMS of ours went to that number for,
within a day, while that alert is neither undone nor ended, exactly as the same answer in the
app does (``alerts.service.answer``): "2" on a real alert joins or opens its incident."""

from __future__ import annotations

import base64
import hashlib
import hmac
from dataclasses import dataclass
from datetime import datetime, timedelta

from server.alerts import service as alerts
from server.alerts.models import Alert, Response
from server.channels.models import Channel, Message, MessageStatus
from server.models import User

ANSWERS = {"1": Response.SAFE, "2": Response.HELP}
WITHIN = timedelta(days=1)  # a reply answers an SMS of the last day, not last week's


def signature(token: str, url: str, form: dict[str, str]) -> str:
    signed = url + "".join(name + form[name] for name in sorted(form))
    digest = hmac.new(token.encode(), signed.encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode()


def signed_rightly(token: str, url: str, form: dict[str, str], given: str) -> bool:
    return bool(token and given) and hmac.compare_digest(signature(token, url, form), given)


@dataclass(frozen=True)
class Answered:
    user: User
    alert: Alert | None  # None: nothing to answer (or the reply was neither 1 nor 2)
    response: Response | None


async def answer(number: str, text: str, now: datetime) -> Answered | None:
    """Records the reply from ``number``; None when no SMS of ours went there."""
    sent = (
        await Message.filter(
            channel=Channel.SMS.value,
            address=number.strip(),
            status=MessageStatus.SENT.value,
            alert_id__isnull=False,
            sent_at__gte=now - WITHIN,
        )
        .order_by("-sent_at", "-id")
        .prefetch_related("user", "alert")
        .first()
    )
    if sent is None:
        return None
    alert = sent.alert
    response = ANSWERS.get(text.strip().rstrip(".").strip())
    if alert is None or response is None or alert.cancelled_at or alert.ended_at:
        return Answered(sent.user, None, response)
    # Recorded as the same answer in the app is: "2" joins or opens the incident there too.
    not_mine = await alerts.answer(sent.user, [alerts.Given(alert.id, response, now)])
    return Answered(sent.user, None if alert.id in not_mine else alert, response)
