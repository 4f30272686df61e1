"""A missing student on a trip (server/trips/lost.py): one alert however many phones report the
same student, a police countdown that is the school's setting (ten minutes at most), an
escalation that says what it is, raised once, and "Found" telling everyone the alerts reached."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from server.alerts.models import Alert, AlertRecipient
from server.push.payload import body, name
from server.trips.models import LostStudent
from server.trips.service import policy_for
from server.trips.watch import check_trips
from tests.helpers import event, html, send

RULES = {
    "students_per_adult": "10",
    "grace_minutes": "30",
    "plan_required": "on",
    "band_low": "4",
    "band_medium": "9",
    "band_high": "16",
}


async def _trip_alerts(trip, **source) -> list[Alert]:
    alerts = await Alert.filter(trip_id=trip.id).order_by("raised_at")
    return [a for a in alerts if all(a.source.get(k) == v for k, v in source.items())]


def _lost(org, **extra) -> dict:
    return event(
        "trip.student_lost",
        lost_id=str(uuid.uuid4()),
        trip_id=org.trip.id,
        student_id=org.student.id,
        **extra,
    )


async def test_the_police_countdown_is_the_schools_setting_and_never_over_ten(org, as_role):
    admin = await as_role("admin")
    assert (await policy_for(org.school.id)).police_call_minutes == 10  # the default
    refused = await admin.post(
        f"/admin/schools/{org.school.id}/trip-rules", {**RULES, "police_call_minutes": "30"}
    )
    assert refused.status_code == 422
    assert html(refused).select_one("#police_call_minutes-error") is not None
    assert (await policy_for(org.school.id)).police_call_minutes == 10
    saved = await admin.post(
        f"/admin/schools/{org.school.id}/trip-rules", {**RULES, "police_call_minutes": "5"}
    )
    assert saved.status_code == 303

    staff = await as_role("staff")
    report = _lost(org, description="Red raincoat, yellow backpack")
    assert (await send(staff, [report])).json()["results"][0]["status"] == "accepted"
    lost = await LostStudent.get(id=report["payload"]["lost_id"])
    assert lost.ends_at - lost.started_at == timedelta(minutes=5)
    screen = html(await staff.get(f"/trips/{org.trip.id}/lost"))
    assert screen.select_one("#lost-screen")["data-countdown"] == "300"
    assert "5-minute countdown" in screen.select_one("#lost-start").get_text()


async def test_two_phones_reporting_the_same_student_raise_one_alert_and_one_escalation(
    org, as_role
):
    first, second = await as_role("staff"), await as_role("office")
    await send(first, [_lost(org, last_seen_where="Gift shop")])
    await send(second, [_lost(org, last_seen_where="Café")])
    assert len(await _trip_alerts(org.trip, stage="countdown-started")) == 1
    reports = await LostStudent.filter(trip_id=org.trip.id).order_by("started_at")
    assert reports[1].same_as_id == reports[0].id and reports[1].ends_at == reports[0].ends_at

    await check_trips(reports[0].ends_at + timedelta(seconds=1))
    await check_trips(reports[0].ends_at + timedelta(minutes=2))
    [escalation] = await _trip_alerts(org.trip, stage="countdown-ended")
    assert escalation.source["minutes"] == 10
    assert name(escalation) == "Not found after 10 minutes: call the police now"
    assert "police" in body(escalation)
    [started] = await _trip_alerts(org.trip, stage="countdown-started")
    assert name(started) == "Missing student"  # the first alert, not the escalation's words

    listed = html(await (await as_role("safety")).get("/admin/alerts"))
    titles = [h.get_text(" ", strip=True) for h in listed.select(".alert-card h2")]
    assert "Not found after 10 minutes: call the police now" in titles


async def test_found_tells_everyone_the_missing_student_alerts_reached(org, as_role):
    staff = await as_role("staff")
    report = _lost(org)
    await send(staff, [report])
    lost = await LostStudent.get(id=report["payload"]["lost_id"])
    await check_trips(lost.ends_at + timedelta(seconds=1))  # the escalation went out too
    earlier = [a.id for a in await _trip_alerts(org.trip) if a.kind == "lost-student"]
    assert len(earlier) == 2
    reached = set(
        await AlertRecipient.filter(alert_id__in=earlier).values_list("user_id", flat=True)
    )
    assert reached  # the school's safety team and admins

    # Another chaperone finds her, from a report made on her own phone (joined to the first).
    office = await as_role("office")
    again = _lost(org)
    await send(office, [again])
    found = event("trip.student_found", lost_id=again["payload"]["lost_id"], trip_id=org.trip.id)
    assert (await send(office, [found])).json()["results"][0]["status"] == "accepted"
    assert await LostStudent.filter(trip_id=org.trip.id, found_at__isnull=True).count() == 0

    [follow_up] = await _trip_alerts(org.trip, stage="found")
    assert follow_up.kind == "all-clear"
    assert name(follow_up) == f"Found: {org.student.name}"
    told = set(await AlertRecipient.filter(alert_id=follow_up.id).values_list("user_id", flat=True))
    # everyone the alerts reached, and the chaperone who first reported her; not the sender
    assert told == (reached | {org.users["staff"].id}) - {org.users["office"].id}

    # Found again (the other phone): nobody is told twice.
    again_found = event(
        "trip.student_found", lost_id=report["payload"]["lost_id"], trip_id=org.trip.id
    )
    await send(staff, [again_found])
    assert len(await _trip_alerts(org.trip, stage="found")) == 1


async def test_the_board_says_the_police_call_is_overdue_once_its_time_has_passed(org, as_role):
    staff = await as_role("staff")
    started = datetime.now(UTC) - timedelta(minutes=12)
    report = _lost(org)
    report["occurred_at"] = started.isoformat()
    await send(staff, [report])
    safety = await as_role("safety")
    card = html(await safety.get("/admin/trips")).select_one(f'[data-trip="{org.trip.id}"]')
    overdue = card.select_one(".police-overdue")
    due = (started + timedelta(minutes=10)).strftime("%H:%M")  # the tests' district is UTC
    assert overdue is not None and overdue.get_text() == f"police call overdue since {due}"

    await LostStudent.filter(trip_id=org.trip.id).update(
        ends_at=datetime.now(UTC) + timedelta(minutes=3)
    )
    card = html(await safety.get("/admin/trips")).select_one(f'[data-trip="{org.trip.id}"]')
    assert card.select_one(".police-overdue") is None
    assert "police call due" in card.get_text()


async def test_the_boards_trip_alerts_read_the_field_the_composer_writes(org, as_role):
    safety = await as_role("safety")
    form = {
        "kind": "custom",
        "title": "Bus delayed",
        "message": "The bus is 20 minutes late.",
        "scope": "trip",
        "trip": str(org.trip.id),
        "roles": ["staff"],
        "held": "yes",
    }
    sent = await safety.post("/admin/alerts/send", form)
    assert sent.status_code == 303
    await send(await as_role("staff"), [_lost(org)])
    alerts = await Alert.filter(trip_id=org.trip.id)
    assert {a.kind for a in alerts} == {"custom", "lost-student"}
    assert all("trip_id" not in a.source for a in alerts)  # stored once, as the alert's trip
    card = html(await safety.get("/admin/trips")).select_one(f'[data-trip="{org.trip.id}"]')
    shown = card.select_one(".trip-alerts").get_text(" ", strip=True)
    assert "Bus delayed" in shown and "Missing student" in shown
