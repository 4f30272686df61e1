"""Event types recorded on a phone as a checklist is worked through: a run started, an item
answered, the run completed or discarded."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any
from uuid import UUID

from pydantic import Field

from server.checklists.answers import InvalidAnswer, find_item, validate_answer
from server.checklists.library import Library
from server.checklists.models import ChecklistAnswer, ChecklistRun
from server.checklists.schema import Checklist
from server.checklists.service import place_runs
from server.contexts import RunContext
from server.db import column
from server.events.bulk import insert_many
from server.events.payloads import Position, Slug, point_of
from server.events.registry import Payload, Pending, Sender, event_type
from server.i18n import current_locale
from server.i18n import gettext as _
from server.incidents.references import schools_of_named
from server.incidents.service import after_steps
from server.models import Site
from server.places.nearest import field_school

TIMES = ("timestamp", "stopwatch", "countdown")  # answers that are moments


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
    schools = await column(sender.user.schools.all().order_by("id"), "id")
    sites = await Site.filter(organisation_id=sender.user.organisation_id)
    # A run that names its incident (recovery) is that incident's school's: the incident's
    # timeline takes in the runs of its schools.
    named = {p.payload.context.incident for p in batch if p.payload.context.incident}
    incident_school = await schools_of_named(sender.user.organisation_id, named)
    runs = []
    for p in batch:
        checklist = library.get(p.payload.checklist_id)
        if checklist is None:
            p.reject(_("There is no checklist called “%(id)s”.") % {"id": p.payload.checklist_id})
        elif checklist.reference:
            p.reject(_("A reference card is read, never run."))
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
                    school_id=incident_school.get(p.payload.context.incident or "")
                    or field_school(point_of(p.payload.position), sites, list(schools)),
                    checklist_id=checklist.id,
                    checklist_version=p.payload.version,
                    context=p.payload.context.given(),
                    started_at=p.occurred_at,
                    practice=p.payload.practice,
                )
            )
    await ChecklistRun.bulk_create(runs)


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
    stepped: dict[UUID, tuple[ChecklistRun, datetime]] = {}
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
        stepped.setdefault(run.id, (run, p.occurred_at))
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
    await place_runs(sender.user.organisation_id, seen_at)
    await after_steps(list(stepped.values()))  # a run at a school in an incident joins it


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
