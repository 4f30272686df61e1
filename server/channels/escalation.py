"""Escalation: an emergency alert someone hasn't answered goes to them again by SMS, then email,
one channel a step. The first step comes at the alert's time plus the district's
``escalate_seconds`` (2 minutes unless it says otherwise), the next as long again after it: at
each, everyone still unanswered is sent the next channel of ``LADDER`` they have had nothing on
for this alert. So someone with push gets an SMS at 2 minutes and an email at 4; someone push
can't reach, whose SMS went at once, gets the email at 2; someone with no number (or an alert
that may not go by SMS: information, a drill that didn't ask) gets the email at 2. Each step
is taken once, by whichever process moves the row's ``steps`` on first (every web process runs
the watch, ``server.due``), and each message is one row a person, alert and channel: no one is
sent the same channel twice. A team function's primary who hasn't answered has their backups
alerted by ``alerts.fallback``; those backups escalate like everyone else."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

from server.alerts.models import Alert, AlertRecipient
from server.channels.models import Channel, Escalation, Message, Why
from server.channels.queue import insert
from server.channels.rules import may_sms
from server.db import column
from server.due import take_due
from server.models import Organisation, User

log = logging.getLogger("muster.channels")

# The order a person is tried in: an SMS is read in seconds on any phone, an email may wait.
LADDER = (Channel.SMS, Channel.EMAIL)


async def escalate_due(now: datetime) -> int:
    """Takes every escalation step whose time has come; returns how many messages were written."""
    written = await take_due(Escalation, now, _escalate)
    if written:
        from server.push.worker import wake

        wake()
    return written


async def _escalate(escalation_id: int, now: datetime) -> int:
    escalation = await Escalation.get(id=escalation_id)
    if escalation.done_at is not None or escalation.due_at > now:
        return 0  # another process took this step since the row was found due: the next waits
    alert = await Alert.get(id=escalation.alert_id)
    step = escalation.steps
    over = alert.cancelled_at is not None or alert.ended_at is not None
    if over or step + 1 >= len(LADDER):
        after = {"done_at": now}  # this is its last step
    else:
        organisation = await Organisation.get(id=alert.organisation_id)
        after = {"due_at": escalation.due_at + timedelta(seconds=organisation.escalate_seconds)}
    # Taken by moving ``steps`` on from what was read: of two processes, one updates the row.
    if not await Escalation.filter(id=escalation_id, steps=step).update(steps=step + 1, **after):
        return 0
    if over:
        return 0
    waiting = list(
        await column(
            AlertRecipient.filter(alert_id=alert.id, first_responded_at__isnull=True), "user_id"
        )
    )
    at_once = datetime.now(UTC)  # ``now`` says which steps are due; the messages go now
    written = await send_next(alert, waiting, Why.ESCALATION, at_once)
    if step == 0:
        escalation.people = len(waiting)
        await escalation.save(update_fields=["people"])
    log.info("alert %s escalation step %s: %s messages", alert.id, step + 1, written)
    return written


async def send_next(alert: Alert, people: list[int], why: Why, now: datetime) -> int:
    """Each of ``people`` one step up ``LADDER`` now: the next channel that can reach them and
    that nothing went on yet for this alert. Escalation's step, and "Send again" for people
    push can't reach. Returns how many messages were written."""
    written = 0
    for channel, chosen in (await _next_channels(alert, people)).items():
        written += await insert(alert, chosen, channel, why, now)
    return written


async def _next_channels(alert: Alert, waiting: list[int]) -> dict[Channel, list[int]]:
    """Each waiting person under the first channel of ``LADDER`` that can reach them (an
    address verified there; SMS only where ``may_sms``) and that nothing was sent on yet."""
    tried: dict[int, set[str]] = {}
    for person, channel in await Message.filter(alert_id=alert.id).values_list(
        "user_id", "channel"
    ):
        tried.setdefault(person, set()).add(channel)
    reachable: dict[Channel, set[int]] = {channel: set() for channel in LADDER}
    addressed = User.filter(organisation_id=alert.organisation_id, active=True).exclude(
        verified_phone="", verified_email=""
    )
    for person, phone, email in await addressed.values_list(
        "id", "verified_phone", "verified_email"
    ):
        if phone and may_sms(alert):
            reachable[Channel.SMS].add(person)
        if email:
            reachable[Channel.EMAIL].add(person)
    chosen: dict[Channel, list[int]] = {channel: [] for channel in LADDER}
    for person in waiting:
        for channel in LADDER:
            if person in reachable[channel] and channel.value not in tried.get(person, set()):
                chosen[channel].append(person)
                break
    return chosen
