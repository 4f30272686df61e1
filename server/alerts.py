"""Alerts: the kinds people can tell apart, and ``raise_alert``, the one way an alert comes into
being, whoever raises it (a checklist action, the composer, a report near a campus, a late field
trip). Writing an alert writes, in the same transaction, one recipient row per person in its
audience and one delivery row per subscription of theirs; the push worker sends those."""

from __future__ import annotations

import statistics
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from tortoise import fields
from tortoise.models import Model
from tortoise.transactions import in_transaction

from server.events.bulk import insert_many
from server.i18n import N_
from server.models import Site, TenantModel, User


class Severity(StrEnum):
    EMERGENCY = "emergency"  # act now: push Urgency high, kept by the push service 4 hours
    WARNING = "warning"  # act soon: Urgency high, kept 12 hours
    INFO = "info"  # for your information: Urgency normal, kept a day


# Push headers by severity: (Urgency, TTL in seconds).
PUSH_HEADERS = {
    Severity.EMERGENCY: ("high", 4 * 3600),
    Severity.WARNING: ("high", 12 * 3600),
    Severity.INFO: ("normal", 24 * 3600),
}


@dataclass(frozen=True)
class AlertKind:
    key: str
    title: str  # marked with N_, translated where shown
    what: str  # what it asks of people, in our own words
    # The kind's colour everywhere: the page's CSS and the icons are drawn from it by
    # web/draw_icons.py (white text on it keeps 4.5:1 contrast); a test holds them to it.
    colour: str
    icon: str  # static file
    vibrate: tuple[int, ...]  # ms on, off, on...: a pattern a person learns to feel apart
    severity: Severity
    composable: bool = True  # offered in the composer (the rest come from the field)


_LONG = (600, 200, 600, 200, 600)
KINDS: dict[str, AlertKind] = {
    k.key: k
    for k in [
        AlertKind(
            "hold",
            N_("Hold"),
            N_("Stay in your room or area. Keep teaching; no one moves in the halls."),
            "#6a3d9a",
            "icons/alert-hold.png",
            (300, 150, 300),
            Severity.WARNING,
        ),
        AlertKind(
            "secure",
            N_("Secure"),
            N_("Get everyone inside and lock the outside doors. Inside, carry on as normal."),
            "#1f5fbf",
            "icons/alert-secure.png",
            (300, 150, 300, 150, 300),
            Severity.WARNING,
        ),
        AlertKind(
            "lockdown",
            N_("Lockdown"),
            N_("Lock the door, lights off, everyone out of sight and silent. Open for no one."),
            "#b3001b",
            "icons/alert-lockdown.png",
            _LONG,
            Severity.EMERGENCY,
        ),
        AlertKind(
            "evacuate",
            N_("Evacuate"),
            N_("Leave the building now for the meeting place you are told. Bring your roster."),
            "#a84300",
            "icons/alert-evacuate.png",
            (1000, 300, 1000),
            Severity.EMERGENCY,
        ),
        AlertKind(
            "shelter",
            N_("Shelter"),
            N_(
                "Take cover from the hazard you are told "
                "(tornado or storm, polluted air or chemicals, earthquake)."
            ),
            "#00695c",
            "icons/alert-shelter.png",
            (200, 100, 200, 100, 800),
            Severity.EMERGENCY,
        ),
        AlertKind(
            "all-clear",
            N_("All clear"),
            N_("The event is over. Go back to normal and follow any further directions."),
            "#2e7d32",
            "icons/alert-all-clear.png",
            (150,),
            Severity.INFO,
        ),
        AlertKind(
            "medical",
            N_("Medical emergency"),
            N_("Someone needs urgent medical help. Trained staff, go or call."),
            "#ad1457",
            "icons/alert-medical.png",
            (400, 100, 400, 100, 400),
            Severity.EMERGENCY,
        ),
        AlertKind(
            "panic",
            N_("Emergency: help needed"),
            N_("Someone needs help where they are now. Go or send help, and call them."),
            "#880e4f",
            "icons/alert-panic.png",
            (900, 150, 900, 150, 900),
            Severity.EMERGENCY,
            composable=False,
        ),
        AlertKind(
            "bus-child",
            N_("Child found on a bus"),
            N_("A driver found a child on the bus after the route. Call the driver and send help."),
            "#4a148c",
            "icons/alert-bus-child.png",
            (500, 150, 500, 150, 150),
            Severity.EMERGENCY,
            composable=False,
        ),
        AlertKind(
            "bus-item",
            N_("Suspicious item on a bus"),
            N_("A driver found an item that doesn't belong on the bus. Keep everyone away."),
            "#3e2723",
            "icons/alert-bus-item.png",
            (250, 100, 250, 100, 700),
            Severity.EMERGENCY,
            composable=False,
        ),
        AlertKind(
            "silent",
            N_("Silent alert"),
            N_("Someone is in danger and can't speak freely. Act without alerting them."),
            "#212121",
            "icons/alert-silent.png",
            (100, 100, 100, 100, 100, 100, 100),
            Severity.EMERGENCY,
            composable=False,
        ),
        AlertKind(
            "suspicious-report",
            N_("Suspicious report near a school"),
            N_("Someone reported a suspicious person or vehicle near a campus."),
            "#7a5200",
            "icons/alert-suspicious-report.png",
            (250, 250, 250),
            Severity.WARNING,
            composable=False,
        ),
        AlertKind(
            "trip-overdue",
            N_("Trip overdue"),
            N_("A field trip has not checked in on time."),
            "#6d4c41",
            "icons/alert-trip-overdue.png",
            (500, 500, 500),
            Severity.WARNING,
            composable=False,
        ),
        AlertKind(
            "lost-student",
            N_("Missing student"),
            N_("A student is missing. Look around you and report what you know."),
            "#b00020",
            "icons/alert-lost-student.png",
            (800, 200, 800, 200, 800),
            Severity.EMERGENCY,
            composable=False,
        ),
        AlertKind(
            "custom",
            N_("Message"),
            N_("A message from the safety team."),
            "#455a64",
            "icons/alert-custom.png",
            (200,),
            Severity.INFO,
        ),
    ]
}


