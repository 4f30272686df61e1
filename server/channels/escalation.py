"""Escalation: an emergency alert someone hasn't answered by its time (the district's
``escalate_seconds``, 2 minutes unless it says otherwise) goes to them again by SMS, then email.
Once: each alert's ``Escalation`` row is taken by whichever process sets its ``done_at`` first
(every web process runs ``watch_escalations``, as it watches fall-backs), and each message is
one row a person, alert and channel. A team function's primary who hasn't answered has their
backups alerted by ``alerts.fallback``; those backups escalate like everyone else."""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime

from tortoise.transactions import in_transaction

from server.alerts.models import Alert, AlertRecipient
from server.channels.models import Channel, Escalation, Why
from server.channels.queue import insert
from server.channels.rules import may_sms
from server.db import column

log = logging.getLogger("muster.channels")

WATCH_SECONDS = 5  # how late an escalation may be


async def escalate_due(now: datetime) -> int:
    """Escalates every alert whose time has come; returns how many messages were written."""
    due = await column(
        Escalation.filter(done_at__isnull=True, due_at__lte=now).order_by("due_at"), "id"
    )
    written = 0
    for escalation_id in due:
        async with in_transaction():
            written += await _escalate(escalation_id, now)
    if written:
        from server.push.worker import wake

        wake()
    return written


async def watch_escalations(interval: float = WATCH_SECONDS) -> None:
    while True:
        try:
            await escalate_due(datetime.now(UTC))
        except Exception:  # a database hiccup must not end the watch
            log.exception("escalation pass failed")
        await asyncio.sleep(interval)


async def _escalate(escalation_id: int, now: datetime) -> int:
    if not await Escalation.filter(id=escalation_id, done_at__isnull=True).update(done_at=now):
        return 0  # another process took it
    escalation = await Escalation.get(id=escalation_id)
    alert = await Alert.get(id=escalation.alert_id)
    if alert.cancelled_at is not None or alert.ended_at is not None:
        return 0
    waiting = list(
        await column(
            AlertRecipient.filter(alert_id=alert.id, first_responded_at__isnull=True), "user_id"
        )
    )
    written = 0
    at_once = datetime.now(UTC)  # ``now`` says which escalations are due; the messages go now
    if may_sms(alert):
        written += await insert(alert, waiting, Channel.SMS, Why.ESCALATION, at_once)
    written += await insert(alert, waiting, Channel.EMAIL, Why.ESCALATION, at_once)
    escalation.people = len(waiting)
    await escalation.save(update_fields=["people"])
    log.info("alert %s escalated: %s messages for %s people", alert.id, written, len(waiting))
    return written
