"""An incident, the schools it concerns, its command roles as filled on the day, the records it
links (alerts, missing students, reports, checklist runs) and the log entries its team types.
Links point at the records themselves, never copies; links and log entries are indexed by
incident and time, so the live page reads the newest few whatever the incident's size."""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.models import Model

from server.i18n import N_
from server.models import Role, TenantModel
from server.team.models import TeamFunction

if TYPE_CHECKING:
    from server.models import Organisation, School, User

MANAGERS = (Role.ADMIN, Role.SAFETY)  # who opens incidents, moves them on and fills roles


class IncidentStatus(StrEnum):
    ACTIVE = "active"
    STABILISED = "stabilised"
    RECOVERY = "recovery"
    CLOSED = "closed"


STATUS_LABELS = {
    IncidentStatus.ACTIVE: N_("Active"),
    IncidentStatus.STABILISED: N_("Stabilised"),
    IncidentStatus.RECOVERY: N_("Recovery"),
    IncidentStatus.CLOSED: N_("Closed"),
}


class IncidentKind(StrEnum):
    LOCKDOWN = "lockdown"
    EVACUATION = "evacuate"
    SHELTER = "shelter"
    MEDICAL = "medical"
    MISSING = "lost-student"
    THREAT = "threat"
    FIRE = "fire"
    WEATHER = "weather"
    OTHER = "other"


KIND_LABELS = {
    IncidentKind.LOCKDOWN: N_("Lockdown"),
    IncidentKind.EVACUATION: N_("Evacuation"),
    IncidentKind.SHELTER: N_("Shelter"),
    IncidentKind.MEDICAL: N_("Medical emergency"),
    IncidentKind.MISSING: N_("Missing student"),
    IncidentKind.THREAT: N_("Threat"),
    IncidentKind.FIRE: N_("Fire"),
    IncidentKind.WEATHER: N_("Severe weather"),
    IncidentKind.OTHER: N_("Other"),
}


class Incident(TenantModel):
    id = fields.IntField(primary_key=True)
    organisation: fields.ForeignKeyRelation[Organisation] = fields.ForeignKeyField(
        "models.Organisation", related_name="incidents"
    )
    organisation_id: int
    year = fields.SmallIntField()  # of the reference, in the district's time
    number = fields.IntField()  # within the organisation and year: INC-2026-0001
    kind = fields.CharEnumField(IncidentKind, max_length=16)
    title = fields.CharField(max_length=200, default="")
    status = fields.CharEnumField(IncidentStatus, max_length=16, default=IncidentStatus.ACTIVE)
    opened_at = fields.DatetimeField()
    opened_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="incidents_opened", null=True, on_delete=fields.SET_NULL
    )
    opened_by_id: int | None
    closed_at = fields.DatetimeField(null=True)
    # A drill's own incident (drills.service.start): it holds the drill's class accounting and
    # its observers' checklist runs. Marked as a drill everywhere it appears; no real record
    # ever joins it.
    drill = fields.BooleanField(default=False, db_default=False)

    class Meta:
        table = "incident"
        ordering = ["-opened_at"]
        unique_together = (("organisation", "year", "number"),)

    @property
    def reference(self) -> str:
        return f"INC-{self.year}-{self.number:04d}"


# A school an incident concerns; the join rule looks up a school's open incident here.
class IncidentSchool(Model):
    id = fields.IntField(primary_key=True)
    incident: fields.ForeignKeyRelation[Incident] = fields.ForeignKeyField(
        "models.Incident", related_name="school_links", on_delete=fields.CASCADE
    )
    incident_id: int
    school: fields.ForeignKeyRelation[School] = fields.ForeignKeyField(
        "models.School", related_name="incident_links", on_delete=fields.CASCADE
    )
    school_id: int

    class Meta:
        table = "incident_school"
        unique_together = (("incident", "school"),)


# Who filled a command role on the day; the latest for a function is who holds it now.
class IncidentRole(Model):
    id = fields.IntField(primary_key=True)
    incident: fields.ForeignKeyRelation[Incident] = fields.ForeignKeyField(
        "models.Incident", related_name="roles", on_delete=fields.CASCADE
    )
    incident_id: int
    function = fields.CharEnumField(TeamFunction, max_length=32)
    person: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="incident_roles", on_delete=fields.CASCADE
    )
    person_id: int
    assigned_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="incident_roles_given", null=True, on_delete=fields.SET_NULL
    )
    assigned_by_id: int | None
    assigned_at = fields.DatetimeField()

    class Meta:
        table = "incident_role"
        ordering = ["-assigned_at"]


class LinkKind(StrEnum):
    ALERT = "alert"
    LOST = "lost"  # a missing student (trip_lost_student): its trip's check-ins and headcounts too
    REPORT = "report"
    RUN = "run"  # a checklist run: each of its steps


# A record an incident links, at its own time (see incidents.service, "What belongs").
class IncidentLink(Model):
    id = fields.BigIntField(primary_key=True)
    incident: fields.ForeignKeyRelation[Incident] = fields.ForeignKeyField(
        "models.Incident", related_name="links", on_delete=fields.CASCADE
    )
    incident_id: int
    kind = fields.CharEnumField(LinkKind, max_length=16)
    record_id = fields.CharField(max_length=64)
    at = fields.DatetimeField()

    class Meta:
        table = "incident_link"
        unique_together = (("kind", "record_id"),)  # a record belongs to one incident
        indexes = (("incident_id", "at"), ("incident_id", "kind", "at"))


# A line of the incident's log, typed on a phone (an ``incident.logged`` event, offline too).
class IncidentLogEntry(Model):
    id = fields.UUIDField(primary_key=True)  # made on the phone
    incident: fields.ForeignKeyRelation[Incident] = fields.ForeignKeyField(
        "models.Incident", related_name="log_entries", on_delete=fields.CASCADE
    )
    incident_id: int
    author: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="incident_log_entries"
    )
    author_id: int
    text = fields.TextField()
    at = fields.DatetimeField()  # when it was typed, on the server's clock
    received_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "incident_log_entry"
        indexes = (("incident_id", "at"),)
