"""What a phone sends when someone raises a concern (the ``concern.raised`` payload), checked at
the edge: behaviour and communications, where and when, who else knows, how the sender came to
know, and whether anyone is in danger now."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from server.concerns.models import HowKnown
from server.edge import EventTime, Text
from server.events.registry import Payload
from server.tenancy import RecordId


class ConcernRaised(Payload):
    concern_id: UUID
    what: Annotated[str, Text(4000, lines=True)]  # what was said or done
    exact_words: Annotated[str, Text(2000, min_length=0, lines=True)] = ""
    place: Annotated[str, Text(300)]
    happened_at: EventTime
    witnesses: Annotated[str, Text(1000, min_length=0, lines=True)] = ""
    how_known: HowKnown
    how_known_detail: Annotated[str, Text(500, min_length=0, lines=True)] = ""
    danger_now: bool
    school_id: RecordId | None = None  # none: the sender's own school
