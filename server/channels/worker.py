"""The email and SMS senders of the delivery worker (``server/push/worker.py``).

Each channel has its own sender, its own loop and its own connections: a gateway that hangs or
answers 500 holds back only its own channel's rows, never push or the other channel. Rows are
claimed, and failures tried again, by the loop every sender runs (``server/sending.py``: FOR
UPDATE SKIP LOCKED on PostgreSQL), so any number of workers share them and none is sent twice.
Before a message goes, the worker checks it is still wanted: an undone or ended alert cancels
it, an answer skips an escalation, an address its person removed (or changed) since cancels it,
and the district's daily SMS cap fails the SMS past it (its admins were warned near it). Each
SMS takes its place under the cap before it goes, one worker at a time, so however many workers
send, the cap holds to the message."""

from __future__ import annotations

import asyncio
import logging
import uuid
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from tortoise.expressions import Q
from tortoise.queryset import QuerySet
from tortoise.transactions import in_transaction

from server import sending
from server.alerts.models import Alert, AlertRecipient
from server.channels import text
from server.channels.models import Channel, Message, MessageStatus, Why
from server.channels.rules import sms_left
from server.channels.transports import Answer, SmsGateway, SmtpServer
from server.models import Organisation, User
from server.sending import Sender
from server.settings import Settings
from server.sql import Sql

log = logging.getLogger("muster.channels")

OVER_CAP = Answer(None, "over the district's daily SMS cap")


def channels_on(settings: Settings) -> list[Channel]:
    on = []
    if settings.sms_url:
        on.append(Channel.SMS)
    if settings.smtp_host:
        on.append(Channel.EMAIL)
    return on


# Messages sent because the person hadn't answered: one who answers before it goes is spared it.
UNLESS_ANSWERED = (Why.ESCALATION.value, Why.RESEND.value)


class ChannelSender(Sender):
    model = Message

    def __init__(self, channel: Channel, settings: Settings, **tuning: Any) -> None:
        self.channel, self.settings = channel, settings
        self.name = channel.value
        self.only = f"channel = '{channel.value}' AND "  # a constant: never a value from outside
        super().__init__(settings.is_sqlite, **tuning)
        self.gateway = SmsGateway(settings, self.concurrency) if channel == Channel.SMS else None
        self.smtp = SmtpServer(settings) if channel == Channel.EMAIL else None

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

    async def stop(self) -> None:
        await self.end()
        await self.__aexit__()

    def open_rows(self) -> QuerySet[Any]:
        return super().open_rows().filter(channel=self.channel.value)

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
        now = sending.now()
        outcomes: list[tuple[Message, str | Answer]] = []
        wanted: list[Message] = []
        for row in rows:
            alert = alerts.get(row.alert_id) if row.alert_id else None
            if alert is not None and (alert.cancelled_at or alert.ended_at):
                outcomes.append((row, MessageStatus.CANCELLED.value))
            elif row.why in UNLESS_ANSWERED and (row.alert_id, row.user_id) in answered:
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
                give_up, due = self.retry(attempts, outcome.retryable, outcome.retry_after, now)
                changes |= {
                    "status": (MessageStatus.FAILED if give_up else MessageStatus.PENDING).value,
                    "sent_at": None,  # its place under the day's SMS cap given back
                    "attempts": attempts,
                    "response_code": outcome.status,
                    "error": outcome.error[:200],
                    "due_at": due,
                }
                if give_up:
                    log.warning("%s %s failed: %s", self.channel, row.id, outcome.error)
            await Message.filter(id=row.id, claim=row.claim).update(**changes)
