"""The handler of every event type, in one place."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any
from uuid import UUID

from pydantic import Field

from server.action_names import kind_name
from server.alerts.audience import Audience
from server.alerts.models import Alert, AlertRecipient, Response
from server.alerts.rules import RULES, UNDO_SECONDS, FieldKind, may_raise, notify_for
from server.alerts.service import cancel_alert, figures, raise_alert
from server.checklists.answers import InvalidAnswer, find_item, validate_answer
from server.checklists.library import Library
from server.checklists.models import ChecklistAnswer, ChecklistRun
from server.checklists.schema import Checklist
from server.contexts import AlertContext, RunContext
from server.edge import Latitude, Longitude
from server.events.bulk import insert_many
from server.events.models import Note
from server.events.registry import Payload, Pending, Sender, event_type
from server.i18n import N_, current_locale
from server.i18n import gettext as _
from server.models import Organisation, Role, School, Site, SiteKind
from server.places.nearest import campus_school, field_school, nearest
from server.tenancy import RecordId

TIMES = ("timestamp", "stopwatch", "countdown")  # answers that are moments
Slug = Annotated[str, Field(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$", max_length=64)]


class NoteRecorded(Payload):
    text: Annotated[str, Field(min_length=1, max_length=2000)]


@event_type("note.recorded", NoteRecorded)
async def note_recorded(batch: list[Pending], sender: Sender) -> None:
    rows = [
        {
            "id": p.event_id,
            "organisation_id": sender.user.organisation_id,
            "user_id": sender.user.id,
            "text": p.payload.text,
            "written_at": p.occurred_at,
        }
        for p in batch
    ]
    await insert_many(Note, rows)


class Position(Payload):
    latitude: Latitude
    longitude: Longitude
    accuracy: Annotated[float, Field(ge=0, le=100_000, allow_inf_nan=False)]


class ChecklistStarted(Payload):
    run_id: UUID
    checklist_id: Slug
    version: Annotated[int, Field(ge=1)]
    context: RunContext = RunContext()
    practice: bool = False  # one person rehearsing: its alerts reach nobody, it counts nowhere
    position: Position | None = None  # where the phone was, if it knew: the run's school


@event_type("checklist.started", ChecklistStarted)
async def checklist_started(batch: list[Pending], sender: Sender) -> None:
    library: Library = sender.app_state.checklists
    known = set(
        await ChecklistRun.filter(id__in=[p.payload.run_id for p in batch]).values_list(
            "id", flat=True
        )
    )
    schools = await sender.user.schools.all().order_by("id").values_list("id", flat=True)
    sites = await Site.filter(organisation_id=sender.user.organisation_id)
    runs = []
    for p in batch:
        checklist = library.get(p.payload.checklist_id)
        if checklist is None:
            p.reject(_("There is no checklist called “%(id)s”.") % {"id": p.payload.checklist_id})
        elif p.payload.version > checklist.version:
            p.reject(
                _("Checklist version %(n)s is newer than this server's.") % {"n": p.payload.version}
            )
        elif not set(p.payload.context.given()) <= {c.value for c in checklist.context}:
            p.reject(_("The run's details don't match what this checklist asks for."))
        elif p.payload.run_id in known:
            p.reject(_("This run was already started."))
        else:
            known.add(p.payload.run_id)
            runs.append(
                ChecklistRun(
                    id=p.payload.run_id,
                    organisation_id=sender.user.organisation_id,
                    user=sender.user,
                    school_id=field_school(_point(p.payload.position), sites, list(schools)),
                    checklist_id=checklist.id,
                    checklist_version=p.payload.version,
                    context=p.payload.context.given(),
                    started_at=p.occurred_at,
                    practice=p.payload.practice,
                )
            )
    await ChecklistRun.bulk_create(runs)


def _point(position: Position | None) -> tuple[float, float] | None:
    return (position.latitude, position.longitude) if position else None


async def _place_runs(organisation_id: int, points: dict[UUID, tuple[float, float]]) -> None:
    """A run's school follows the campus its phone is seen at later (a location answer, an
    alert raised from it with a position); a position away from every campus changes nothing."""
    if not points:
        return
    sites = await Site.filter(organisation_id=organisation_id)
    for run_id, point in points.items():
        school_id = campus_school(point, sites)
        if school_id is not None:
            await ChecklistRun.filter(id=run_id, organisation_id=organisation_id).update(
                school_id=school_id
            )


async def _with_runs(batch: list[Pending], sender: Sender) -> list[tuple]:
    """(event, run, checklist) for events on the sender's own runs; the rest are rejected.

    Anyone else's run, in any organisation, is simply unknown here."""
    library: Library = sender.app_state.checklists
    ids = [p.payload.run_id for p in batch]
    runs = ChecklistRun.filter(
        id__in=ids, organisation_id=sender.user.organisation_id, user_id=sender.user.id
    )
    by_id = {run.id: run for run in await runs}
    found = []
    for p in batch:
        run = by_id.get(p.payload.run_id)
        # A run finishes on the version it started, even after the checklist changed.
        checklist = library.get(run.checklist_id, run.checklist_version) if run else None
        if run is None or checklist is None:
            p.reject(_("This belongs to a checklist run this server doesn't know."))
        else:
            found.append((p, run, checklist))
    return found


