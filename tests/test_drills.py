"""Drills: the compliance rules at the school year's and the early window's edges, the
district's requirements, planning, a drill started as a DRILL alert to its school and ended
with its all clear (measured from the real answers), one recorded as held, who may do what,
the CSV for the state, and another district's drills out of reach."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from server.alerts.models import Alert, AlertRecipient
from server.drills.models import Drill, DrillKind, DrillRequirement, DrillStatus
from server.drills.rules import Rule, State, school_year, standing
from server.models import AuditLog
from tests.helpers import html

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
