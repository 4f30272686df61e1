"""Trips as the server keeps them. Field actions (headcounts, check-ins, a lost student) arrive as
events from the chaperones' phones; their ids are made on the phone."""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING, Any
from uuid import UUID

from tortoise import fields
from tortoise.validators import MaxValueValidator, MinValueValidator

from server.models import TenantModel

if TYPE_CHECKING:
    from server.events.models import Upload
    from server.models import Organisation, School, Site, User


class CheckInKind(StrEnum):
    DEPARTED = "departed"
    ARRIVED = "arrived"  # at a stop of the itinerary
    RETURNING = "returning"
    BACK = "back"  # back at school: the trip is over


# A school's rules for trips and risk plans (one row a school, made when first needed).
class TripPolicy(TenantModel):
    org_path = "school__organisation_id"

    id = fields.IntField(primary_key=True)
    school: fields.OneToOneRelation[School] = fields.OneToOneField(
        "models.School", related_name="trip_policy"
    )
    school_id: int
    students_per_adult = fields.IntField(default=10)
    grace_minutes = fields.IntField(default=30)  # how late a check-in may be before "overdue"
    # A missing student: minutes from the report to "call the police now". Ten at most (the Code
    # Adam practice venues follow; no police waiting period for a missing child): a school may
    # shorten it, never lengthen it.
    police_call_minutes = fields.IntField(
        default=10, db_default=10, validators=[MinValueValidator(1), MaxValueValidator(10)]
    )
    plan_required = fields.BooleanField(default=True)  # an approved risk plan before departure
    # Upper scores of Low, Medium and High; anything above is Extreme.
    band_low = fields.IntField(default=4)
    band_medium = fields.IntField(default=9)
    band_high = fields.IntField(default=16)

    class Meta:
        table = "trip_policy"


class Trip(TenantModel):
    id = fields.IntField(primary_key=True)
    organisation: fields.ForeignKeyRelation[Organisation] = fields.ForeignKeyField(
        "models.Organisation", related_name="trips"
    )
    organisation_id: int
    school: fields.ForeignKeyRelation[School] = fields.ForeignKeyField(
        "models.School", related_name="trips"
    )
    school_id: int
    name = fields.CharField(max_length=200)
    starts_at = fields.DatetimeField(db_index=True)
    ends_at = fields.DatetimeField(db_index=True)
    # The destination: a saved venue, or a named point.
    venue: fields.ForeignKeyNullableRelation[Site] = fields.ForeignKeyField(
        "models.Site", related_name="trips", null=True, on_delete=fields.SET_NULL
    )
    venue_id: int | None
    destination = fields.CharField(max_length=200, default="")
    latitude = fields.FloatField(
        null=True, validators=[MinValueValidator(-90), MaxValueValidator(90)]
    )
    longitude = fields.FloatField(
        null=True, validators=[MinValueValidator(-180), MaxValueValidator(180)]
    )
    chaperones: fields.ManyToManyRelation[User] = fields.ManyToManyField(
        "models.User", related_name="trips_chaperoned", through="trip_chaperone"
    )
    ready_at = fields.DatetimeField(null=True)  # marked ready to depart
    created_by: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="trips_created"
    )
    created_by_id: int
    created_at = fields.DatetimeField(auto_now_add=True)

    stops: fields.ReverseRelation[TripStop]  # filled by TripStop.trip

    class Meta:
        table = "trip"
        ordering = ["starts_at"]


class TripStop(TenantModel):
    org_path = "trip__organisation_id"

    id = fields.IntField(primary_key=True)
    trip: fields.ForeignKeyRelation[Trip] = fields.ForeignKeyField(
        "models.Trip", related_name="stops"
    )
    trip_id: int
    position = fields.IntField()
    name = fields.CharField(max_length=200)
    expected_at = fields.DatetimeField()

    class Meta:
        table = "trip_stop"
        ordering = ["position"]


class TripStudent(TenantModel):
    org_path = "trip__organisation_id"

    id = fields.IntField(primary_key=True)
    trip: fields.ForeignKeyRelation[Trip] = fields.ForeignKeyField(
        "models.Trip", related_name="students"
    )
    trip_id: int
    name = fields.CharField(max_length=200)
    grade = fields.CharField(max_length=20, default="")
    photo: fields.ForeignKeyNullableRelation[Upload] = fields.ForeignKeyField(
        "models.Upload", related_name="students", null=True, on_delete=fields.SET_NULL
    )
    photo_id: UUID | None
    contacts = fields.TextField(default="")  # emergency contacts, one a line: name, phone
    medical = fields.TextField(default="")
    allergies = fields.TextField(default="")
    medication = fields.TextField(default="")
    medication_carrier = fields.CharField(max_length=200, default="")

    class Meta:
        table = "trip_student"
        ordering = ["name"]


