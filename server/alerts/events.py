"""Event types recorded on a phone about alerts: one raised from the field, its undo by its
sender, and a recipient's answer ("I'm safe" / "Need help")."""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

from pydantic import Field

from server.action_names import kind_name
from server.alerts.audience import Audience
from server.alerts.models import Alert, Response
from server.alerts.rules import RULES, UNDO_SECONDS, FieldKind, may_raise, notify_for
from server.alerts.service import Given, answer, cancel_alert, raise_alert
from server.checklists.models import ChecklistRun
from server.checklists.service import place_runs
from server.contexts import AlertContext
from server.events.payloads import Position, Slug
from server.events.registry import Payload, Pending, Sender, event_type
from server.i18n import N_
from server.i18n import gettext as _
from server.models import Organisation, Role, School, Site, SiteKind
from server.places.nearest import nearest
from server.tenancy import RecordId


class AlertRaised(Payload):
    alert_id: UUID
    kind: FieldKind
    # The roles a checklist's button names; most kinds' audience is the server's (alerts.rules).
    notify: Annotated[list[Role], Field(max_length=len(Role))] = []
    run_id: UUID | None = None
    checklist_id: Slug | None = None
    item_id: Slug | None = None
    context: AlertContext = AlertContext()
    position: Position | None = None
    school_id: RecordId | None = None  # one of the sender's schools (an action for that school)
    practice: bool = False  # rehearsing: recorded, and reaches nobody


async def _field_scope(p: Pending, schools: list[School], sites: list[Site]) -> list[int] | None:
    """The schools a field alert is for: the sender's schools (or the one they chose of them),
    plus, for kinds that say so, the school of the campus nearest to where the phone is. None: a
    person of no school, and no campus near. (Where it was raised, in words, is the alert facts'
    work, from the position.)"""
    ids = [school.id for school in schools]
    if p.payload.school_id is not None:
        ids = [p.payload.school_id]
    position = p.payload.position
    if position and sites and RULES[p.payload.kind].nearest_campus:
        found = nearest((position.latitude, position.longitude), sites, SiteKind.CAMPUS)
        if found is not None and found.site.school_id is not None:
            ids = sorted({*ids, found.site.school_id})
    return ids or None


NOT_ALLOWED = N_("You may not send this alert (%(kind)s). If anyone is in danger, call 911.")


@event_type("alert.raised", AlertRaised)
async def alert_raised(batch: list[Pending], sender: Sender) -> None:
    """An alert from the field: allowed by ``alerts.rules`` for this person and kind, held
    UNDO_SECONDS for the sender's undo, practice (from a practice run too) reaching nobody."""
    user = sender.user
    known = set(
        await Alert.filter(id__in=[p.payload.alert_id for p in batch]).values_list("id", flat=True)
    )
    organisation = await Organisation.get(id=user.organisation_id)
    schools = await user.schools.all()
    names = [school.name for school in schools]
    sites = await Site.filter(organisation_id=user.organisation_id)
    run_ids = [p.payload.run_id for p in batch if p.payload.run_id]
    own = ChecklistRun.filter(id__in=run_ids, user_id=user.id)
    own_runs = set(await own.values_list("id", flat=True))
    practice_runs = set(await own.filter(practice=True).values_list("id", flat=True))
    for p in batch:
        kind = p.payload.kind
        if p.payload.alert_id in known:
            p.reject(_("This alert was already raised."))
            continue
        if not may_raise(user, organisation, kind):
            p.reject(_(NOT_ALLOWED) % {"kind": kind_name(kind)})
            continue
        if p.payload.school_id is not None and p.payload.school_id not in {s.id for s in schools}:
            p.reject(_("You can call an action only for a school you belong to."))
            continue
        known.add(p.payload.alert_id)
        practice = p.payload.practice or p.payload.run_id in practice_runs
        source = {
            k: str(v)
            for k in ("run_id", "checklist_id", "item_id")
            if (v := getattr(p.payload, k)) is not None
        }
        school_ids = await _field_scope(p, schools, sites)
        where: dict[str, Any] = {**p.payload.context.given(), "schools": names}
        if position := p.payload.position:
            where["position"] = position.model_dump()
            if p.payload.run_id in own_runs:
                point = (position.latitude, position.longitude)
                await place_runs(user.organisation_id, {p.payload.run_id: point})
        await raise_alert(
            alert_id=p.payload.alert_id,
            organisation_id=user.organisation_id,
            raised_by_id=user.id,
            kind=kind,
            audience=Audience(
                notify_for(kind, [r.value for r in p.payload.notify]), school_ids=school_ids
            ),
            source=source,
            where=where,
            raised_at=p.occurred_at,
            practice=practice,
            undo_seconds=UNDO_SECONDS,
        )


class AlertUndone(Payload):
    alert_id: UUID


@event_type("alert.undone", AlertUndone)
async def alert_undone(batch: list[Pending], sender: Sender) -> None:
    """The sender took a field alert back within its undo time: nobody is alerted. Undone later
    (the phone lets it only within those seconds), it has gone out: refused, and the reason says
    so, so the phone shows it under "Needs attention"."""
    mine = {
        alert.id: alert
        for alert in await Alert.filter(
            id__in=[p.payload.alert_id for p in batch],
            organisation_id=sender.user.organisation_id,
            raised_by_id=sender.user.id,
        )
    }
    for p in batch:
        alert = mine.get(p.payload.alert_id)
        if alert is None:
            p.reject(_("This alert was not raised by you."))
        elif alert.cancelled_at is None and not await cancel_alert(alert, p.occurred_at):
            p.reject(_("Too late to undo: the alert has gone out. Tell the safety team."))


class AlertAcknowledged(Payload):
    alert_id: UUID
    response: Response
    position: Position | None = None
    note: Annotated[str, Field(max_length=500)] = ""


@event_type("alert.acknowledged", AlertAcknowledged)
async def alert_acknowledged(batch: list[Pending], sender: Sender) -> None:
    """ "I'm safe" / "Need help", from a notification's button or the alert page, recorded by
    ``alerts.service.answer`` (as an SMS reply is)."""
    given = [
        Given(
            p.payload.alert_id,
            p.payload.response,
            p.occurred_at,
            p.payload.position,
            p.payload.note,
        )
        for p in batch
    ]
    not_mine = await answer(sender.user, given)
    for p in batch:
        if p.payload.alert_id in not_mine:
            p.reject(_("This alert was not sent to you."))
