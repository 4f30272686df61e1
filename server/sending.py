"""The loop every sender of the delivery worker runs: push (``server/push/worker.py``) and each of
email and SMS (``server/channels/worker.py``). It claims due rows, has them sent, and says when a
failed one is next tried; what a row is and how it goes out is the sender's own.

A claim is one ``UPDATE ... WHERE id IN (SELECT ... FOR UPDATE SKIP LOCKED) RETURNING id``, so
any number of workers share one PostgreSQL database, two never hold the same row, and a row is
sent only by the worker whose claim token it carries. A claim lapses after ``lease`` seconds, so
the rows of a worker that died mid-send go out from another. On SQLite the same statement runs
without the locking clause: SQLite serialises writers, and one process is what SQLite is for.
A failure is tried again after an exponential back-off (the provider's Retry-After honoured) up
to ``max_attempts``, or at once given up when the provider refuses it for good."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import uuid
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Any

from tortoise import connections
from tortoise.models import Model
from tortoise.queryset import QuerySet

from server.db import column

# One claim, for any table of rows to send (``delivery``; email and SMS in ``channel_message``,
# one channel at a time through ``only``: a constant condition, never a value from outside).
# The first ``status IN`` is the condition of the open rows' partial index (migration 0033):
# SQLite uses a partial index only when the query says its condition in so many words.
CLAIM_ROWS = """
UPDATE {table} SET status = 'sending', claim = {p1}, claimed_until = {p2}
WHERE id IN (
    SELECT id FROM {table}
    WHERE {only}status IN ('pending', 'sending')
      AND (status = 'pending' OR (status = 'sending' AND claimed_until < {p3}))
      AND due_at <= {p3}
    ORDER BY due_at, id LIMIT {p4}{lock}
)
RETURNING id
"""


def now() -> datetime:
    return datetime.now(UTC)


def claim_statement(table: str, only: str, sqlite: bool) -> str:
    """The claim's SQL for ``table``: on SQLite its values are the token, the lease's end, now,
    now and the batch; on PostgreSQL the token, the lease's end, now and the batch."""
    if sqlite:
        marks = {"p1": "?", "p2": "?", "p3": "?", "p4": "?", "lock": ""}
    else:
        marks = {"p1": "$1", "p2": "$2", "p3": "$3", "p4": "$4", "lock": " FOR UPDATE SKIP LOCKED"}
    return CLAIM_ROWS.replace("{table}", table).replace("{only}", only).format(**marks)


async def claim_rows(
    model: type[Model], only: str, lease: float, batch: int, sqlite: bool
) -> uuid.UUID | None:
    """Claim up to ``batch`` due rows of ``model``'s table (with ``only``, a constant condition
    ending in AND); returns the claim's token, or None when none were due. On PostgreSQL the
    rows another worker is claiming are skipped, not waited for."""
    token = uuid.uuid4()
    at = now()
    fields = model._meta.fields_map
    values = [
        fields["claim"].to_db_value(token, model),
        fields["claimed_until"].to_db_value(at + timedelta(seconds=lease), model),
        fields["due_at"].to_db_value(at, model),
        batch,
    ]
    if sqlite:
        values = [values[0], values[1], values[2], values[2], values[3]]
    db = connections.get("default")
    rows = await db.execute_query_dict(claim_statement(model._meta.db_table, only, sqlite), values)
    return token if rows else None


@dataclass(frozen=True)
class Tuning:
    """How a sender works: rows a claim, sends at once, the back-off of a failed row (from
    ``retry_base`` seconds, doubling to ``retry_cap``) and the tries before it is given up, how
    long a claim holds its rows, and how often it looks when nobody wakes it."""

    batch: int = 100
    concurrency: int = 16
    retry_base: float = 5.0
    retry_cap: float = 600.0
    max_attempts: int = 6
    lease: float = 120.0
    poll: float = 1.0


