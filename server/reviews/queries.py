"""What the review pages read: the figures measured from an incident's own records, a review
with its actions, the district's reviews and improvement plan, and the two short lists the home
screen shows (a person's open actions; for the safety team, how many are overdue).

The figures come from the records the incident links, never from what anyone typed: its alerts
(not undone, not all clears) and the first answer each recipient gave; the missing students it
links or those alerts were about; the checklist runs it links (a recovery run that names it is
linked when its steps are answered) and those its alerts came from. Where there is nothing to
measure a figure is None, and pages say "not measured"."""

from __future__ import annotations

import uuid
from dataclasses import asdict, dataclass
from datetime import date, datetime
from typing import Any

from server.alerts.models import Alert, AlertRecipient
from server.checklists.models import ChecklistRun
from server.drills.models import Drill
from server.incidents.models import Incident, IncidentLink
from server.models import User
from server.reviews.models import (
    ACTION_STATUS_LABELS,
    REVIEW_KIND_LABELS,
    ActionStatus,
    ImprovementAction,
    Review,
    ReviewKind,
    SubjectKind,
)
from server.tenancy import scoped
from server.trips.models import LostStudent

HOME_LIMIT = 5  # open actions on a person's home screen


@dataclass(frozen=True)
class Figures:
    """Seconds, rounded to the second; None: not measured (no record to measure from)."""

    first_answer_s: int | None  # the first alert going out to the first answer to any of them
    p90_answer_s: int | None  # 90th percentile (nearest rank) of alert -> each first answer
    answers: int  # first answers measured
    lost_found_s: int | None  # the longest a missing student took to be found
    lost: int  # missing students reported
    lost_not_found: int  # of them, not marked found
    skipped: int | None  # checklist steps skipped in the linked runs (completed ones)
    runs: int  # linked runs, not practice, not discarded

    def stored(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_stored(cls, data: dict[str, Any]) -> Figures | None:
        try:
            return cls(**data)
        except TypeError:  # none kept (a near miss), or kept by another shape
            return None


def _seconds(later: datetime, earlier: datetime) -> int:
    """Seconds from one record's time to another's; never below 0 (a phone's clock a little
    behind the server's, as the alert's own figures do)."""
    return max(0, round((later - earlier).total_seconds()))


def p90(values: list[int]) -> int | None:
    """The 90th percentile by nearest rank (the alerts' own figures use the same rule)."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(0, -(-9 * len(ordered) // 10) - 1)]


def _uuids(values: list[str]) -> list[uuid.UUID]:
    found = []
    for value in values:
        try:
            found.append(uuid.UUID(value))
        except (ValueError, TypeError):
            continue
    return found


async def measured(incident: Incident) -> Figures:
    """The figures of an incident, from the records it links (see the module's docstring)."""
    links = await IncidentLink.filter(incident_id=incident.id).values_list("kind", "record_id")
    alert_ids = _uuids([str(r) for k, r in links if str(k) == "alert"])
    run_ids = set(_uuids([str(r) for k, r in links if str(k) == "run"]))
    lost_ids = [str(r) for k, r in links if str(k) == "lost"]
    alerts = await Alert.filter(
        id__in=alert_ids, organisation_id=incident.organisation_id, cancelled_at__isnull=True
    ).exclude(kind="all-clear")
    went_out = {a.id: a.send_after or a.raised_at for a in alerts}

    first_answer = p90_answer = None
    times: list[int] = []
    if alerts:
        rows = await AlertRecipient.filter(
            alert_id__in=list(went_out), first_responded_at__isnull=False
        ).values_list("alert_id", "first_responded_at")
        times = [_seconds(at, went_out[alert_id]) for alert_id, at in rows]
        if rows:
            first_answer = _seconds(min(at for _a, at in rows), min(went_out.values()))
            p90_answer = p90(times)

    for alert in alerts:
        source = alert.source if isinstance(alert.source, dict) else {}
        if isinstance(source.get("lost_id"), str):
            lost_ids.append(source["lost_id"])
        if isinstance(source.get("run_id"), str):
            run_ids.update(_uuids([source["run_id"]]))
    lost = await LostStudent.filter(
        id__in=_uuids(lost_ids),
        trip__organisation_id=incident.organisation_id,
        same_as_id__isnull=True,  # the same student reported again is one student
    )
    found = [_seconds(s.found_at, s.started_at) for s in lost if s.found_at is not None]

    runs = await ChecklistRun.filter(
        id__in=list(run_ids),
        organisation_id=incident.organisation_id,
        practice=False,
        discarded_at__isnull=True,
    )
    completed = [r for r in runs if r.completed_at is not None]
    skipped = sum(len(r.skipped or []) for r in completed) if completed else None
    return Figures(
        first_answer_s=first_answer,
        p90_answer_s=p90_answer,
        answers=len(times),
        lost_found_s=max(found) if found else None,
        lost=len(lost),
        lost_not_found=len(lost) - len(found),
        skipped=skipped,
        runs=len(runs),
    )


async def drill_of(user: User, review: Review) -> Drill | None:
    """The drill a review is about (its subject a drill), or None."""
    if review.subject_kind != SubjectKind.DRILL or not (review.subject_id or "").isdigit():
        return None
    return await scoped(Drill, user).get_or_none(id=int(review.subject_id or 0))


async def incident_of(user: User, review: Review) -> Incident | None:
    """The incident whose records a review's figures are measured from: its subject, or its
    drill's own incident (which links the drill's alert and its observers' runs)."""
    if review.subject_kind == SubjectKind.DRILL:
        drill = await drill_of(user, review)
        if drill is None or drill.incident_id is None:
            return None
        return await scoped(Incident, user).get_or_none(id=drill.incident_id)
    if review.subject_kind != SubjectKind.INCIDENT or review.subject_id is None:
        return None
    if not review.subject_id.isdigit():
        return None
    return await scoped(Incident, user).get_or_none(id=int(review.subject_id))


async def review_of(
    user: User, incident: Incident | None, drill: Drill | None = None
) -> Review | None:
    """The incident's review (or the drill's, when given), if one is written."""
    if drill is not None:
        return await scoped(Review, user).get_or_none(
            subject_kind=SubjectKind.DRILL, subject_id=str(drill.id)
        )
    if incident is None:
        return None
    return await scoped(Review, user).get_or_none(
        subject_kind=SubjectKind.INCIDENT, subject_id=str(incident.id)
    )


def _labels() -> dict[str, Any]:
    return {"review_kinds": REVIEW_KIND_LABELS, "action_statuses": ACTION_STATUS_LABELS}


async def choices(user: User) -> dict[str, Any]:
    """For an action's form: the organisation's active people."""
    return {"people": await scoped(User, user).filter(active=True)}


async def review_page(user: User, review: Review, today: date) -> dict[str, Any]:
    actions = await ImprovementAction.filter(review_id=review.id).prefetch_related("owner")
    await review.fetch_related("written_by")
    drill = await drill_of(user, review)
    return {
        "review": review,
        "drill": drill,
        "incident": None if drill else await incident_of(user, review),
        "figures": Figures.from_stored(review.figures),
        "actions": actions,
        "today": today,
        **_labels(),
        **await choices(user),
    }


async def action_page(user: User, action: ImprovementAction) -> dict[str, Any]:
    """An action's own page, to change it: the review that prompted it, and the choices."""
    await action.fetch_related("review")
    return {"action": action, **_labels(), **await choices(user)}


async def form_page(
    user: User, incident: Incident | None, drill: Drill | None = None
) -> dict[str, Any]:
    """A review's form: for an incident (or a drill's own), its figures measured now."""
    return {
        "incident": incident,
        "drill": drill,
        "figures": await measured(incident) if incident else None,
        "kind": ReviewKind.HOT_WASH if incident or drill else ReviewKind.NEAR_MISS,
        **_labels(),
    }


async def plan_page(user: User, today: date) -> dict[str, Any]:
    """The district's reviews, newest first, and its improvement plan: open actions first, each
    group by due day."""
    actions = await scoped(ImprovementAction, user).prefetch_related("owner", "review")
    actions.sort(key=lambda a: (a.status != ActionStatus.OPEN, a.due_on, a.id))
    return {
        "reviews": await scoped(Review, user).limit(200),
        "actions": actions,
        "overdue": sum(1 for a in actions if a.status == ActionStatus.OPEN and a.due_on < today),
        "today": today,
        **_labels(),
        **await choices(user),
    }


async def my_open_actions(user: User) -> list[ImprovementAction]:
    """A person's open actions, soonest due first: one indexed query, a few rows."""
    return (
        await ImprovementAction.filter(owner_id=user.id, status=ActionStatus.OPEN)
        .order_by("due_on", "id")
        .limit(HOME_LIMIT)
    )


async def overdue_count(user: User, today: date) -> int:
    """How many of the district's actions are open past their due day."""
    return await ImprovementAction.filter(
        organisation_id=user.organisation_id, status=ActionStatus.OPEN, due_on__lt=today
    ).count()
