"""What the accounting pages read from people: the roster import's form (the school a plain
file is for), and the payloads of the phone's events (accounting taps, a class's place, a
release at reunification)."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from pydantic import Field

from server.accounting.models import Mark
from server.events.payloads import Position
from server.events.registry import Payload
from server.forms import Form
from server.tenancy import RecordId

Short = Annotated[str, Field(max_length=200)]


class RosterImportForm(Form):
    school: RecordId | None = None  # the school a plain CSV is for (OneRoster files name theirs)


class StudentMarked(Payload):
    mark_id: UUID
    incident_id: RecordId
    class_id: RecordId
    student_id: RecordId
    mark: Mark
    note: Annotated[str, Field(max_length=500)] = ""  # what the injury is


class ClassReported(Payload):
    report_id: UUID
    incident_id: RecordId
    class_id: RecordId
    site_id: RecordId | None = None  # an assembly point: one of the school's sites
    place: Short = ""
    position: Position | None = None


class StudentReleased(Payload):
    release_id: UUID
    incident_id: RecordId
    student_id: RecordId
    guardian_id: RecordId  # an adult on the student's pick-up list
    released_to: Annotated[str, Field(max_length=200)] = ""  # as the phone showed them
    id_checked: Annotated[str, Field(min_length=1, max_length=100)]  # e.g. "Driver's licence"
