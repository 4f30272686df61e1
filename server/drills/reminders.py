"""The push a drill's leader gets the day before: once a drill, on the district's calendar, from
the district's reminder time (a drill setting, 09:00 unless it sets another) on the day before
its planned day (never at midnight), through the one alert path
(a "Message" alert to the leader alone, so the push worker delivers it like any other). Run by
the watch every web process runs; each drill is reminded once however many processes run it at
the same moment: a conditional update only one can win claims it first."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from tortoise.transactions import in_transaction

from server.alerts.audience import Audience
from server.alerts.models import Alert
from server.alerts.recipients import add_recipients
from server.alerts.service import raise_alert
from server.drills.models import KIND_LABELS, Drill, DrillKind, DrillStatus
from server.drills.service import minutes
from server.i18n import gettext as _
from server.push.payload import speaking


async def remind_due(now: datetime, tz: ZoneInfo) -> list[Alert]:
    """Reminds the leader of each planned drill whose day is tomorrow on the district's
    calendar, once today is past its district's reminder time; the alerts raised."""
    local = now.astimezone(tz)
    tomorrow = local.date() + timedelta(days=1)
    due = await Drill.filter(
        planned_on=tomorrow,
        status=DrillStatus.PLANNED,
        leader_id__isnull=False,
        reminded_at__isnull=True,
        organisation__drill_reminder_minutes__lte=minutes(local.time()),
    ).prefetch_related("school", "leader")
    raised = []
    for drill in due:
        async with in_transaction():
            won = await Drill.filter(id=drill.id, reminded_at__isnull=True).update(reminded_at=now)
            if not won:  # another process reminded it
                continue
            raised.append(await _remind(drill, now))
    return raised


async def _remind(drill: Drill, now: datetime) -> Alert:
    leader = drill.leader
    assert leader is not None
    with speaking(leader.locale):
        if drill.kind == DrillKind.TABLETOP:  # talked through: no alert, no observers
            title = _("Tabletop exercise tomorrow at %(school)s") % {"school": drill.school.name}
            message = _("You lead it. Its page has the button that starts the exercise.")
        else:
            title = _("Drill tomorrow: %(kind)s at %(school)s") % {
                "kind": _(KIND_LABELS[drill.kind]),
                "school": drill.school.name,
            }
            message = _("You lead it. Its page has the start button and the observers' checklist.")
    alert = await raise_alert(
        organisation_id=drill.organisation_id,
        raised_by_id=drill.planned_by_id,
        kind="custom",
        audience=Audience([], user_ids=[leader.id]),
        raised_at=now,
        title=title,
        message=message,
        source={"drill_id": drill.id, "reminder": True},
    )
    if leader.id == drill.planned_by_id:  # the one alert path leaves out its sender
        await add_recipients(alert, [leader.id], due_at=now)
    return alert
