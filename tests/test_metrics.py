"""The safety metrics dashboard: each figure against hand-built records (practice never counts,
the spike rule at its boundary, weeks on the district's calendar), the CSVs, who may see it and
that a district sees only its own."""

from __future__ import annotations

import csv
import io
import uuid
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from server.alerts.audience import Audience
from server.alerts.models import AlertRecipient
from server.alerts.service import raise_alert
from server.cases.models import Case, Level, SourceKind, Stage
from server.checklists.models import ChecklistRun
from server.concerns.models import Concern, HowKnown
from server.drills.models import Drill, DrillKind, DrillRequirement, DrillStatus
from server.metrics.service import spike
from server.models import Role, School
from server.reports.models import PositionSource, Report, ReportKind
from server.reviews.models import ActionStatus, ImprovementAction
from server.tips.models import Reporter, Tip
from server.training.models import Attendance, TrainingSession
from server.training.models import Audience as TrainingAudience
from server.trips.models import Trip, TripOverdue
from tests.helpers import configured, event, html

LA = ZoneInfo("America/Los_Angeles")


def la(*parts: int) -> datetime:
    """A moment on a Los Angeles district's clock."""
    return datetime(*parts, tzinfo=LA)


async def _report(org, school, seen_at: datetime, kind=ReportKind.PERSON, who=None) -> None:
    await Report.create(
        id=uuid.uuid4(),
        organisation=org.organisation,
        reported_by=who or org.users["driver"],
        kind=kind,
        activity="Watching the gate",
        seen_at=seen_at,
        latitude=38.578,
        longitude=-121.489,
        position_source=PositionSource.DEVICE,
        school=school,
    )


def _table(page, key: str) -> list[list[str]]:
    """A figure's table as the page shows it: its header, then its rows."""
    table = page.select_one(f"#table-{key}")
    assert table is not None, key
    return [
        [cell.get_text(strip=True) for cell in tr.select("th, td")] for tr in table.select("tr")
    ]


def _csv(response) -> list[list[str]]:
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/csv")
    return list(csv.reader(io.StringIO(response.text)))


async def test_reports_count_by_the_district_s_weeks_and_kinds(app, org, other_org, as_role):
    # Sunday 23:30 in Los Angeles is Monday in UTC: it is the week before's.
    await _report(org, org.school, la(2026, 10, 11, 23, 30), ReportKind.PERSON)
    await _report(org, org.school, la(2026, 10, 12, 0, 30), ReportKind.VEHICLE)
    await _report(org, org.other_school, la(2026, 10, 13, 9), ReportKind.ITEM)
    await _report(org, org.school, la(2026, 10, 19, 0, 1), ReportKind.ITEM)  # after the range
    await _report(other_org, other_org.school, la(2026, 10, 12, 9))  # another district's
    safety = await as_role("safety")
    with configured(app, timezone="America/Los_Angeles"):
        page = html(await safety.get("/metrics?from=2026-10-05&to=2026-10-18"))
        rows = _table(page, "reports-over-time")
        assert rows[0][0] == "Week from" and rows[0][-1] == "Total"
        assert rows[1] == ["2026-10-05", "1", "0", "0", "0", "0", "1"]
        assert rows[2] == ["2026-10-12", "0", "1", "0", "1", "0", "2"]
        by_school = _table(page, "reports-by-school")
        assert by_school[1] == [org.school.name, "1", "1", "0", "0", "0", "2"]
        assert by_school[2] == [org.other_school.name, "0", "0", "0", "1", "0", "1"]
        chart = page.select_one("#chart-reports-title").find_parent("svg")
        assert chart["role"] == "img" and chart.select_one("desc").get_text()
        assert len(chart.select("rect")) == 3  # three kinds in bars, nothing else
        # One school: the other school's item is gone.
        one = html(
            await safety.get(f"/metrics?from=2026-10-05&to=2026-10-18&school={org.school.id}")
        )
        assert _table(one, "reports-over-time")[2] == ["2026-10-12", "0", "1", "0", "0", "0", "1"]
        assert len(_table(one, "reports-by-school")) == 2
        # The CSV holds the same numbers for the same filters.
        got = _csv(await safety.get("/metrics/reports-over-time.csv?from=2026-10-05&to=2026-10-18"))
        assert got == [
            [
                "Week from",
                "A person",
                "A vehicle",
                "A person with a vehicle",
                "An item left behind",
                "Something someone did",
                "Total",
            ],
            ["2026-10-05", "1", "0", "0", "0", "0", "1"],
            ["2026-10-12", "0", "1", "0", "1", "0", "2"],
        ]
    # In UTC the same Sunday evening is the next week's.
    page = html(await safety.get("/metrics?from=2026-10-05&to=2026-10-18"))
    assert _table(page, "reports-over-time")[2][-1] == "3"