class Headcount(TenantModel):
    org_path = "trip__organisation_id"

    id = fields.UUIDField(primary_key=True)  # made on the phone
    trip: fields.ForeignKeyRelation[Trip] = fields.ForeignKeyField(
        "models.Trip", related_name="headcounts"
    )
    trip_id: int
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="headcounts"
    )
    user_id: int
    expected = fields.IntField()  # students on the roster when counted
    counted = fields.IntField()
    missing: fields.JSONField[list[Any]] = fields.JSONField(
        default=list
    )  # student ids not ticked, when counted by name
    by_name = fields.BooleanField(default=True)
    place = fields.CharField(max_length=200, default="")
    position: fields.JSONField[Any] = fields.JSONField(null=True)
    counted_at = fields.DatetimeField(db_index=True)

    class Meta:
        table = "trip_headcount"
        ordering = ["-counted_at"]
        indexes = (("trip_id", "counted_at"),)  # a trip's newest (an incident's timeline)

    @property
    def complete(self) -> bool:
        return self.counted >= self.expected and not self.missing


class CheckIn(TenantModel):
    org_path = "trip__organisation_id"

    id = fields.UUIDField(primary_key=True)
    trip: fields.ForeignKeyRelation[Trip] = fields.ForeignKeyField(
        "models.Trip", related_name="checkins"
    )
    trip_id: int
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="trip_checkins"
    )
    user_id: int
    kind = fields.CharEnumField(CheckInKind, max_length=16)
    stop: fields.ForeignKeyNullableRelation[TripStop] = fields.ForeignKeyField(
        "models.TripStop", related_name="checkins", null=True, on_delete=fields.SET_NULL
    )
    stop_id: int | None
    position: fields.JSONField[Any] = fields.JSONField(null=True)
    at = fields.DatetimeField(db_index=True)

    class Meta:
        table = "trip_checkin"
        ordering = ["-at"]
        indexes = (("trip_id", "at"),)  # a trip's newest (an incident's timeline)


# A missing student: last seen when and where, a countdown to calling the police (the school's
# setting), an alert at its start, another at its end unless the student is found first, and a
# follow-up to the same people when they are found. The same student reported again from another
# phone while the first report is open is kept as ``same_as`` it: no second alert or countdown.
class LostStudent(TenantModel):
    org_path = "trip__organisation_id"

    id = fields.UUIDField(primary_key=True)
    trip: fields.ForeignKeyRelation[Trip] = fields.ForeignKeyField(
        "models.Trip", related_name="lost"
    )
    trip_id: int
    student: fields.ForeignKeyNullableRelation[TripStudent] = fields.ForeignKeyField(
        "models.TripStudent", related_name="lost", null=True, on_delete=fields.SET_NULL
    )
    student_id: int | None
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="lost_reported"
    )
    user_id: int
    started_at = fields.DatetimeField()
    last_seen_at = fields.DatetimeField(null=True)
    last_seen_where = fields.CharField(max_length=200, default="")
    # What they wear, how they look.
    description = fields.CharField(max_length=500, default="", db_default="")
    position: fields.JSONField[Any] = fields.JSONField(null=True)
    same_as: fields.ForeignKeyNullableRelation[LostStudent] = fields.ForeignKeyField(
        "models.LostStudent", related_name="reported_again", null=True, on_delete=fields.CASCADE
    )
    same_as_id: UUID | None
    ends_at = fields.DatetimeField(db_index=True)  # when the countdown runs out
    end_alerted_at = fields.DatetimeField(null=True)  # set once, by whichever process gets there
    found_at = fields.DatetimeField(null=True)

    class Meta:
        table = "trip_lost_student"
        ordering = ["-started_at"]


# One row per late check-in that raised an alert: the unique key makes the overdue rule fire once,
# however many processes run it.
class TripOverdue(TenantModel):
    org_path = "trip__organisation_id"

    id = fields.IntField(primary_key=True)
    trip: fields.ForeignKeyRelation[Trip] = fields.ForeignKeyField(
        "models.Trip", related_name="overdue"
    )
    trip_id: int
    expected = fields.CharField(max_length=32)  # which check-in was late, e.g. "stop-3"
    due_at = fields.DatetimeField()
    alerted_at = fields.DatetimeField()

    class Meta:
        table = "trip_overdue"
        indexes = (("due_at",),)  # the metrics dashboard: late check-ins in a range
        unique_together = (("trip", "expected"),)
