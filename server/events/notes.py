"""A note recorded on a phone (``note.recorded``)."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from server.events.bulk import insert_many
from server.events.models import Note
from server.events.registry import Payload, Pending, Sender, event_type


class NoteRecorded(Payload):
    text: Annotated[str, Field(min_length=1, max_length=2000)]


@event_type("note.recorded", NoteRecorded)
async def note_recorded(batch: list[Pending], sender: Sender) -> None:
    rows = [
        {
            "id": p.event_id,
            "organisation_id": sender.user.organisation_id,
            "user_id": sender.user.id,
            "text": p.payload.text,
            "written_at": p.occurred_at,
        }
        for p in batch
    ]
    await insert_many(Note, rows)
