"""What an event may say about where it came from (the bus, the route, the trip, the checklist
run): typed models instead of free dictionaries, so no key a phone makes up is ever stored or
rendered. A new fact is a new field here and a label in ``server.labels.CONTEXT_LABELS``."""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

from pydantic import Field

from server.edge import Text
from server.events.registry import Payload

Slug = Annotated[str, Field(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$", max_length=64)]


# A fact about where an event came from: one line of words, or none.
Fact = Annotated[str, Text(120, min_length=0)]
ShortFact = Annotated[str, Text(60, min_length=0)]


class Context(Payload):
    def given(self) -> dict[str, Any]:
        """The facts given, as stored (JSON): keys as the phone spells them, none left empty."""
        data = self.model_dump(mode="json", by_alias=True, exclude_none=True)
        return {key: value for key, value in data.items() if value != ""}


class RunContext(Context):
    """What a checklist run asks for when it starts (``ContextField`` in checklists)."""

    bus_number: ShortFact | None = None
    route: ShortFact | None = None
    trip: ShortFact | None = None
    incident: ShortFact | None = None  # the incident's reference: the run joins its timeline


class AlertContext(RunContext):
    """What an alert raised from a checklist carries beside its kind: the run's facts."""


class ReportContext(RunContext):
    """A report filed from inside a checklist: the page, the checklist and its run."""

    from_: Annotated[Fact | None, Field(alias="from")] = None
    bus_number: Fact | None = None  # the report form keeps 120 of each
    route: Fact | None = None
    trip: Fact | None = None
    checklist: Slug | None = None
    run: UUID | None = None
