"""Forms for risk plans, their hazards and the admin's decision; messages come from server.forms."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from server.edge import Count, Day, Latitude, Longitude
from server.forms import Form, Text
from server.risk.models import EventKind
from server.tenancy import RecordId

Level = Annotated[int, Field(ge=1, le=5)]  # a likelihood or impact on the 5x5 matrix


class RiskPlanForm(Form):
    school: RecordId
    title: Annotated[str, Text(200)]
    kind: EventKind
    happens_on: Day | None = None
    trip: RecordId | None = None
    venue: RecordId | None = None
    crowd: Count | None = None
    staff_count: Count | None = None
    medical_cover: Annotated[str, Text(500, min_length=0)] = ""
    hospital: Annotated[str, Text(200, min_length=0)] = ""
    hospital_latitude: Latitude | None = None
    hospital_longitude: Longitude | None = None
    rally_point: Annotated[str, Text(500, min_length=0)] = ""
    weather_plan: Annotated[str, Text(4000, min_length=0, lines=True)] = ""


class HazardForm(Form):
    description: Annotated[str, Text(300)]
    likelihood: Level
    impact: Level
    mitigation: Annotated[str, Text(2000, min_length=0, lines=True)] = ""
    owner: RecordId | None = None
    residual_likelihood: Level
    residual_impact: Level


class DecisionForm(Form):
    decision: Literal["approve", "send_back"]
    reason: Annotated[str, Text(2000, min_length=0, lines=True)] = ""
