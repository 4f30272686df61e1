"""Drills: the compliance rules at the school year's and the early window's edges, the
district's requirements, planning, a drill started as a DRILL alert to its school and ended
with its all clear (measured from the real answers), one recorded as held, who may do what,
the CSV for the state, and another district's drills out of reach."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from server.accounting.models import AccountingCall
from server.alerts.models import Alert, AlertRecipient
from server.channels.models import Channel, Message
from server.drills.models import Drill, DrillKind, DrillRequirement, DrillStatus
from server.drills.reminders import remind_due
from server.drills.rules import Rule, State, school_year, standing
from server.incidents.models import Incident, IncidentStatus, LinkKind
from server.incidents.service import attach
from server.models import AuditLog, User
from server.push.models import Delivery, PushSubscription
from server.reviews.models import Review, ReviewKind, SubjectKind
from tests.helpers import event, html, send, sender, small_roster


def now() -> datetime:
    return datetime.now(UTC)


YEAR = (date(2026, 8, 1), date(2027, 7, 31))
LOCKDOWNS = Rule(per_year=2, early_count=1, early_days=60)  # "2 lockdowns, one in 60 days"


def test_the_school_year_runs_from_the_first_of_its_month_to_the_day_before_a_year_on():
    assert school_year(date(2026, 8, 1), 8) == YEAR
    assert school_year(date(2026, 7, 31), 8) == (date(2025, 8, 1), date(2026, 7, 31))
    assert school_year(date(2027, 7, 31), 8) == YEAR
    assert school_year(date(2026, 12, 2), 1) == (date(2026, 1, 1), date(2026, 12, 31))


def test_the_early_window_ends_on_its_last_day_not_the_day_after():
    # Day 1 is Aug 1, so day 60 is Sep 29.
    on_time = standing(LOCKDOWNS, [date(2026, 9, 29)], [], YEAR, date(2026, 10, 1))
    assert on_time.early_by == date(2026, 9, 29) and on_time.early_held == 1
    assert on_time.state == State.SHORT  # one of two held; the second not planned yet
    late = standing(LOCKDOWNS, [date(2026, 9, 30)], [], YEAR, date(2026, 10, 1))
    assert late.early_held == 0 and late.state == State.OVERDUE
    # On the window's last day nothing is overdue yet: a drill planned for today still counts.
    today = standing(LOCKDOWNS, [], [date(2026, 9, 29), date(2027, 3, 1)], YEAR, date(2026, 9, 29))
    assert today.state == State.ON_TRACK


def test_standing_met_on_track_short_and_overdue():
    held = [date(2026, 8, 20), date(2027, 2, 1)]
    assert standing(LOCKDOWNS, held, [], YEAR, date(2027, 3, 1)).state == State.MET
    planned = standing(LOCKDOWNS, held[:1], [date(2027, 4, 1)], YEAR, date(2027, 3, 1))
    assert planned.state == State.ON_TRACK and planned.planned == 1
    assert standing(LOCKDOWNS, held[:1], [], YEAR, date(2027, 3, 1)).state == State.SHORT
    # A planned day that passed unheld is overdue, though the count could still be made.
    missed = standing(LOCKDOWNS, held[:1], [date(2027, 2, 27)], YEAR, date(2027, 3, 1))
    assert missed.state == State.OVERDUE and missed.missed == 1
    # The year over, short: overdue. Drills of other years never count.
    other_years = [date(2026, 7, 31), date(2027, 8, 1)]
    ended = standing(LOCKDOWNS, [*held[:1], *other_years], [], YEAR, date(2027, 8, 2))
    assert ended.held == 1 and ended.state == State.OVERDUE


REQUIREMENTS = {
    "year_starts": "8",
    "per_year_lockdown": "2",
    "early_count_lockdown": "1",
    "early_days_lockdown": "60",
    "per_year_fire": "10",
    "per_year_bus_evacuation": "2",
}


async def test_requirements_are_set_by_the_planners_and_checked_for_sense(as_role, org):
    safety = await as_role("safety")
    response = await safety.post("/drills/requirements", REQUIREMENTS)
    assert response.status_code == 303
    rules = {
        r.kind: (r.per_year, r.early_count, r.early_days)
        for r in await DrillRequirement.filter(organisation_id=org.organisation.id)
    }
    assert rules[DrillKind.LOCKDOWN] == (2, 1, 60) and rules[DrillKind.FIRE] == (10, 0, None)
    assert rules[DrillKind.SHELTER] == (0, 0, None)

    bad = await safety.post("/drills/requirements", {**REQUIREMENTS, "early_count_fire": "11"})
    assert bad.status_code == 422
    assert html(bad).select_one("#early_count_fire-error").text.strip() == (
        "No more than the drills in the year."
    )
    no_days = await safety.post(
        "/drills/requirements", {"per_year_shelter": "2", "early_count_shelter": "1"}
    )
    assert no_days.status_code == 422 and "Say within how many days." in no_days.text
    for value in ("-1", "61", "x"):
        refused = await safety.post("/drills/requirements", {"per_year_fire": value})
        assert refused.status_code == 422
    staff = await as_role("staff")
    assert (await staff.get("/drills/requirements")).status_code == 403
    assert (await staff.post("/drills/requirements", REQUIREMENTS)).status_code == 403


async def _plan(client, org, kind="lockdown", day: date | None = None, leader=None) -> int:
    data = {
        "school": org.school.id,
        "kind": kind,
        "planned_on": (day or date.today() + timedelta(days=3)).isoformat(),
    }
    if leader is not None:
        data["leader"] = leader.id
    response = await client.post("/drills", data)
    assert response.status_code == 303, response.text
    return int(response.headers["location"].rstrip("/").split("/")[-1])


async def test_planning_refuses_a_past_day_and_another_districts_school_or_person(
    as_role, org, other_org
):
    safety = await as_role("safety")
    before = await Drill.filter(organisation_id=org.organisation.id).count()
    yesterday = (date.today() - timedelta(days=2)).isoformat()
    base = {"school": org.school.id, "kind": "lockdown", "planned_on": yesterday}
    assert (await safety.post("/drills", base)).status_code == 422
    later = (date.today() + timedelta(days=5)).isoformat()
    theirs = {**base, "planned_on": later, "school": other_org.school.id}
    assert (await safety.post("/drills", theirs)).status_code == 422
    stranger = {**base, "planned_on": later, "leader": other_org.users["staff"].id}
    assert (await safety.post("/drills", stranger)).status_code == 422
    assert await Drill.filter(organisation_id=org.organisation.id).count() == before


async def test_a_drill_started_here_alerts_its_school_as_a_drill_and_is_measured(as_role, org):
    safety = await as_role("safety")
    await safety.post("/drills/requirements", REQUIREMENTS)
    drill_id = await _plan(safety, org, leader=org.users["staff"])

    # A tap is not a hold: nothing goes out.
    await safety.post(f"/drills/{drill_id}/start", {"held": ""})
    assert (await Drill.get(id=drill_id)).status == DrillStatus.PLANNED

    leader = await as_role("staff")  # the drill's leader starts it
    assert (await leader.post(f"/drills/{drill_id}/start", {"held": "yes"})).status_code == 303
    drill = await Drill.get(id=drill_id)
    assert drill.status == DrillStatus.RUNNING
    alert = await Alert.get(id=drill.alert_id)
    assert alert.drill and alert.kind == "lockdown"
    assert alert.audience["school_ids"] == [org.school.id]
    assert alert.source == {"drill_id": drill_id}
    # Who has answered: the safety desk's live page, linked for the desk, not for a teacher.
    live = f"/admin/alerts/{alert.id}"
    assert html(await leader.get(f"/drills/{drill_id}")).select(f'a[href="{live}"]') == []
    assert html(await safety.get(f"/drills/{drill_id}")).select(f'a[href="{live}"]')
    assert (await safety.get(live)).status_code == 200
    # Twice is once.
    await leader.post(f"/drills/{drill_id}/start", {"held": "yes"})
    assert await Alert.filter(organisation_id=org.organisation.id, drill=True).count() == 1

    # Answers at 12 s and 30 s after it went out; the rest never answer.
    went_out = alert.send_after or alert.raised_at
    recipients = await AlertRecipient.filter(alert_id=alert.id).order_by("id")
    assert len(recipients) >= 3
    for recipient, seconds in zip(recipients, (12, 30), strict=False):
        await AlertRecipient.filter(id=recipient.id).update(
            response="safe", first_responded_at=went_out + timedelta(seconds=seconds)
        )
    assert (await leader.post(f"/drills/{drill_id}/end", {"held": "yes"})).status_code == 303
    drill = await Drill.get(id=drill_id)
    assert drill.status == DrillStatus.HELD and drill.held_on is not None
    clear = await Alert.get(kind="all-clear", ends=alert.id)
    assert clear.drill

    page = html(await safety.get(f"/drills/{drill_id}"))
    measured = {
        row.th.text.strip(): row.td.text.strip() for row in page.select("#figures-title ~ table tr")
    }
    assert measured["Answered"] == f"2 of {len(recipients)}"
    assert measured["First answer"] == "12 seconds"
    assert measured["Half had answered by"] == "21 seconds"
    assert measured["Nine in ten had answered by"] == "30 seconds"
    actions = await AuditLog.filter(record_type="Drill", record_id=str(drill_id)).values_list(
        "action", flat=True
    )
    assert {"drill.planned", "drill.started", "drill.ended"} <= set(actions)


async def test_a_kind_with_no_alert_is_recorded_as_held_and_counts(as_role, org):
    safety = await as_role("safety")
    await safety.post("/drills/requirements", REQUIREMENTS)
    drill_id = await _plan(safety, org, kind="bus-evacuation")
    await safety.post(f"/drills/{drill_id}/start", {"held": "yes"})
    assert (await Drill.get(id=drill_id)).status == DrillStatus.PLANNED  # not alerted
    later = (date.today() + timedelta(days=40)).isoformat()
    await safety.post(f"/drills/{drill_id}/held", {"held_on": later})
    assert (await Drill.get(id=drill_id)).status == DrillStatus.PLANNED  # not a day to come
    today = datetime.now(ZoneInfo("America/Los_Angeles")).date()
    await safety.post(f"/drills/{drill_id}/held", {"held_on": today.isoformat()})
    assert (await Drill.get(id=drill_id)).held_on == today

    response = await safety.get("/drills.csv")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/csv")
    lines = response.text.splitlines()
    assert lines[0].startswith("school,drill,required,held")
    bus = next(line for line in lines if "Bus evacuation" in line and org.school.name in line)
    assert ",2,1," in bus and today.isoformat() in bus


@pytest.mark.parametrize("role", ["staff", "driver", "office", "dispatch"])
async def test_others_see_no_drills_and_no_drill_that_is_not_theirs(as_role, org, role):
    safety = await as_role("safety")
    drill_id = await _plan(safety, org)
    other = await as_role(role)
    assert (await other.get("/drills")).status_code == 403
    assert (await other.get("/drills.csv")).status_code == 403
    assert (await other.get(f"/drills/{drill_id}")).status_code == 404
    await other.post(f"/drills/{drill_id}/start", {"held": "yes"})
    assert (await Drill.get(id=drill_id)).status == DrillStatus.PLANNED


async def test_another_districts_drill_is_not_there(as_role, org, other_org):
    theirs = await as_role("safety", other_org)
    drill_id = await _plan(theirs, other_org)
    mine = await as_role("admin")
    for path in ("", "/start", "/end", "/held", "/cancel"):
        method = mine.get if not path else mine.post
        response = await method(f"/drills/{drill_id}{path}", *([{"held": "yes"}] if path else []))
        assert response.status_code == 404
    assert (await Drill.get(id=drill_id)).status == DrillStatus.PLANNED


async def test_the_calendar_shows_each_schools_standing_and_the_leaders_home_their_drill(
    as_role, org
):
    safety = await as_role("safety")
    await safety.post("/drills/requirements", REQUIREMENTS)
    await _plan(safety, org, leader=org.users["staff"])
    page = html(await safety.get("/drills"))
    rows = page.select("table.drill-standing tbody tr")
    kinds = {row.select("td")[0].text.strip() for row in rows}
    assert kinds == {"Fire", "Lockdown", "Bus evacuation"}  # only what the district requires
    home = html(await (await as_role("staff")).get("/"))
    assert "Lockdown" in home.select_one("#my-drills").text


def _observed(run_id: str, reference: str, room: str, answers: dict, at: datetime) -> list[dict]:
    """An observer's run of one room, as the phone's outbox sends it."""
    started = event(
        "checklist.started",
        run_id=run_id,
        checklist_id="drill-observation",
        version=1,
        context={"incident": reference},
    )
    given = [
        event("checklist.answered", run_id=run_id, item_id=item, value=value)
        for item, value in {"room": room, **answers}.items()
    ]
    for e in [started, *given]:
        e["occurred_at"] = at.isoformat()
    return [started, *given]


async def test_a_drill_asks_for_accounting_and_is_measured_from_taps_and_observers(
    as_role, org, make_client
):
    """The drill's own incident asks the school's teachers to account for their classes (the
    accounting path as it is: the teacher's home, the taps, the live figures); observers'
    runs of one room each join it; the figures come from the server's times of it all."""
    safety = await as_role("safety")
    room_a, kids_a = await small_roster(org, size=2, ask=False)
    other = await User.create(
        organisation=org.organisation,
        name="Second teacher",
        email="second-drill@example.org",
        password_hash=org.users["staff"].password_hash,
        roles=["staff"],
    )
    await other.schools.add(org.school)
    room_b, kids_b = await small_roster(org, teacher=other, size=1, ask=False)
    drill_id = await _plan(safety, org)
    page = html(await safety.get(f"/drills/{drill_id}"))
    assert page.select_one("input[name=accounting]").has_attr("checked")
    start = {"held": "yes", "accounting": "yes"}
    assert (await safety.post(f"/drills/{drill_id}/start", start)).status_code == 303
    drill = await Drill.get(id=drill_id).prefetch_related("incident")
    incident = drill.incident
    assert incident.drill and incident.status == IncidentStatus.ACTIVE
    assert await AccountingCall.exists(incident_id=incident.id)
    # The answers come in on the server's clock: move the alert ten minutes back to time them.
    went_out = datetime.now(UTC) - timedelta(minutes=10)
    await Alert.filter(id=drill.alert_id).update(raised_at=went_out, send_after=None)
    answerer = await AlertRecipient.filter(alert_id=drill.alert_id).order_by("id").first()
    assert answerer is not None
    await AlertRecipient.filter(id=answerer.id).update(
        response="safe", first_responded_at=went_out + timedelta(seconds=20)
    )

    # The teacher's home asks her to account for her class, as in an incident.
    teacher = await as_role("staff")
    home = html(await teacher.get("/"))
    link = home.select_one("#account-for-class a")
    assert link["href"] == f"/incidents/{incident.id}/account"
    assert "DRILL" in link.get_text()
    # While it runs, her phone keeps the observers' checklist (not once it has ended, below).
    kept = json.loads(home.select_one("[data-offline-pages]")["data-offline-pages"])
    assert "/checklists/drill-observation" in kept
    # No real record joins a drill's incident: with the school's real incident closed, a report
    # at the school now is in none.
    await Incident.filter(id=org.incident.id).update(status=IncidentStatus.CLOSED)
    assert await attach(org.organisation.id, org.school.id, LinkKind.REPORT, "r1", now()) is None

    def tapped(klass, student, seconds: int) -> list[dict]:
        taps = [
            event(
                "accounting.marked",
                mark_id=str(uuid.uuid4()),
                incident_id=incident.id,
                class_id=klass.id,
                student_id=student.id,
                mark="present",
            ),
            event(
                "accounting.reported",
                report_id=str(uuid.uuid4()),
                incident_id=incident.id,
                class_id=klass.id,
            ),
        ]
        for e in taps:
            e["occurred_at"] = (went_out + timedelta(seconds=seconds)).isoformat()
        return taps

    assert (await send(teacher, tapped(room_a, kids_a[0], 50))).status_code == 200
    second = make_client()
    await second.sign_in(other)
    # A class reported twice counts from its first report.
    assert (await send(second, tapped(room_b, kids_b[0], 95), "phone-2")).status_code == 200
    assert (await send(second, tapped(room_b, kids_b[0], 130), "phone-2")).status_code == 200
    observer = await as_role("admin")
    rooms = [
        ("Room 12", {"door-locked": True, "lights-off": True, "time-to-secure": 40}),
        ("Gym", {"door-locked": False, "silent": False, "time-to-secure": 75}),
        ("Room 14", {"door-locked": True, "lights-off": True, "time-to-secure": 60}),
    ]
    for room, answers in rooms:
        sent = _observed(str(uuid.uuid4()), incident.reference, room, answers, now())
        results = (await send(observer, sent, "phone-3")).json()["results"]
        assert {r["status"] for r in results} == {"accepted"}
    # A practice run names a failed room too: it counts for nothing.
    practice = _observed(
        str(uuid.uuid4()),
        incident.reference,
        "Library",
        {"silent": False, "time-to-secure": 900},
        now(),
    )
    practice[0]["payload"]["practice"] = True
    await send(observer, practice, "phone-3")

    assert (await safety.post(f"/drills/{drill_id}/end", {"held": "yes"})).status_code == 303
    assert (await Incident.get(id=incident.id)).status == IncidentStatus.CLOSED
    page = html(await safety.get(f"/drills/{drill_id}"))
    measured = {
        row.th.text.strip(): row.td.text.strip() for row in page.select("#figures-title ~ table tr")
    }
    assert measured["First answer"] == "20 seconds"
    assert measured["Classes reported"] == "2 of 2"
    assert measured["Every class accounted for by"] == "95 seconds"
    assert measured["Rooms observed"] == "3"
    assert measured["Rooms that failed a check"] == "1"
    assert page.select_one("#rooms-failed").get_text(" ", strip=True) == "Gym : Door locked, Silent"
    # Time to secure, from the observers' times: the middle room's, and the slowest room.
    assert measured["Half the rooms were secure by"] == "60 seconds"
    assert measured["Slowest room to be secure"] == "Gym: 75 seconds"
    # The dashboard shows the drill among the latest, with its page's figures.
    dashboard = html(await safety.get(f"/metrics?school={org.school.id}"))
    table = dashboard.select_one("#table-drills-latest")
    header = [th.get_text(strip=True) for th in table.select("thead th")]
    (row,) = [
        [c.get_text(strip=True) for c in tr.select("th, td")] for tr in table.select("tbody tr")
    ]
    shown = dict(zip(header, row, strict=True))
    assert shown["School"] == org.school.name and shown["Drill"] == "Lockdown"
    assert shown["First answer (s)"] == measured["First answer"].split()[0] == "20"
    assert shown["Median (s)"] == measured["Half had answered by"].split()[0]
    assert shown["Time to secure, median room (s)"] == "60"
    assert shown["Time to secure, slowest room (s)"] == "75"
    assert shown["Rooms that failed a check"] == "1"
    # With the incident closed, the teacher's phone drops the page.
    assert (await teacher.get(f"/incidents/{incident.id}/account")).status_code == 404
    home = html(await teacher.get("/"))
    kept = json.loads(home.select_one("[data-offline-pages]")["data-offline-pages"])
    assert "/checklists/drill-observation" not in kept

    # The drill's review opens prefilled from its figures, and keeps them measured.
    assert page.select_one("#drill-review")["href"] == f"/reviews/new?drill={drill_id}"
    form = html(await safety.get(f"/reviews/new?drill={drill_id}"))
    assert form.select_one("h1").text.strip() == "Review of the drill"
    assert form.select_one("#title")["value"].startswith("Lockdown drill · ")
    written = form.select_one("#what_happened").text
    assert "every class accounted for by 95 seconds" in written
    assert "rooms that failed a check: 1" in written
    assert "half the rooms by 60 seconds; slowest, Gym, 75 seconds" in written
    assert form.select_one("#to_improve").text.strip() == "Gym: Door locked, Silent"
    saved = await safety.post(
        f"/reviews/new?drill={drill_id}",
        {"title": "", "what_happened": written, "to_improve": "Gym: lock the door"},
    )
    assert saved.status_code == 303
    review = await Review.get(subject_kind=SubjectKind.DRILL, subject_id=str(drill_id))
    assert review.kind == ReviewKind.HOT_WASH
    # The drill's alert and the observers' runs are its incident's: measured with the review.
    assert review.figures["first_answer_s"] == 20 and review.figures["runs"] == 3
    again = await safety.get(f"/reviews/new?drill={drill_id}")
    assert again.status_code == 303 and again.headers["location"].endswith(f"/{review.id}/edit")
    shown = html(await safety.get(f"/reviews/{review.id}"))
    assert shown.select_one(f'a[href="/drills/{drill_id}"]') is not None


async def test_a_drill_started_without_accounting_asks_nobody(as_role, org):
    safety = await as_role("safety")
    drill_id = await _plan(safety, org)
    assert (await safety.post(f"/drills/{drill_id}/start", {"held": "yes"})).status_code == 303
    drill = await Drill.get(id=drill_id)
    assert drill.incident_id is not None
    assert not await AccountingCall.exists(incident_id=drill.incident_id)
    page = html(await safety.get(f"/drills/{drill_id}"))
    assert page.select_one("#accounting-panel") is None
    observe = page.select_one("#observe")["href"]
    reference = (await Incident.get(id=drill.incident_id)).reference
    assert observe == f"/checklists/drill-observation?incident={reference}"
    # The drill's own incident calls no crisis team out: that would be a real alert.
    live = html(await safety.get(f"/incidents/{drill.incident_id}"))
    assert live.select_one("#callout-form") is None and live.select_one("#start-case") is None
    callout = await safety.post(f"/incidents/{drill.incident_id}/callout", {"confirm": "yes"})
    assert callout.status_code == 403


async def test_a_drill_goes_by_sms_only_when_its_start_form_asks(as_role, org, on, gateway):
    """Drills send no SMS unless the drill asks (issue 21): the start form's box, carried to the
    DRILL alert, and the SMS marked DRILL like every other surface."""
    driver = org.users["driver"]  # at the drill's school, no phone with push
    driver.verified_phone = "+15550107777"
    await driver.save()
    safety = await as_role("safety")
    quiet, texted = await _plan(safety, org), await _plan(safety, org)
    box = html(await safety.get(f"/drills/{quiet}")).select_one("form input[name=sms]")
    assert box is not None and not box.has_attr("checked")  # off unless ticked

    await safety.post(f"/drills/{quiet}/start", {"held": "yes", "accounting": "yes"})
    await safety.post(f"/drills/{texted}/start", {"held": "yes", "sms": "yes"})
    quiet_alert = await Alert.get(id=(await Drill.get(id=quiet)).alert_id)
    texted_alert = await Alert.get(id=(await Drill.get(id=texted)).alert_id)
    assert quiet_alert.drill and not quiet_alert.drill_sms
    assert texted_alert.drill and texted_alert.drill_sms
    assert not await Message.filter(alert_id=quiet_alert.id, channel="sms").exists()
    assert await Message.filter(alert_id=texted_alert.id, channel="sms").values_list(
        "user_id", flat=True
    ) == [driver.id]
    async with sender(Channel.SMS, on) as running:
        await running.run_until_idle([texted_alert.id])
    [text] = [m.body for m in gateway.to(driver.verified_phone)]
    assert text.startswith("DRILL: Lockdown.")


async def test_the_leader_is_reminded_by_push_the_day_before_once(as_role, org):
    """On the district's calendar: nothing two days before or early on the day before; from
    nine that morning one "Message" alert to the leader alone, queued for the push worker on
    their phone; a second pass reminds nobody. A leader who planned it themselves is reached
    too (the alert path leaves out its sender)."""
    tz = ZoneInfo("America/Los_Angeles")
    safety = await as_role("safety")
    leader = org.users["staff"]
    day = date.today() + timedelta(days=5)
    drill_id = await _plan(safety, org, day=day, leader=leader)
    own_id = await _plan(safety, org, kind="fire", day=day, leader=org.users["safety"])
    talked = {"school": org.school.id, "kind": "tabletop", "planned_on": day.isoformat()}
    planned = await safety.post(
        "/drills", {**talked, "scenario": "bomb-threat-call", "leader": org.users["admin"].id}
    )
    tabletop_id = int(planned.headers["location"].rstrip("/").split("/")[-1])
    await PushSubscription.create(
        organisation_id=org.organisation.id,
        user=leader,
        endpoint=f"https://push.example.com/drill-{org.organisation.id}",
        p256dh="B" * 87,
        auth="A" * 22,
    )

    def at(days_before: int, hour: int, minute: int = 0) -> datetime:
        local = datetime.combine(day - timedelta(days=days_before), time(hour, minute), tz)
        return local.astimezone(UTC)

    assert await remind_due(at(2, 10), tz) == []
    assert await remind_due(at(1, 8, 59), tz) == []
    raised = await remind_due(at(1, 9), tz)
    assert len(raised) == 3
    tabletop = next(a for a in raised if a.source["drill_id"] == tabletop_id)
    assert tabletop.title == f"Tabletop exercise tomorrow at {org.school.name}"
    assert tabletop.message == "You lead it. Its page has the button that starts the exercise."
    mine = next(a for a in raised if a.source["drill_id"] == drill_id)
    assert mine.kind == "custom" and not mine.drill
    assert mine.title == f"Drill tomorrow: Lockdown at {org.school.name}"
    assert await AlertRecipient.filter(alert_id=mine.id).values_list("user_id", flat=True) == [
        leader.id
    ]
    assert await Delivery.filter(alert_id=mine.id, user_id=leader.id).count() == 1
    own = next(a for a in raised if a.source["drill_id"] == own_id)
    assert await AlertRecipient.filter(alert_id=own.id).values_list("user_id", flat=True) == [
        org.users["safety"].id
    ]
    assert await remind_due(at(1, 15), tz) == []  # once
    assert (await Drill.get(id=drill_id)).reminded_at == at(1, 9)


async def test_the_reminder_time_is_the_districts_drill_setting(as_role, org):
    """09:00 unless the district sets another on the requirements page; the watch reminds from
    that time on the district's clock, and a time that is not one is refused."""
    tz = ZoneInfo("America/Los_Angeles")
    safety = await as_role("safety")
    form = html(await safety.get("/drills/requirements"))
    assert form.select_one("input#remind_at")["value"] == "09:00"
    assert form.select_one("input#remind_at")["type"] == "time"
    response = await safety.post("/drills/requirements", {**REQUIREMENTS, "remind_at": "06:45"})
    assert response.status_code == 303
    form = html(await safety.get("/drills/requirements"))
    assert form.select_one("input#remind_at")["value"] == "06:45"
    refused = await safety.post("/drills/requirements", {**REQUIREMENTS, "remind_at": "25:00"})
    assert refused.status_code == 422
    day = date.today() + timedelta(days=5)
    drill_id = await _plan(safety, org, day=day, leader=org.users["staff"])

    def at(hour: int, minute: int) -> datetime:
        return datetime.combine(day - timedelta(days=1), time(hour, minute), tz).astimezone(UTC)

    assert await remind_due(at(6, 44), tz) == []
    raised = await remind_due(at(6, 45), tz)
    assert [a.source["drill_id"] for a in raised] == [drill_id]


async def test_a_tabletop_exercise_is_planned_on_the_calendar_and_counts_where_required(
    as_role, org
):
    """A dated item of its own kind with its scenario and leader, beside the drills; never
    alerted, started as an exercise from its page and held when that exercise is finished; it
    counts only once the district requires tabletop exercises."""
    safety = await as_role("safety")
    await safety.post("/drills/requirements", REQUIREMENTS)  # no tabletop exercises required
    day = (date.today() + timedelta(days=4)).isoformat()
    base = {"school": org.school.id, "kind": "tabletop", "planned_on": day}
    refused = await safety.post("/drills", base)
    assert refused.status_code == 422 and html(refused).select_one("#scenario-error")
    unknown = await safety.post("/drills", {**base, "scenario": "alien-landing"})
    assert unknown.status_code == 422
    leader = org.users["admin"]
    planned = {**base, "scenario": "bomb-threat-call", "leader": leader.id}
    response = await safety.post("/drills", planned)
    assert response.status_code == 303
    drill = await Drill.get(id=int(response.headers["location"].rstrip("/").split("/")[-1]))
    assert drill.kind == DrillKind.TABLETOP and drill.scenario == "bomb-threat-call"
    # A drill's kind keeps no scenario.
    lockdown = await Drill.get(id=await _plan(safety, org, day=date.today() + timedelta(days=4)))
    assert lockdown.scenario is None

    calendar = html(await safety.get("/drills"))
    card = next(li for li in calendar.select("#drills-title ~ ul li") if "Tabletop" in li.text)
    assert "Tabletop exercise: A bomb threat by phone at the front office" in card.text
    assert f"Led by {leader.name}" in card.text
    kinds = [tr.select("td")[0].text for tr in calendar.select("table.drill-standing tbody tr")]
    assert "Tabletop exercise" not in kinds  # not required: it only shows
    page = html(await safety.get(f"/drills/{drill.id}"))
    start = page.select_one('form[action="/exercises"]')
    assert start.select_one("input[name=scenario]")["value"] == "bomb-threat-call"
    assert page.select_one("[data-hold-form]") is None  # never alerted
    assert "Cancel this exercise" in page.select_one('form[action$="/cancel"]').text
    assert (await safety.post(f"/drills/{drill.id}/start", {"held": "yes"})).status_code == 303
    assert (await Drill.get(id=drill.id)).alert_id is None

    await safety.post("/drills/requirements", {**REQUIREMENTS, "per_year_tabletop": "1"})
    calendar = html(await safety.get("/drills"))
    row = next(
        tr
        for tr in calendar.select("table.drill-standing tbody tr")
        if tr.th.text == org.school.name and tr.select("td")[0].text == "Tabletop exercise"
    )
    assert row.select("td")[2].text.strip().startswith("0 of 1")
    # Run from its page: the exercise it starts is the one planned, and finishing it holds it.
    start = {i["name"]: i["value"] for i in start.select("input[type=hidden]")}
    assert start["drill"] == str(drill.id)
    wrong = await safety.post("/exercises", {**start, "scenario": "vehicle-following-bus"})
    assert wrong.status_code == 422
    started = await safety.post("/exercises", start)
    assert started.status_code == 303
    exercise = started.headers["location"].rstrip("/").split("/")[-1]
    assert (await Drill.get(id=drill.id)).status == DrillStatus.PLANNED  # until it is finished
    assert (await safety.post(f"/exercises/{exercise}/finish", {})).status_code == 303
    held = await Drill.get(id=drill.id)
    assert held.status == DrillStatus.HELD and held.held_on is not None
    calendar = html(await safety.get("/drills"))
    row = next(
        tr
        for tr in calendar.select("table.drill-standing tbody tr")
        if tr.th.text == org.school.name and tr.select("td")[0].text == "Tabletop exercise"
    )
    assert row.select("td")[2].text.strip().startswith("1 of 1")
