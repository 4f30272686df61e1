"""A threat assessment case and its record: the four stages (identification, inquiry,
assessment, management) then closure, the inquiry's interviews and records, the pathway markers
seen, and the management plan's supports. Every free-text field is ``Sealed`` (encrypted at
rest, server/cases/sealing.py). Who may see a case is decided in server/cases/access.py."""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING, Any

from tortoise import fields

from server.cases.sealing import Sealed
from server.i18n import N_
from server.models import TenantModel

if TYPE_CHECKING:
    from server.models import Organisation, School, User

TRIAGE_HOURS = 24  # default: from intake to first screening ("respond within 24 h")
RETENTION_YEARS = 5  # default: closed cases older than this are listed for review


class Stage(StrEnum):
    IDENTIFICATION = "identification"
    INQUIRY = "inquiry"
    ASSESSMENT = "assessment"
    MANAGEMENT = "management"
    CLOSED = "closed"


STAGE_LABELS = {
    Stage.IDENTIFICATION: N_("Identification"),
    Stage.INQUIRY: N_("Inquiry"),
    Stage.ASSESSMENT: N_("Assessment"),
    Stage.MANAGEMENT: N_("Management"),
    Stage.CLOSED: N_("Closed"),
}


class Level(StrEnum):
    """CSTAG: transient (resolved on the spot), else substantive, serious or very serious."""

    TRANSIENT = "transient"
    SERIOUS = "substantive_serious"
    VERY_SERIOUS = "substantive_very_serious"


LEVEL_LABELS = {
    Level.TRANSIENT: N_("Transient"),
    Level.SERIOUS: N_("Substantive: serious"),
    Level.VERY_SERIOUS: N_("Substantive: very serious"),
}


class SourceKind(StrEnum):
    CONCERN = "concern"
    TIP = "tip"
    REPORT = "report"
    INCIDENT = "incident"
    HAND = "hand"  # opened by hand, from a call, a conversation, a letter


SOURCE_LABELS = {
    SourceKind.CONCERN: N_("A concern raised by staff"),
    SourceKind.TIP: N_("An anonymous tip"),
    SourceKind.REPORT: N_("A suspicious-person report"),
    SourceKind.INCIDENT: N_("An incident"),
    SourceKind.HAND: N_("Opened by hand"),
}


class Marker(StrEnum):
    """The pathway to violence, in its order."""

    GRIEVANCE = "grievance"
    IDEATION = "ideation"
    PLANNING = "planning"
    PREPARATION = "preparation"
    BREACHING = "breaching"
    ATTACK = "attack"


MARKER_LABELS = {
    Marker.GRIEVANCE: N_("Grievance"),
    Marker.IDEATION: N_("Ideation"),
    Marker.PLANNING: N_("Research and planning"),
    Marker.PREPARATION: N_("Preparation"),
    Marker.BREACHING: N_("Probing or breaching"),
    Marker.ATTACK: N_("Attack"),
}


class EntryKind(StrEnum):
    INTERVIEW = "interview"
    RECORD = "record"


ENTRY_LABELS = {EntryKind.INTERVIEW: N_("Interview"), EntryKind.RECORD: N_("Record gathered")}


class SupportKind(StrEnum):
    COUNSELLING = "counselling"
    MENTAL_HEALTH = "mental_health"
    MENTORING = "mentoring"
    SCHEDULE = "schedule"
    PARENT_MEETING = "parent_meeting"
    SAFETY_PLAN = "safety_plan"
    SUPERVISION = "supervision"
    LAW_ENFORCEMENT = "law_enforcement"
    OTHER = "other"


SUPPORT_LABELS = {
    SupportKind.COUNSELLING: N_("Counselling"),
    SupportKind.MENTAL_HEALTH: N_("Mental-health referral"),
    SupportKind.MENTORING: N_("Mentoring"),
    SupportKind.SCHEDULE: N_("Schedule change"),
    SupportKind.PARENT_MEETING: N_("Parent meeting"),
    SupportKind.SAFETY_PLAN: N_("Safety plan"),
    SupportKind.SUPERVISION: N_("Supervision"),
    SupportKind.LAW_ENFORCEMENT: N_("Law-enforcement referral"),
    SupportKind.OTHER: N_("Other support"),
}


class SupportStatus(StrEnum):
    PLANNED = "planned"
    UNDER_WAY = "under_way"
    DONE = "done"
    DROPPED = "dropped"


SUPPORT_STATUS_LABELS = {
    SupportStatus.PLANNED: N_("Planned"),
    SupportStatus.UNDER_WAY: N_("Under way"),
    SupportStatus.DONE: N_("Done"),
    SupportStatus.DROPPED: N_("Dropped"),
}


class CasePolicy(TenantModel):
    """The district's clock and retention for cases (a row once someone changes them)."""

    id = fields.IntField(primary_key=True)
    organisation: fields.OneToOneRelation[Organisation] = fields.OneToOneField(
        "models.Organisation", related_name="case_policy", on_delete=fields.CASCADE
    )
    organisation_id: int
    triage_hours = fields.SmallIntField(default=TRIAGE_HOURS)
    retention_years = fields.SmallIntField(default=RETENTION_YEARS)

    class Meta:
        table = "case_policy"


