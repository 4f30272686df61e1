"""Phone clocks put on the server's clock (server/events/clock.py), for every event type: a phone
two hours fast or slow still records its check-in, count, answer or acknowledgment at the moment
it happened, so drill figures, countdowns and the board read the server's time."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest

from server.accounting.models import ClassReport, Guardian, Release, StudentMark
from server.alerts.audience import Audience
from server.alerts.models import Alert, AlertRecipient
from server.alerts.service import raise_alert
from server.checklists.models import ChecklistAnswer, ChecklistRun
from server.concerns.models import Concern
from server.events.clock import NOISE, skew_of
from server.events.models import Note
from server.events.registry import REGISTRY
from server.incidents.models import IncidentLogEntry
from server.reports.models import Report
from server.risk.models import RiskPlan
from server.training.models import Feedback, Trainer, TrainingSession
from server.trips.models import CheckIn, Headcount, LostStudent
from tests.helpers import event, small_roster

NEAR = timedelta(seconds=30)


async def _at(model, field: str, **where) -> datetime:
    return getattr(
        await model.get(**where), field
    )  # a test's requests take a moment; two hours is what matters


def _run(org) -> dict:
    return {"run_id": str(uuid.uuid4()), "checklist_id": "bleeding-control", "version": 2}


async def _alert_for(org, user, ago: timedelta = timedelta(0)) -> Alert:
    return await raise_alert(
        organisation_id=org.organisation.id,
        raised_by_id=org.users["safety"].id,
        kind="lockdown",
        audience=Audience(user_ids=[user.id]),
        raised_at=datetime.now(UTC) - ago,
    )


# type -> (payloads to send first, the event's payload, where its time is stored)
async def _case(kind: str, org, staff) -> tuple[list[tuple[str, dict]], dict, object]:
    trip = org.trip.id
    if kind == "note.recorded":
        return (
            [],
            {"text": "Gate B open"},
            lambda e: _at(Note, "written_at", id=e["id"]),
        )
    if kind == "checklist.started":
        run = _run(org)
        return (
            [],
            run,
            lambda e: _at(ChecklistRun, "started_at", id=run["run_id"]),
        )
    if kind == "checklist.answered":
        run = _run(org)
        payload = {"run_id": run["run_id"], "item_id": "call-911", "value": True}
        return (
            [("checklist.started", run)],
            payload,
            lambda e: _at(ChecklistAnswer, "answered_at", event_id=e["id"]),
        )
    if kind == "checklist.completed":
        run = _run(org)
        payload = {"run_id": run["run_id"]}
        return (
            [("checklist.started", run)],
            payload,
            lambda e: _at(ChecklistRun, "completed_at", id=run["run_id"]),
        )
    if kind == "checklist.discarded":
        run = _run(org)
        payload = {"run_id": run["run_id"]}
        return (
            [("checklist.started", run)],
            payload,
            lambda e: _at(ChecklistRun, "discarded_at", id=run["run_id"]),
        )
    if kind == "alert.raised":
        alert = str(uuid.uuid4())
        payload = {"alert_id": alert, "kind": "medical", "notify": ["safety"]}
        return [], payload, lambda e: _at(Alert, "raised_at", id=alert)
    if kind == "alert.undone":  # taken back at once, within its 5 seconds
        alert = str(uuid.uuid4())
        raised = {"alert_id": alert, "kind": "medical"}
        payload = {"alert_id": alert}
        return [("alert.raised", raised)], payload, lambda e: _at(Alert, "cancelled_at", id=alert)
    if kind == "alert.undone":
        alert = str(uuid.uuid4())
        raised = {"alert_id": alert, "kind": "medical", "notify": ["safety"]}
        return (
            [("alert.raised", raised)],
            {"alert_id": alert},
            lambda e: _at(Alert, "cancelled_at", id=alert),
        )
    if kind == "alert.acknowledged":
        alert = await _alert_for(org, org.users["staff"])
        payload = {"alert_id": str(alert.id), "response": "safe"}
        return (
            [],
            payload,
            lambda e: _at(AlertRecipient, "responded_at", alert_id=alert.id),
        )
    if kind == "report.filed":
        report = str(uuid.uuid4())
        payload = {
            "report_id": report,
            "kind": "item",
            "activity": "A bag left by the gate",
            "seen_at": "PHONE_NOW",
            "site_id": org.site.id,
        }
        return [], payload, lambda e: _at(Report, "seen_at", id=report)
    if kind == "concern.raised":
        concern = str(uuid.uuid4())
        payload = {
            "concern_id": concern,
            "what": "Told a classmate he would make them all sorry tomorrow",
            "place": "Cafeteria",
            "happened_at": "PHONE_NOW",
            "how_known": "heard",
            "danger_now": False,
        }
        return [], payload, lambda e: _at(Concern, "happened_at", id=concern)
    if kind == "trip.headcount":
        count = str(uuid.uuid4())
        payload = {"headcount_id": count, "trip_id": trip, "counted": 1}
        return [], payload, lambda e: _at(Headcount, "counted_at", id=count)
    if kind == "trip.checkin":
        checkin = str(uuid.uuid4())
        payload = {"checkin_id": checkin, "trip_id": trip, "kind": "departed"}
        return [], payload, lambda e: _at(CheckIn, "at", id=checkin)
    if kind == "trip.student_lost":
        lost = str(uuid.uuid4())
        payload = {"lost_id": lost, "trip_id": trip, "last_seen_at": "PHONE_NOW"}
        return [], payload, lambda e: _at(LostStudent, "started_at", id=lost)
    if kind == "trip.student_found":
        lost = str(uuid.uuid4())
        payload = {"lost_id": lost, "trip_id": trip}
        return (
            [("trip.student_lost", {"lost_id": lost, "trip_id": trip})],
            payload,
            lambda e: _at(LostStudent, "found_at", id=lost),
        )
    if kind == "risk.thunder_heard":
        payload = {"plan_id": org.plan.id}
        return (
            [],
            payload,
            lambda e: _at(RiskPlan, "last_thunder_at", id=org.plan.id),
        )
    if kind == "incident.logged":  # sent by the safety team, on the incident's team
        entry = str(uuid.uuid4())
        payload = {"entry_id": entry, "incident_id": org.incident.id, "text": "Doors locked"}
        return [], payload, lambda e: _at(IncidentLogEntry, "at", id=entry)
    if kind in ("accounting.marked", "accounting.reported", "reunification.released"):
        klass, students = await small_roster(org, size=1)
        if kind == "accounting.marked":
            mark = str(uuid.uuid4())
            payload = {
                "mark_id": mark,
                "incident_id": org.incident.id,
                "class_id": klass.id,
                "student_id": students[0].id,
                "mark": "present",
            }
            return [], payload, lambda e: _at(StudentMark, "at", id=mark)
        if kind == "accounting.reported":
            report = str(uuid.uuid4())
            payload = {"report_id": report, "incident_id": org.incident.id, "class_id": klass.id}
            return [], payload, lambda e: _at(ClassReport, "at", id=report)
        release = str(uuid.uuid4())
        guardian = await Guardian.get(student=students[0], may_pick_up=True)
        payload = {
            "release_id": release,
            "incident_id": org.incident.id,
            "student_id": students[0].id,
            "guardian_id": guardian.id,
            "id_checked": "Driver's licence",
        }
        return [], payload, lambda e: _at(Release, "at", id=release)
    if kind.startswith("training."):  # sent by a trainer: the staff member, certified here
        await Trainer.get_or_create(
            person=org.users["staff"],
            defaults={
                "organisation": org.organisation,
                "certified_on": datetime.now(UTC).date() - timedelta(days=1),
                "expires_on": datetime.now(UTC).date() + timedelta(days=365),
            },
        )
        session = str(uuid.uuid4())
        recorded = {
            "session_id": session,
            "lesson": "bus-security",
            "audience": "bus_drivers",
            "held_at": "PHONE_NOW",
            "people": [org.users["driver"].id, org.users["office"].id],
            "practice": kind == "training.feedback_given",
            "presenter_id": org.users["driver"].id,
        }
        if kind == "training.session_recorded":
            return [], recorded, lambda e: _at(TrainingSession, "held_at", id=session)
        feedback = str(uuid.uuid4())
        payload = {"feedback_id": feedback, "session_id": session, "verdict": "ready"}
        payload["given_at"] = "PHONE_NOW"
        # sent first, unchanged: three hours ago on a phone two hours off is still the past
        recorded["held_at"] = (datetime.now(UTC) - timedelta(hours=3)).isoformat()
        return (
            [("training.session_recorded", recorded)],
            payload,
            lambda e: _at(Feedback, "given_at", id=feedback),
        )
    raise AssertionError(f"no clock case for the event type {kind}: add one")


def test_every_event_type_has_a_clock_case():
    cases = {
        "note.recorded", "checklist.started", "checklist.answered", "checklist.completed",
        "checklist.discarded", "alert.undone",
        "alert.raised", "alert.acknowledged", "report.filed", "concern.raised", "trip.headcount",
        "trip.checkin",
        "trip.student_lost", "trip.student_found", "risk.thunder_heard", "incident.logged",
        "accounting.marked", "accounting.reported", "reunification.released",
        "training.session_recorded", "training.feedback_given",
    }  # fmt: skip
    assert set(REGISTRY) == cases, "a new event type needs its case in _case() above"


@pytest.mark.parametrize("off", [timedelta(hours=2), -timedelta(hours=2)], ids=["fast", "slow"])
@pytest.mark.parametrize("kind", sorted(REGISTRY))
async def test_each_event_types_times_are_put_on_the_servers_clock(kind, off, org, as_role):
    role = "safety" if kind in ("risk.thunder_heard", "incident.logged") else "staff"
    client = await as_role(role)
    before, payload, stored = await _case(kind, org, client)
    phone_now = (datetime.now(UTC) + off).isoformat()
    payload = {k: phone_now if v == "PHONE_NOW" else v for k, v in payload.items()}
    events = [event(t, **p) for t, p in before] + [event(kind, **payload)]
    for e in events:
        e["occurred_at"] = phone_now  # the phone's own clock, two hours off
    response = await client.http.post(
        "/api/sync",
        json={"device_id": "skewed", "sent_at": phone_now, "events": events},
        headers={"X-CSRF-Token": client.csrf},
    )
    assert [r["status"] for r in response.json()["results"]] == ["accepted"] * len(events)
    at = await stored(events[-1])
    assert abs(at - datetime.now(UTC)) < NEAR, f"{kind} stored {at}, phone said {phone_now}"
    if kind == "trip.student_lost":
        lost = await LostStudent.get(id=payload["lost_id"])
        assert abs(lost.last_seen_at - datetime.now(UTC)) < NEAR  # a time inside the payload
        assert abs(lost.ends_at - (datetime.now(UTC) + timedelta(minutes=10))) < NEAR


async def test_a_timestamp_answer_is_put_on_the_servers_clock(org, as_role):
    staff = await as_role("staff")
    phone_now = (datetime.now(UTC) - timedelta(minutes=45)).isoformat()  # a slow phone
    run = _run(org)
    answer = {"run_id": run["run_id"], "item_id": "tourniquet-time", "value": phone_now}
    events = [event("checklist.started", **run), event("checklist.answered", **answer)]
    for e in events:
        e["occurred_at"] = phone_now
    await staff.http.post(
        "/api/sync",
        json={"device_id": "slow", "sent_at": phone_now, "events": events},
        headers={"X-CSRF-Token": staff.csrf},
    )
    stored = await ChecklistAnswer.get(event_id=events[1]["id"])
    assert abs(datetime.fromisoformat(stored.value) - datetime.now(UTC)) < NEAR


async def test_acknowledgment_figures_count_from_the_servers_clock(org, as_role):
    staff = await as_role("staff")
    alert = await _alert_for(org, org.users["staff"], ago=timedelta(minutes=1))
    phone_now = datetime.now(UTC) - timedelta(minutes=5)  # slow: it would answer "before" it
    ack = event("alert.acknowledged", alert_id=str(alert.id), response="safe")
    ack["occurred_at"] = phone_now.isoformat()
    await staff.http.post(
        "/api/sync",
        json={"device_id": "slow", "sent_at": phone_now.isoformat(), "events": [ack]},
        headers={"X-CSRF-Token": staff.csrf},
    )
    figures = (await Alert.get(id=alert.id)).figures
    assert figures["answered"] == 1 and 60 <= figures["first_s"] < 60 + NEAR.total_seconds()


async def test_a_bad_sent_at_is_refused_with_a_reason(as_role):
    staff = await as_role("staff")
    cases = [
        ("yesterday", 400),
        ("2026-12-01T10:00:00", 400),  # no zone: whose clock?
        (12, 400),
        ("9999-12-31T23:59:59-23:59", 200),  # a time, if not a believable one: events judge
    ]
    for bad, status in cases:
        response = await staff.http.post(
            "/api/sync",
            json={"device_id": "x", "sent_at": bad, "events": []},
            headers={"X-CSRF-Token": staff.csrf},
        )
        assert response.status_code == status, bad
        assert status == 200 or "sent_at" in response.text


def test_a_small_difference_is_the_network_not_the_clock():
    now = datetime.now(UTC)
    assert skew_of(now + NOISE / 2, [], now) == timedelta(0)
    assert skew_of(now + timedelta(minutes=3), [], now) == timedelta(minutes=3)
    assert skew_of(now - timedelta(minutes=3), [], now) == -timedelta(minutes=3)
    # no sent_at (a page from before): only an event "from the future" shows a fast clock
    assert skew_of(None, [now + timedelta(hours=1), now], now) == timedelta(hours=1)
    assert skew_of(None, [now - timedelta(hours=1)], now) == timedelta(0)
