"""Apply a batch of events from one device, each exactly once, and answer for each.

Fast path: the whole batch in one transaction, its rows written in bulk. Most batches hold only
new events, so nothing is looked up first: the event log's unique id stops a resend, the
transaction rolls back, and the batch is tried once more without the events already stored. If
that fails too (a handler broke), the batch is replayed one event at a time, each in its own
transaction, so one bad event never blocks the others.
"""

from __future__ import annotations

import functools
import hashlib
import json
import logging
import re
from datetime import UTC, datetime
from itertools import groupby
from typing import Any
from uuid import UUID

import orjson
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from tortoise.expressions import F
from tortoise.transactions import in_transaction

from server.accounting import events as accounting_events
from server.alerts import events as alert_events
from server.checklists import events as checklist_events
from server.concerns import events as concern_events
from server.edge import EventTime, in_window, problem
from server.events import notes
from server.events.bulk import insert_many
from server.events.clock import skew_of
from server.events.faults import transient
from server.events.models import EventRetry, ReceivedEvent
from server.events.registry import REGISTRY, Pending, Sender
from server.i18n import N_
from server.i18n import gettext as _
from server.incidents import events as incident_events
from server.reports import events as report_events
from server.risk import events as risk_events
from server.training import events as training_events
from server.trips import events as trip_events

log = logging.getLogger("muster.events")

# Every module of event types, each area's own: importing one registers its types. A module of
# event types missing here is never registered (tests/test_architecture.py checks the list).
EVENT_MODULES = (
    accounting_events,
    alert_events,
    checklist_events,
    concern_events,
    incident_events,
    notes,
    report_events,
    risk_events,
    training_events,
    trip_events,
)

# Reasons are shown to the person on the device, in their language (the request's locale).
OTHER_CONTENT = N_("This event id was already used for different content.")
RETRIES = 3  # passing faults a device may meet with one event before it is refused


