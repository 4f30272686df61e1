"""Every decision about drills: the district's requirements, planning a drill (a school of the
district, a leader of it, a day not past), starting one (its DRILL alert to the school, through
the one alert path), ending it (the all clear; the day it counts on), recording one held without
the app, cancelling. Admins and the safety team do all of it; a drill's leader may start, end
and record their own. Every change is audited. Takes no request, raises no HTTP errors: what a
page must say comes back as errors or a message."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date, datetime, time

from tortoise.transactions import in_transaction

from server import audit
from server.accounting.service import ask_for_accounting
from server.alerts.audience import Audience
from server.alerts.models import Alert
from server.alerts.service import end_with_all_clear, raise_alert
from server.drills.forms import PlanForm, field_name
from server.drills.models import (
    ALERT_KIND,
    KIND_LABELS,
    PLANNERS,
    Drill,
    DrillKind,
    DrillRequirement,
    DrillStatus,
)
from server.drills.rules import Rule
from server.i18n import N_
from server.i18n import gettext as _
from server.incidents.models import Incident, IncidentKind
from server.incidents.service import close_for_drill, open_for_drill
from server.models import Organisation, School, User
from server.tenancy import scoped


def may_plan(user: User) -> bool:
    return user.has_role(*PLANNERS)


def may_run(user: User, drill: Drill) -> bool:
    """Start, end or record it: the planners, and the drill's own leader."""
    return may_plan(user) or drill.leader_id == user.id


REMIND_AT = time(9, 0)  # the district's time on the day before a drill, unless it sets another


def minutes(moment: time) -> int:
    """A time of day as the district keeps it: minutes after midnight."""
    return moment.hour * 60 + moment.minute


def remind_time(org: Organisation) -> time:
    """The district's reminder time (kept as minutes after midnight)."""
    return time(*divmod(org.drill_reminder_minutes, 60))


def rule_errors(rules: dict) -> dict[str, str]:
    """Each kind's numbers agree: no more early than in the whole year, and a window for them."""
    errors = {}
    for kind, rule in rules.items():
        if rule.early_count > rule.per_year:
            errors[field_name("early_count", kind)] = _("No more than the drills in the year.")
        elif rule.early_count and rule.early_days is None:
            errors[field_name("early_days", kind)] = _("Say within how many days.")
    return errors


async def set_requirements(
    user: User, rules: dict, year_starts: int, remind_at: time = REMIND_AT
) -> dict[str, str]:
    """The district's rule for every kind, the month its school year starts, and the time on
    its clock a drill's leader is reminded the day before."""
    errors = rule_errors(rules)
    if errors:
        return errors
    async with in_transaction():
        for kind, rule in rules.items():
            await DrillRequirement.update_or_create(
                organisation_id=user.organisation_id,
                kind=kind,
                defaults={
                    "per_year": rule.per_year,
                    "early_count": rule.early_count,
                    "early_days": rule.early_days if rule.early_count else None,
                },
            )
        await Organisation.filter(id=user.organisation_id).update(
            school_year_starts=year_starts, drill_reminder_minutes=minutes(remind_at)
        )
    await audit.record(
        user,
        "drills.requirements_set",
        user,
        year_starts=year_starts,
        remind_at=remind_at.isoformat(timespec="minutes"),
    )
    return {}


async def rules_of(organisation_id: int) -> dict:
    rows = await DrillRequirement.filter(organisation_id=organisation_id)
    return {r.kind: Rule(r.per_year, r.early_count, r.early_days) for r in rows}


async def plan(
    user: User, form: PlanForm, today: date, scenarios: Collection[str] = ()
) -> tuple[Drill | None, dict[str, str]]:
    """A drill on the calendar; a tabletop exercise names one of ``scenarios`` (and only it
    does)."""
    scenario = form.scenario if form.kind == DrillKind.TABLETOP else None
    if form.kind == DrillKind.TABLETOP and scenario not in scenarios:
        return None, {"scenario": _("Choose a scenario for the exercise.")}
    school = await scoped(School, user).get_or_none(id=form.school)
    if school is None:
        return None, {"school": _("Choose one of the options.")}
    if form.leader is not None:
        leader = await scoped(User, user).get_or_none(id=form.leader, active=True)
        if leader is None:
            return None, {"leader": _("Choose one of the options.")}
    if form.planned_on < today:
        return None, {"planned_on": _("Choose today or a later day.")}
    drill = await Drill.create(
        organisation_id=user.organisation_id,
        school_id=school.id,
        kind=form.kind,
        planned_on=form.planned_on,
        scenario=scenario,
        leader_id=form.leader,
        planned_by_id=user.id,
    )
    await audit.record(user, "drill.planned", drill, kind=drill.kind.value)
    return drill, {}


