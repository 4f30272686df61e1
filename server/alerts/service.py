"""Every decision about alerts: ``raise_alert``, the one way an alert comes into being, whoever
raises it (a checklist action, the composer, a report near a campus, a late field trip); undoing
it, sending it again, ending it with an all clear. Writing an alert writes, in the same
transaction, one recipient row per person in its audience and one delivery row per subscription
of theirs; the push worker sends those."""

from __future__ import annotations

import statistics
import uuid
from datetime import datetime, timedelta
from typing import Any

from tortoise.transactions import in_transaction

from server.alerts.kinds import kind_of
from server.alerts.models import Alert, AlertRecipient
from server.events.bulk import insert_many
from server.models import Site, User


async def resolve_audience(
    organisation_id: int,
    notify: list[str],
    *,
    school_ids: list[int] | None = None,
    site_id: int | None = None,
    user_ids: list[int] | None = None,
    exclude: int | None = None,
) -> list[int]:
    """The active people an alert goes to, sender excluded.

    Named people (``user_ids``) are taken as they are. Otherwise the people holding one of the
    ``notify`` roles (every role when empty): in the whole organisation, or, for schools (or a
    site's school), the members of those schools plus the people who belong to no school:
    district staff, such as the safety lead, who cover every school. A site with no school (the
    bus depot, a venue) reaches the whole organisation."""
    people = User.filter(organisation_id=organisation_id, active=True)
    if user_ids is not None:
        found = await people.filter(id__in=user_ids).values_list("id", flat=True)
        return sorted(set(found) - {exclude})
    if site_id is not None:
        site = await Site.get_or_none(id=site_id, organisation_id=organisation_id)
        school_ids = [site.school_id] if site and site.school_id else None
    rows = await people.values("id", "roles")
    wanted = {row["id"] for row in rows if not notify or set(row["roles"]) & set(notify)}
    if school_ids is not None:
        members = await people.filter(schools__id__in=school_ids).values_list("id", flat=True)
        schoolless = await people.filter(schools__id__isnull=True).values_list("id", flat=True)
        wanted &= set(members) | set(schoolless)
    return sorted(wanted - {exclude})


def audience_of(
    school_ids: list[int] | None = None,
    site_id: int | None = None,
    trip_id: int | None = None,
    user_ids: list[int] | None = None,
) -> dict[str, Any]:
    """Who an alert went to, as kept with it (``Alert.audience``)."""
    scope = (
        "trip"  # a trip's own people
        if trip_id is not None and user_ids is not None
        else "people"
        if user_ids is not None
        else "site"
        if site_id is not None
        else "schools"
        if school_ids is not None
        else "trip"
        if trip_id is not None
        else "organisation"
    )
    audience: dict[str, Any] = {"scope": scope}
    for key, value in (("school_ids", school_ids), ("site_id", site_id), ("user_ids", user_ids)):
        if value is not None:
            audience[key] = value
    return audience


async def raise_alert(
    *,
    organisation_id: int,
    raised_by_id: int,
    kind: str,
    notify: list[str],
    raised_at: datetime,
    alert_id: uuid.UUID | None = None,
    drill: bool = False,
    source: dict[str, Any] | None = None,
    where: dict[str, Any] | None = None,
    school_ids: list[int] | None = None,
    site_id: int | None = None,
    trip_id: int | None = None,
    user_ids: list[int] | None = None,
    severity: str | None = None,
    title: str = "",
    message: str = "",
    undo_seconds: int = 0,
    practice: bool = False,
) -> Alert:
    """The one way an alert comes into being, whoever raises it.

    The audience is ``user_ids`` when given, else the ``notify`` roles within ``school_ids`` or
    ``site_id``, else within the organisation (see ``resolve_audience``). ``trip_id`` records the
    field trip it concerns; pass the trip's people as ``user_ids`` or its school. With
    ``undo_seconds`` nothing goes out until then, so the sender can take it back.
    A practice alert is recorded and reaches nobody.
    Joins the caller's transaction when there is one."""
    if practice:
        user_ids, school_ids, site_id = [], None, None
    audience = audience_of(school_ids, site_id, trip_id, user_ids)
    send_after = raised_at + timedelta(seconds=undo_seconds) if undo_seconds else None
    async with in_transaction():
        alert = await Alert.create(
            id=alert_id or uuid.uuid4(),
            organisation_id=organisation_id,
            raised_by_id=raised_by_id,
            kind=kind,
            severity=severity or kind_of(kind).severity.value,
            title=title,
            message=message,
            notify=notify,
            audience=audience,
            trip_id=trip_id,
            drill=drill,
            practice=practice,
            source=source or {},
            where=where or {},
            raised_at=raised_at,
            send_after=send_after,
        )
        people = await resolve_audience(
            organisation_id,
            notify,
            school_ids=school_ids,
            site_id=site_id,
            user_ids=user_ids,
            exclude=raised_by_id,  # a silent alert never sounds on the sender's own phones
        )
        await insert_many(
            AlertRecipient,
            [
                {
                    "alert_id": alert.id,
                    "user_id": person,
                    "response": None,
                    "responded_at": None,
                    "first_responded_at": None,
                    "position": None,
                    "note": "",
                }
                for person in people
            ],
        )
        await queue_deliveries(alert, people, due_at=send_after or raised_at)
    return alert


