"""Rosters from the school's information system (students, their guardians, classes and who
teaches them), and what an incident records about them: each teacher's taps accounting for a
class, where the class is, and each student released to an adult at reunification. Roster rows
carry the source's ids, so a later file updates them; the taps and releases carry ids made on the
phone, so a resend is harmless."""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING, Any

from tortoise import fields
from tortoise.models import Model

from server.i18n import N_
from server.models import TenantModel

if TYPE_CHECKING:
    from server.incidents.models import Incident
    from server.models import Organisation, School, Site, User


class Student(TenantModel):
    id = fields.IntField(primary_key=True)
    organisation: fields.ForeignKeyRelation[Organisation] = fields.ForeignKeyField(
        "models.Organisation", related_name="roster_students"
    )
    organisation_id: int
    school: fields.ForeignKeyRelation[School] = fields.ForeignKeyField(
        "models.School", related_name="roster_students"
    )
    school_id: int
    source_id = fields.CharField(max_length=64)  # the information system's id
    name = fields.CharField(max_length=200)
    grade = fields.CharField(max_length=16, default="")
    custody_notes = fields.TextField(default="")  # shown in red at reunification
    active = fields.BooleanField(default=True)  # False: the source deleted them

    class Meta:
        table = "roster_student"
        ordering = ["name"]
        unique_together = (("organisation", "source_id"),)


# An adult a student's record names (OneRoster's agents; the plain file's guardian columns).
class Guardian(TenantModel):
    org_path = "student__organisation_id"

    id = fields.IntField(primary_key=True)
    student: fields.ForeignKeyRelation[Student] = fields.ForeignKeyField(
        "models.Student", related_name="guardians", on_delete=fields.CASCADE
    )
    student_id: int
    source_id = fields.CharField(max_length=64)
    name = fields.CharField(max_length=200)
    phone = fields.CharField(max_length=40, default="")
    relationship = fields.CharField(max_length=32, default="")
    may_pick_up = fields.BooleanField(default=True)

    class Meta:
        table = "roster_guardian"
        ordering = ["name"]
        unique_together = (("student", "source_id"),)


class RosterClass(TenantModel):
    id = fields.IntField(primary_key=True)
    organisation: fields.ForeignKeyRelation[Organisation] = fields.ForeignKeyField(
        "models.Organisation", related_name="roster_classes"
    )
    organisation_id: int
    school: fields.ForeignKeyRelation[School] = fields.ForeignKeyField(
        "models.School", related_name="roster_classes"
    )
    school_id: int
    source_id = fields.CharField(max_length=64)
    name = fields.CharField(max_length=200)
    period = fields.CharField(max_length=64, default="")

    class Meta:
        table = "roster_class"
        ordering = ["name"]
        unique_together = (("organisation", "source_id"),)


class Enrollment(Model):
    id = fields.IntField(primary_key=True)
    roster_class: fields.ForeignKeyRelation[RosterClass] = fields.ForeignKeyField(
        "models.RosterClass", related_name="enrollments", on_delete=fields.CASCADE
    )
    roster_class_id: int
    student: fields.ForeignKeyRelation[Student] = fields.ForeignKeyField(
        "models.Student", related_name="enrollments", on_delete=fields.CASCADE
    )
    student_id: int

    class Meta:
        table = "roster_enrollment"
        unique_together = (("roster_class", "student"),)


# A Muster person who teaches a class (matched by email when the roster came in).
class ClassTeacher(Model):
    id = fields.IntField(primary_key=True)
    roster_class: fields.ForeignKeyRelation[RosterClass] = fields.ForeignKeyField(
        "models.RosterClass", related_name="teachers", on_delete=fields.CASCADE
    )
    roster_class_id: int
    teacher: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="classes_taught", on_delete=fields.CASCADE
    )
    teacher_id: int

    class Meta:
        table = "roster_class_teacher"
        unique_together = (("roster_class", "teacher"),)