# What the drill's page says when a step can't be taken (each a whole sentence, for Spanish).
NOT_PLANNED = N_("This drill is not waiting to start.")
NOT_RUNNING = N_("This drill is not running.")
NO_ALERT = N_("A drill of this kind is not alerted: record it as held when it is done.")
NOT_YET = N_("A drill is recorded as held on a day that has come.")


# The kind of a drill's own incident.
INCIDENT_KIND = {
    DrillKind.FIRE: IncidentKind.FIRE,
    DrillKind.LOCKDOWN: IncidentKind.LOCKDOWN,
    DrillKind.EVACUATION: IncidentKind.EVACUATION,
    DrillKind.SHELTER: IncidentKind.SHELTER,
}


async def start(
    user: User, drill: Drill, now: datetime, accounting: bool = False, sms: bool = False
) -> str | None:
    """The DRILL alert to everyone at the drill's school, through the one alert path, and the
    drill's own incident (marked drill) that holds its observers' checklist runs and, when
    ``accounting``, asks the school's teachers to account for their classes exactly as an
    incident does (the accounting path as it is). With ``sms`` the alert goes by SMS too, as an
    emergency does (``channels.rules.may_sms``); without it, a drill sends no SMS. None, or why
    not (it ran already, its kind has no alert)."""
    alert_kind = ALERT_KIND.get(drill.kind)
    if alert_kind is None:
        return _(NO_ALERT)
    async with in_transaction():
        # Claimed first: two taps at once start one drill, one alert.
        won = await Drill.filter(id=drill.id, status=DrillStatus.PLANNED).update(
            status=DrillStatus.RUNNING, started_at=now
        )
        if not won:
            return _(NOT_PLANNED)
        alert = await raise_alert(
            organisation_id=drill.organisation_id,
            raised_by_id=user.id,
            kind=alert_kind,
            audience=Audience([], school_ids=[drill.school_id]),
            raised_at=now,
            drill=True,
            drill_sms=sms,
            source={"drill_id": drill.id},
        )
        kind = INCIDENT_KIND.get(drill.kind, IncidentKind.OTHER)
        title = _("%(kind)s drill") % {"kind": _(KIND_LABELS[drill.kind])}
        incident = await open_for_drill(user, kind, drill.school_id, title, alert, now)
        await Drill.filter(id=drill.id).update(alert_id=alert.id, incident_id=incident.id)
        if accounting:
            await ask_for_accounting(user, incident, now)
    drill.alert_id, drill.incident_id = alert.id, incident.id
    await audit.record(
        user, "drill.started", drill, alert=str(alert.id), accounting=accounting, sms=sms
    )
    return None


async def end(user: User, drill: Drill, now: datetime, today: date) -> str | None:
    """The all clear to the same people, the clocks stopped; it counts on the district's day."""
    async with in_transaction():
        won = await Drill.filter(id=drill.id, status=DrillStatus.RUNNING).update(
            status=DrillStatus.HELD, ended_at=now, held_on=today
        )
        if not won:
            return _(NOT_RUNNING)
        alert = await Alert.get_or_none(id=drill.alert_id) if drill.alert_id else None
        if alert is not None and alert.ended_at is None:
            await end_with_all_clear(alert, user.id, now)
    # Its incident closes with it: the teachers' phones drop their roster copies.
    incident = await Incident.get_or_none(id=drill.incident_id) if drill.incident_id else None
    if incident is not None:
        await close_for_drill(user, incident, now)
    await audit.record(user, "drill.ended", drill)
    return None


async def record_held(user: User, drill: Drill, held_on: date, today: date) -> str | None:
    """A drill held without the app (the fire alarm, a bus drill): counted, not measured."""
    if held_on > today:
        return _(NOT_YET)
    won = await Drill.filter(id=drill.id, status=DrillStatus.PLANNED).update(
        status=DrillStatus.HELD, held_on=held_on
    )
    if not won:
        return _(NOT_PLANNED)
    await audit.record(user, "drill.recorded", drill, held_on=held_on.isoformat())
    return None


async def cancel(user: User, drill: Drill) -> str | None:
    won = await Drill.filter(id=drill.id, status=DrillStatus.PLANNED).update(
        status=DrillStatus.CANCELLED
    )
    if not won:
        return _(NOT_PLANNED)
    await audit.record(user, "drill.cancelled", drill)
    return None
