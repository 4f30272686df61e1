"""Every decision about alerts: ``raise_alert``, the one way an alert comes into being, whoever
raises it (a checklist action, the composer, a report near a campus, a late field trip), and what
the safety team does with one: send it from the composer, undo it, send it again to those who
have not answered, end it with an all clear. Writing an alert writes, in the same transaction,
one recipient row per person in its audience and one delivery row per subscription of theirs;
the push worker sends those. Nothing here knows of requests: each returns what happened."""

from __future__ import annotations

import statistics
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo

from tortoise.transactions import in_transaction

from server import audit
from server.alerts import fallback, queries
from server.alerts.audience import Audience, Team, resolve_audience, team_people
from server.alerts.facts import gather_many
from server.alerts.forms import AlertForm
from server.alerts.kinds import kind_of
from server.alerts.models import Alert, AlertRecipient, Response
from server.alerts.queries import trips_now
from server.alerts.recipients import add_recipients
from server.alerts.rules import CHOOSABLE
from server.channels.escalation import send_next
from server.channels.models import Why
from server.db import column
from server.events.payloads import Position, point_of
from server.i18n import gettext as _
from server.incidents.service import after_alert, after_help
from server.listing import Listing, export_of
from server.models import Organisation, Role, School, Site, SiteKind, User
from server.places.nearest import nearest
from server.push.models import PushSubscription
from server.push.service import cancel_pending, queue_deliveries
from server.push.worker import wake
from server.tenancy import scoped

UNDO_SECONDS = 5  # the composer's: the sender's time to take an alert back


async def raise_alert(
    *,
    organisation_id: int,
    raised_by_id: int,
    kind: str,
    audience: Audience,
    raised_at: datetime,
    alert_id: uuid.UUID | None = None,
    drill: bool = False,
    drill_sms: bool = False,
    practice: bool = False,
    severity: str | None = None,
    title: str = "",
    message: str = "",
    source: dict[str, Any] | None = None,
    where: dict[str, Any] | None = None,
    undo_seconds: int = 0,
) -> Alert:
    """The one way an alert comes into being, whoever raises it, to ``audience``.

    With ``undo_seconds`` nothing goes out until then, so the sender can take it back.
    A practice alert is recorded and reaches nobody; a drill goes by SMS only with
    ``drill_sms``.
    Joins the caller's transaction when there is one."""
    if practice:
        audience = audience.nobody()
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
            notify=audience.notify,
            audience=audience.kept(),
            trip_id=audience.trip_id,
            drill=drill,
            drill_sms=drill and drill_sms,
            practice=practice,
            source=source or {},
            where=where or {},
            raised_at=raised_at,
            send_after=send_after,
        )
        # A silent alert never sounds on the sender's own phones.
        people = await resolve_audience(organisation_id, audience, exclude=raised_by_id)
        await add_recipients(alert, people, due_at=send_after or raised_at)
        await fallback.plan(alert, audience, raised_by_id)  # a team function's backups, later
        await after_alert(alert)  # the join rule: an emergency joins or opens an incident
    return alert


async def cancel_alert(alert: Alert, at: datetime) -> bool:
    """Undo an alert within its undo time: nothing goes out. False when it was too late."""
    if alert.send_after is None or at >= alert.send_after:
        return False
    alert.cancelled_at = at
    await alert.save(update_fields=["cancelled_at"])
    await cancel_pending(alert)
    return True


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


@dataclass(frozen=True)
class Given:
    """One answer of a person to an alert, however it came: the app (a notification's button or
    the alert page, as an event) or an SMS reply."""

    alert_id: uuid.UUID
    response: Response
    at: datetime
    position: Position | None = None
    note: str = ""