class Case(TenantModel):
    id = fields.IntField(primary_key=True)
    organisation: fields.ForeignKeyRelation[Organisation] = fields.ForeignKeyField(
        "models.Organisation", related_name="cases"
    )
    organisation_id: int
    school: fields.ForeignKeyRelation[School] = fields.ForeignKeyField(
        "models.School", related_name="cases", on_delete=fields.CASCADE
    )
    school_id: int
    stage = fields.CharEnumField(Stage, max_length=16, default=Stage.IDENTIFICATION)
    source_kind = fields.CharEnumField(SourceKind, max_length=16)
    source_id = fields.CharField(max_length=64, default="")  # the concern's, tip's... id
    # Identification: who, what, the exact words, where it came from. Sealed.
    subject = Sealed()  # the person of concern
    contacts = Sealed()  # student and parent contacts
    summary = Sealed()  # the concern: what was said or done
    exact_words = Sealed()
    sources = Sealed()  # the report's date and source, the reporter, others who know
    iep: fields.Field[bool] = fields.BooleanField(default=False)  # IEP or 504 plan
    # Assessment: the guided questions' answers, the level they lead to, the team's notes.
    answers: fields.JSONField[dict[str, Any]] = fields.JSONField(default=dict)
    level = fields.CharEnumField(Level, max_length=32, null=True)
    assessment_notes = Sealed()
    review_on = fields.DateField(null=True)  # management: the plan's next review
    closure_reason = Sealed()
    follow_up_on = fields.DateField(null=True)
    opened_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="cases_opened", null=True, on_delete=fields.SET_NULL
    )
    opened_by_id: int | None
    opened_at = fields.DatetimeField()
    screened_at = fields.DatetimeField(null=True)  # first screening: identification done
    assessed_at = fields.DatetimeField(null=True)
    closed_at = fields.DatetimeField(null=True)

    class Meta:
        table = "threat_case"
        ordering = ["-opened_at"]
        indexes = (("organisation_id", "stage"), ("organisation_id", "closed_at"))


class CaseMember(TenantModel):
    """A named person on a case's team: only they and the district's leads see the case."""

    org_path = "case__organisation_id"
    id = fields.IntField(primary_key=True)
    case: fields.ForeignKeyRelation[Case] = fields.ForeignKeyField(
        "models.Case", related_name="members", on_delete=fields.CASCADE
    )
    case_id: int
    person: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="case_seats", on_delete=fields.CASCADE
    )
    person_id: int
    special_education = fields.BooleanField(default=False)  # brought in by the IEP/504 flag
    added_at = fields.DatetimeField()

    class Meta:
        table = "case_member"
        unique_together = (("case", "person"),)
        indexes = (("person_id",),)


class CaseEntry(TenantModel):
    """Inquiry: an interview held or a record gathered, by whom and when."""

    org_path = "case__organisation_id"
    id = fields.IntField(primary_key=True)
    case: fields.ForeignKeyRelation[Case] = fields.ForeignKeyField(
        "models.Case", related_name="entries", on_delete=fields.CASCADE
    )
    case_id: int
    kind = fields.CharEnumField(EntryKind, max_length=16)
    source = Sealed()  # who was interviewed, or which record
    notes = Sealed()
    done_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="case_entries", null=True, on_delete=fields.SET_NULL
    )
    done_by_id: int | None
    done_at = fields.DatetimeField()
    written_at = fields.DatetimeField()

    class Meta:
        table = "case_entry"
        ordering = ["done_at", "id"]


class CaseMarker(TenantModel):
    """A pathway-to-violence marker seen, with the behaviour that supports it."""

    org_path = "case__organisation_id"
    id = fields.IntField(primary_key=True)
    case: fields.ForeignKeyRelation[Case] = fields.ForeignKeyField(
        "models.Case", related_name="markers", on_delete=fields.CASCADE
    )
    case_id: int
    marker = fields.CharEnumField(Marker, max_length=16)
    behaviour = Sealed()
    written_at = fields.DatetimeField()

    class Meta:
        table = "case_marker"
        unique_together = (("case", "marker"),)


class CaseSupport(TenantModel):
    """Management: one support or supervision in the plan, with its owner, due day and status."""

    org_path = "case__organisation_id"
    id = fields.IntField(primary_key=True)
    case: fields.ForeignKeyRelation[Case] = fields.ForeignKeyField(
        "models.Case", related_name="supports", on_delete=fields.CASCADE
    )
    case_id: int
    kind = fields.CharEnumField(SupportKind, max_length=24)
    detail = Sealed()
    owner: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="case_supports", on_delete=fields.CASCADE
    )
    owner_id: int
    due_on = fields.DateField()
    status = fields.CharEnumField(SupportStatus, max_length=16, default=SupportStatus.PLANNED)
    written_at = fields.DatetimeField()

    class Meta:
        table = "case_support"
        ordering = ["due_on", "id"]
