"""The report forms checked at the edge: the safety team's follow-up."""

from __future__ import annotations

from typing import Annotated

from server.edge import Text
from server.forms import Form
from server.reports.models import ReportStatus
from server.tenancy import RecordId


class FollowUpForm(Form):
    """A report's follow-up, on its page: where it stands, who has it, notes, the police case,
    and its school (the team may correct the one worked out from the phone)."""

    status: ReportStatus
    owner: RecordId | None = None
    notes: Annotated[str, Text(5000, min_length=0, lines=True)] = ""
    case_number: Annotated[str, Text(60, min_length=0)] = ""
    school: RecordId | None = None
