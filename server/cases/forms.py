"""Forms for cases, checked at the edge: intake, each stage's record, the plan, closure, the
team, and the district's clock and retention."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from server.cases.models import EntryKind, Marker, SourceKind, Stage, SupportKind, SupportStatus
from server.cases.rules import Answer
from server.edge import Day, LocalMoment
from server.forms import Form, Text
from server.tenancy import RecordId

LONG = 5000


class IdentificationForm(Form):
    subject: Annotated[str, Text(200)]  # the person of concern
    contacts: Annotated[str, Text(2000, min_length=0, lines=True)] = ""
    summary: Annotated[str, Text(LONG, lines=True)]
    exact_words: Annotated[str, Text(2000, min_length=0, lines=True)] = ""
    sources: Annotated[str, Text(2000, min_length=0, lines=True)] = ""
    iep: bool = False


class IntakeForm(IdentificationForm):
    school: RecordId
    source_kind: SourceKind = SourceKind.HAND
    source_id: Annotated[str, Field(max_length=64)] = ""


class StageForm(Form):
    to: Stage


class EntryForm(Form):
    kind: EntryKind
    source: Annotated[str, Text(300)]  # who was interviewed, or which record
    notes: Annotated[str, Text(LONG, min_length=0, lines=True)] = ""
    done_by: RecordId
    done_at: LocalMoment


class AssessmentForm(Form):
    resolved: Answer
    lasting: Answer
    weapon: Answer
    notes: Annotated[str, Text(LONG, min_length=0, lines=True)] = ""


class MarkerForm(Form):
    marker: Marker
    behaviour: Annotated[str, Text(2000, lines=True)]


class SupportForm(Form):
    kind: SupportKind
    detail: Annotated[str, Text(1000, min_length=0, lines=True)] = ""
    owner: RecordId
    due_on: Day


class SupportStatusForm(Form):
    status: SupportStatus


class ReviewForm(Form):
    review_on: Day


class CloseForm(Form):
    reason: Annotated[str, Text(2000, lines=True)]
    follow_up_on: Day


class MemberForm(Form):
    person: RecordId


class PolicyForm(Form):
    triage_hours: Annotated[int, Field(ge=1, le=720)]
    retention_years: Annotated[int, Field(ge=1, le=50)]


class PurgeForm(Form):
    confirm: Literal["yes"]
