"""The incident timeline assembled from everything linked (issue 16): missing and found students
with their trip's check-ins and headcounts, reports, checklist steps; and the paths that open or
join an incident besides an emergency alert: a missing student, "need help", the panic button and
a report the safety team escalates."""

from __future__ import annotations

import csv
import io
import uuid
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from server.alerts.audience import Audience
from server.alerts.service import raise_alert
from server.incidents.models import Incident, IncidentLink, IncidentStatus, LinkKind
from server.models import AuditLog
from server.reports.models import Report
from server.trips.models import LostStudent
from tests.helpers import (
    CAMPUS,
    NEAR_CAMPUS,
    WORDS,
    event,
    file,
    filed,
    html,
    lost_student,
    moved,
    send,
    threat_call,
)


def _items(page, only: str = "") -> list[str]:
    selector = f"#timeline li.timeline-{only}" if only else "#timeline li"
    return [" ".join(li.get_text(" ").split()) for li in page.select(selector)]


async def _page(client, incident_id: int, only: str = ""):
    url = f"/incidents/{incident_id}" + (f"?only={only}" if only else "")
    response = await client.get(url)
    assert response.status_code == 200
    return html(response)


async def _close(incident: Incident) -> None:
    incident.status = IncidentStatus.CLOSED
    incident.closed_at = datetime.now(UTC)
    await incident.save()


async def _incident_of(kind: LinkKind, record_id: str) -> Incident:
    link = await IncidentLink.get(kind=kind, record_id=record_id)
    return await Incident.get(id=link.incident_id)


async def test_a_missing_student_brings_its_trip_into_the_schools_incident(org, as_role):
    staff, admin = await as_role("staff"), await as_role("admin")
    counted = str(uuid.uuid4())
    before = [
        event("trip.checkin", checkin_id=str(uuid.uuid4()), trip_id=org.trip.id, kind="departed"),
        event(
            "trip.headcount",
            headcount_id=counted,
            trip_id=org.trip.id,
            present=[],
            place="the museum steps",
        ),
    ]
    assert [r["status"] for r in (await send(staff, before)).json()["results"]] == ["accepted"] * 2
    lost_id, alert_id = await lost_student(org, staff)
    assert (await _incident_of(LinkKind.LOST, lost_id)).id == org.incident.id
    assert (await _incident_of(LinkKind.ALERT, alert_id)).id == org.incident.id
    # The same student from a second phone raises no alert, and still joins.
    again = str(uuid.uuid4())
    second = event(
        "trip.student_lost", lost_id=again, trip_id=org.trip.id, student_id=org.student.id
    )
    assert (await send(admin, [second])).json()["results"][0]["status"] == "accepted"
    assert (await LostStudent.get(id=again)).same_as_id == uuid.UUID(lost_id)
    assert (await _incident_of(LinkKind.LOST, again)).id == org.incident.id
    found = event("trip.student_found", lost_id=lost_id, trip_id=org.trip.id)
    assert (await send(staff, [found])).json()["results"][0]["status"] == "accepted"

    safety = await as_role("safety")
    page = await _page(safety, org.incident.id)
    kinds = [li["class"][1] for li in page.select("#timeline li")]
    assert kinds.index("timeline-found") < kinds.index("timeline-missing")
    assert kinds.index("timeline-missing") < kinds.index("timeline-headcount")
    assert kinds.index("timeline-headcount") < kinds.index("timeline-checkin")
    lost = _items(await _page(safety, org.incident.id, "lost"))
    assert len(lost) == 3  # found once, missing twice (each phone's report)
    assert lost[0].endswith(f"Found {org.student.name} · {org.users['staff'].name}")
    missing = [line for line in lost if "Student missing" in line]
    assert f"{org.users['staff'].name} · Last seen: the gift shop" in " ".join(missing)
    assert any(org.users["admin"].name in line for line in missing)
    counts = _items(await _page(safety, org.incident.id, "headcount"))
    assert counts == [
        f"{counts[0].split()[0]} Headcount 0 of 1 · {org.users['staff'].name} · the museum steps"
    ]
    checkins = _items(await _page(safety, org.incident.id, "checkin"), "checkin")
    assert len(checkins) == 1 and "Check-in Departed" in checkins[0]


async def test_a_missing_student_opens_an_incident_where_none_is_open(org, as_role):
    await _close(org.incident)
    lost_id, _alert = await lost_student(org, await as_role("staff"))
    opened = await _incident_of(LinkKind.LOST, lost_id)
    assert opened.id != org.incident.id and opened.status == IncidentStatus.ACTIVE
    assert opened.kind == "lost-student"


