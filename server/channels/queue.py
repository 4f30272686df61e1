"""Writing the email and SMS rows the delivery worker sends: for an alert's people when it is
raised (an emergency: SMS at once to those with no phone that takes push, or to everyone with a
verified number when the district says so), for people whose push just failed for good, and at
escalation. One INSERT ... SELECT each; a row already there for the person, alert and channel
stays the only one (ON CONFLICT DO NOTHING), so no decision sends a message twice."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

from tortoise import connections

from server.alerts.models import Alert
from server.channels.models import Channel, Escalation, Message, MessageStatus, Why
from server.channels.rules import is_emergency, may_sms
from server.models import Organisation

# NOT IN a subquery, not NOT EXISTS: the subquery runs once, where NOT EXISTS scanned every
# subscription for each person while push_subscription.user_id had no index (migration 0033
# added one): 10,000 people took ~80 s on SQLite in bench/push.py, and now take well under one.
_NO_PUSH = "u.id NOT IN (SELECT s.user_id FROM push_subscription s WHERE s.organisation_id = {org})"
_PUSH_FAILED = (
    "u.id NOT IN (SELECT d.user_id FROM delivery d WHERE d.alert_id = {alert} "
    "AND d.status IN ('pending', 'sending', 'sent'))"
)


async def insert(
    alert: Alert,
    people: list[int],
    channel: Channel,
    why: Why,
    due_at: datetime,
    only: str = "",
) -> int:
    """A row on ``channel`` for each of ``people`` with a verified address there (and ``only``,
    a constant condition on ``u``), unless they have one already. Returns how many were new."""
    if not people:
        return 0
    db = connections.get("default")
    sqlite = db.capabilities.dialect == "sqlite"
    marks = ["?1", "?2", "?3"] if sqlite else ["$1", "$2", "$3"]
    fields = Message._meta.fields_map
    alert_id = Alert._meta.pk.to_db_value(alert.id, Alert)
    values: list[Any] = [alert_id, fields["due_at"].to_db_value(due_at, Message)]
    values.append(alert.organisation_id)
    column = "verified_phone" if channel == Channel.SMS else "verified_email"
    listed = ",".join(str(int(person)) for person in people)
    condition = f" AND {only.format(alert=marks[0], org=marks[2])}" if only else ""
    rows = await db.execute_query_dict(
        f"""
        INSERT INTO channel_message (organisation_id, alert_id, user_id, channel, address, why,
                                     body, status, attempts, due_at, provider_id, error,
                                     created_at)
        SELECT u.organisation_id, {marks[0]}, u.id, '{channel.value}', u.{column}, '{why.value}',
               '', '{MessageStatus.PENDING.value}', 0, {marks[1]}, '', '', {marks[1]}
        FROM "user" u
        WHERE u.organisation_id = {marks[2]} AND u.active AND u.{column} <> ''
          AND u.id IN ({listed}){condition}
        ON CONFLICT DO NOTHING
        RETURNING id
        """,
        values,
    )
    if rows:
        from server.push.worker import note_queued  # the push worker sends these too

        note_queued()
    return len(rows)


async def for_alert(alert: Alert, people: list[int], due_at: datetime) -> int:
    """Written with the alert's recipients (``alerts.recipients.add_recipients``)."""
    if not is_emergency(alert) or not people:
        return 0
    organisation = await Organisation.get(id=alert.organisation_id)
    if not await Escalation.filter(alert_id=alert.id).exists():
        due = due_at + timedelta(seconds=organisation.escalate_seconds)
        await Escalation.create(alert_id=alert.id, due_at=due)
    if not may_sms(alert):
        return 0
    if organisation.sms_to_all:
        return await insert(alert, people, Channel.SMS, Why.EVERYONE, due_at)
    return await insert(alert, people, Channel.SMS, Why.NO_PUSH, due_at, _NO_PUSH)


async def after_push_failed(failed: dict[UUID, list[int]], now: datetime) -> int:
    """People whose push for an emergency failed for good (their subscription gone, or out of
    tries) and who have no other phone it is going to: SMS now."""
    written = 0
    for alert in await Alert.filter(id__in=list(failed)):
        if is_emergency(alert) and may_sms(alert) and alert.cancelled_at is None:
            people = sorted(set(failed[alert.id]))
            written += await insert(alert, people, Channel.SMS, Why.NO_PUSH, now, _PUSH_FAILED)
    return written
