"""Database models. They hold only database constraints; input rules live in ``server.forms``."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from tortoise import fields
from tortoise.models import Model
from tortoise.validators import MaxValueValidator, MinValueValidator


class Role(StrEnum):
    ADMIN = "admin"
    SAFETY = "safety"
    STAFF = "staff"
    DRIVER = "driver"
    OFFICE = "office"
    DISPATCH = "dispatch"  # transport dispatch at the bus depot: bus alerts reach them


class SiteKind(StrEnum):
    CAMPUS = "campus"
    DEPOT = "depot"
    VENUE = "venue"


# A record that belongs to one organisation; ``org_path`` is how a query reaches it.
class TenantModel(Model):
    org_path: str = "organisation_id"

    class Meta:
        abstract = True


class Organisation(Model):
    id = fields.IntField(primary_key=True)
    name = fields.CharField(max_length=200)
    # District settings, each a list of roles; empty (null) is every role. Admins and the
    # safety team may always do both.
    action_roles: fields.JSONField[list[str] | None] = fields.JSONField(
        null=True
    )  # may call hold, secure, lockdown, ...
    call_script_roles: fields.JSONField[list[str] | None] = fields.JSONField(
        null=True
    )  # may open the threatening-call script
    # The month the school year starts on the first of (drill requirements count per year).
    school_year_starts = fields.SmallIntField(default=8, db_default=8)
    # When a drill's leader is reminded on the day before it, in minutes after midnight on the
    # district's clock (540: 09:00).
    drill_reminder_minutes = fields.SmallIntField(default=540, db_default=540)
    # The district's policy on a weapon found at school: may anyone handle it at all? The default
    # is never; the weapon-found checklist gives only that path either way (the content brief has
    # no steps for handling one), so a district that allows it follows its own written procedure.
    weapon_handling = fields.BooleanField(default=False, db_default=False)
    # A checklist whose last content review (`revised`) is older than this many months is named to
    # the district's admins and safety team as due a review.
    checklist_review_months = fields.SmallIntField(default=12, db_default=12)
    # Emergencies by SMS to everyone with a verified number, not only to those without push.
    sms_to_all = fields.BooleanField(default=False, db_default=False)
    # SMS a day (the district's day) beyond which none is sent; admins are warned near it.
    sms_daily_cap = fields.IntField(default=1000, db_default=1000)
    # An emergency alert not answered within this many seconds goes again by SMS, then email.
    escalate_seconds = fields.IntField(default=120, db_default=120)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "organisation"


class School(TenantModel):
    id = fields.IntField(primary_key=True)
    organisation: fields.ForeignKeyRelation[Organisation] = fields.ForeignKeyField(
        "models.Organisation", related_name="schools"
    )
    organisation_id: int
    name = fields.CharField(max_length=200)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "school"
        ordering = ["name"]


class Site(TenantModel):
    id = fields.IntField(primary_key=True)
    organisation: fields.ForeignKeyRelation[Organisation] = fields.ForeignKeyField(
        "models.Organisation", related_name="sites"
    )
    organisation_id: int
    # Empty for district-wide places such as the bus depot or a field-trip venue.
    school: fields.ForeignKeyNullableRelation[School] = fields.ForeignKeyField(
        "models.School", related_name="sites", null=True
    )
    school_id: int | None
    kind = fields.CharEnumField(SiteKind, max_length=16)
    name = fields.CharField(max_length=200)
    latitude = fields.FloatField(validators=[MinValueValidator(-90), MaxValueValidator(90)])
    longitude = fields.FloatField(validators=[MinValueValidator(-180), MaxValueValidator(180)])
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "site"
        ordering = ["name"]


class User(TenantModel):
    id = fields.IntField(primary_key=True)
    organisation: fields.ForeignKeyRelation[Organisation] = fields.ForeignKeyField(
        "models.Organisation", related_name="users"
    )
    organisation_id: int
    name = fields.CharField(max_length=200)
    email = fields.CharField(max_length=254, unique=True)
    password_hash = fields.CharField(max_length=255)
    roles: fields.JSONField[list[str]] = fields.JSONField(default=list)
    schools: fields.ManyToManyRelation[School] = fields.ManyToManyField(
        "models.School", related_name="members", through="membership"
    )
    active = fields.BooleanField(default=True)
    locale = fields.CharField(max_length=8, null=True)
    # For the safety team in an emergency. Every column added to a table that has rows gets a
    # database default too, so an upgrade can fill the rows already there.
    phone = fields.CharField(max_length=40, default="", db_default="")
    # The number (E.164) and the email address this person proved are theirs with a code
    # (``server/channels/verify.py``): SMS and email alerts go only there.
    verified_phone = fields.CharField(max_length=20, default="", db_default="")
    verified_email = fields.CharField(max_length=254, default="", db_default="")
    # Bumped on password reset and deactivation: every older session cookie stops working.
    session_epoch = fields.IntField(default=0)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "user"
        ordering = ["name"]

    def has_role(self, *roles: str) -> bool:
        return any(role in self.roles for role in roles)


class AuditLog(TenantModel):
    id = fields.BigIntField(primary_key=True)
    organisation: fields.ForeignKeyRelation[Organisation] = fields.ForeignKeyField(
        "models.Organisation", related_name="audit_entries"
    )
    organisation_id: int
    actor: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="audit_entries", null=True
    )
    actor_id: int | None
    action = fields.CharField(max_length=64)
    record_type = fields.CharField(max_length=64)
    record_id = fields.CharField(max_length=64)
    detail: fields.JSONField[dict[str, Any]] = fields.JSONField(default=dict)
    at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "audit_log"
        ordering = ["-at"]
        # The admins' audit viewer: the newest of the district's entries, by person or by kind.
        indexes = (
            ("organisation_id", "at"),
            ("organisation_id", "actor_id", "at"),
            ("organisation_id", "action", "at"),
            # One record's looks: a threat assessment case's access log.
            ("organisation_id", "record_type", "record_id", "at"),
        )


# One failed sign-in; counted per account and per address to throttle guessing.
# (A comment, not a docstring: Tortoise turns docstrings into SQL comments.)
class SignInFailure(Model):
    id = fields.BigIntField(primary_key=True)
    email = fields.CharField(max_length=254, db_index=True)
    address = fields.CharField(max_length=64, db_index=True)
    at = fields.DatetimeField(auto_now_add=True, db_index=True)

    class Meta:
        table = "sign_in_failure"