async def answer(user: User, given: list[Given]) -> set[uuid.UUID]:
    """Records ``user``'s answers: the latest stands, the first counts for the acknowledgment
    figures, and "Need help" on a real alert joins or opens its incident (``_help_opens``).
    Returns the alerts among them that were not sent to this person (nothing recorded)."""
    ids = {g.alert_id for g in given}
    mine = {
        r.alert_id: r
        for r in await AlertRecipient.filter(
            alert_id__in=ids, user_id=user.id, alert__organisation_id=user.organisation_id
        )
    }
    touched: dict[int, AlertRecipient] = {}
    helped: dict[uuid.UUID, Given] = {}  # the alerts this person now needs help on
    for g in given:
        recipient = mine.get(g.alert_id)
        if recipient is None:
            continue
        if recipient.first_responded_at is None or g.at < recipient.first_responded_at:
            recipient.first_responded_at = g.at
        if recipient.responded_at is None or g.at >= recipient.responded_at:
            recipient.responded_at = g.at
            recipient.response = g.response.value
            if g.position or g.response == Response.SAFE:
                recipient.position = g.position.model_dump() if g.position else None
            recipient.note = g.note or recipient.note
            if recipient.response == Response.HELP:
                helped[recipient.alert_id] = g
            else:
                helped.pop(recipient.alert_id, None)
        touched[recipient.id] = recipient
    async with in_transaction():
        for recipient in touched.values():
            await recipient.save()
        if helped:
            await _help_opens(user, helped)
        for alert in await Alert.filter(id__in={r.alert_id for r in touched.values()}):
            firsts = await column(
                AlertRecipient.filter(alert_id=alert.id, first_responded_at__isnull=False),
                "first_responded_at",
            )
            alert.figures = figures(alert, list(firsts))
            await alert.save(update_fields=["figures"])
    return ids - set(mine)


async def _help_opens(user: User, helped: dict[uuid.UUID, Given]) -> None:
    """ "Need help" is an emergency where that person is: each alert answered so joins or opens
    its schools' incident (else the school of the campus nearest the answer, else theirs)."""
    schools_of_theirs = await column(user.schools.all().order_by("id"), "id")
    sites = await Site.filter(organisation_id=user.organisation_id)
    for alert in await Alert.filter(id__in=list(helped), organisation_id=user.organisation_id):
        g = helped[alert.id]
        schools = list(schools_of_theirs)
        if (point := point_of(g.position)) is not None:
            found = nearest(point, sites, SiteKind.CAMPUS)
            if found is not None and found.site.school_id is not None:
                schools = [found.site.school_id]
        await after_help(alert, user, schools, g.at)


async def end_with_all_clear(alert: Alert, by_id: int, now: datetime) -> Alert | None:
    """End ``alert`` with an all clear tied to it (``ends``), sent to the same people it went
    to, a drill's as a drill. Returns the all clear, or None when it had already ended (by
    another tap or another person): an alert is ended once."""
    audience = alert.audience if isinstance(alert.audience, dict) else {}
    people = None
    if audience.get("scope") in ("people", "trip", "team"):  # the same people again
        people = await column(AlertRecipient.filter(alert_id=alert.id), "user_id")
    async with in_transaction():
        won = await Alert.filter(id=alert.id, ended_at__isnull=True).update(ended_at=now)
        if not won:
            return None
        clear = await raise_alert(
            organisation_id=alert.organisation_id,
            raised_by_id=by_id,
            kind="all-clear",
            audience=Audience(
                notify=list(alert.notify or []),
                school_ids=audience.get("school_ids") if people is None else None,
                site_id=audience.get("site_id") if people is None else None,
                trip_id=alert.trip_id,
                user_ids=sorted(set(people)) if people is not None else None,
            ),
            raised_at=now,
            drill=alert.drill,
            source={"composer": True, "ends": str(alert.id)},
        )
        clear.ends = alert.id
        await clear.save(update_fields=["ends"])
    return clear


# --- the safety team's side: the composer and an alert's live page -------------------------


@dataclass(frozen=True)
class Refused:
    """A choice in the composer that isn't one of the options (another organisation's, or gone),
    or one that would reach nobody (``message`` says why)."""

    field: str
    message: str = ""


async def exported(user: User, filters: Listing, tz: ZoneInfo, now: datetime) -> list[list[Any]]:
    """The rows of the alerts the filters on screen find, on the district's clock; audited."""
    found = await export_of(queries.found(user, filters, tz, now), "raised_by")
    rows = queries.export(found, await gather_many(found), tz)
    await audit.record(
        user, "alerts.exported", user, count=len(found), filters=filters.query_string()
    )
    return rows


