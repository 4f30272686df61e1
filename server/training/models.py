"""Training (issue 18): sessions a trainer runs (kept on a phone at a bus depot and sent through
the outbox), who attended, feedback on a participant's practice delivery, trainers and their
certification, and the district's refresher settings.

A trainer is a person with a ``Trainer`` row, given by an admin with the certification's issue and
expiry dates: a flag on the person rather than a sixth role. Roles decide what a person's home
offers and whom an alert reaches, in many places (journeys, alert audiences, district settings);
training others is something a teacher, a driver or an admin does besides their job, and it comes
and goes with a certificate that has dates. Keeping it in its own table leaves the role tables
alone and gives the dates a home."""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.models import Model

from server.i18n import N_
from server.models import Role, TenantModel

if TYPE_CHECKING:
    from server.models import Organisation, School, User

READERS = (Role.ADMIN, Role.SAFETY)  # coverage, every session and its feedback
CERTIFIERS = (Role.ADMIN,)  # who gives and takes away a trainer's certification

REFRESHER_MONTHS = 12  # the district's default: a lesson is due again a year after it was given
REMINDER_DAYS = 60  # the district's default: a certification's expiry is shown this many days ahead


class Audience(StrEnum):
    TEACHERS = "teachers"
    ADMINISTRATORS = "administrators"
    BUS_DRIVERS = "bus_drivers"
    ESCORTS = "escorts"
    CUSTODIANS = "custodians"
    MEALTIME = "mealtime_assistants"
    SUPPORT = "support_staff"
    PARENTS = "parents"
    STUDENTS = "students"


AUDIENCE_LABELS = {
    Audience.TEACHERS: N_("Teachers"),
    Audience.ADMINISTRATORS: N_("Administrators"),
    Audience.BUS_DRIVERS: N_("Bus drivers"),
    Audience.ESCORTS: N_("Bus escorts"),
    Audience.CUSTODIANS: N_("Custodians"),
    Audience.MEALTIME: N_("Mealtime assistants"),
    Audience.SUPPORT: N_("Other support staff"),
    Audience.PARENTS: N_("Parents"),
    Audience.STUDENTS: N_("Students"),
}

# Audiences that are not Muster people: they are named, or counted, at the session.
PUBLIC = frozenset({Audience.PARENTS, Audience.STUDENTS})


class Verdict(StrEnum):
    READY = "ready"  # ready to give this lesson to others
    NOT_YET = "not_yet"


VERDICT_LABELS = {Verdict.READY: N_("Ready to give it"), Verdict.NOT_YET: N_("Not yet")}


class TrainingSession(TenantModel):
    id = fields.UUIDField(primary_key=True)  # made on the phone: a session is recorded offline
    organisation: fields.ForeignKeyRelation[Organisation] = fields.ForeignKeyField(
        "models.Organisation", related_name="training_sessions"
    )
    organisation_id: int
    trainer: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="training_sessions_given"
    )
    trainer_id: int
    lesson = fields.CharField(max_length=64)  # one of the ten lessons' slugs
    audience = fields.CharEnumField(Audience, max_length=32)
    school: fields.ForeignKeyNullableRelation[School] = fields.ForeignKeyField(
        "models.School", related_name="training_sessions", null=True, on_delete=fields.SET_NULL
    )
    school_id: int | None  # none: district-wide (the bus depot)
    held_at = fields.DatetimeField()  # on the server's clock
    # A participant gives the lesson, for feedback: practice, counted in no coverage or figure.
    practice = fields.BooleanField(default=False)
    presenter: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="training_deliveries", null=True, on_delete=fields.SET_NULL
    )
    presenter_id: int | None
    counted = fields.IntField(default=0)  # parents or students counted, not named
    notes = fields.TextField(default="")
    recorded_at = fields.DatetimeField()  # the phone's moment, on the server's clock
    received_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "training_session"
        ordering = ["-held_at"]
        indexes = [("organisation_id", "lesson", "audience", "held_at")]


# One attendee: a Muster person, or a name typed at the session (a parent, a substitute).
class Attendance(Model):
    id = fields.BigIntField(primary_key=True)
    session: fields.ForeignKeyRelation[TrainingSession] = fields.ForeignKeyField(
        "models.TrainingSession", related_name="attendance", on_delete=fields.CASCADE
    )
    session_id: str
    person: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="training_attended", null=True, on_delete=fields.CASCADE
    )
    person_id: int | None
    name = fields.CharField(max_length=200, default="")  # when not a Muster person

    class Meta:
        table = "training_attendance"
        indexes = [("person_id",)]


# Feedback on a practice delivery, from the trainer or a peer who attended.
class Feedback(TenantModel):
    id = fields.UUIDField(primary_key=True)  # made on the phone
    organisation: fields.ForeignKeyRelation[Organisation] = fields.ForeignKeyField(
        "models.Organisation", related_name="training_feedback"
    )
    organisation_id: int
    session: fields.ForeignKeyRelation[TrainingSession] = fields.ForeignKeyField(
        "models.TrainingSession", related_name="feedback", on_delete=fields.CASCADE
    )
    session_id: str
    author: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="training_feedback_given"
    )
    author_id: int
    went_well = fields.TextField(default="")
    to_improve = fields.TextField(default="")
    verdict = fields.CharEnumField(Verdict, max_length=16)
    given_at = fields.DatetimeField()

    class Meta:
        table = "training_feedback"
        unique_together = (("session", "author"),)


# A person who may run sessions, with their certification's dates, given by an admin.
class Trainer(TenantModel):
    id = fields.IntField(primary_key=True)
    organisation: fields.ForeignKeyRelation[Organisation] = fields.ForeignKeyField(
        "models.Organisation", related_name="trainers"
    )
    organisation_id: int
    person: fields.OneToOneRelation[User] = fields.OneToOneField(
        "models.User", related_name="trainer", on_delete=fields.CASCADE
    )
    person_id: int
    certified_on = fields.DateField()
    expires_on = fields.DateField()
    given_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="trainers_certified", null=True, on_delete=fields.SET_NULL
    )
    given_by_id: int | None
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "training_trainer"
        indexes = [("organisation_id", "expires_on")]


# The district's training settings; a district with no row has the defaults.
class TrainingSettings(Model):
    id = fields.IntField(primary_key=True)
    organisation: fields.OneToOneRelation[Organisation] = fields.OneToOneField(
        "models.Organisation", related_name="training_settings", on_delete=fields.CASCADE
    )
    organisation_id: int
    refresher_months = fields.IntField(default=REFRESHER_MONTHS)
    reminder_days = fields.IntField(default=REMINDER_DAYS)

    class Meta:
        table = "training_settings"
