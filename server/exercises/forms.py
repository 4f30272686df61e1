"""Forms for tabletop exercises: starting one, who took part, and a decision at an inject."""

from __future__ import annotations

from typing import Annotated

from server.checklists.schema import Slug
from server.edge import Text
from server.forms import Form
from server.tenancy import RecordId

DECISION = 600  # a decision in a few sentences; the review holds every one of them


class StartForm(Form):
    scenario: Slug
    school: RecordId
    drill: RecordId | None = None  # the tabletop exercise planned on the drill calendar


class ParticipantsForm(Form):
    # A name a line (and a role, if the facilitator writes one); blank lines are dropped.
    participants: Annotated[str, Text(1500, min_length=0, lines=True)] = ""

    def names(self) -> list[str]:
        return [line.strip()[:120] for line in self.participants.splitlines() if line.strip()][:40]


class DecisionForm(Form):
    inject: Slug
    decision: Annotated[str, Text(DECISION, lines=True)]