async def audience_for(user: User, data: AlertForm) -> Audience | Refused:
    """The composer's audience; another organisation's ids are refused."""
    notify = [role.value for role in data.roles]
    if data.scope == "school":
        if data.school is None or not await scoped(School, user).filter(id=data.school).exists():
            return Refused("school")
        return Audience(notify, school_ids=[data.school])
    if data.scope == "site":
        if not await scoped(Site, user).filter(id=data.site).exists():
            return Refused("site")
        return Audience(notify, site_id=data.site)
    if data.scope == "trip":
        trip = await trips_now(user).filter(id=data.trip).prefetch_related("chaperones").first()
        if trip is None:
            return Refused("trip")
        chaperones = sorted(c.id for c in trip.chaperones if c.active)
        return Audience(notify, trip_id=trip.id, user_ids=chaperones)
    if data.scope == "team":
        school = data.team_school
        if school is not None and not await scoped(School, user).filter(id=school).exists():
            return Refused("to")
        team = Audience(notify, team=Team(school, data.team_function))
        if team.team is not None and not await team_people(user.organisation_id, team.team):
            empty = _("Nobody fills this in the team directory yet. Fill it there first.")
            return Refused("to", empty)
        return team
    if data.scope == "people":
        found = await scoped(User, user).filter(id__in=data.people).count()
        if found != len(set(data.people)):
            return Refused("people")
        return Audience(notify, user_ids=sorted(set(data.people)))
    return Audience(notify)


def draft(user: User, data: AlertForm, audience: Audience, now: datetime) -> Alert:
    """An unsaved alert, to preview exactly what people will see."""
    return Alert(
        id=uuid.uuid4(),
        organisation_id=user.organisation_id,
        raised_by_id=user.id,
        kind=data.kind,
        severity=data.severity or kind_of(data.kind).severity.value,
        title=data.title if data.kind == "custom" else "",
        message=data.message,
        drill=data.drill,
        raised_at=now,
        audience=audience.kept(),
        notify=audience.notify,
        trip_id=audience.trip_id,
    )


async def send(user: User, data: AlertForm, audience: Audience, now: datetime) -> Alert:
    """The composer's alert, held UNDO_SECONDS for the sender's undo."""
    alert = await raise_alert(
        organisation_id=user.organisation_id,
        raised_by_id=user.id,
        kind=data.kind,
        audience=audience,
        raised_at=now,
        drill=data.drill,
        severity=data.severity,
        title=data.title if data.kind == "custom" else "",
        message=data.message,
        source={"composer": True},
        undo_seconds=UNDO_SECONDS,
    )
    await audit.record(user, "alert.sent", alert, drill=alert.drill)
    return alert


class Undo(StrEnum):
    UNDONE = "undone"  # nobody was alerted
    ALREADY = "already"  # undone before
    TOO_LATE = "too-late"  # it has gone out


async def undo(alert: Alert, user: User, now: datetime) -> Undo:
    """Take back an alert within its undo time."""
    if alert.cancelled_at is not None:
        return Undo.ALREADY
    if not await cancel_alert(alert, now):
        return Undo.TOO_LATE
    await audit.record(user, "alert.undone", alert)
    return Undo.UNDONE


def said_undo(done: Undo) -> str:
    """What the live page says after an undo."""
    if done == Undo.UNDONE:
        return _("Undone. Nobody was alerted.")
    if done == Undo.ALREADY:
        return _("This alert was already undone.")
    return _("Too late to undo: the alert has gone out. Send an all clear or a correction.")


class Resend(StrEnum):
    UNDONE = "undone"  # nothing to send again
    HELD = "held"  # not gone out yet: sending now would go round the sender's undo
    SENT = "sent"


@dataclass(frozen=True)
class Resent:
    status: Resend
    waiting: int = 0  # people who have not answered
    reached: int = 0  # of them, people with a phone that takes alerts
    phones: int = 0  # deliveries queued
    texted: int = 0  # of those with no phone that takes alerts, people sent an SMS or email


async def resend(alert: Alert, now: datetime) -> Resent:
    """Send again, now, to everyone who has not answered: push to their phones, and to those
    with no phone that takes alerts an SMS or email (``channels.escalation.send_next``); says
    how many a resend can't reach."""
    if alert.cancelled_at is not None:
        return Resent(Resend.UNDONE)
    if alert.send_after is not None and now < alert.send_after:
        return Resent(Resend.HELD)
    waiting = await column(
        AlertRecipient.filter(alert_id=alert.id, response__isnull=True), "user_id"
    )
    phones = await queue_deliveries(alert, list(waiting), due_at=now)
    reached = set(
        await PushSubscription.filter(user_id__in=list(waiting))
        .distinct()
        .values_list("user_id", flat=True)
    )
    # Those push can't reach: the next of SMS, email they have had nothing on for this alert
    # (SMS only as the rules allow it; the worker holds the daily cap).
    texted = await send_next(alert, [p for p in waiting if p not in reached], Why.RESEND, now)
    wake()
    return Resent(
        Resend.SENT, waiting=len(waiting), reached=len(reached), phones=phones, texted=texted
    )


