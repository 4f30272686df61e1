"""Training sessions arrive from a trainer's phone as ``training.session_recorded`` events: stored
once, refused in words when wrong. Feedback on a practice delivery comes the same way. Coverage
(lesson x audience x school) counts who was trained and says what is due at the district's
refresher age; certification reminders reach the trainer and the admins in the district's window."""

from __future__ import annotations

import csv
import io
import uuid
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from server.training import queries
from server.training.models import Attendance, Audience, Feedback, Trainer, TrainingSession
from server.training.service import add_months
from tests.helpers import event, file, html


def recorded(org, **fields) -> dict:
    people = [org.users["driver"].id, org.users["staff"].id, org.users["office"].id]
    payload = {
        "session_id": str(uuid.uuid4()),
        "lesson": "bus-security",
        "audience": "bus_drivers",
        "held_at": (datetime.now(UTC) - timedelta(minutes=30)).isoformat(),
        "people": people,
        "notes": "At the depot, before the afternoon routes",
    }
    payload.update(fields)
    return event("training.session_recorded", **payload)


async def trainer(org, as_role, role: str = "dispatch"):
    """The person of ``role`` certified as a trainer, signed in."""
    today = date.today()
    await Trainer.create(
        organisation=org.organisation,
        person=org.users[role],
        certified_on=today - timedelta(days=10),
        expires_on=today + timedelta(days=365),
    )
    return await as_role(role, org)


async def test_a_session_is_stored_once_with_its_attendance(as_role, org):
    client = await trainer(org, as_role)
    e = recorded(org)
    assert [r["status"] for r in await file(client, e)] == ["accepted"]
    session = await TrainingSession.get(id=e["payload"]["session_id"])
    assert (session.lesson, session.audience, session.school_id) == (
        "bus-security",
        Audience.BUS_DRIVERS,
        None,
    )
    assert session.trainer_id == org.users["dispatch"].id and not session.practice
    assert await Attendance.filter(session_id=session.id).count() == 3
    # the same event again: already had it; the same session in a new event: refused in words
    assert (await file(client, e))[0]["status"] == "duplicate"
    again = recorded(org, session_id=e["payload"]["session_id"])
    [result] = await file(client, again)
    assert result["status"] == "rejected" and "already sent" in result["reason"]
    assert await TrainingSession.filter(id=session.id).count() == 1
    assert await Attendance.filter(session_id=session.id).count() == 3
    page = await client.get(f"/training/sessions/{session.id}")
    assert page.status_code == 200
    people = [li.get_text() for li in html(page).select("#session-people li")]
    assert org.users["driver"].name in people and len(people) == 3


async def test_parents_are_named_or_counted(as_role, org):
    client = await trainer(org, as_role)
    e = recorded(
        org,
        lesson="parents-and-students",
        audience="parents",
        people=[],
        names=["María López", "John Smith", "John Smith"],
        count=25,
        school_id=org.school.id,
    )
    assert (await file(client, e))[0]["status"] == "accepted"
    session = await TrainingSession.get(id=e["payload"]["session_id"])
    assert session.counted == 25 and session.school_id == org.school.id
    names = await Attendance.filter(session_id=session.id).values_list("name", flat=True)
    assert sorted(names) == ["John Smith", "María López"]  # each once


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"lesson": "juggling"}, "lesson"),
        ({"audience": "pilots"}, "audience"),
        ({"people": [0]}, "people"),
        ({"count": -1}, "count"),
        ({"names": ["x" * 201]}, "names"),
        ({"notes": "x" * 2001}, "notes"),
        ({"held_at": "yesterday"}, "held_at"),
        ({"session_id": "not-a-uuid"}, "session_id"),
        ({"ip_address": "10.0.0.1"}, "ip_address"),  # unknown fields are refused
        ({"school_id": 0}, "school_id"),
    ],
)
async def test_bad_input_is_rejected_with_a_reason(change, reason, as_role, org):
    client = await trainer(org, as_role)
    e = recorded(org, **change)
    [result] = await file(client, e)
    assert result["status"] == "rejected"
    assert reason in result["reason"]
    assert await TrainingSession.filter(organisation_id=org.organisation.id).count() == 1