class Sender:
    """Claims rows of ``model`` (those ``only`` says), ``pipeline`` claims in flight at a time,
    and hands each claim to ``send_claimed``; in its own loop once begun, woken when rows are
    written, or polling every ``poll`` seconds. ``tuning``: the kind's own; a caller changes any
    of it by name (``batch=5``)."""

    model: type[Model]
    only = ""
    pipeline = 1  # claims sending at once: the next is claimed while one sends
    name = "delivery"
    tuning = Tuning()

    def __init__(self, sqlite: bool, **changes: Any) -> None:
        tuned = replace(self.tuning, **changes)
        self.sqlite = sqlite
        self.batch, self.concurrency = tuned.batch, tuned.concurrency
        self.retry_base, self.retry_cap = tuned.retry_base, tuned.retry_cap
        self.max_attempts, self.lease, self.poll = tuned.max_attempts, tuned.lease, tuned.poll
        self.sent = 0  # messages this sender handed to their provider
        self.log = logging.getLogger(f"muster.{self.name}")
        self._woken = asyncio.Event()
        self._task: asyncio.Task | None = None

    # -- life ---------------------------------------------------------------------------------
    def begin(self) -> None:
        """Its loop, once its connections are open."""
        self._task = asyncio.create_task(self._loop(), name=f"{self.name} sender")

    async def end(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    def wake(self) -> None:
        self._woken.set()

    async def _loop(self) -> None:
        while True:
            try:
                await self.drain()
            except Exception:  # the database or a bug: log, wait, try again; never die
                self.log.exception("%s delivery pass failed", self.name)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._woken.wait(), self.poll)
            self._woken.clear()

    # -- work ---------------------------------------------------------------------------------
    async def claim(self) -> uuid.UUID | None:
        """Claim up to ``batch`` due rows; returns the claim's token, or None when none were due."""
        return await claim_rows(self.model, self.only, self.lease, self.batch, self.sqlite)

    async def send_claimed(self, token: uuid.UUID) -> None:
        raise NotImplementedError

    async def drain(self) -> int:
        """Claim and send until nothing is due now; returns how many claims it made."""
        tried = 0
        in_flight: set[asyncio.Task] = set()
        while True:
            token = await self.claim()
            if token is None:
                break
            tried += 1
            in_flight.add(asyncio.create_task(self.send_claimed(token)))
            if len(in_flight) >= self.pipeline:
                done, in_flight = await asyncio.wait(in_flight, return_when="FIRST_COMPLETED")
                for task in done:
                    task.result()
        for task in in_flight:
            await task
        return tried

    def open_rows(self) -> QuerySet[Any]:
        """Its rows still to send (pending, or sending)."""
        return self.model.filter(status__in=["pending", "sending"])

    async def run_until_idle(
        self,
        alert_ids: list[Any] | None = None,
        within: float = 60,
        user_ids: list[int] | None = None,
    ) -> None:
        """Send until these alerts' (or people's) rows, or all, are settled, waiting out
        back-offs (tests, bench)."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + within
        open_rows = self.open_rows()
        if alert_ids is not None:
            open_rows = open_rows.filter(alert_id__in=alert_ids)
        if user_ids is not None:
            open_rows = open_rows.filter(user_id__in=user_ids)
        while True:
            await self.drain()
            due = await column(open_rows.order_by("due_at").limit(1), "due_at")
            if not due:
                return
            left = deadline - loop.time()
            if left <= 0:
                raise TimeoutError(f"{self.name}: {await open_rows.count()} rows still open")
            wait = (due[0] - now()).total_seconds()
            await asyncio.sleep(min(max(wait, 0.02), left, 1.0))

    # -- after a failure ------------------------------------------------------------------------
    def retry(
        self, attempts: int, retryable: bool, retry_after: float | None, at: datetime
    ) -> tuple[bool, datetime]:
        """After ``attempts`` tries the last of which failed: whether to give up, and when the
        row is due again (now, when given up)."""
        if not retryable or attempts >= self.max_attempts:
            return True, at
        delay = min(self.retry_cap, self.retry_base * 2 ** (attempts - 1))
        delay *= random.uniform(0.8, 1.2)
        if retry_after is not None:
            delay = max(delay, min(retry_after, 3600))
        return False, at + timedelta(seconds=delay)