async def test_the_call_scripts_words_join_with_its_silent_alert(org, as_role):
    office = await as_role("office")
    run_id, alert_id = await threat_call(office)
    assert (await _incident_of(LinkKind.RUN, run_id)).id == org.incident.id
    assert (await _incident_of(LinkKind.ALERT, alert_id)).id == org.incident.id
    page = await _page(await as_role("safety"), org.incident.id, "step")
    steps = _items(page)
    assert len(steps) == 1  # the call's exact words (the alert is an alert, not a step)
    words = " ".join(WORDS.split())
    assert steps[0].endswith(
        f"Checklist Threatening call · {org.users['office'].name} · {org.school.name}"
        f" Write down the exact words of the threat. {words}"
    )
    assert page.select_one(f"#timeline a[href='/admin/runs/{run_id}']")


async def test_a_checklist_run_during_the_incident_joins_with_each_step(app, org, as_role):
    staff = await as_role("staff")
    version = app.state.checklists.get("bleeding-control").version
    tight = datetime.now(UTC).replace(microsecond=0)
    real, practice = str(uuid.uuid4()), str(uuid.uuid4())
    batch = [
        event("checklist.started", run_id=real, checklist_id="bleeding-control", version=version),
        event("checklist.answered", run_id=real, item_id="tourniquet-on", value=True),
        event(
            "checklist.answered", run_id=real, item_id="tourniquet-time", value=tight.isoformat()
        ),
        event(
            "checklist.started",
            run_id=practice,
            checklist_id="bleeding-control",
            version=version,
            practice=True,
        ),
        event("checklist.answered", run_id=practice, item_id="tourniquet-on", value=True),
    ]
    assert [r["status"] for r in (await send(staff, batch)).json()["results"]] == ["accepted"] * 5
    assert (await _incident_of(LinkKind.RUN, real)).id == org.incident.id
    assert not await IncidentLink.exists(kind=LinkKind.RUN, record_id=practice)
    steps = _items(await _page(await as_role("safety"), org.incident.id, "step"))
    assert len(steps) == 2
    district = tight.astimezone(ZoneInfo(app.state.settings.timezone))
    assert steps[0].endswith(
        f"Bleeding control · {org.users['staff'].name} · {org.school.name}"
        f' Tap "Now" when the tourniquet is tight. {district.strftime("%Y-%m-%d %H:%M:%S %Z")}'
    )
    assert steps[1].endswith("Is a tourniquet on now? Yes")


async def test_a_bomb_threat_run_joins_the_schools_open_incident(app, org, as_role):
    """The decisions taken after a bomb threat call go into the school's open incident, as any
    checklist run's steps do (by school and time): no code of its own."""
    office = await as_role("office")
    version = app.state.checklists.get("bomb-threat-management").version
    run = str(uuid.uuid4())
    batch = [
        event(
            "checklist.started", run_id=run, checklist_id="bomb-threat-management", version=version
        ),
        event("checklist.answered", run_id=run, item_id="risk", value="medium"),
        event("checklist.answered", run_id=run, item_id="decision", value="evacuate"),
    ]
    assert [r["status"] for r in (await send(office, batch)).json()["results"]] == ["accepted"] * 3
    assert (await _incident_of(LinkKind.RUN, run)).id == org.incident.id
    steps = _items(await _page(await as_role("safety"), org.incident.id, "step"))
    who = f"Bomb threat, after the call · {org.users['office'].name} · {org.school.name}"
    answers = {step.split(who, 1)[1].strip() for step in steps if who in step}
    assert answers == {"How serious is it? Medium", "The decision Evacuate"}, steps


async def test_a_run_at_a_school_with_no_open_incident_joins_nothing(org, as_role):
    await _close(org.incident)
    staff = await as_role("staff")
    run = str(uuid.uuid4())
    batch = [
        event("checklist.started", run_id=run, checklist_id="bleeding-control", version=4),
        event("checklist.answered", run_id=run, item_id="tourniquet-on", value=True),
    ]
    assert [r["status"] for r in (await send(staff, batch)).json()["results"]] == ["accepted"] * 2
    assert not await IncidentLink.exists(kind=LinkKind.RUN, record_id=run)