def test_the_spike_rule_at_its_boundary():
    assert spike(3, 12)  # 3 a week against 1.5 a week: exactly twice
    assert not spike(3, 13)  # 3 against 1.625: just under twice
    assert spike(3, 0)
    assert not spike(2, 0)  # too few to call a spike, whatever the weeks before
    assert spike(40, 160) and not spike(40, 161)


async def test_a_spike_is_this_week_against_the_school_s_eight_weeks(app, org, as_role):
    third = await School.create(
        organisation=org.organisation, name=f"Washington {uuid.uuid4().hex[:6]}"
    )
    monday = la(
        2026, 10, 12, 8
    )  # this week: Monday 12 to Wednesday 14 October (the last day shown)
    for n in range(12):  # 12 in the 8 weeks before, the last on Sunday night
        await _report(org, org.school, la(2026, 10, 11, 23, 30) - timedelta(days=4 * n))
    for n in range(13):
        await _report(org, org.other_school, monday - timedelta(days=1 + 4 * n))
    for school in (org.school, org.other_school):
        for n in range(3):
            await _report(org, school, monday + timedelta(days=n))
    await _report(org, org.school, la(2026, 8, 16, 23))  # the week before the 8: not counted
    await _report(org, org.other_school, la(2026, 10, 15, 9))  # after the last day shown
    for n in range(2):
        await _report(org, third, monday + timedelta(hours=n))
    safety = await as_role("safety")
    with configured(app, timezone="America/Los_Angeles"):
        page = html(await safety.get("/metrics?from=2026-10-01&to=2026-10-14"))
    rows = _table(page, "reports-spike")
    assert rows[0] == ["School", "This week", "8 weeks before", "Weekly average", "Spike"]
    by_name = {row[0]: row for row in rows[1:]}
    assert by_name[org.school.name] == [org.school.name, "3", "12", "1.5", "Spike"]
    assert by_name[org.other_school.name] == [org.other_school.name, "3", "13", "1.6", ""]
    assert by_name[third.name] == [third.name, "2", "0", "0.0", ""]
    marked = page.select("#table-reports-spike tr.marked th")
    assert [m.get_text() for m in marked] == [org.school.name]
    signals = [p.get_text() for p in page.select("#figure-reports .metric-signal")]
    assert signals == [f"Spike at {org.school.name}: 3 reports this week, 1.5 a week before."]
    assert "at least twice its weekly average over the 8 weeks before" in page.get_text()


async def _drill(org, raised_at: datetime, **extra):
    return await raise_alert(
        organisation_id=org.organisation.id,
        raised_by_id=org.users["admin"].id,
        kind="lockdown",
        audience=Audience(school_ids=[org.school.id]),
        raised_at=raised_at,
        **extra,
    )


