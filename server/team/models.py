"""The team directory: each function of a school's (or the district's) crisis team, filled by a
primary and ordered backups chosen from the organisation's people. A person's phone number is
the person's own (``User.phone``): the directory keeps no copy to go stale."""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING

from tortoise import fields

from server.i18n import N_
from server.models import Role, TenantModel

if TYPE_CHECKING:
    from server.models import Organisation, School, User

EDITORS = (Role.ADMIN, Role.SAFETY)  # who changes the directory
MAX_BACKUPS = 3


class TeamFunction(StrEnum):
    COMMANDER = "incident_commander"
    DEPUTY = "deputy"
    POLICE = "police_liaison"
    MEDICAL = "medical_lead"
    COMMUNICATIONS = "communications"
    REUNIFICATION = "reunification_lead"
    MENTAL_HEALTH = "mental_health_lead"
    FACILITIES = "facilities"
    THREAT_ASSESSMENT = "threat_assessment"  # the school's behavioural threat assessment team
    SPECIAL_EDUCATION = "special_education"  # joins a case when the student has an IEP or 504


FUNCTION_LABELS = {
    TeamFunction.COMMANDER: N_("Incident commander"),
    TeamFunction.DEPUTY: N_("Deputy incident commander"),
    TeamFunction.POLICE: N_("Police liaison"),
    TeamFunction.MEDICAL: N_("Medical lead"),
    TeamFunction.COMMUNICATIONS: N_("Communications"),
    TeamFunction.REUNIFICATION: N_("Reunification lead"),
    TeamFunction.MENTAL_HEALTH: N_("Mental-health lead"),
    TeamFunction.FACILITIES: N_("Facilities"),
    TeamFunction.THREAT_ASSESSMENT: N_("Threat assessment team"),
    TeamFunction.SPECIAL_EDUCATION: N_("Special-education lead"),
}


# One person in one function: rank 0 is the primary, 1, 2, ... the backups in the order they
# are called. No school: the district-wide team.
class TeamSeat(TenantModel):
    id = fields.IntField(primary_key=True)
    organisation: fields.ForeignKeyRelation[Organisation] = fields.ForeignKeyField(
        "models.Organisation", related_name="team_seats"
    )
    organisation_id: int
    school: fields.ForeignKeyNullableRelation[School] = fields.ForeignKeyField(
        "models.School", related_name="team_seats", null=True, on_delete=fields.CASCADE
    )
    school_id: int | None
    function = fields.CharEnumField(TeamFunction, max_length=32)
    rank = fields.SmallIntField()
    person: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="team_seats", on_delete=fields.CASCADE
    )
    person_id: int

    class Meta:
        table = "team_seat"
        ordering = ["function", "rank"]
        indexes = (("organisation_id", "school_id", "function"),)