class Envelope(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: UUID
    type: str = Field(max_length=64)
    occurred_at: EventTime
    payload: dict[str, Any]


def _digest(envelope: Envelope) -> str:
    return hashlib.sha256(
        canonical([envelope.type, envelope.occurred_at.isoformat(), envelope.payload])
    ).hexdigest()


# Where orjson writes a number differently from the standard library (an exponent, or a tiny
# float written out in full); in a string it only costs the slow path.
_NOT_LIKE_STDLIB = re.compile(rb"\d[eE][-+]?\d|0\.0000")


def canonical(value: Any) -> bytes:
    """Sorted, compact JSON in UTF-8, byte for byte what ``json.dumps(sort_keys=True,
    separators=(",", ":"), ensure_ascii=False)`` writes, so the digests of events stored before
    stay the same; orjson writes it about ten times faster, and nearly always identically."""
    fast = orjson.dumps(value, option=orjson.OPT_SORT_KEYS)
    if not _NOT_LIKE_STDLIB.search(fast):
        return fast
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def _first_error(error: ValidationError) -> str:
    item = error.errors()[0]
    where = ".".join(str(part) for part in item["loc"])
    return f"{where}: {item['msg']}" if where else item["msg"]


def _rejected(event_id: str, reason: str) -> dict[str, str]:
    return {"id": event_id, "status": "rejected", "reason": reason}


def parse(raw: Any, checked: bool = False) -> Pending | dict[str, str]:
    """A validated event, or the rejection to answer with. Never raises: whatever a phone
    sends, the answer is about this event alone. ``checked``: every value in it is known to pass
    ``edge.problem`` already (``edge.read_json`` found so for the whole body)."""
    event_id = str(raw.get("id", ""))[:64] if isinstance(raw, dict) else ""
    if problem(event_id):
        event_id = ""  # the id is echoed back; a NUL or half an emoji can't be
    try:
        return _parse(raw, event_id, checked)
    except Exception:  # a schema that let something odd through: refused, never a 500
        log.exception("event %s could not be read", event_id)
        return _rejected(event_id, _("This is not a valid event."))


def _parse(raw: Any, event_id: str, checked: bool) -> Pending | dict[str, str]:
    why = None if checked else problem(raw)
    if why:
        return _rejected(event_id, _("This can't be saved: %(error)s") % {"error": _(why)})
    try:
        envelope = Envelope.model_validate(raw)
    except ValidationError as error:
        return {
            "id": event_id,
            "status": "rejected",
            "reason": _("This is not a valid event (%(error)s).") % {"error": _first_error(error)},
        }
    kind = REGISTRY.get(envelope.type)
    if kind is None:
        return {
            "id": event_id,
            "status": "rejected",
            "reason": _("This server does not know events of type “%(type)s”.")
            % {"type": envelope.type},
        }
    try:
        payload = kind.payload.model_validate(envelope.payload)
    except ValidationError as error:
        return {
            "id": event_id,
            "status": "rejected",
            "reason": _("Some details are not valid (%(error)s).") % {"error": _first_error(error)},
        }
    return Pending(
        envelope.id,
        envelope.type,
        envelope.occurred_at,
        payload,
        envelope.payload,
        _digest(envelope),
    )


def _out_of_window(p: Pending, now: datetime) -> Pending | dict[str, str]:
    """The event, or its rejection when a time in it, on the server's clock, is before 2000 or
    more than a day ahead (its clock corrected first: a phone a week fast loses nothing)."""
    try:
        in_window(p.occurred_at, now)
        schema: type[BaseModel] = type(p.payload)
        for name in _time_fields(schema):
            moment = getattr(p.payload, name)
            if moment is not None:
                in_window(p.on_server_clock(moment), now)
    except ValueError as error:
        return _rejected(
            str(p.event_id), _("Some details are not valid (%(error)s).") % {"error": error}
        )
    return p


@functools.cache
def _time_fields(model: type[BaseModel]) -> tuple[str, ...]:
    """The payload's fields that hold a time (``EventTime``)."""
    return tuple(
        name
        for name, field in model.model_fields.items()
        if "datetime" in str(field.annotation).lower()
    )


def _answer(pending: Pending) -> dict[str, str]:
    answer = {"id": str(pending.event_id), "status": pending.status}
    if pending.reason:
        answer["reason"] = pending.reason
    return answer


async def _stored(pending: list[Pending]) -> dict[UUID, dict[str, Any]]:
    """The log's rows for these ids, for the events that were stored before."""
    rows = await ReceivedEvent.filter(id__in=[p.event_id for p in pending]).values(
        "id", "digest", "organisation_id"
    )
    return {row["id"]: row for row in rows}


def _against(p: Pending, row: dict[str, Any], sender: Sender) -> dict[str, str]:
    """A duplicate (the same event again) or a clash (same id, other content)."""
    same = row["digest"] == p.digest and row["organisation_id"] == sender.user.organisation_id
    if same:
        return {"id": str(p.event_id), "status": "duplicate"}
    return {"id": str(p.event_id), "status": "rejected", "reason": _(OTHER_CONTENT)}


async def _apply(pending: list[Pending], sender: Sender) -> None:
    """The log first (its unique id turns away a resend before any handler runs), then the
    handlers in recording order, consecutive events of one type together. Events a handler
    refused leave the log again: they were never applied."""
    now = datetime.now(UTC)
    rows = [
        {
            "id": p.event_id,
            "organisation_id": sender.user.organisation_id,
            "user_id": sender.user.id,
            "device_id": sender.device_id,
            "type": p.type,
            "occurred_at": p.occurred_at,
            "received_at": now,
            "payload": p.raw_payload,
            "digest": p.digest,
        }
        for p in pending
    ]
    await insert_many(ReceivedEvent, rows)
    for name, group in groupby(pending, key=lambda p: p.type):
        await REGISTRY[name].handler(list(group), sender)
    refused = [p.event_id for p in pending if p.rejected]
    if refused:
        await ReceivedEvent.filter(id__in=refused).delete()


async def _in_one_transaction(pending: list[Pending], sender: Sender) -> bool:
    """All of ``pending`` applied together, or none of it (False)."""
    for p in pending:
        p.status, p.reason = "accepted", None
    if not pending:
        return True
    try:
        async with in_transaction():
            await _apply(pending, sender)
    except Exception:  # an event stored before (a resend, or a concurrent request), or a bug
        return False
    return True


async def ingest(
    raw_events: list[Any], sender: Sender, sent_at: datetime | None = None, checked: bool = False
) -> list[dict[str, str]]:
    """``sent_at``: when the phone sent the batch, by its own clock; every time in the batch is
    put on the server's clock with it (``server/events/clock.py``). ``checked``: the batch's
    values are known to pass ``edge.problem`` (``edge.read_json``), so no event is walked again."""
    parsed = [parse(raw, checked) for raw in raw_events]
    pending = [p for p in parsed if isinstance(p, Pending)]
    now = datetime.now(UTC)
    skew = skew_of(sent_at, [p.occurred_at for p in pending], now)
    for p in pending:
        p.set_clock(skew, now)
    parsed = [_out_of_window(p, now) if isinstance(p, Pending) else p for p in parsed]
    pending = [p for p in parsed if isinstance(p, Pending)]
    first_of_id: dict[UUID, Pending] = {}
    for p in pending:
        first_of_id.setdefault(p.event_id, p)
    fresh = [p for p in pending if first_of_id[p.event_id] is p]
    stored: dict[UUID, dict[str, Any]] = {}
    if not await _in_one_transaction(fresh, sender):
        stored = await _stored(fresh)
        fresh = [p for p in fresh if p.event_id not in stored]
        if not await _in_one_transaction(fresh, sender):
            log.warning("batch from %s replayed one event at a time", sender.device_id)
            for p in fresh:
                p.status, p.reason = "accepted", None
                await _one(p, sender)
    answers = {p.event_id: _answer(p) for p in fresh}
    results = []
    for item in parsed:
        if not isinstance(item, Pending):
            results.append(item)
        elif item.event_id in stored:
            results.append(_against(item, stored[item.event_id], sender))
        elif first_of_id[item.event_id] is not item:
            results.append(_within_batch(item, first_of_id[item.event_id]))
        else:
            results.append(answers[item.event_id])
    return results


def _within_batch(item: Pending, first: Pending) -> dict[str, str]:
    if item.digest == first.digest:
        return {"id": str(item.event_id), "status": "duplicate"}
    return {"id": str(item.event_id), "status": "rejected", "reason": _(OTHER_CONTENT)}


async def _one(p: Pending, sender: Sender) -> None:
    """One event in its own transaction. Only a passing fault (the database away, a lock
    timeout) leaves it for the device to resend, and only a few times; anything else about
    it is refused with a reason, so it shows under "Needs attention" instead of looping."""
    try:
        row = (await _stored([p])).get(p.event_id)
        if row is not None:
            answer = _against(p, row, sender)
            p.status, p.reason = answer["status"], answer.get("reason")
            return
        async with in_transaction():
            await _apply([p], sender)
    except Exception as error:
        log.exception("event %s could not be applied", p.event_id)
        if not transient(error):
            p.reject(_("The server can't save this event. Tell your district's Muster admin."))
        elif await _tries(p, sender) >= RETRIES:
            p.reject(_("The server failed to save this event %(n)s times.") % {"n": RETRIES})
        else:
            p.status = "retry"
            p.reason = _("The server could not save this yet. It will be sent again.")


async def _tries(p: Pending, sender: Sender) -> int:
    """How often this device met a passing fault with this event, this time included. When
    even that can't be written the database is away: the event stays the device's to resend."""
    try:
        key: dict[str, Any] = {"event_id": p.event_id, "device_id": sender.device_id}
        now = datetime.now(UTC)
        if not await EventRetry.filter(**key).update(attempts=F("attempts") + 1, last_at=now):
            await EventRetry.create(**key, attempts=1, last_at=now)
        return (await EventRetry.get(**key)).attempts
    except Exception:
        log.exception("could not count the tries of event %s", p.event_id)
        return 0