async def _answer(as_role, alert, role: str, at: datetime, skew: timedelta) -> None:
    """``role`` answers ``alert`` at ``at`` (the server's time) from a phone ``skew`` fast."""
    phone = await as_role(role)
    ack = event("alert.acknowledged", alert_id=str(alert.id), response="safe")
    ack["occurred_at"] = (at + skew).isoformat()
    sent = (datetime.now(UTC) + skew).isoformat()
    response = await phone.http.post(
        "/api/sync",
        json={"device_id": f"{role}-phone", "sent_at": sent, "events": [ack]},
        headers={"X-CSRF-Token": phone.csrf},
    )
    assert response.json()["results"][0]["status"] == "accepted", response.text


def _about(shown: list[str], seconds: list[float]) -> None:
    """Figures as shown, each within 2 s of what was meant (a request may take that long to
    reach the server on a loaded machine, and the phone's clock is judged on arrival)."""
    assert all(abs(float(a) - b) <= 2 for a, b in zip(shown, seconds, strict=True)), shown


async def test_drill_figures_from_drill_alerts_and_server_corrected_answers(org, as_role):
    start = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=2)
    first = await _drill(org, start, drill=True)
    fast = timedelta(minutes=7)  # the staff member's phone is 7 minutes fast
    await _answer(as_role, first, "staff", start + timedelta(seconds=30), fast)
    await _answer(as_role, first, "driver", start + timedelta(seconds=60), -fast)
    await _answer(as_role, first, "office", start + timedelta(seconds=90), timedelta(0))
    second = await _drill(org, start + timedelta(minutes=30), drill=True)
    for role, s in (("staff", 10), ("driver", 20), ("office", 40)):
        await _answer(as_role, second, role, second.raised_at + timedelta(seconds=s), fast)
    # Never counted: a practice drill, a real lockdown, a drill undone in its undo time.
    practice = await _drill(org, start + timedelta(minutes=5), drill=True, practice=True)
    real = await _drill(org, start + timedelta(minutes=6))
    await _answer(as_role, real, "staff", real.raised_at + timedelta(seconds=1), timedelta(0))
    undone = await _drill(org, start + timedelta(minutes=7), drill=True)
    await undone.filter(id=undone.id).update(cancelled_at=undone.raised_at)
    assert not await AlertRecipient.filter(alert_id=practice.id).exists()

    safety = await as_role("safety")
    day = start.date()
    query = f"from={day - timedelta(days=1)}&to={day + timedelta(days=1)}"
    page = html(await safety.get(f"/metrics?{query}"))
    rows = _table(page, "drills-over-time")
    assert rows[0] == [
        "Week from",
        "Drills",
        "Answers",
        "First answer (s)",
        "Median (s)",
        "90th percentile (s)",
    ]
    week = [row for row in rows[1:] if row[1] != "0"]
    # Two drills: the middle of (30, 10) s to the first answer, of (60, 20) and of (90, 40);
    # the phones' 7 minutes taken off (what remains is the request's own time on a busy machine).
    assert len(week) == 1 and week[0][1:3] == ["2", "6"]
    _about(week[0][3:], [20, 40, 65])
    schools = {row[0]: row[1:] for row in _table(page, "drills-by-school")[1:]}
    assert schools[org.school.name][:2] == ["2", "6"]
    _about(schools[org.school.name][2:], [20, 40, 65])
    assert schools[org.other_school.name] == ["0", "0", "—", "—", "—"]
    # One school and one day: the same two drills.
    only = html(await safety.get(f"/metrics?from={day}&to={day}&school={org.school.id}"))
    _about(_table(only, "drills-over-time")[1][3:], [20, 40, 65])
    got = _csv(await safety.get(f"/metrics/drills-by-school.csv?{query}"))
    assert [org.other_school.name, "0", "0", "", "", ""] in got
    assert page.select("#chart-drills-title")[0].find_parent("svg").select("polyline")


async def _run(org, role: str, checklist: str, started_at: datetime, **extra) -> ChecklistRun:
    return await ChecklistRun.create(
        id=uuid.uuid4(),
        organisation=org.organisation,
        user=org.users[role],
        school=extra.pop("school", org.school),
        checklist_id=checklist,
        checklist_version=1,
        started_at=started_at,
        **extra,
    )


