"""A phone's push subscription, and one delivery of one alert to one subscription."""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING
from uuid import UUID

from tortoise import fields
from tortoise.models import Model

from server.models import TenantModel

if TYPE_CHECKING:
    from server.alerts.models import Alert
    from server.models import Organisation, User


# One browser on one device, for one person: where its push service wants our messages.
class PushSubscription(TenantModel):
    id = fields.IntField(primary_key=True)
    organisation: fields.ForeignKeyRelation[Organisation] = fields.ForeignKeyField(
        "models.Organisation", related_name="push_subscriptions"
    )
    organisation_id: int
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="push_subscriptions"
    )
    user_id: int
    endpoint = fields.CharField(max_length=1024, unique=True)
    p256dh = fields.CharField(max_length=128)  # the browser's public key, base64url
    auth = fields.CharField(max_length=64)  # its auth secret, base64url
    user_agent = fields.CharField(max_length=300, default="")
    created_at = fields.DatetimeField(auto_now_add=True)
    last_success_at = fields.DatetimeField(null=True)

    class Meta:
        table = "push_subscription"


class DeliveryStatus(StrEnum):
    PENDING = "pending"  # due at due_at
    SENDING = "sending"  # claimed by a worker until claimed_until
    SENT = "sent"  # the push service took it
    FAILED = "failed"  # refused for good, or out of tries
    GONE = "gone"  # the push service says the subscription no longer exists
    CANCELLED = "cancelled"  # the sender undid the alert before it went out


# One alert on its way to one subscription. Written with the alert, in the same transaction;
# workers claim due rows (FOR UPDATE SKIP LOCKED on PostgreSQL) so none is sent twice.
class Delivery(Model):
    id = fields.BigIntField(primary_key=True)
    alert: fields.ForeignKeyRelation[Alert] = fields.ForeignKeyField(
        "models.Alert", related_name="deliveries"
    )
    alert_id: UUID
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="deliveries"
    )
    user_id: int
    subscription: fields.ForeignKeyNullableRelation[PushSubscription] = fields.ForeignKeyField(
        "models.PushSubscription",
        related_name="deliveries",
        null=True,
        on_delete=fields.SET_NULL,
    )
    subscription_id: int | None
    status = fields.CharField(max_length=12, default=DeliveryStatus.PENDING.value)
    attempts = fields.IntField(default=0)
    due_at = fields.DatetimeField()
    claim = fields.UUIDField(null=True)
    claimed_until = fields.DatetimeField(null=True)
    sent_at = fields.DatetimeField(null=True)
    response_code = fields.IntField(null=True)
    error = fields.CharField(max_length=200, default="")
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "delivery"
        indexes = (("status", "due_at"),)