def said_resend(sent: Resent) -> str:
    """What the live page says after a resend."""
    if sent.status == Resend.UNDONE:
        return _("This alert was undone; there is nothing to send again.")
    if sent.status == Resend.HELD:
        return _("It has not gone out yet: it goes to everyone when the undo ends.")
    if sent.texted and sent.phones == 0:
        return _(
            "None of the %(people)s people who have not answered has a phone with alerts on;"
            " %(texted)s were sent an SMS or email. Tell the others another way."
        ) % {"people": sent.waiting, "texted": sent.texted}
    if sent.texted:
        return _(
            "Sent again: %(reached)s of the %(people)s people who have not answered have a"
            " phone with alerts on (%(phones)s in all); of the %(none)s who have none,"
            " %(texted)s were sent an SMS or email. Tell the others another way."
        ) % {
            "phones": sent.phones,
            "reached": sent.reached,
            "people": sent.waiting,
            "none": sent.waiting - sent.reached,
            "texted": sent.texted,
        }
    if sent.phones == 0:  # say plainly who a resend can't reach: people with no phone
        return _(
            "Nobody was reached: none of the %(people)s people who have not answered has a"
            " phone with alerts on. Tell them another way."
        ) % {"people": sent.waiting}
    return _(
        "Sent again: %(reached)s of the %(people)s people who have not answered have a"
        " phone with alerts on (%(phones)s in all); %(none)s have none: tell them"
        " another way."
    ) % {
        "phones": sent.phones,
        "reached": sent.reached,
        "people": sent.waiting,
        "none": sent.waiting - sent.reached,
    }


class End(StrEnum):
    NOT_SENT = "not-sent"  # an all clear, or undone: nothing to end
    HELD = "held"  # not gone out yet: undo it instead
    NOT_HELD = "not-held"  # the press-and-hold button wasn't held: nothing sent
    ALREADY = "already"  # ended before, by another tap or another person
    ENDED = "ended"


async def end(alert: Alert, user: User, now: datetime, *, held: bool) -> End:
    """End an alert that went out with an all clear tied to it, to the same people."""
    if alert.kind == "all-clear" or alert.cancelled_at is not None:
        return End.NOT_SENT
    if alert.send_after is not None and now < alert.send_after:
        return End.HELD
    if not held:  # the press-and-hold button, as for any alert sent
        return End.NOT_HELD
    clear = await end_with_all_clear(alert, user.id, now)
    if clear is None:
        return End.ALREADY
    wake()
    await audit.record(user, "alert.ended", alert, all_clear=str(clear.id))
    return End.ENDED


def said_end(ended: End) -> str:
    """What the live page says after ending an alert."""
    if ended == End.NOT_SENT:
        return _("There is nothing to end: this alert was not sent.")
    if ended == End.HELD:
        return _("It has not gone out yet: undo it instead.")
    if ended == End.NOT_HELD:
        return _("Nothing was sent. Press and hold the button for 2 seconds.")
    if ended == End.ALREADY:
        return _("This alert had already ended.")
    return _("Ended. The all clear went to the same people.")


async def set_field_roles(
    admin: User, organisation: Organisation, action_roles: list[Role], call_script_roles: list[Role]
) -> None:
    """The district's choice of who may call the five actions and open the threatening-call
    script (besides the leads, always in). Every role ticked is stored as "every role", so a
    role added later is in by default too. Audited."""
    every = {role.value for role in CHOOSABLE}
    for name, roles in (("action_roles", action_roles), ("call_script_roles", call_script_roles)):
        chosen = {role.value for role in roles}
        setattr(organisation, name, None if chosen >= every else sorted(chosen))
    await organisation.save(update_fields=["action_roles", "call_script_roles"])
    await audit.record(
        admin,
        "district.settings",
        organisation,
        action_roles=organisation.action_roles,
        call_script_roles=organisation.call_script_roles,
    )
