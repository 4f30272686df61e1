"""The timed fall-back of an alert to one function of a crisis team: a primary with a phone is
alerted alone; if they haven't answered in FALL_BACK_AFTER, the backups are alerted, once, however
many processes look. Time is given to ``fall_back_due``, never slept."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from server.alerts.fallback import FALL_BACK_AFTER, fall_back_due
from server.alerts.models import Alert, AlertFallback, AlertRecipient
from server.push.models import Delivery, PushSubscription
from server.team.models import TeamFunction, TeamSeat
from tests.helpers import event, give_phone, send

MEDICAL = "medical_lead"


async def _team(org) -> None:
    """Lincoln's medical lead: the teacher (with a phone), then the driver and the office (each
    with a phone too), as backups. Other tests' fall-backs are settled first, so the counts
    here are this test's."""
    await fall_back_due(datetime.now(UTC) + timedelta(days=1))
    u = org.users
    for rank, person in enumerate((u["staff"], u["driver"], u["office"])):
        await TeamSeat.create(
            organisation_id=org.organisation.id,
            school_id=org.school.id,
            function=TeamFunction.MEDICAL,
            rank=rank,
            person=person,
        )
        await give_phone(org, person)


async def _send(org, as_role, message: str) -> Alert:
    safety = await as_role("safety")
    form = {"kind": "medical", "to": f"team:{org.school.id}:{MEDICAL}", "message": message}
    sent = await safety.post("/admin/alerts/send", {**form, "held": "yes"})
    assert sent.status_code == 303
    return await Alert.get(organisation_id=org.organisation.id, message=message)


async def _recipients(alert: Alert) -> set[int]:
    return set(await AlertRecipient.filter(alert_id=alert.id).values_list("user_id", flat=True))


async def test_an_unanswered_primary_falls_back_to_the_backups_once(org, as_role):
    await _team(org)
    u = org.users
    alert = await _send(org, as_role, "Nurse to room 4")
    assert await _recipients(alert) == {u["staff"].id}
    start = alert.send_after or alert.raised_at
    assert await fall_back_due(start + FALL_BACK_AFTER - timedelta(seconds=1)) == 0
    assert await _recipients(alert) == {u["staff"].id}  # not yet
    assert await fall_back_due(start + FALL_BACK_AFTER) == 1
    assert await _recipients(alert) == {u["staff"].id, u["driver"].id, u["office"].id}
    phones = set(await Delivery.filter(alert_id=alert.id).values_list("user_id", flat=True))
    assert phones == {u["staff"].id, u["driver"].id, u["office"].id}  # their phones alerted too
    assert await fall_back_due(start + FALL_BACK_AFTER * 3) == 0  # once
    assert await Delivery.filter(alert_id=alert.id).count() == 3
    fallback = await AlertFallback.get(alert_id=alert.id)
    assert fallback.fell_back and fallback.done_at is not None


async def test_a_primary_who_answered_in_time_is_not_passed_over(org, as_role):
    await _team(org)
    u = org.users
    alert = await _send(org, as_role, "Nurse to room 5")
    teacher = await as_role("staff")
    answer = event("alert.acknowledged", alert_id=str(alert.id), response="safe")
    assert (await send(teacher, [answer])).json()["results"][0]["status"] == "accepted"
    later = (alert.send_after or alert.raised_at) + FALL_BACK_AFTER
    assert await fall_back_due(later) == 0
    assert await _recipients(alert) == {u["staff"].id}
    assert not (await AlertFallback.get(alert_id=alert.id)).fell_back


async def test_an_ended_alert_or_a_primary_without_a_phone_never_falls_back(org, as_role):
    await _team(org)
    u = org.users
    ended = await _send(org, as_role, "Nurse to room 6")
    ended.ended_at = datetime.now(UTC)
    await ended.save(update_fields=["ended_at"])
    assert await fall_back_due(datetime.now(UTC) + FALL_BACK_AFTER * 2) == 0
    assert await _recipients(ended) == {u["staff"].id}
    # With no phone for the primary, everyone at once: nothing is left for later.
    await PushSubscription.filter(user_id=u["staff"].id).delete()
    at_once = await _send(org, as_role, "Nurse to room 7")
    assert await _recipients(at_once) == {u["staff"].id, u["driver"].id, u["office"].id}
    assert not await AlertFallback.filter(alert_id=at_once.id).exists()


async def test_two_processes_at_the_same_moment_fall_back_once(org, as_role):
    await _team(org)
    alert = await _send(org, as_role, "Nurse to room 8")
    later = (alert.send_after or alert.raised_at) + FALL_BACK_AFTER
    fell = await asyncio.gather(fall_back_due(later), fall_back_due(later))
    assert sorted(fell) == [0, 1]
    assert await AlertRecipient.filter(alert_id=alert.id).count() == 3
    assert await Delivery.filter(alert_id=alert.id).count() == 3