async def test_reports_filed_at_the_school_during_the_incident_join_it(org, as_role):
    driver = await as_role("driver")
    near = filed(moved(CAMPUS, 0, 200))  # at the incident's school's campus
    older = filed(
        moved(CAMPUS, 0, 200), seen_at=(org.incident.opened_at - timedelta(hours=1)).isoformat()
    )
    results = await file(driver, near, older)
    assert [r["status"] for r in results] == ["accepted"] * 2
    report_id = near["payload"]["report_id"]
    assert (await _incident_of(LinkKind.REPORT, report_id)).id == org.incident.id
    # seen before the incident opened: not of it (the team may escalate it)
    assert not await IncidentLink.exists(
        kind=LinkKind.REPORT, record_id=older["payload"]["report_id"]
    )
    safety = await as_role("safety")
    page = await _page(safety, org.incident.id, "report")
    reports = _items(page)
    assert len(reports) == 1
    assert reports[0].endswith(
        f"Report A vehicle · {org.users['driver'].name} · 200 m N of {org.site.name}"
        " Parked by the gate, filming the children"
    )
    assert page.select_one(f"#timeline a[href='/reports/{report_id}']")
    detail = html(await safety.get(f"/reports/{report_id}"))
    assert detail.select_one(f"a[href='/incidents/{org.incident.id}']").get_text() == (
        f"In incident {org.incident.reference}"
    )
    assert not detail.select_one("form[action$='/escalate']")


async def test_need_help_on_an_alert_that_opened_nothing_opens_an_incident(org, as_role):
    await _close(org.incident)
    hold = await raise_alert(
        organisation_id=org.organisation.id,
        raised_by_id=org.users["office"].id,
        kind="hold",  # a warning: it opens no incident
        audience=Audience(school_ids=[org.school.id]),
        raised_at=datetime.now(UTC),
    )
    assert not await IncidentLink.exists(kind=LinkKind.ALERT, record_id=str(hold.id))
    staff, driver = await as_role("staff"), await as_role("driver")
    safe = event("alert.acknowledged", alert_id=str(hold.id), response="safe")
    assert (await send(driver, [safe])).json()["results"][0]["status"] == "accepted"
    assert not await IncidentLink.exists(kind=LinkKind.ALERT, record_id=str(hold.id))
    position = {"latitude": 38.5787, "longitude": -121.4865, "accuracy": 10}  # 280 m N
    help_ = event("alert.acknowledged", alert_id=str(hold.id), response="help", position=position)
    assert (await send(staff, [help_])).json()["results"][0]["status"] == "accepted"
    opened = await _incident_of(LinkKind.ALERT, str(hold.id))
    assert opened.id != org.incident.id and opened.status == IncidentStatus.ACTIVE
    assert opened.opened_by_id == org.users["staff"].id
    answers = _items(await _page(await as_role("safety"), opened.id, "answer"))
    assert len(answers) == 2
    assert "Need help" in answers[0] and f"N of {org.site.name}" in answers[0]


async def test_need_help_on_a_drill_opens_nothing(org, as_role):
    await _close(org.incident)
    drill = await raise_alert(
        organisation_id=org.organisation.id,
        raised_by_id=org.users["office"].id,
        kind="hold",
        audience=Audience(school_ids=[org.school.id]),
        raised_at=datetime.now(UTC),
        drill=True,
    )
    help_ = event("alert.acknowledged", alert_id=str(drill.id), response="help")
    assert (await send(await as_role("staff"), [help_])).json()["results"][0]["status"] == (
        "accepted"
    )
    assert not await IncidentLink.exists(kind=LinkKind.ALERT, record_id=str(drill.id))


async def test_the_panic_button_opens_or_joins_the_schools_incident(org, as_role):
    driver = await as_role("driver")

    def panic() -> dict:
        return event("alert.raised", alert_id=str(uuid.uuid4()), kind="panic", position=NEAR_CAMPUS)

    first = panic()
    assert (await send(driver, [first])).json()["results"][0]["status"] == "accepted"
    joined = await _incident_of(LinkKind.ALERT, first["payload"]["alert_id"])
    assert joined.id == org.incident.id
    await _close(org.incident)
    second = panic()
    assert (await send(driver, [second])).json()["results"][0]["status"] == "accepted"
    opened = await _incident_of(LinkKind.ALERT, second["payload"]["alert_id"])
    assert opened.id != org.incident.id and opened.kind == "threat"