async def test_what_only_the_server_can_check_is_rejected_and_never_retried(
    as_role, org, other_org
):
    client = await trainer(org, as_role)
    me = org.users["dispatch"].id
    cases = [
        (recorded(org, school_id=other_org.school.id), "not one of your district"),
        (recorded(org, people=[other_org.users["driver"].id]), "not one of your district"),
        (recorded(org, count=4), "A count is for parents and students"),
        (recorded(org, people=[]), "Say who came"),
        (recorded(org, practice=True), "Say who gave the lesson"),
        (recorded(org, practice=True, presenter_id=me), "must be one of those who came"),
        (
            recorded(org, held_at=(datetime.now(UTC) + timedelta(hours=3)).isoformat()),
            "in the future",
        ),
    ]
    results = await file(client, *(e for e, _reason in cases))
    for (_e, reason), result in zip(cases, results, strict=True):
        assert result["status"] == "rejected", result
        assert reason in result["reason"]
    again = await file(client, cases[0][0])  # sent again: rejected again, no retry
    assert again[0]["status"] == "rejected"
    assert await TrainingSession.filter(organisation_id=org.organisation.id).count() == 1


async def test_only_a_trainer_records_a_session(as_role, org):
    for role in ("staff", "admin", "safety"):
        client = await as_role(role)
        [result] = await file(client, recorded(org))
        assert result["status"] == "rejected"
        assert "Only a trainer" in result["reason"]
        assert (await client.get("/training/sessions/new")).status_code == 404
    client = await trainer(org, as_role, "staff")
    form = await client.get("/training/sessions/new")
    assert form.status_code == 200
    page = html(form)
    assert len(page.select("#s-lesson option[value]")) == 11  # the ten lessons and "choose"
    assert len(page.select("#f-audience input[name=audience]")) == 9
    assert f'value="{org.users["driver"].id}"' in form.text
    assert (
        "/training/sessions/new"
        in html(await client.get("/")).select_one("body")["data-offline-pages"]
    )


async def test_a_trainer_whose_certification_expired_records_only_what_came_before(as_role, org):
    client = await trainer(org, as_role)
    today = date.today()
    await Trainer.filter(person=org.users["dispatch"]).update(
        certified_on=today - timedelta(days=400), expires_on=today - timedelta(days=3)
    )
    held_before = (datetime.now(UTC) - timedelta(days=5)).isoformat()  # sent late, from a depot
    before, after = await file(client, recorded(org, held_at=held_before), recorded(org))
    assert before["status"] == "accepted"
    assert after["status"] == "rejected" and "expired on" in after["reason"]
    assert await TrainingSession.filter(trainer=org.users["dispatch"]).count() == 1


async def test_who_may_read_a_session_and_tenant_isolation(as_role, org, other_org):
    client = await trainer(org, as_role)
    e = recorded(org, people=[org.users["driver"].id])
    await file(client, e)
    url = f"/training/sessions/{e['payload']['session_id']}"
    for role, status in [
        ("dispatch", 200),  # the trainer
        ("driver", 200),  # who came
        ("admin", 200),
        ("safety", 200),
        ("staff", 404),
        ("office", 404),
    ]:
        assert (await (await as_role(role, org)).get(url)).status_code == status, role
    for role in ("admin", "safety"):
        outsider = await as_role(role, other_org)
        assert (await outsider.get(url)).status_code == 404
        rows = csv.DictReader(io.StringIO((await outsider.get("/training/coverage.csv")).text))
        depot = [r for r in rows if r["lesson"] == "bus-security" and r["sessions"] != "0"]
        assert [r["sessions"] for r in depot] == ["1"]  # its own fixture's session only
    # another district's trainer can't name this district's people
    outsider = await trainer(other_org, as_role)
    [result] = await file(outsider, recorded(org))
    assert result["status"] == "rejected" and "not one of your district" in result["reason"]


def _noon(day: date, tz: ZoneInfo) -> datetime:
    return datetime.combine(day, time(12), tz)


async def _given(org, day: date, tz: ZoneInfo, people: list, **fields) -> TrainingSession:
    session = await TrainingSession.create(
        id=uuid.uuid4(),
        organisation=org.organisation,
        trainer=org.spare,
        lesson=fields.pop("lesson", "bleeding-control"),
        audience=fields.pop("audience", Audience.TEACHERS),
        school=fields.pop("school", org.school),
        held_at=_noon(day, tz),
        recorded_at=_noon(day, tz),
        **fields,
    )
    for person in people:
        await Attendance.create(session=session, person=person)
    return session


