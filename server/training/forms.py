"""What a phone sends when a trainer records a session (``training.session_recorded``) or someone
gives feedback on a practice delivery (``training.feedback_given``), and the admins' forms: a
trainer's certification and the district's training settings. What a schema can't check (a
district's people and schools, who may give feedback) the handlers check, in words."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from pydantic import Field, field_validator
from pydantic_core import PydanticCustomError

from server.edge import Day, EventTime, Text
from server.events.registry import Payload
from server.forms import Form
from server.lessons.catalogue import is_lesson
from server.tenancy import RecordId
from server.training.models import Audience, Verdict

MAX_ATTENDEES = 300  # a staff meeting, a parents' evening: more is a count


class SessionRecorded(Payload):
    session_id: UUID
    lesson: Annotated[str, Field(max_length=64)]
    audience: Audience
    school_id: RecordId | None = None  # none: district-wide (the bus depot)
    held_at: EventTime
    people: Annotated[list[RecordId], Field(max_length=MAX_ATTENDEES)] = []  # Muster people
    names: Annotated[list[Annotated[str, Text(200)]], Field(max_length=MAX_ATTENDEES)] = []
    count: Annotated[int, Field(ge=0, le=10_000)] = 0  # parents or students, not named
    notes: Annotated[str, Text(2000, min_length=0, lines=True)] = ""
    practice: bool = False  # a participant gives the lesson, for feedback
    presenter_id: RecordId | None = None  # who gives it, in a practice delivery

    @field_validator("lesson")
    @classmethod
    def one_of_the_ten(cls, value: str) -> str:
        if not is_lesson(value):
            raise PydanticCustomError("lesson", "not one of the ten lessons")
        return value


class FeedbackGiven(Payload):
    feedback_id: UUID
    session_id: UUID
    went_well: Annotated[str, Text(2000, min_length=0, lines=True)] = ""
    to_improve: Annotated[str, Text(2000, min_length=0, lines=True)] = ""
    verdict: Verdict
    given_at: EventTime


class TrainerForm(Form):
    """A trainer's certification, given by an admin: from one day to a later one."""

    person: RecordId
    certified_on: Day
    expires_on: Day  # after certified_on: the service says so, at the field


class TrainingSettingsForm(Form):
    refresher_months: Annotated[int, Field(ge=1, le=60)]
    reminder_days: Annotated[int, Field(ge=1, le=365)]