async def test_checklist_completion_skipped_steps_and_bus_checks_by_week(app, org, as_role):
    skipped = [{"item_id": "fire-extinguisher", "reason": "Gauge unreadable"}]
    sunday = la(2026, 10, 11, 23, 30)  # the week of 5 October, though Monday in UTC
    await _run(
        org,
        "driver",
        "bus-pre-route",
        sunday,
        context={"bus_number": "14"},
        completed_at=sunday + timedelta(minutes=9),
        skipped=skipped * 2,
    )
    monday = la(2026, 10, 12, 6)
    await _run(
        org,
        "driver",
        "bus-pre-route",
        monday,
        context={"bus_number": "14"},
        completed_at=monday + timedelta(minutes=8),
    )
    await _run(
        org,
        "driver",
        "bus-pre-route",
        monday,
        context={"bus_number": "9"},
        completed_at=monday + timedelta(minutes=8),
    )
    await _run(
        org, "driver", "bus-pre-route", monday + timedelta(days=1), context={"bus_number": "14"}
    )  # started, never completed
    # Never counted: a practice run, a run discarded on purpose.
    await _run(
        org,
        "driver",
        "bus-pre-route",
        monday,
        context={"bus_number": "14"},
        completed_at=monday,
        practice=True,
        skipped=skipped,
    )
    await _run(
        org, "driver", "bus-pre-route", monday, context={"bus_number": "14"}, discarded_at=monday
    )
    await _run(org, "staff", "bleeding-control", monday, completed_at=monday, skipped=skipped)
    safety = await as_role("safety")
    with configured(app, timezone="America/Los_Angeles"):
        page = html(await safety.get("/metrics?from=2026-10-05&to=2026-10-18"))
        got = _csv(await safety.get("/metrics/buses.csv?from=2026-10-05&to=2026-10-18"))
    rows = {row[0]: row[1:] for row in _table(page, "checklists")[1:]}
    assert rows["Before the route"] == ["4", "3", "75.0", "2"]
    assert rows["Bleeding control"] == ["1", "1", "100.0", "1"]
    driver = org.users["driver"].name
    assert _table(page, "buses") == [
        ["Bus", "Driver", "2026-10-05", "2026-10-12", "Critical steps skipped"],
        ["14", driver, "1", "1", "2"],
        ["9", driver, "0", "1", "0"],
    ]
    assert [m.get_text() for m in page.select("#table-buses tr.marked th")] == ["14"]
    assert got[1:] == [["14", driver, "1", "1", "2"], ["9", driver, "0", "1", "0"]]


async def test_trips_overdue_and_improvement_actions(org, as_role):
    day = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=3)
    trip = await Trip.create(
        organisation=org.organisation,
        school=org.other_school,
        name="Zoo",
        starts_at=day,
        ends_at=day + timedelta(hours=5),
        created_by=org.users["admin"],
    )
    for n, expected in enumerate(("stop-1", "back")):
        await TripOverdue.create(
            trip=trip, expected=expected, due_at=day + timedelta(hours=n + 1), alerted_at=day
        )
    today = datetime.now(UTC).date()
    for due, status in ((-1, ActionStatus.OPEN), (-3, ActionStatus.DONE), (2, ActionStatus.OPEN)):
        await ImprovementAction.create(
            organisation=org.organisation,
            description="Lock the side gate",
            owner=org.users["staff"],
            due_on=today + timedelta(days=due),
            status=status,
            created_at=datetime.now(UTC),
        )
    safety = await as_role("safety")
    query = f"from={today - timedelta(days=1)}&to={today}"
    page = html(await safety.get(f"/metrics?{query}"))
    schools = {row[0]: row[1:] for row in _table(page, "trips-by-school")[1:]}
    assert schools[org.other_school.name] == ["1", "1", "2"]
    assert sum(int(row[1]) for row in _table(page, "trips-over-time")[1:]) == 1
    assert sum(int(row[2]) for row in _table(page, "trips-over-time")[1:]) == 2
    # Open: the fixture's own action and two of these; overdue: the one due yesterday.
    assert _table(page, "actions-now") == [["Open", "Overdue"], ["3", "1"]]
    assert "1 improvement action is overdue." in page.get_text()