async def test_coverage_is_due_on_the_day_the_refresher_age_is_reached(as_role, org, app):
    tz = ZoneInfo(app.state.settings.timezone)
    today = datetime.now(tz).date()
    on_the_day = add_months(today, -12)  # 12 months ago today: due
    day_after = on_the_day + timedelta(days=1)  # a day short of 12 months: not yet
    staff, office = org.users["staff"], org.users["office"]
    await _given(org, on_the_day, tz, [staff])
    await _given(org, day_after, tz, [office], lesson="active-threat")
    # a practice delivery counts nowhere
    await _given(org, today, tz, [staff], practice=True, presenter=office)

    records = await queries.attended(org.organisation.id, tz)
    cells = queries.matrix(records, str(org.school.id))
    assert cells[("bleeding-control", Audience.TEACHERS)].status(today, 12) == "due"
    assert cells[("active-threat", Audience.TEACHERS)].status(today, 12) == "current"
    assert cells[("active-threat", Audience.TEACHERS)].due_on(12) == add_months(day_after, 12)
    due = await queries.due_refreshers(org.organisation.id, records, today, 12)
    assert [(d.person.id, d.lesson) for d in due] == [(staff.id, "bleeding-control")]

    admin = await as_role("admin")
    page = html(await admin.get(f"/training/coverage?school={org.school.id}"))
    assert "coverage-due" in page.select_one("#cell-bleeding-control-teachers")["class"]
    assert "Refresher due" in page.select_one("#cell-bleeding-control-teachers").get_text()
    assert "coverage-current" in page.select_one("#cell-active-threat-teachers")["class"]
    assert "1 trained" in page.select_one("#cell-active-threat-teachers").get_text()
    assert [td.get_text() for td in page.select("#due-list tbody td")][:2] == [
        staff.name,
        "Bleeding control",
    ]
    # one audience's column, for a phone's width; an unknown one shows them all
    one = html(await admin.get(f"/training/coverage?school={org.school.id}&audience=teachers"))
    assert [th.get_text() for th in one.select("#coverage-matrix thead th")] == [
        "Lesson",
        "Teachers",
    ]
    assert one.select_one("#cell-bleeding-control-bus_drivers") is None
    every = html(await admin.get("/training/coverage?school=nowhere&audience=pilots"))
    assert len(every.select("#coverage-matrix thead th")) == 10
    # the district's refresher age: at 13 months nothing is due yet
    response = await admin.post(
        "/training/settings", {"refresher_months": "13", "reminder_days": "60"}
    )
    assert response.status_code == 303
    page = html(await admin.get(f"/training/coverage?school={org.school.id}"))
    assert page.select_one("#due-none") is not None
    assert "coverage-current" in page.select_one("#cell-bleeding-control-teachers")["class"]

    figures = await queries.figures(org.organisation.id, today, tz, 12, 60)
    # the fixture's session (the driver) is today; practice is not counted
    assert (figures.sessions, figures.attendances, figures.people_trained) == (3, 3, 3)
    assert figures.refreshers_due == 1 and figures.public_reached == 0
    assert (figures.trainers, figures.certifications_expiring) == (1, 0)


async def test_the_coverage_csv_has_every_cell(as_role, org):
    client = await trainer(org, as_role)
    await file(client, recorded(org))
    response = await (await as_role("safety")).get("/training/coverage.csv")
    assert response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert len(rows) == 10 * 9 * 3  # ten lessons, nine audiences, district-wide and two schools
    depot = [
        r
        for r in rows
        if r["lesson"] == "bus-security"
        and r["audience"] == "bus_drivers"
        and r["school"] == "District-wide"
    ]
    # three people, and the fixture's session's driver again: three people, two sessions
    assert depot[0]["sessions"] == "2" and depot[0]["people_trained"] == "3"
    assert depot[0]["status"] == "current"


