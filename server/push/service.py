"""Every write about push: a phone's subscription (taken, moved to its new person, removed) and
the delivery rows the worker sends (queued for an alert's people, cancelled with an undo)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from tortoise import connections

from server.models import User
from server.push.models import Delivery, DeliveryStatus, PushSubscription
from server.push.worker import note_queued

if TYPE_CHECKING:
    from server.alerts.models import Alert
    from server.push.forms import SubscriptionIn


class Subscribed(StrEnum):
    SUBSCRIBED = "subscribed"
    UPDATED = "updated"


async def subscribe(user: User, given: SubscriptionIn, user_agent: str) -> Subscribed:
    """Take a phone's subscription for ``user``. One phone, one subscription: a phone that
    changes hands follows its new person."""
    fields: dict[str, Any] = {
        "organisation_id": user.organisation_id,
        "user_id": user.id,
        "p256dh": given.keys.p256dh,
        "auth": given.keys.auth,
        "user_agent": given.user_agent or user_agent[:300],
    }
    existing = await PushSubscription.get_or_none(endpoint=given.endpoint)
    if existing is not None:
        await PushSubscription.filter(id=existing.id).update(**fields)
        return Subscribed.UPDATED
    await PushSubscription.create(endpoint=given.endpoint, **fields)
    return Subscribed.SUBSCRIBED


async def unsubscribe(user: User, endpoint: str) -> bool:
    """Remove one of ``user``'s subscriptions; False when they had none at that endpoint."""
    return bool(await PushSubscription.filter(endpoint=endpoint, user_id=user.id).delete())


async def queue_deliveries(alert: Alert, people: list[int], due_at: datetime) -> int:
    """One delivery row per subscription of these people (all of them recipients of the alert);
    the worker sends them. One INSERT ... SELECT: no Python per row, however many phones."""
    if not people:
        return 0
    fields = Delivery._meta.fields_map
    db = connections.get("default")
    sqlite = db.capabilities.dialect == "sqlite"
    marks = ["?1", "?2", "?3", "?4"] if sqlite else ["$1", "$2", "$3", "$4"]
    alert_id = type(alert)._meta.pk.to_db_value(alert.id, type(alert))
    values = [
        alert_id,
        fields["due_at"].to_db_value(due_at, Delivery),
        alert.organisation_id,
        alert_id,
    ]
    people_list = ",".join(str(int(person)) for person in people)
    count = await db.execute_query_dict(
        f"""
        INSERT INTO delivery (alert_id, user_id, subscription_id, status, attempts, due_at,
                              error, created_at)
        SELECT {marks[0]}, s.user_id, s.id, '{DeliveryStatus.PENDING.value}', 0, {marks[1]},
               '', {marks[1]}
        FROM push_subscription s
        JOIN alert_recipient r ON r.user_id = s.user_id AND r.alert_id = {marks[3]}
        WHERE s.organisation_id = {marks[2]} AND s.user_id IN ({people_list})
        RETURNING id
        """,
        values,
    )
    if count:
        note_queued()
    return len(count)


async def cancel_pending(alert: Alert) -> None:
    """Nothing more goes out for ``alert``: its deliveries not yet sent are cancelled."""
    await Delivery.filter(alert_id=alert.id, status=DeliveryStatus.PENDING.value).update(
        status=DeliveryStatus.CANCELLED.value
    )