async def test_only_the_safety_team_and_admins_see_it(org, as_role, client):
    for role in ("admin", "safety"):
        assert (await (await as_role(role)).get("/metrics")).status_code == 200
    for role in ("staff", "driver", "office", "dispatch"):
        c = await as_role(role)
        assert (await c.get("/metrics")).status_code == 403
        assert (await c.get("/metrics/reports-over-time.csv")).status_code == 403
    anonymous = await client.get("/metrics")
    assert anonymous.status_code in (302, 303) and "/sign-in" in anonymous.headers["location"]


async def test_a_district_sees_only_its_own(org, other_org, as_role):
    await _report(other_org, other_org.school, datetime.now(UTC) - timedelta(minutes=5))
    safety = await as_role("safety")
    # Another district's school is no school of ours: 404, never its figures.
    assert (await safety.get(f"/metrics?school={other_org.school.id}")).status_code == 404
    assert (await safety.get(f"/metrics/buses.csv?school={other_org.school.id}")).status_code == 404
    page = html(await safety.get("/metrics"))
    totals = [row[-1] for row in _table(page, "reports-over-time")[1:]]
    assert sum(int(t) for t in totals) == 1  # the fixture's own report, not the other's
    names = [row[0] for row in _table(page, "reports-by-school")[1:]]
    assert other_org.school.name not in names


async def test_filters_that_cannot_be_used(org, as_role):
    safety = await as_role("safety")
    for query in ("school=abc", "school=0", "school=99999999999"):
        assert (await safety.get(f"/metrics?{query}")).status_code == 404, query
    assert (await safety.get("/metrics/nothing.csv")).status_code == 404
    # Days the wrong way round are turned round; a range over five years shows its last five.
    page = html(await safety.get("/metrics?from=2026-10-18&to=2026-10-05"))
    assert page.select_one("#f-from")["value"] == "2026-10-05"
    page = html(await safety.get("/metrics?from=2000-01-01&to=2026-10-05"))
    assert page.select_one("#f-from")["value"] == "2021-10-01"
    assert "longer than five years" in page.get_text()
    rows = _table(page, "reports-over-time")
    assert rows[0][0] == "Month" and rows[1][0] == "2021-10" and rows[-1][0] == "2026-10"
    assert date.fromisoformat(page.select_one("#f-to")["value"]) == date(2026, 10, 5)


async def _concern(org, school, at: datetime, danger_now: bool = False) -> None:
    await Concern.create(
        id=uuid.uuid4(),
        organisation=org.organisation,
        raised_by=org.users["staff"],
        school=school,
        what="Said he would sort them out",
        place="Bus 14",
        happened_at=at,
        how_known=HowKnown.HEARD,
        danger_now=danger_now,
        raised_at=at,
    )


async def _tip(org, school, at: datetime, urgent: bool = False) -> None:
    tip = await Tip.create(
        id=uuid.uuid4(),
        organisation=org.organisation,
        school=school,
        urgent=urgent,
        what="Posted a picture of a knife",
        reporter=Reporter.SOMEONE,
        code_hash=uuid.uuid4().hex,
    )
    await Tip.filter(id=tip.id).update(received_at=at.astimezone(UTC))  # auto_now_add: after


async def _case(org, school, at: datetime, **extra) -> None:
    await Case.create(
        organisation=org.organisation,
        school=school,
        source_kind=SourceKind.CONCERN,
        subject="Not a name the dashboard may show",
        opened_at=at,
        **extra,
    )