async def test_certification_reminders_reach_the_trainer_and_the_admins(as_role, org, app):
    tz = ZoneInfo(app.state.settings.timezone)
    today = datetime.now(tz).date()
    admin = await as_role("admin")
    person = org.users["staff"]

    async def certify(expires: date) -> int:
        response = await admin.post(
            "/training/trainers",
            {
                "person": str(person.id),
                "certified_on": (today - timedelta(days=300)).isoformat(),
                "expires_on": expires.isoformat(),
            },
        )
        return response.status_code

    assert await certify(today + timedelta(days=61)) == 303
    staff = await as_role("staff")
    home = html(await staff.get("/"))
    assert home.select_one("#certification-reminder") is None
    assert home.select_one("#training-record") is not None  # a trainer now
    admin_home = html(await admin.get("/"))
    assert admin_home.select_one("#certifications-expiring") is None

    assert await certify(today + timedelta(days=60)) == 303  # the window's last day
    reminder = html(await staff.get("/")).select_one("#certification-reminder")
    assert reminder is not None and "expires on" in reminder.get_text()
    note = html(await admin.get("/")).select_one("#certifications-expiring")
    assert note is not None and note.get_text().startswith("1 trainer certification")

    assert await certify(today - timedelta(days=1)) == 303
    reminder = html(await staff.get("/")).select_one("#certification-reminder")
    assert "expired on" in reminder.get_text()

    # the district's window: 30 days, and 45 days ahead is no longer shown
    await admin.post("/training/settings", {"refresher_months": "12", "reminder_days": "30"})
    assert await certify(today + timedelta(days=45)) == 303
    assert html(await staff.get("/")).select_one("#certification-reminder") is None

    # an expiry before the day it was given is refused at its field, nothing changed
    response = await admin.post(
        "/training/trainers",
        {
            "person": str(person.id),
            "certified_on": today.isoformat(),
            "expires_on": (today - timedelta(days=1)).isoformat(),
        },
    )
    assert response.status_code == 422
    assert html(response).select_one("#expires_on-error") is not None
    trainer_row = await Trainer.get(person_id=person.id)
    assert trainer_row.expires_on == today + timedelta(days=45)


async def test_an_admin_takes_a_certification_away(as_role, org):
    client = await trainer(org, as_role, "staff")
    admin = await as_role("admin")
    row = await Trainer.get(person_id=org.users["staff"].id)
    assert (await admin.post(f"/training/trainers/{row.id}/remove", {})).status_code == 303
    assert (await client.get("/training/sessions/new")).status_code == 404
    [result] = await file(client, recorded(org))
    assert "Only a trainer" in result["reason"]


def feedback(session_id: str, **fields) -> dict:
    payload = {
        "feedback_id": str(uuid.uuid4()),
        "session_id": session_id,
        "went_well": "Clear, calm, and the scenario drew everyone in",
        "to_improve": "Leave more time for the check questions",
        "verdict": "ready",
        "given_at": datetime.now(UTC).isoformat(),
    }
    payload.update(fields)
    return event("training.feedback_given", **payload)


async def test_a_practice_delivery_gets_feedback_from_the_trainer_and_peers(as_role, org):
    client = await trainer(org, as_role)
    driver, staff, office = (org.users[r] for r in ("driver", "staff", "office"))
    e = recorded(org, practice=True, presenter_id=staff.id)
    session_id = e["payload"]["session_id"]
    # the session and the trainer's feedback, recorded offline together, arrive in one batch
    results = await file(client, e, feedback(session_id))
    assert [r["status"] for r in results] == ["accepted", "accepted"]
    peer = await as_role("driver")
    page = html(await peer.get(f"/training/sessions/{session_id}"))
    assert page.select_one("#feedback-form") is not None
    assert (await file(peer, feedback(session_id, verdict="not_yet")))[0]["status"] == "accepted"
    [twice] = await file(peer, feedback(session_id))
    assert twice["status"] == "rejected" and "already given" in twice["reason"]
    [own] = await file(await as_role("staff"), feedback(session_id))
    assert own["status"] == "rejected" and "gave the lesson" in own["reason"]
    [outsider] = await file(await as_role("safety"), feedback(session_id))
    assert outsider["status"] == "rejected" and "attended" in outsider["reason"]
    [unknown] = await file(peer, feedback(str(uuid.uuid4())))
    assert unknown["status"] == "rejected" and "not known" in unknown["reason"]
    [bad] = await file(peer, feedback(session_id, verdict="maybe"))
    assert bad["status"] == "rejected" and "verdict" in bad["reason"]
    assert await Feedback.filter(session_id=session_id).count() == 2
    page = html(await (await as_role("office")).get(f"/training/sessions/{session_id}"))
    assert len(page.select("#feedback-list li")) == 2
    assert page.select_one("#session-presenter").get_text() == staff.name
    assert driver and office
    # a practice delivery is not coverage
    admin = await as_role("admin")
    cell = html(await admin.get("/training/coverage?school=district"))
    assert (
        "1 trained" in cell.select_one("#cell-bus-security-bus_drivers").get_text()
    )  # the fixture's
    # feedback on a session that was no practice delivery
    plain = recorded(org)
    await file(client, plain)
    [refused] = await file(peer, feedback(plain["payload"]["session_id"]))
    assert "practice delivery" in refused["reason"]