async def test_the_safety_team_escalates_a_report(org, as_role):
    safety = await as_role("safety")
    url = f"/reports/{org.report.id}/escalate"
    page = html(await safety.get(f"/reports/{org.report.id}"))
    button = page.select_one("form[action$='/escalate'] button")
    assert button.get_text() == "Escalate to an incident"
    assert button.find_parent("form")["action"].endswith(url)
    response = await safety.post(url)
    assert response.status_code == 303
    assert response.headers["location"].endswith(f"/incidents/{org.incident.id}")
    live = html(await safety.get(response.headers["location"]))
    assert live.select_one(".flash").get_text() == f"The report is in {org.incident.reference}."
    assert _items(live, "report") and "Followed the bus" in _items(live, "report")[0]
    audit = await AuditLog.get(action="incident.escalated", record_id=str(org.incident.id))
    assert audit.detail["report"] == str(org.report.id)
    again = await safety.post(url)
    assert again.status_code == 303
    flash = html(await safety.get(again.headers["location"])).select_one(".flash").get_text()
    assert flash == f"This report is already in {org.incident.reference}."
    assert await IncidentLink.filter(incident_id=org.incident.id, kind=LinkKind.REPORT).count() == 1


async def test_escalating_opens_one_where_the_school_has_none(org, as_role):
    admin = await as_role("admin")
    await Report.filter(id=org.report.id).update(school_id=org.other_school.id)
    response = await admin.post(f"/reports/{org.report.id}/escalate")
    assert response.status_code == 303
    opened = await _incident_of(LinkKind.REPORT, str(org.report.id))
    assert opened.id != org.incident.id and opened.kind == "threat"
    assert opened.opened_by_id == org.users["admin"].id
    assert response.headers["location"].endswith(f"/incidents/{opened.id}")


async def test_a_report_near_no_school_is_not_escalated(org, as_role):
    safety = await as_role("safety")
    await Report.filter(id=org.report.id).update(school_id=None)
    response = await safety.post(f"/reports/{org.report.id}/escalate")
    assert response.status_code == 303
    assert response.headers["location"].endswith(f"/reports/{org.report.id}")
    page = html(await safety.get(response.headers["location"]))
    assert "near no school" in page.select_one(".flash").get_text()
    assert not await IncidentLink.exists(kind=LinkKind.REPORT, record_id=str(org.report.id))


async def test_escalating_is_for_the_safety_team_of_the_reports_district(org, other_org, as_role):
    url = f"/reports/{org.report.id}/escalate"
    for role in ("staff", "driver", "office"):
        assert (await (await as_role(role)).post(url)).status_code == 403, role
    safety = await as_role("safety")
    assert (await safety.post(f"/reports/{other_org.report.id}/escalate")).status_code == 404
    assert (await safety.post("/reports/not-a-uuid/escalate")).status_code == 404
    assert (await safety.post(f"/reports/{uuid.uuid4()}/escalate")).status_code == 404
    assert (await safety.post(url, csrf=False)).status_code == 403  # no CSRF token
    assert (await safety.get(url)).status_code == 405
    assert not await IncidentLink.exists(kind=LinkKind.REPORT, record_id=str(org.report.id))
    stranger = await as_role("safety", other_org)
    assert (await stranger.post(url)).status_code == 404


async def test_the_handoff_csv_names_each_new_kind_with_who_what_and_where(org, as_role):
    staff, office = await as_role("staff"), await as_role("office")
    count = event(
        "trip.headcount",
        headcount_id=str(uuid.uuid4()),
        trip_id=org.trip.id,
        counted=0,
        place="the bus bay",
    )
    assert (await send(staff, [count])).json()["results"][0]["status"] == "accepted"
    await lost_student(org, staff)
    await threat_call(office)
    response = await (await as_role("safety")).get(f"/incidents/{org.incident.id}/timeline.csv")
    assert response.status_code == 200
    rows = {row["kind"]: row for row in csv.DictReader(io.StringIO(response.text))}
    assert rows["Student missing"]["who"] == org.users["staff"].name
    assert rows["Student missing"]["what"] == org.student.name
    assert rows["Student missing"]["where"] == "the gift shop"
    assert rows["Headcount"]["what"] == "0 counted of 1"
    assert rows["Headcount"]["where"] == "the bus bay"
    step = rows["Checklist step"]
    assert step["who"] == org.users["office"].name and step["where"] == org.school.name
    assert step["what"] == f"Threatening call · Write down the exact words of the threat. · {WORDS}"