async def test_threat_assessment_counts_by_week_and_school_never_names(
    app, org, other_org, as_role
):
    await _concern(org, org.school, la(2026, 10, 6, 10), danger_now=True)
    await _concern(org, None, la(2026, 10, 13, 9))  # named no school
    await _concern(org, org.school, la(2026, 9, 1, 9))  # before the range
    await _concern(other_org, other_org.school, la(2026, 10, 6, 10), danger_now=True)
    await _tip(org, org.other_school, la(2026, 10, 7, 20), urgent=True)
    await _tip(org, org.other_school, la(2026, 10, 19, 0, 30))  # the day after the range
    await _case(org, org.school, la(2026, 10, 8, 8), level=Level.TRANSIENT, stage=Stage.ASSESSMENT)
    closed = la(2026, 10, 14, 8)
    await _case(
        org,
        org.other_school,
        closed,
        level=Level.VERY_SERIOUS,
        stage=Stage.CLOSED,
        closed_at=closed,
    )
    await _case(other_org, other_org.school, la(2026, 10, 8, 8))
    safety = await as_role("safety")
    query = "from=2026-10-05&to=2026-10-18"
    with configured(app, timezone="America/Los_Angeles"):
        page = html(await safety.get(f"/metrics?{query}"))
        got = _csv(await safety.get(f"/metrics/threats-by-school.csv?{query}"))
        one = html(await safety.get(f"/metrics?{query}&school={org.other_school.id}"))
    assert _table(page, "threats-over-time") == [
        ["Week from", "Concerns", "In danger now", "Tips", "Urgent tips", "Cases opened"],
        ["2026-10-05", "1", "1", "1", "1", "1"],
        ["2026-10-12", "1", "0", "0", "0", "1"],
    ]
    by_school = [
        [org.school.name, "1", "1", "0", "0", "1", "1", "0", "0", "0"],
        [org.other_school.name, "0", "0", "1", "1", "1", "0", "0", "1", "0"],
        ["No school named", "1", "0", "0", "0", "0", "0", "0", "0", "0"],
    ]
    assert _table(page, "threats-by-school")[1:] == by_school
    assert got[0][0] == "School" and got[0][-1] == "Not yet assessed" and got[1:] == by_school
    # Open today: the fixture's case and the transient one, not the closed one.
    facts = page.select_one("#figure-threats .metric-facts").get_text(" ", strip=True)
    assert facts == "Cases open today 2"
    assert "Not a name the dashboard may show" not in page.get_text()
    assert org.users["staff"].name not in page.select_one("#figure-threats").get_text()
    assert _table(one, "threats-by-school")[1:] == [by_school[1]]
    assert _table(one, "threats-over-time")[1:] == [
        ["2026-10-05", "0", "0", "1", "1", "0"],
        ["2026-10-12", "0", "0", "0", "0", "1"],
    ]