def kind_of(key: str) -> AlertKind:
    return KINDS.get(key, KINDS["custom"])


class Alert(TenantModel):
    id = fields.UUIDField(primary_key=True)  # made on the device: raising one works offline
    organisation = fields.ForeignKeyField("models.Organisation", related_name="alerts")
    raised_by = fields.ForeignKeyField("models.User", related_name="alerts_raised")
    kind = fields.CharField(max_length=32)
    severity = fields.CharField(max_length=16, default=Severity.WARNING.value)
    title = fields.CharField(max_length=80, default="")  # a custom alert's own title
    message = fields.TextField(default="")
    notify = fields.JSONField(default=list)  # roles to tell (empty: every role)
    # Who it went to, as asked: {"scope": "organisation" | "schools" | "site" | "trip" |
    # "people", "school_ids": [...], "site_id": n, "user_ids": [...]}
    audience = fields.JSONField(default=dict)
    trip_id = fields.IntField(null=True, db_index=True)  # the field trip it concerns
    drill = fields.BooleanField(default=False)
    # From a practice run: reaches nobody.
    practice = fields.BooleanField(default=False, db_default=False)
    source = fields.JSONField(default=dict)  # e.g. the checklist run and item it came from
    where = fields.JSONField(default=dict)  # schools of the sender, context, position if known
    raised_at = fields.DatetimeField(db_index=True)
    received_at = fields.DatetimeField(auto_now_add=True)
    send_after = fields.DatetimeField(null=True)  # the end of the composer's undo window
    cancelled_at = fields.DatetimeField(null=True)
    figures = fields.JSONField(default=dict)  # acknowledgment times, kept with the alert
    # An alert is active until it is ended: by an "all clear" sent for it (``ends`` on the all
    # clear names it) or, for one that asks nothing of anyone, by the safety team closing it.
    ended_at = fields.DatetimeField(null=True, db_index=True)
    ends = fields.UUIDField(null=True)  # on an all clear: the alert it ends

    class Meta:
        table = "alert"
        ordering = ["-raised_at"]

    @property
    def info(self) -> AlertKind:
        return kind_of(self.kind)


class Response(StrEnum):
    SAFE = "safe"
    HELP = "help"


# One person an alert went to, and their answer (the latest one they gave).
class AlertRecipient(Model):
    id = fields.BigIntField(primary_key=True)
    alert = fields.ForeignKeyField("models.Alert", related_name="recipients")
    user = fields.ForeignKeyField("models.User", related_name="alerts_received")
    response = fields.CharField(max_length=8, null=True)
    responded_at = fields.DatetimeField(null=True)
    first_responded_at = fields.DatetimeField(null=True)
    position = fields.JSONField(null=True)
    note = fields.CharField(max_length=500, default="")

    class Meta:
        table = "alert_recipient"
        unique_together = (("alert", "user"),)


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
