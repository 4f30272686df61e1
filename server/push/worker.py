"""The push sender of the delivery worker, and the worker itself: claims due push deliveries
(the claim, the loop and the back-off are every sender's, ``server/sending.py``), sends them
concurrently, records each outcome. The worker runs email and SMS beside push, each channel its
own sender and loop (``server/channels/worker.py``).

Runs inside each app process (or alone: ``python -m server push-send``); any number may run
against one PostgreSQL database.

Outcomes: 2xx sent; 404/410 the subscription is gone and deleted; 429, 5xx and network errors
retried with exponential back-off (honouring Retry-After) up to ``max_attempts``; other answers
failed for good, with the push service's word kept on the row."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import uuid
from collections import defaultdict
from collections.abc import AsyncIterator, Callable
from contextvars import ContextVar
from datetime import datetime
from typing import Any

import aiohttp
from tortoise import connections
from tortoise.expressions import F
from tortoise.transactions import in_transaction

from server import sending
from server.action_names import load, using
from server.alerts.facts import Facts, gather_many, is_desk
from server.alerts.kinds import PUSH_HEADERS, Severity
from server.alerts.models import Alert
from server.channels.queue import after_push_failed
from server.channels.worker import ChannelSender, channels_on
from server.push.cipher import encrypt_many, warm_up
from server.push.models import Delivery, DeliveryStatus, PushSubscription
from server.push.payload import encode, notification
from server.push.send import Outcome, new_client, post
from server.push.vapid import VapidSigner
from server.sending import CLAIM_ROWS, Sender, Tuning
from server.settings import Settings

log = logging.getLogger("muster.push")

# The claim of push deliveries (tests lock rows with it by hand).
_CLAIM = CLAIM_ROWS.replace("{table}", "delivery").replace("{only}", "")

# A claim's rows, with where each goes and in which language.
_CLAIMED = """
SELECT d.id, d.alert_id, d.user_id, d.attempts, d.subscription_id,
       s.endpoint, s.p256dh, s.auth, u.locale, u.roles
FROM delivery d
LEFT JOIN push_subscription s ON s.id = d.subscription_id
JOIN "user" u ON u.id = d.user_id
WHERE d.claim = {mark}
"""

_running: set[DeliveryWorker] = set()


def _roles(value: Any) -> list[str]:
    """A person's roles as the raw query gives them (JSON text on SQLite and asyncpg)."""
    if isinstance(value, str):
        with contextlib.suppress(ValueError):
            value = json.loads(value)
    return [str(r) for r in value] if isinstance(value, list) else []


def wake() -> None:
    """Tell this process's workers that new deliveries are waiting (after a commit)."""
    for worker in _running:
        worker.wake()


# Whether the request in hand wrote delivery rows. A sync batch of notes and answers must not
# wake the workers: on SQLite their claim is a write of its own, one more commit per batch.
_queued: ContextVar[list[bool] | None] = ContextVar("deliveries_queued", default=None)


def note_queued() -> None:
    """Called where delivery rows are written."""
    marks = _queued.get()
    if marks is not None:
        marks.append(True)


@contextlib.asynccontextmanager
async def wake_if_queued() -> AsyncIterator[None]:
    """Around work that commits: wakes the workers afterwards if it queued any delivery."""
    marks: list[bool] = []
    token = _queued.set(marks)
    try:
        yield
    finally:
        _queued.reset(token)
    if marks:
        wake()


