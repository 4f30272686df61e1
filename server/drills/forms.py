"""Forms for drills: the district's requirements (one row of numbers a kind, the month the
school year starts, and the hour leaders are reminded the day before), a drill planned, and a
drill recorded as held."""

from __future__ import annotations

from datetime import time
from typing import Annotated, Any

from pydantic import Field, create_model

from server.checklists.schema import Slug
from server.drills.models import DrillKind
from server.drills.rules import Rule
from server.edge import Day
from server.forms import Form
from server.tenancy import RecordId

Count = Annotated[int, Field(ge=0, le=60)]  # a drill a week is already more than any state asks
Days = Annotated[int, Field(ge=1, le=366)]


def field_name(part: str, kind: DrillKind) -> str:
    """The form field of one number of one kind: ``per_year_hold_secure``."""
    return f"{part}_{kind.value.replace('-', '_')}"


def rules_given(form: Form) -> dict[DrillKind, Rule]:
    """The requirements form's numbers, a rule a kind. Whether they agree (no more early than in
    the year) is the service's decision, said beside the kind's own field."""
    return {
        kind: Rule(
            getattr(form, field_name("per_year", kind)) or 0,
            getattr(form, field_name("early_count", kind)) or 0,
            getattr(form, field_name("early_days", kind)),
        )
        for kind in DrillKind
    }


def _fields() -> dict[str, Any]:
    fields: dict[str, Any] = {
        "year_starts": (Annotated[int, Field(ge=1, le=12)], 8),
        "remind_at": (time, time(9, 0)),  # "09:00", as a browser's time field posts it
    }
    for kind in DrillKind:
        # Left empty: none (a browser posts an empty number field as "").
        fields[field_name("per_year", kind)] = (Count | None, None)
        fields[field_name("early_count", kind)] = (Count | None, None)
        fields[field_name("early_days", kind)] = (Days | None, None)
    return fields


# Three numbers a kind, named flat as a browser posts them.
RequirementsForm = create_model("RequirementsForm", __base__=Form, **_fields())


class PlanForm(Form):
    school: RecordId
    kind: DrillKind
    planned_on: Day
    leader: RecordId | None = None
    scenario: Slug | None = None  # a tabletop exercise's scenario (server/exercises/)


class HeldForm(Form):
    held_on: Day