async def test_drill_compliance_per_school_and_kind_in_the_school_year(org, other_org, as_role):
    for kind, per_year, early in ((DrillKind.LOCKDOWN, 2, 1), (DrillKind.FIRE, 1, 0)):
        await DrillRequirement.create(
            organisation=org.organisation,
            kind=kind,
            per_year=per_year,
            early_count=early,
            early_days=60 if early else None,
        )

    async def drill(school, kind, day: date, status=DrillStatus.HELD, who=org) -> None:
        await Drill.create(
            organisation=who.organisation,
            school=school,
            kind=kind,
            planned_on=day,
            held_on=day if status == DrillStatus.HELD else None,
            status=status,
            planned_by=who.users["safety"],
        )

    # The school year 2025-08-01 to 2026-07-31 (the district's starts in August), long past.
    await drill(org.school, DrillKind.LOCKDOWN, date(2025, 9, 29))  # the early window's last day
    await drill(org.school, DrillKind.LOCKDOWN, date(2026, 2, 10))
    await drill(org.school, DrillKind.FIRE, date(2025, 8, 1))
    await drill(org.school, DrillKind.FIRE, date(2025, 7, 31))  # the year before
    await drill(org.other_school, DrillKind.LOCKDOWN, date(2025, 9, 30))  # a day too late
    await drill(org.other_school, DrillKind.LOCKDOWN, date(2026, 3, 1), DrillStatus.CANCELLED)
    await drill(org.other_school, DrillKind.FIRE, date(2026, 5, 1), DrillStatus.PLANNED)  # missed
    await drill(other_org.school, DrillKind.FIRE, date(2026, 5, 1), who=other_org)
    safety = await as_role("safety")
    query = "from=2026-06-01&to=2026-06-30"
    page = html(await safety.get(f"/metrics?{query}"))
    got = _csv(await safety.get(f"/metrics/compliance.csv?{query}"))
    assert _table(page, "compliance") == [
        ["School", "Drill", "Held", "Required", "Held early", "Required early", "Planned", "State"],
        [org.school.name, "Fire", "1", "1", "—", "—", "0", "Done"],
        [org.school.name, "Lockdown", "2", "2", "1", "1", "0", "Done"],
        [org.other_school.name, "Fire", "0", "1", "—", "—", "0", "Overdue"],
        [org.other_school.name, "Lockdown", "1", "2", "0", "1", "0", "Overdue"],
    ]
    marked = page.select("#table-compliance tr.marked th")
    assert [m.get_text() for m in marked] == [org.other_school.name] * 2
    assert got[1] == [org.school.name, "Fire", "1", "1", "", "", "0", "Done"]
    assert len(got) == 5
    assert "2025-08-01 to 2026-07-31" in page.select_one("#figure-compliance").get_text()
    # The next year: the fixture's lockdown planned in a week is still to come.
    page = html(await safety.get(f"/metrics?school={org.school.id}"))
    rows = _table(page, "compliance")[1:]
    assert rows[1][:3] == [org.school.name, "Lockdown", "0"] and rows[1][6] == "1"


async def test_training_coverage_by_week_and_school(app, org, as_role):
    async def session(school, at: datetime, people, names=(), practice=False) -> None:
        held = await TrainingSession.create(
            id=uuid.uuid4(),
            organisation=org.organisation,
            trainer=org.spare,
            lesson="bus-security",
            audience=TrainingAudience.TEACHERS,
            school=school,
            held_at=at,
            recorded_at=at,
            practice=practice,
        )
        for role in people:
            await Attendance.create(session=held, person=org.users[role])
        for name in names:
            await Attendance.create(session=held, name=name)

    await session(org.school, la(2026, 10, 6, 15), ["staff", "driver"], ["Ana Parent"])
    await session(None, la(2026, 10, 13, 9), ["admin"])  # at the bus depot
    await session(org.school, la(2026, 10, 7, 15), ["office"], practice=True)  # never counts
    await session(org.other_school, la(2026, 9, 1, 15), ["dispatch"])  # before the range
    safety = await as_role("safety")
    query = "from=2026-10-05&to=2026-10-18"
    with configured(app, timezone="America/Los_Angeles"):
        page = html(await safety.get(f"/metrics?{query}"))
        got = _csv(await safety.get(f"/metrics/training-by-school.csv?{query}"))
    assert _table(page, "training-over-time") == [
        ["Week from", "Sessions", "Attended"],
        ["2026-10-05", "1", "3"],
        ["2026-10-12", "1", "1"],
    ]
    staff = len(Role)  # the fixture's people of each role belong to the school
    share = f"{round(100 * 3 / staff, 1)}"
    assert _table(page, "training-by-school")[1:] == [
        [org.school.name, "1", "3", "3", str(staff), share],
        [org.other_school.name, "0", "0", "0", "0", "—"],
        ["District-wide (no school)", "1", "1", "—", "—", "—"],
    ]
    assert got[1] == [org.school.name, "1", "3", "3", str(staff), share]
    assert got[3] == ["District-wide (no school)", "1", "1", "", "", ""]