# An incident asking its schools' teachers to account for their classes.
class AccountingCall(Model):
    id = fields.IntField(primary_key=True)
    incident: fields.OneToOneRelation[Incident] = fields.OneToOneField(
        "models.Incident", related_name="accounting", on_delete=fields.CASCADE
    )
    incident_id: int
    asked_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="accounting_calls", null=True, on_delete=fields.SET_NULL
    )
    asked_by_id: int | None
    asked_at = fields.DatetimeField()

    class Meta:
        table = "accounting_call"


class Mark(StrEnum):
    PRESENT = "present"
    MISSING = "missing"
    INJURED = "injured"
    ABSENT = "absent"  # not in school today
    EXTRA = "extra"  # from another class, with this teacher
    CLEARED = "cleared"  # a tap taken back


MARK_LABELS = {
    Mark.PRESENT: N_("Here"),
    Mark.MISSING: N_("Missing"),
    Mark.INJURED: N_("Injured"),
    Mark.ABSENT: N_("Absent today"),
    Mark.EXTRA: N_("Extra"),
    Mark.CLEARED: N_("Not marked"),
}


# One tap on a teacher's phone; the latest for a class and a student stands.
class StudentMark(Model):
    id = fields.UUIDField(primary_key=True)  # made on the phone
    incident: fields.ForeignKeyRelation[Incident] = fields.ForeignKeyField(
        "models.Incident", related_name="student_marks", on_delete=fields.CASCADE
    )
    incident_id: int
    roster_class: fields.ForeignKeyRelation[RosterClass] = fields.ForeignKeyField(
        "models.RosterClass", related_name="marks", on_delete=fields.CASCADE
    )
    roster_class_id: int
    student: fields.ForeignKeyRelation[Student] = fields.ForeignKeyField(
        "models.Student", related_name="marks", on_delete=fields.CASCADE
    )
    student_id: int
    mark = fields.CharEnumField(Mark, max_length=16)
    note = fields.CharField(max_length=500, default="")
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="student_marks"
    )
    user_id: int
    at = fields.DatetimeField()

    class Meta:
        table = "accounting_mark"
        indexes = (("incident_id", "at"),)


# A teacher's "this is my class, and here we are": the class counts as reported.
class ClassReport(Model):
    id = fields.UUIDField(primary_key=True)  # made on the phone
    incident: fields.ForeignKeyRelation[Incident] = fields.ForeignKeyField(
        "models.Incident", related_name="class_reports", on_delete=fields.CASCADE
    )
    incident_id: int
    roster_class: fields.ForeignKeyRelation[RosterClass] = fields.ForeignKeyField(
        "models.RosterClass", related_name="reports", on_delete=fields.CASCADE
    )
    roster_class_id: int
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="class_reports"
    )
    user_id: int
    site: fields.ForeignKeyNullableRelation[Site] = fields.ForeignKeyField(
        "models.Site", related_name="class_reports", null=True, on_delete=fields.SET_NULL
    )
    site_id: int | None
    place = fields.CharField(max_length=200, default="")
    position: fields.JSONField[dict[str, Any] | None] = fields.JSONField(null=True)
    at = fields.DatetimeField()

    class Meta:
        table = "accounting_class_report"
        indexes = (("incident_id", "at"),)


# A student handed to an adult at reunification: once an incident (the database holds it).
class Release(Model):
    id = fields.UUIDField(primary_key=True)  # made on the phone
    incident: fields.ForeignKeyRelation[Incident] = fields.ForeignKeyField(
        "models.Incident", related_name="releases", on_delete=fields.CASCADE
    )
    incident_id: int
    student: fields.ForeignKeyRelation[Student] = fields.ForeignKeyField(
        "models.Student", related_name="releases", on_delete=fields.CASCADE
    )
    student_id: int
    guardian: fields.ForeignKeyNullableRelation[Guardian] = fields.ForeignKeyField(
        "models.Guardian", related_name="releases", null=True, on_delete=fields.SET_NULL
    )
    guardian_id: int | None
    released_to = fields.CharField(max_length=200)
    id_checked = fields.CharField(max_length=100)
    staff: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="releases"
    )
    staff_id: int
    at = fields.DatetimeField()

    class Meta:
        table = "reunification_release"
        ordering = ["at"]
        unique_together = (("incident", "student"),)
