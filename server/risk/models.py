"""Risk plans for trips and large school events."""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.validators import MaxValueValidator, MinValueValidator

from server.models import Role, TenantModel

if TYPE_CHECKING:
    from server.models import Organisation, School, Site, User
    from server.trips.models import Trip

Score = [MinValueValidator(1), MaxValueValidator(5)]
PLAN_ROLES = (Role.ADMIN, Role.SAFETY, Role.STAFF)  # who writes and opens risk plans


class PlanStatus(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    APPROVED = "approved"
    RETURNED = "returned"  # sent back for changes


class EventKind(StrEnum):
    TRIP = "trip"
    GAME = "game"
    DANCE = "dance"
    GRADUATION = "graduation"
    OTHER = "other"


class RiskPlan(TenantModel):
    id = fields.IntField(primary_key=True)
    organisation: fields.ForeignKeyRelation[Organisation] = fields.ForeignKeyField(
        "models.Organisation", related_name="risk_plans"
    )
    organisation_id: int
    school: fields.ForeignKeyRelation[School] = fields.ForeignKeyField(
        "models.School", related_name="risk_plans"
    )
    school_id: int
    trip: fields.OneToOneNullableRelation[Trip] = fields.OneToOneField(
        "models.Trip", related_name="risk_plan", null=True, on_delete=fields.SET_NULL
    )
    trip_id: int | None
    title = fields.CharField(max_length=200)
    kind = fields.CharEnumField(EventKind, max_length=16)
    happens_on = fields.DateField(null=True)
    venue: fields.ForeignKeyNullableRelation[Site] = fields.ForeignKeyField(
        "models.Site", related_name="risk_plans", null=True, on_delete=fields.SET_NULL
    )
    venue_id: int | None
    # Key facts.
    crowd = fields.IntField(null=True)
    staff_count = fields.IntField(null=True)
    medical_cover = fields.CharField(max_length=500, default="")
    hospital = fields.CharField(max_length=200, default="")
    hospital_latitude = fields.FloatField(null=True)
    hospital_longitude = fields.FloatField(null=True)
    rally_point = fields.CharField(max_length=500, default="")
    weather_plan = fields.TextField(default="")
    last_thunder_at = fields.DatetimeField(null=True)  # the lightning rule counts from here
    # The workflow.
    status = fields.CharEnumField(PlanStatus, max_length=16, default=PlanStatus.DRAFT)
    author: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="risk_plans"
    )
    author_id: int
    submitted_at = fields.DatetimeField(null=True)
    decided_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="risk_decisions", null=True, on_delete=fields.SET_NULL
    )
    decided_by_id: int | None
    decided_at = fields.DatetimeField(null=True)
    send_back_reason = fields.TextField(default="")
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "risk_plan"
        ordering = ["-created_at"]


class Hazard(TenantModel):
    org_path = "plan__organisation_id"

    id = fields.IntField(primary_key=True)
    plan: fields.ForeignKeyRelation[RiskPlan] = fields.ForeignKeyField(
        "models.RiskPlan", related_name="hazards"
    )
    plan_id: int
    description = fields.CharField(max_length=300)
    likelihood = fields.SmallIntField(validators=Score)
    impact = fields.SmallIntField(validators=Score)
    mitigation = fields.TextField(default="")
    owner: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="mitigations", null=True, on_delete=fields.SET_NULL
    )
    owner_id: int | None
    residual_likelihood = fields.SmallIntField(validators=Score)
    residual_impact = fields.SmallIntField(validators=Score)

    class Meta:
        table = "risk_hazard"
        ordering = ["id"]
