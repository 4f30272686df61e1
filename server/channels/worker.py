"""The email and SMS senders of the delivery worker (``server/push/worker.py``).

Each channel has its own sender, its own loop and its own connections: a gateway that hangs or
answers 500 holds back only its own channel's rows, never push or the other channel. Rows are
claimed with the push worker's own claim (``claim_rows``: FOR UPDATE SKIP LOCKED on PostgreSQL),
so any number of workers share them and none is sent twice. Before a message goes, the worker
checks it is still wanted: an undone or ended alert cancels it, an answer skips an escalation,
an address its person removed (or changed) since cancels it, and the district's daily SMS cap
fails the SMS past it (its admins were warned near it). Each SMS takes its place under the cap
before it goes, one worker at a time, so however many workers send, the cap holds to the
message."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from tortoise.expressions import Q
from tortoise.transactions import in_transaction

from server.alerts.models import Alert, AlertRecipient
from server.channels import text
from server.channels.models import Channel, Message, MessageStatus, Why
from server.channels.rules import sms_left
from server.channels.transports import Answer, SmsGateway, SmtpServer
from server.models import Organisation, User
from server.settings import Settings
from server.sql import Sql

log = logging.getLogger("muster.channels")

OVER_CAP = Answer(None, "over the district's daily SMS cap")


def _now() -> datetime:
    return datetime.now(UTC)


def channels_on(settings: Settings) -> list[Channel]:
    on = []
    if settings.sms_url:
        on.append(Channel.SMS)
    if settings.smtp_host:
        on.append(Channel.EMAIL)
    return on


class ChannelSender:
    def __init__(
        self,
        channel: Channel,
        settings: Settings,
        *,
        batch: int = 100,
        concurrency: int = 16,
        retry_base: float = 5.0,
        retry_cap: float = 600.0,
        max_attempts: int = 6,
        lease: float = 120.0,
        poll: float = 1.0,
    ) -> None:
        self.channel, self.settings = channel, settings
        self.sqlite = settings.is_sqlite
        self.batch, self.concurrency = batch, concurrency
        self.retry_base, self.retry_cap, self.max_attempts = retry_base, retry_cap, max_attempts
        self.lease, self.poll = lease, poll
        self.sent = 0
        self.gateway = SmsGateway(settings, concurrency) if channel == Channel.SMS else None
        self.smtp = SmtpServer(settings) if channel == Channel.EMAIL else None
        self._woken = asyncio.Event()
        self._task: asyncio.Task | None = None

    async def __aenter__(self) -> ChannelSender:
        if self.gateway is not None:
            await self.gateway.open()
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self.gateway is not None:
            await self.gateway.close()

    async def start(self) -> None:
        await self.__aenter__()
        self.begin()

    def begin(self) -> None:
        """Its loop, once entered (the delivery worker enters it with itself)."""
        self._task = asyncio.create_task(self._loop(), name=f"{self.channel} sender")

    async def end(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def stop(self) -> None:
        await self.end()
        await self.__aexit__()

    def wake(self) -> None:
        self._woken.set()

    async def _loop(self) -> None:
        while True:
            try:
                await self.drain()
            except Exception:  # the database or a bug: log, wait, try again; never die
                log.exception("%s delivery pass failed", self.channel)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._woken.wait(), self.poll)
            self._woken.clear()

    async def drain(self) -> int:
        """Claim and send until nothing of this channel is due now; returns the claims made."""
        claims = 0
        while token := await self.claim():
            claims += 1
            await self.send_claimed(token)
        return claims

    async def run_until_idle(
        self,
        alert_ids: list[Any] | None = None,
        within: float = 60,
        user_ids: list[int] | None = None,
    ) -> None:
        """Send until these alerts' (or people's) rows of this channel, or all, are settled,
        waiting out back-offs (tests, bench)."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + within
        open_rows = Message.filter(channel=self.channel.value, status__in=["pending", "sending"])
        if alert_ids is not None:
            open_rows = open_rows.filter(alert_id__in=alert_ids)
        if user_ids is not None:
            open_rows = open_rows.filter(user_id__in=user_ids)
        while True:
            await self.drain()
            first = await open_rows.order_by("due_at").first()
            if first is None:
                return
            if loop.time() > deadline:
                raise TimeoutError(f"{self.channel} messages still open")
            wait = (first.due_at - _now()).total_seconds()
            await asyncio.sleep(min(max(wait, 0.02), 1.0))

    async def claim(self) -> uuid.UUID | None:
        """Claim up to ``batch`` due rows of this channel; the token, or None when none were due."""
        from server.push.worker import claim_rows

        only = f"channel = '{self.channel.value}' AND "
        return await claim_rows(Message, only, self.lease, self.batch, self.sqlite)

    # -- one claim ----------------------------------------------------------------------------
    async def send_claimed(self, token: uuid.UUID) -> None:
        rows = await Message.filter(claim=token).prefetch_related("user").order_by("id")
        alerts = {
            a.id: a for a in await Alert.filter(id__in={r.alert_id for r in rows if r.alert_id})
        }
        answered = set(
            await AlertRecipient.filter(
                alert_id__in=list(alerts),
                first_responded_at__isnull=False,
                user_id__in=[r.user_id for r in rows],
            ).values_list("alert_id", "user_id")
        )
        now = _now()
        outcomes: list[tuple[Message, str | Answer]] = []
        wanted: list[Message] = []
        for row in rows:
            alert = alerts.get(row.alert_id) if row.alert_id else None
            if alert is not None and (alert.cancelled_at or alert.ended_at):
                outcomes.append((row, MessageStatus.CANCELLED.value))
            elif row.why == Why.ESCALATION.value and (row.alert_id, row.user_id) in answered:
                outcomes.append((row, MessageStatus.SKIPPED.value))
            elif row.why != Why.CODE.value and row.address != self._verified(row.user):
                outcomes.append((row, MessageStatus.CANCELLED.value))  # removed since written
            else:
                wanted.append(row)
        if self.channel == Channel.SMS:
            over = await self._reserve(token, wanted, now)
            outcomes += [(row, OVER_CAP) for row in wanted if row.id in over]
            wanted = [row for row in wanted if row.id not in over]
        to_send = [
            (row, self._compose(row, alerts.get(row.alert_id) if row.alert_id else None))
            for row in wanted
        ]
        outcomes += await self._hand_over(to_send)
        await self._record(outcomes, now)

    def _verified(self, user: User) -> str:
        return user.verified_phone if self.channel == Channel.SMS else user.verified_email

    async def _reserve(self, token: uuid.UUID, rows: list[Message], now: datetime) -> set[int]:
        """Each SMS's place under its district's daily cap, taken before it goes; returns the
        rows past the cap. One transaction a claim, the districts' rows locked (on PostgreSQL:
        FOR UPDATE; SQLite's writers take turns), so two workers counting at once can't both
        take the last place. A place taken is ``sent_at`` set on a row still sending: counted
        beside the rows sent, and given back (``sent_at`` emptied) if the SMS doesn't go."""
        if not rows:
            return set()
        over: set[int] = set()
        districts = sorted({row.organisation_id for row in rows})
        async with in_transaction():
            sql = Sql()
            lock = "" if self.sqlite else " FOR UPDATE"
            found = await sql.rows(
                f"SELECT id, sms_daily_cap FROM {sql.table(Organisation)} "
                f"WHERE id IN {sql.among(districts)} ORDER BY id{lock}"
            )
            caps = {row["id"]: row["sms_daily_cap"] for row in found}
            for district in districts:
                taken = Q(status=MessageStatus.SENT.value) | Q(
                    Q(status=MessageStatus.SENDING.value) & ~Q(claim=token) & Q(claim__isnull=False)
                )
                used = await Message.filter(
                    taken,
                    organisation_id=district,
                    channel=Channel.SMS.value,
                    sent_at__gte=self._day_start(now),
                ).count()
                left = sms_left(caps.get(district, 0), used)
                mine = [row.id for row in rows if row.organisation_id == district]
                over.update(mine[left:])
                if mine[:left]:
                    await Message.filter(id__in=mine[:left], claim=token).update(sent_at=now)
        return over

    def _day_start(self, now: datetime) -> datetime:
        """Midnight today on the district's clock, as an instant."""
        local = now.astimezone(ZoneInfo(self.settings.timezone))
        return local.replace(hour=0, minute=0, second=0, microsecond=0).astimezone(UTC)

    def _compose(self, row: Message, alert: Alert | None) -> Any:
        locale, s = row.user.locale, self.settings
        if self.channel == Channel.SMS:
            if alert is None:
                return row.body
            return text.sms(alert, locale, s.public_url, s.default_locale)
        if alert is None:
            return text.code_email(row.body, s.smtp_from, row.address, locale, s.default_locale)
        return text.email(alert, locale, s.public_url, s.smtp_from, row.address, s.default_locale)

    async def _hand_over(self, jobs: list[tuple[Message, Any]]) -> list[tuple[Message, Answer]]:
        if not jobs:
            return []
        if self.smtp is not None:
            answers = await self.smtp.send_many([message for _, message in jobs])
            return list(zip([row for row, _ in jobs], answers, strict=True))
        gateway = self.gateway
        assert gateway is not None
        queue = iter(jobs)
        done: list[tuple[Message, Answer]] = []

        async def sender() -> None:  # a fixed set of senders, each taking the next message
            for row, body in queue:
                done.append((row, await gateway.send(row.address, body)))

        await asyncio.gather(*(sender() for _ in range(min(len(jobs), self.concurrency))))
        return done

    def _backoff(self, attempts: int, retry_after: float | None) -> float:
        delay = min(self.retry_cap, self.retry_base * 2 ** (attempts - 1))
        delay *= random.uniform(0.8, 1.2)
        if retry_after is not None:
            delay = max(delay, min(retry_after, 3600))
        return delay

    async def _record(self, outcomes: list[tuple[Message, str | Answer]], now: datetime) -> None:
        """Each outcome on its row, off the claim; the provider's answer kept."""
        for row, outcome in outcomes:
            changes: dict[str, Any] = {"claim": None, "claimed_until": None}
            if isinstance(outcome, str):
                changes["status"] = outcome
            elif outcome.sent:
                self.sent += 1
                changes |= {
                    "status": MessageStatus.SENT.value,
                    "attempts": row.attempts + 1,
                    "sent_at": now,
                    "response_code": outcome.status,
                    "provider_id": outcome.provider_id,
                    "error": "",
                    "body": "",  # a code is not kept once sent
                }
            else:
                attempts = row.attempts + 1
                give_up = not outcome.retryable or attempts >= self.max_attempts
                due = now + timedelta(seconds=self._backoff(attempts, outcome.retry_after))
                changes |= {
                    "status": (MessageStatus.FAILED if give_up else MessageStatus.PENDING).value,
                    "sent_at": None,  # its place under the day's SMS cap given back
                    "attempts": attempts,
                    "response_code": outcome.status,
                    "error": outcome.error[:200],
                    "due_at": now if give_up else due,
                }
                if give_up:
                    log.warning("%s %s failed: %s", self.channel, row.id, outcome.error)
            await Message.filter(id=row.id, claim=row.claim).update(**changes)
