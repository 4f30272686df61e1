"""The timed fall-back of an alert to one function of a crisis team ("the medical lead").

Its primary is alerted alone when they have a phone that takes alerts (``audience.team_chain``);
if they haven't answered within ``FALL_BACK_AFTER``, the function's backups are alerted too:
once, by whichever web process takes it first (each runs the watch of ``server.due``)."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from server.alerts.audience import Audience, team_chain
from server.alerts.models import Alert, AlertFallback, AlertRecipient
from server.alerts.recipients import add_recipients
from server.db import column
from server.due import take_due
from server.models import User
from server.push.worker import wake

log = logging.getLogger("muster.alerts")

# Long enough to read an alert and tap an answer, short enough that a medical lead's silence
# costs minutes, not the incident.
FALL_BACK_AFTER = timedelta(minutes=3)


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
    fell = await take_due(AlertFallback, now, _fall_back)
    if fell:
        wake()  # this process's push worker sends them now; others within their poll
    return fell


async def _fall_back(fallback_id: int, now: datetime) -> int:
    # Taken by setting done_at where it is unset: of two workers, one updates the row.
    if not await AlertFallback.filter(id=fallback_id, done_at__isnull=True).update(done_at=now):
        return 0
    fallback = await AlertFallback.get(id=fallback_id)
    alert = await Alert.get(id=fallback.alert_id)
    answered = await AlertRecipient.filter(
        alert_id=alert.id, user_id=fallback.primary_id, first_responded_at__isnull=False
    ).exists()
    if answered or alert.cancelled_at is not None or alert.ended_at is not None:
        return 0
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
    return int(bool(people))