async def cancel_alert(alert: Alert, at: datetime) -> bool:
    """Undo an alert within its undo time: nothing goes out. False when it was too late."""
    from server.push.models import Delivery, DeliveryStatus

    if alert.send_after is None or at >= alert.send_after:
        return False
    alert.cancelled_at = at
    await alert.save(update_fields=["cancelled_at"])
    await Delivery.filter(alert_id=alert.id, status=DeliveryStatus.PENDING.value).update(
        status=DeliveryStatus.CANCELLED.value
    )
    return True


async def queue_deliveries(alert: Alert, people: list[int], due_at: datetime) -> int:
    """One delivery row per subscription of these people (all of them recipients of the alert);
    the worker sends them. One INSERT ... SELECT: no Python per row, however many phones."""
    from tortoise import connections

    from server.push.models import Delivery, DeliveryStatus
    from server.push.worker import note_queued

    if not people:
        return 0
    fields = Delivery._meta.fields_map
    db = connections.get("default")
    sqlite = db.capabilities.dialect == "sqlite"
    marks = ["?1", "?2", "?3", "?4"] if sqlite else ["$1", "$2", "$3", "$4"]
    alert_id = Alert._meta.pk.to_db_value(alert.id, None)
    values = [alert_id, fields["due_at"].to_db_value(due_at, None), alert.organisation_id, alert_id]
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


def figures(alert: Alert, first_answers: list[datetime]) -> dict[str, Any]:
    """Acknowledgment times in seconds from the moment it went out: first, median, 90th
    percentile (nearest rank), and how many answered."""
    start = alert.send_after or alert.raised_at
    times = sorted(max(0.0, (at - start).total_seconds()) for at in first_answers)
    if not times:
        return {"answered": 0}
    rank = max(0, -(-9 * len(times) // 10) - 1)  # nearest-rank 90th percentile
    return {
        "answered": len(times),
        "first_s": round(times[0], 1),
        "median_s": round(statistics.median(times), 1),
        "p90_s": round(times[rank], 1),
    }


async def end_with_all_clear(alert: Alert, by_id: int, now: datetime) -> Alert | None:
    """End ``alert`` with an all clear tied to it (``ends``), sent to the same people it went
    to, a drill's as a drill. Returns the all clear, or None when it had already ended (by
    another tap or another person): an alert is ended once."""
    audience = alert.audience if isinstance(alert.audience, dict) else {}
    people = None
    if audience.get("scope") in ("people", "trip"):
        people = await AlertRecipient.filter(alert_id=alert.id).values_list("user_id", flat=True)
    async with in_transaction():
        won = await Alert.filter(id=alert.id, ended_at__isnull=True).update(ended_at=now)
        if not won:
            return None
        clear = await raise_alert(
            organisation_id=alert.organisation_id,
            raised_by_id=by_id,
            kind="all-clear",
            notify=list(alert.notify or []),
            raised_at=now,
            drill=alert.drill,
            source={"composer": True, "ends": str(alert.id)},
            school_ids=audience.get("school_ids") if people is None else None,
            site_id=audience.get("site_id") if people is None else None,
            trip_id=alert.trip_id,
            user_ids=sorted(set(people)) if people is not None else None,
        )
        clear.ends = alert.id
        await clear.save(update_fields=["ends"])
    return clear
