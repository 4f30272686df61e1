"""Forms for incidents: opening one by hand, moving its status on, filling a command role."""

from __future__ import annotations

from typing import Annotated, Literal
from uuid import UUID

from pydantic import Field

from server.forms import Form, Text
from server.incidents.models import IncidentKind, IncidentStatus
from server.team.models import TeamFunction
from server.tenancy import RecordId


class OpenForm(Form):
    kind: IncidentKind
    schools: Annotated[list[RecordId], Field(min_length=1, max_length=500)]
    title: Annotated[str, Text(200, min_length=0)] = ""


class StatusForm(Form):
    status: IncidentStatus


class RoleForm(Form):
    function: TeamFunction
    person: RecordId


class CallOutForm(Form):
    """The team call-out: its id, made when the page is shown (a form sent twice alerts once),
    and ``confirm``: set by the press-and-hold button, or by the confirm page without it."""

    callout: UUID
    confirm: Literal["", "yes"] = ""
