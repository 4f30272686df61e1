"""The directory's one form: who fills a function, the primary first, then the backups in order."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from server.forms import Form
from server.team.models import MAX_BACKUPS
from server.tenancy import RecordId


class SeatsForm(Form):
    primary: RecordId | None = None  # none: the function is left empty
    backups: Annotated[list[RecordId], Field(max_length=MAX_BACKUPS)] = []
