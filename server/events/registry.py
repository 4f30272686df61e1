"""Event types: each has one pydantic payload schema and one handler, registered here.

Handlers take a batch of events of their type (in the order the device recorded them), reject the
ones they must with a reason a person can read, and write the rest in bulk. They run inside the
batch's transaction and write only rows keyed by ids the device made, so a replay is harmless.
Adding an event type touches its schema, its handler and a test, nothing else.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

from pydantic import BaseModel, ConfigDict

from server.events.clock import occurred, on_server_clock
from server.models import User


class Payload(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


@dataclass
class Pending:
    """One event on its way in: validated, not yet stored."""

    event_id: UUID
    type: str
    occurred_at: datetime
    payload: Any  # the type's Payload model
    raw_payload: dict[str, Any]
    digest: str
    status: str = "accepted"  # or "duplicate", "rejected", "retry" (a server fault: send again)
    reason: str | None = None
    skew: timedelta = timedelta(0)  # how far the phone's clock is ahead of the server's
    received_at: datetime | None = None

    def set_clock(self, skew: timedelta, now: datetime) -> None:
        """Put ``occurred_at`` on the server's clock (``server/events/clock.py``); once."""
        if self.received_at is None:
            self.skew, self.received_at = skew, now
            self.occurred_at = occurred(self.occurred_at, skew, now)

    def on_server_clock(self, moment: datetime) -> datetime:
        """A time from this event's payload (a phone's time), on the server's clock."""
        return on_server_clock(moment, self.skew)

    @property
    def rejected(self) -> bool:
        return self.status == "rejected"

    def reject(self, reason: str) -> None:
        self.status, self.reason = "rejected", reason


@dataclass(frozen=True)
class Sender:
    """Who sent the batch, from which device, and the app's state (checklist library, settings)."""

    user: User
    device_id: str
    app_state: Any
    # What one handler looked up that another of the same batch may use again (read in the
    # batch's transaction), by a key of the handler's area: a batch's accounting taps and its
    # class report ask the same question of the same incident and class once.
    looked_up: dict[Any, Any] = field(default_factory=dict)


Handler = Callable[[list[Pending], Sender], Awaitable[None]]


@dataclass(frozen=True)
class EventType:
    name: str
    payload: type[Payload]
    handler: Handler


REGISTRY: dict[str, EventType] = {}


def event_type(name: str, payload: type[Payload]) -> Callable[[Handler], Handler]:
    def register(handler: Handler) -> Handler:
        if name in REGISTRY:
            raise RuntimeError(f"event type {name} registered twice")
        REGISTRY[name] = EventType(name, payload, handler)
        return handler

    return register