def _refused(checklist: Checklist, item_id: str, error: InvalidAnswer) -> str:
    """Why an answer was refused, naming its question by its words in the person's language
    (never its id), so they know which one to look at again."""
    try:
        words = find_item(checklist, item_id).text.get(current_locale.get())
    except InvalidAnswer:
        return _("This answer can't be saved: %(error)s.") % {"error": error.reason()}
    return _("“%(item)s”: this answer can't be saved: %(error)s.") % {
        "item": words,
        "error": error.reason(),
    }


class ChecklistAnswered(Payload):
    run_id: UUID
    item_id: Slug
    value: Any = None


@event_type("checklist.answered", ChecklistAnswered)
async def checklist_answered(batch: list[Pending], sender: Sender) -> None:
    answers = []
    seen_at: dict[UUID, tuple[float, float]] = {}
    for p, run, checklist in await _with_runs(batch, sender):
        try:
            item = find_item(checklist, p.payload.item_id)
            value = validate_answer(item, p.payload.value)
        except InvalidAnswer as error:
            p.reject(_refused(checklist, p.payload.item_id, error))
            continue
        if item.kind in TIMES and value is not None:  # a moment by the phone's clock
            moment = datetime.fromisoformat(value)
            value = p.on_server_clock(moment).isoformat() if moment.tzinfo else value
        if item.kind == "location" and value:
            seen_at[run.id] = (value["latitude"], value["longitude"])
        answers.append(
            {
                "run_id": run.id,
                "item_id": p.payload.item_id,
                "stored": {"value": value},
                "answered_at": p.occurred_at,
                "event_id": p.event_id,
            }
        )
    await insert_many(ChecklistAnswer, answers)
    await _place_runs(sender.user.organisation_id, seen_at)


class Skipped(Payload):
    item_id: Slug
    reason: Annotated[str, Field(min_length=1, max_length=500)]


class ChecklistCompleted(Payload):
    run_id: UUID
    skipped: Annotated[list[Skipped], Field(max_length=200)] = []


@event_type("checklist.completed", ChecklistCompleted)
async def checklist_completed(batch: list[Pending], sender: Sender) -> None:
    for p, run, checklist in await _with_runs(batch, sender):
        try:
            for skipped in p.payload.skipped:
                find_item(checklist, skipped.item_id)
        except InvalidAnswer as error:
            p.reject(_("This can't be saved: %(error)s.") % {"error": error.reason()})
            continue
        run.completed_at = p.occurred_at
        run.skipped = [s.model_dump() for s in p.payload.skipped]
        await run.save(update_fields=["completed_at", "skipped"])


class ChecklistDiscarded(Payload):
    run_id: UUID


@event_type("checklist.discarded", ChecklistDiscarded)
async def checklist_discarded(batch: list[Pending], sender: Sender) -> None:
    for p, run, _checklist in await _with_runs(batch, sender):
        if run.completed_at is not None:
            p.reject(_("This run was already finished; a finished run can't be discarded."))
            continue
        run.discarded_at = p.occurred_at
        await run.save(update_fields=["discarded_at"])


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
        if p.payload.position:
            where["position"] = p.payload.position.model_dump()
            if p.payload.run_id in own_runs:
                await _place_runs(
                    user.organisation_id, {p.payload.run_id: _point(p.payload.position)}
                )
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
    """ "I'm safe" / "Need help", from a notification's button or the alert page. The latest
    answer stands; the first one counts for the acknowledgment figures."""
    ids = {p.payload.alert_id for p in batch}
    mine = {
        r.alert_id: r
        for r in await AlertRecipient.filter(
            alert_id__in=ids,
            user_id=sender.user.id,
            alert__organisation_id=sender.user.organisation_id,
        )
    }
    touched: dict[int, AlertRecipient] = {}
    for p in batch:
        recipient = mine.get(p.payload.alert_id)
        if recipient is None:
            p.reject(_("This alert was not sent to you."))
            continue
        if recipient.first_responded_at is None or p.occurred_at < recipient.first_responded_at:
            recipient.first_responded_at = p.occurred_at
        if recipient.responded_at is None or p.occurred_at >= recipient.responded_at:
            recipient.responded_at = p.occurred_at
            recipient.response = p.payload.response.value
            if p.payload.position or p.payload.response == Response.SAFE:
                position = p.payload.position
                recipient.position = position.model_dump() if position else None
            recipient.note = p.payload.note or recipient.note
        touched[recipient.id] = recipient
    for recipient in touched.values():
        await recipient.save()
    for alert in await Alert.filter(id__in={r.alert_id for r in touched.values()}):
        firsts = await AlertRecipient.filter(
            alert_id=alert.id, first_responded_at__isnull=False
        ).values_list("first_responded_at", flat=True)
        alert.figures = figures(alert, list(firsts))
        await alert.save(update_fields=["figures"])