class DeliveryWorker(Sender):
    model = Delivery
    pipeline = 2  # one batch sending while the next is claimed and encrypted
    name = "push"

    tuning = Tuning(batch=500, concurrency=64, retry_base=2.0, retry_cap=300.0)

    def __init__(
        self, settings: Settings, icon_url: Callable[[str], str] | None = None, **tuning: Any
    ) -> None:
        super().__init__(settings.is_sqlite, **tuning)
        self.signer = VapidSigner(settings.vapid_private_key, settings.vapid_contact)
        self.default_locale = settings.default_locale
        self.icon_url = icon_url
        self.client: aiohttp.ClientSession | None = None
        # Email and SMS: the same delivery path, each channel its own sender and loop.
        self.channels = [ChannelSender(c, settings) for c in channels_on(settings)]

    # -- life ---------------------------------------------------------------------------------
    async def __aenter__(self) -> DeliveryWorker:
        self.client = new_client(self.concurrency)
        await warm_up()
        for sender in self.channels:
            await sender.__aenter__()
        return self

    async def __aexit__(self, *exc: object) -> None:
        for sender in self.channels:
            await sender.__aexit__()
        if self.client is not None:
            await self.client.close()
            self.client = None

    async def start(self) -> None:
        await self.__aenter__()
        _running.add(self)
        self.begin()
        for sender in self.channels:
            sender.begin()

    async def stop(self) -> None:
        _running.discard(self)
        for sender in self.channels:
            await sender.end()
        await self.end()
        await self.__aexit__()

    def wake(self) -> None:
        super().wake()
        for sender in self.channels:
            sender.wake()

    # -- work ---------------------------------------------------------------------------------
    async def send_claimed(self, token: uuid.UUID) -> None:
        db = connections.get("default")
        mark = "?" if self.sqlite else "$1"
        rows = await db.execute_query_dict(
            _CLAIMED.format(mark=mark),
            [Delivery._meta.fields_map["claim"].to_db_value(token, Delivery)],
        )
        for row in rows:  # SQLite gives the UUID as text
            row["alert_id"] = uuid.UUID(str(row["alert_id"]))
        alerts = {a.id: a for a in await Alert.filter(id__in={r["alert_id"] for r in rows})}
        facts: dict[uuid.UUID, Facts] = {}
        for alert in alerts.values():  # gathered per organisation: its records only
            facts |= await gather_many([alert])
        locales = {row["user_id"]: row["locale"] for row in rows}
        # Each district's own names for its actions, once per district in the claim.
        names = {org: await load(org) for org in {a.organisation_id for a in alerts.values()}}
        payloads: dict[tuple[Any, str | None, bool], bytes] = {}
        desks: dict[str, bool] = {}
        icons = self._icons()
        outcomes: list[tuple[dict[str, Any], Outcome]] = []
        jobs: list[tuple[dict[str, Any], Alert, bytes]] = []
        for row in rows:
            alert = alerts[row["alert_id"]]
            if alert.cancelled_at is not None:
                outcomes.append((row, Outcome(None, "cancelled")))
                continue
            if row["endpoint"] is None:
                outcomes.append((row, Outcome(410, "subscription removed")))
                continue
            locale = locales.get(row["user_id"])
            roles = row["roles"]  # a handful of distinct lists in a claim: each read once
            key_of_roles = roles if isinstance(roles, str) else json.dumps(roles)
            if key_of_roles not in desks:
                desks[key_of_roles] = is_desk(_roles(roles))
            desk = desks[key_of_roles]
            key = (alert.id, locale, desk)
            if key not in payloads:  # one message an alert, language and side; only "user" differs
                with using(names[alert.organisation_id]):
                    message = notification(
                        alert, 0, locale, icons, self.default_locale, facts.get(alert.id), desk
                    )
                del message["user"]
                payloads[key] = encode(message)[1:]
            payload = b'{"user":%d,' % row["user_id"] + payloads[key]
            jobs.append((row, alert, payload))
        # A fixed set of senders takes the next message as each finishes: no task and no wait on
        # a semaphore per message. Two claims are in flight at a time, so half the connections
        # each.
        bodies = await encrypt_many([(payload, r["p256dh"], r["auth"]) for r, _, payload in jobs])
        queue = iter(zip(jobs, bodies, strict=True))

        async def sender() -> None:
            for (row, alert, _payload), body in queue:
                outcomes.append(await self._send_one(row, alert, body))

        senders = max(1, min(len(jobs), self.concurrency // 2))
        await asyncio.gather(*(sender() for _ in range(senders)))
        await self._record(token, outcomes)

    def _icons(self) -> dict[str, str]:
        if self.icon_url is None:
            return {}
        from server.alerts.kinds import KINDS

        names = [k.icon for k in KINDS.values()] + ["icons/icon-192.png"]
        return {name: self.icon_url(name) for name in names}

    async def _send_one(
        self, row: dict[str, Any], alert: Alert, body: bytes | str
    ) -> tuple[dict[str, Any], Outcome]:
        if isinstance(body, str):  # keys no browser made: this subscription can never work
            return row, Outcome(400, body)
        urgency, ttl = PUSH_HEADERS[Severity(alert.severity)]
        assert self.client is not None, "use the worker inside `async with` or start() it"
        outcome = await post(
            self.client,
            self.signer,
            row["endpoint"],
            body,
            ttl=ttl,
            urgency=urgency,
        )
        return row, outcome

    async def _record(self, token: uuid.UUID, outcomes: list[tuple[dict, Outcome]]) -> None:
        """Every outcome of one claim, in one transaction, in as few statements as it takes.

        Most claims come back all 201: then the rows are updated by their claim token alone,
        without a list of ids, and the subscriptions' last success through the same token."""
        now = sending.now()
        groups: dict[tuple[str, int | None], list[int]] = defaultdict(list)
        gone_subscriptions: list[int] = []
        failed: dict[uuid.UUID, list[int]] = defaultdict(list)  # push failed for good
        later: list[tuple[dict, Outcome]] = []
        for row, outcome in outcomes:
            if outcome.status is None and outcome.error == "cancelled":
                groups[(DeliveryStatus.CANCELLED.value, None)].append(row["id"])
            elif outcome.delivered:
                groups[(DeliveryStatus.SENT.value, outcome.status)].append(row["id"])
            elif outcome.gone:
                groups[(DeliveryStatus.GONE.value, outcome.status)].append(row["id"])
                if row["subscription_id"] is not None:
                    gone_subscriptions.append(row["subscription_id"])
                failed[row["alert_id"]].append(row["user_id"])
            else:
                later.append((row, outcome))
        mine = Delivery.filter(claim=token)
        largest = max(groups, key=lambda key: len(groups[key])) if groups else None
        if not later and len(groups) == 1 and largest and largest[0] == "sent":
            async with in_transaction():  # the usual claim: every message taken, two statements
                await self._mark_working(token, now)
                await mine.update(
                    status=DeliveryStatus.SENT.value,
                    response_code=largest[1],
                    attempts=F("attempts") + 1,
                    sent_at=now,
                    claim=None,
                    claimed_until=None,
                )
            self.sent += len(groups[largest])
            return
        async with in_transaction():
            for row, outcome in later:  # each its own back-off, and off the claim at once
                attempts = row["attempts"] + 1
                give_up, due = self.retry(attempts, outcome.retryable, outcome.retry_after, now)
                if give_up:
                    failed[row["alert_id"]].append(row["user_id"])
                await mine.filter(id=row["id"]).update(
                    status=(DeliveryStatus.FAILED if give_up else DeliveryStatus.PENDING).value,
                    attempts=attempts,
                    response_code=outcome.status,
                    error=outcome.error[:200],
                    due_at=due,
                    claim=None,
                    claimed_until=None,
                )
            for key, ids in groups.items():
                status, code = key
                rows = mine if key == largest else mine.filter(id__in=ids)
                changes: dict[str, Any] = {"status": status, "response_code": code}
                if status != DeliveryStatus.CANCELLED.value:
                    changes["attempts"] = F("attempts") + 1
                if status == DeliveryStatus.SENT.value:
                    changes["sent_at"] = now
                await rows.update(**changes)
            if any(key[0] == DeliveryStatus.SENT.value for key in groups):
                await self._mark_working(token, now)
            if gone_subscriptions:
                await PushSubscription.filter(id__in=gone_subscriptions).delete()
            await mine.update(claim=None, claimed_until=None)
            # An emergency that reached none of a person's phones goes to them by SMS now.
            if failed:
                await after_push_failed(failed, now)
        if failed:
            self.wake()
        self.sent += sum(len(ids) for key, ids in groups.items() if key[0] == "sent")

    async def _mark_working(self, token: uuid.UUID, now: datetime) -> None:
        """Each subscription just reached: when it last worked."""
        fields = Delivery._meta.fields_map
        values = [
            fields["sent_at"].to_db_value(now, Delivery),
            fields["claim"].to_db_value(token, Delivery),
        ]
        marks = ("?", "?") if self.sqlite else ("$1", "$2")
        db = connections.get("default")
        await db.execute_query(
            f"UPDATE push_subscription SET last_success_at = {marks[0]} WHERE id IN "
            f"(SELECT subscription_id FROM delivery WHERE claim = {marks[1]} AND status IN "
            "('sent', 'sending'))",
            values,
        )
