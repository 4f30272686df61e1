"""One email or SMS on its way to one person, an alert's escalation, and a code that verifies a
phone number or an email address."""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING
from uuid import UUID

from tortoise import fields
from tortoise.models import Model

if TYPE_CHECKING:
    from server.alerts.models import Alert
    from server.models import User


class Channel(StrEnum):
    SMS = "sms"
    EMAIL = "email"


class Why(StrEnum):
    NO_PUSH = "no-push"  # an emergency, and no phone of theirs takes push
    EVERYONE = "everyone"  # the district sends SMS to everyone for emergencies
    ESCALATION = "escalation"  # not answered in time
    RESEND = "resend"  # not answered, and the safety team pressed "Send again"
    CODE = "code"  # a verification code (no alert)


class MessageStatus(StrEnum):
    PENDING = "pending"  # due at due_at
    SENDING = "sending"  # claimed by a worker until claimed_until
    SENT = "sent"  # the provider took it (its answer and id kept)
    FAILED = "failed"  # refused for good, out of tries, or over the district's daily SMS cap
    SKIPPED = "skipped"  # answered before an escalation went out
    CANCELLED = "cancelled"  # the alert was undone or ended first


# One message on one channel to one person: written where the decision is made, claimed by the
# delivery worker (the same claim as push: FOR UPDATE SKIP LOCKED), each channel by its own
# sender so one channel's outage never holds another. One a person, alert and channel: a second
# decision to send (an escalation after the no-push SMS) writes nothing.
class Message(Model):
    id = fields.BigIntField(primary_key=True)
    organisation_id = fields.IntField()
    alert: fields.ForeignKeyNullableRelation[Alert] = fields.ForeignKeyField(
        "models.Alert", related_name="messages", null=True
    )
    alert_id: UUID | None
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="messages"
    )
    user_id: int
    channel = fields.CharField(max_length=8)
    address = fields.CharField(max_length=254)  # the verified number or email, when written
    why = fields.CharField(max_length=12)
    body = fields.CharField(max_length=200, default="")  # a code's text; emptied once sent
    status = fields.CharField(max_length=12, default=MessageStatus.PENDING.value)
    attempts = fields.IntField(default=0)
    due_at = fields.DatetimeField()
    claim = fields.UUIDField(null=True)
    claimed_until = fields.DatetimeField(null=True)
    sent_at = fields.DatetimeField(null=True)
    response_code = fields.IntField(null=True)  # the provider's answer (HTTP or SMTP code)
    provider_id = fields.CharField(max_length=100, default="")  # its id for the message
    error = fields.CharField(max_length=200, default="")
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "channel_message"
        unique_together = (("alert", "user", "channel"),)
        indexes = (("channel", "status", "due_at"), ("organisation_id", "channel", "sent_at"))


# An emergency alert's escalation: at ``due_at`` whoever hasn't answered is sent the next channel
# of SMS, then email; a step later the next (``server/channels/escalation.py``). ``steps`` moves on
# once a step, by the process that takes it; ``done_at`` is set with the last step.
class Escalation(Model):
    id = fields.BigIntField(primary_key=True)
    alert: fields.OneToOneRelation[Alert] = fields.OneToOneField(
        "models.Alert", related_name="escalation"
    )
    alert_id: UUID
    due_at = fields.DatetimeField(db_index=True)
    done_at = fields.DatetimeField(null=True)
    steps = fields.SmallIntField(default=0)  # how many of its steps have been taken
    people = fields.IntField(default=0)  # how many were unanswered at its first step

    class Meta:
        table = "alert_escalation"


# A code sent to a phone number or email address; entered in the app, it verifies that address.
# Only its SHA-256 is kept.
class ContactCode(Model):
    id = fields.BigIntField(primary_key=True)
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="contact_codes"
    )
    user_id: int
    channel = fields.CharField(max_length=8)
    address = fields.CharField(max_length=254)
    code_hash = fields.CharField(max_length=64)
    expires_at = fields.DatetimeField()
    tries = fields.IntField(default=0)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "contact_code"
