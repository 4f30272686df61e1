"""The timed fall-back of an alert to one function of a crisis team ("the medical lead").

Its primary is alerted alone when they have a phone that takes alerts (``audience.team_chain``);
if they haven't answered within ``FALL_BACK_AFTER``, the function's backups are alerted too:
once, by whichever web process takes it first (each runs ``watch_fallbacks``, as it watches
trips)."""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime, timedelta

from tortoise.transactions import in_transaction

from server.alerts.audience import Audience, team_chain
from server.alerts.models import Alert, AlertFallback, AlertRecipient
from server.alerts.recipients import add_recipients
from server.db import column
from server.models import User
from server.push.worker import wake

log = logging.getLogger("muster.alerts")

# Long enough to read an alert and tap an answer, short enough that a medical lead's silence
# costs minutes, not the incident.
FALL_BACK_AFTER = timedelta(minutes=3)
WATCH_SECONDS = 5  # how late a fall-back may be


async def plan(alert: Alert, audience: Audience, sender_id: int) -> None:
    """Keeps the backups of a one-function team alert whose primary was alerted alone, for
    ``fall_back_due``. Runs in ``raise_alert``'s transaction."""
    team = audience.team
    if team is None or team.function is None or alert.practice:
        return
    now, later = await team_chain(alert.organisation_id, team)
    later = [person for person in later if person != sender_id]
    if len(now) != 1 or now[0] == sender_id or not later:
        return  # everyone alerted at once already, or nobody to fall back to
    start = alert.send_after or alert.raised_at
    await AlertFallback.create(
        alert_id=alert.id, primary_id=now[0], people=later, due_at=start + FALL_BACK_AFTER
    )


async def fall_back_due(now: datetime) -> int:
    """Alerts the backups of every team alert whose primary hasn't answered by its time;
    returns how many alerts fell back."""
    due = await column(
        AlertFallback.filter(done_at__isnull=True, due_at__lte=now).order_by("due_at"), "id"
    )
    fell = 0
    for fallback_id in due:
        async with in_transaction():
            if await _fall_back(fallback_id, now):
                fell += 1
    if fell:
        wake()  # this process's push worker sends them now; others within their poll
    return fell


async def watch_fallbacks(interval: float = WATCH_SECONDS) -> None:
    """``fall_back_due`` every ``interval`` seconds for as long as the app lives."""
    while True:
        try:
            await fall_back_due(datetime.now(UTC))
        except Exception:  # a database hiccup must not end the watch
            log.exception("alert fall-back pass failed")
        await asyncio.sleep(interval)


async def _fall_back(fallback_id: int, now: datetime) -> bool:
    # Taken by setting done_at where it is unset: of two workers, one updates the row.
    if not await AlertFallback.filter(id=fallback_id, done_at__isnull=True).update(done_at=now):
        return False
    fallback = await AlertFallback.get(id=fallback_id)
    alert = await Alert.get(id=fallback.alert_id)
    answered = await AlertRecipient.filter(
        alert_id=alert.id, user_id=fallback.primary_id, first_responded_at__isnull=False
    ).exists()
    if answered or alert.cancelled_at is not None or alert.ended_at is not None:
        return False
    already = set(await column(AlertRecipient.filter(alert_id=alert.id), "user_id"))
    active = set(
        await column(
            User.filter(id__in=fallback.people, organisation_id=alert.organisation_id, active=True),
            "id",
        )
    )
    people = [p for p in fallback.people if p in active and p not in already]
    await add_recipients(alert, people, due_at=now)
    fallback.fell_back = bool(people)
    await fallback.save(update_fields=["fell_back"])
    log.info("alert %s fell back to %s backups", alert.id, len(people))
    return bool(people)
