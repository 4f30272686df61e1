"""Work that falls due: rows with a ``due_at`` and a ``done_at``, each taken when its time has
come by whichever web process claims it first, and the watch each web process runs to take them.
An alert's fall-back to a team function's backups (``alerts.fallback``) and its escalation by
SMS, then email (``channels.escalation``) are such rows. How a row is claimed and what taking it
does is its owner's; here is only finding the rows due and running the pass every few seconds
(the same watch runs the trips' pass and the drill reminders')."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime

from tortoise.models import Model
from tortoise.transactions import in_transaction

from server.db import column

log = logging.getLogger("muster.due")

WATCH_SECONDS = 5  # how late due work may be


async def take_due(
    model: type[Model], now: datetime, take: Callable[[int, datetime], Awaitable[int]]
) -> int:
    """``take`` each row of ``model`` not done whose time has come by ``now``, oldest first,
    each in its own transaction; returns the sum of what ``take`` returned."""
    due = await column(model.filter(done_at__isnull=True, due_at__lte=now).order_by("due_at"), "id")
    total = 0
    for row_id in due:
        async with in_transaction():
            total += await take(row_id, now)
    return total


async def watch(
    what: str, one_pass: Callable[[datetime], Awaitable[object]], interval: float = WATCH_SECONDS
) -> None:
    """``one_pass`` every ``interval`` seconds for as long as the app lives (a lifespan task)."""
    while True:
        try:
            await one_pass(datetime.now(UTC))
        except Exception:  # a database hiccup must not end the watch
            log.exception("%s pass failed", what)
        await asyncio.sleep(interval)
