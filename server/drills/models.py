"""Drills: what the district requires of each school in a school year (a count per kind, some
within the year's first days), the drills planned on the calendar with who leads each, and what
became of each one: held (started from here as a DRILL alert and ended with its all clear, or
recorded as held), or cancelled.

A tabletop exercise is planned here too, as a dated item of kind ``tabletop`` with its scenario
(a file in ``checklists/exercises/``): it shows beside the drills and counts only where the
district requires tabletop exercises (a requirement like any kind's); it is run from the
exercises pages and recorded as held, never alerted.

A drill held through the app is measured from its alert's answers (queries.figures), never from
what anyone typed. The school year starts on the first day of a month the district sets
(``Organisation.school_year_starts``)."""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING

from tortoise import fields

from server.i18n import N_
from server.models import Role, TenantModel

if TYPE_CHECKING:
    from server.incidents.models import Incident
    from server.models import Organisation, School, User

PLANNERS = (Role.ADMIN, Role.SAFETY)  # who sets requirements, plans, starts and ends any drill


class DrillKind(StrEnum):
    FIRE = "fire"
    LOCKDOWN = "lockdown"
    HOLD_SECURE = "hold-secure"
    EVACUATION = "evacuation"
    SHELTER = "shelter"  # severe weather and other hazards
    BUS_EVACUATION = "bus-evacuation"
    REUNIFICATION = "reunification"
    TABLETOP = "tabletop"  # a tabletop exercise, talked through (server/exercises/)


KIND_LABELS = {
    DrillKind.FIRE: N_("Fire"),
    DrillKind.LOCKDOWN: N_("Lockdown"),
    DrillKind.HOLD_SECURE: N_("Hold or secure"),
    DrillKind.EVACUATION: N_("Evacuation"),
    DrillKind.SHELTER: N_("Shelter (severe weather)"),
    DrillKind.BUS_EVACUATION: N_("Bus evacuation"),
    DrillKind.REUNIFICATION: N_("Reunification"),
    DrillKind.TABLETOP: N_("Tabletop exercise"),
}

# The DRILL alert a drill of each kind sends when started here. A bus evacuation happens on the
# bus and a reunification drill at its site: they are recorded as held, not alerted.
ALERT_KIND = {
    DrillKind.FIRE: "evacuate",
    DrillKind.LOCKDOWN: "lockdown",
    DrillKind.HOLD_SECURE: "secure",
    DrillKind.EVACUATION: "evacuate",
    DrillKind.SHELTER: "shelter",
}


class DrillStatus(StrEnum):
    PLANNED = "planned"
    RUNNING = "running"  # its DRILL alert is out
    HELD = "held"
    CANCELLED = "cancelled"


STATUS_LABELS = {
    DrillStatus.PLANNED: N_("Planned"),
    DrillStatus.RUNNING: N_("Running now"),
    DrillStatus.HELD: N_("Held"),
    DrillStatus.CANCELLED: N_("Cancelled"),
}


class DrillRequirement(TenantModel):
    """The district's rule for one kind: ``per_year`` drills each school year, of which
    ``early_count`` within the year's first ``early_days`` days ("2 lockdowns, one in the
    first 60 days")."""

    id = fields.IntField(primary_key=True)
    organisation: fields.ForeignKeyRelation[Organisation] = fields.ForeignKeyField(
        "models.Organisation", related_name="drill_requirements"
    )
    organisation_id: int
    kind = fields.CharEnumField(DrillKind, max_length=16)
    per_year = fields.SmallIntField()
    early_count = fields.SmallIntField(default=0)
    early_days = fields.SmallIntField(null=True)

    class Meta:
        table = "drill_requirement"
        unique_together = (("organisation", "kind"),)


class Drill(TenantModel):
    id = fields.IntField(primary_key=True)
    organisation: fields.ForeignKeyRelation[Organisation] = fields.ForeignKeyField(
        "models.Organisation", related_name="drills"
    )
    organisation_id: int
    school: fields.ForeignKeyRelation[School] = fields.ForeignKeyField(
        "models.School", related_name="drills"
    )
    school_id: int
    kind = fields.CharEnumField(DrillKind, max_length=16)
    planned_on = fields.DateField()  # a day on the district's calendar
    scenario = fields.CharField(max_length=64, null=True)  # a tabletop's scenario file's id
    leader: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="drills_led", null=True, on_delete=fields.SET_NULL
    )
    leader_id: int | None
    status = fields.CharEnumField(DrillStatus, max_length=16, default=DrillStatus.PLANNED)
    alert_id = fields.UUIDField(null=True)  # its DRILL alert, once started
    # Its own incident, once started (marked drill): the class accounting and the observers'
    # checklist runs are that incident's, through the accounting and checklist paths as they are.
    incident: fields.ForeignKeyNullableRelation[Incident] = fields.ForeignKeyField(
        "models.Incident", related_name="drills", null=True, on_delete=fields.SET_NULL
    )
    incident_id: int | None
    started_at = fields.DatetimeField(null=True)
    ended_at = fields.DatetimeField(null=True)
    held_on = fields.DateField(null=True)  # the district's day it was held: what counts
    reminded_at = fields.DatetimeField(null=True)  # the leader's push the day before (reminders)
    planned_by: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="drills_planned"
    )
    planned_by_id: int
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "drill"
        ordering = ["planned_on", "id"]
        indexes = [("organisation_id", "planned_on")]
