"""The school of a field record: the campus its phone was at, else the person's school; the
team corrects it on the record's page (audited), never to another district's school."""

from __future__ import annotations

import uuid

from server.alerts.models import Alert
from server.checklists.models import ChecklistRun
from server.models import AuditLog, Site, SiteKind
from server.reports.models import Report
from tests.helpers import CAMPUS, event, file, filed, html, moved, send

ROOSEVELT = moved(CAMPUS, 90, 2000)  # the other school's campus, 2 km east


async def _roosevelt_campus(org) -> Site:
    return await Site.create(
        organisation=org.organisation,
        school=org.other_school,
        kind=SiteKind.CAMPUS,
        name="Roosevelt campus",
        latitude=ROOSEVELT[0],
        longitude=ROOSEVELT[1],
    )


async def test_a_report_is_filed_under_the_campus_its_phone_was_at(as_role, org):
    await _roosevelt_campus(org)
    staff = await as_role("staff")  # of Lincoln (org.school) only
    at_roosevelt = filed(moved(ROOSEVELT, 0, 120), activity="At Roosevelt's gate")
    between = filed(moved(ROOSEVELT, 270, 700), activity="On the road between")
    await file(staff, at_roosevelt, between)
    schools = {
        r.activity: r.school_id
        for r in await Report.filter(
            organisation_id=org.organisation.id,
            activity__in=["At Roosevelt's gate", "On the road between"],
        )
    }
    assert schools["At Roosevelt's gate"] == org.other_school.id  # the campus, not hers
    assert schools["On the road between"] == org.school.id  # at no campus: her school


async def test_a_person_in_two_schools_files_under_the_campus_she_is_at(as_role, org):
    roosevelt = await _roosevelt_campus(org)
    office = org.users["office"]
    await office.schools.add(org.other_school)
    client = await as_role("office")
    e = filed(None, site_id=roosevelt.id, activity="Picked the campus from the list")
    [answer] = await file(client, e)
    assert answer["status"] == "accepted"
    report = await Report.get(id=e["payload"]["report_id"])
    assert report.school_id == org.other_school.id


async def _start(client, position=None, checklist="threat-call", version=3) -> str:
    run_id = str(uuid.uuid4())
    payload = {"run_id": run_id, "checklist_id": checklist, "version": version}
    if position:
        payload["position"] = position
    [answer] = (await send(client, [event("checklist.started", **payload)])).json()["results"]
    assert answer["status"] == "accepted", answer
    return run_id


async def test_a_run_takes_the_campus_school_from_its_start_or_its_alert(as_role, org):
    await _roosevelt_campus(org)
    office = await as_role("office")
    there = {"latitude": ROOSEVELT[0], "longitude": ROOSEVELT[1], "accuracy": 10}
    placed = await _start(office, there)
    plain = await _start(office)
    assert (await ChecklistRun.get(id=placed)).school_id == org.other_school.id
    assert (await ChecklistRun.get(id=plain)).school_id == org.school.id
    # the silent alert from the call script, with the phone at Roosevelt: the run follows
    alert_id = str(uuid.uuid4())
    raised = event(
        "alert.raised",
        alert_id=alert_id,
        kind="silent",
        run_id=plain,
        checklist_id="threat-call",
        position=there,
    )
    [answer] = (await send(office, [raised])).json()["results"]
    assert answer["status"] == "accepted", answer
    assert (await ChecklistRun.get(id=plain)).school_id == org.other_school.id
    assert await Alert.filter(id=alert_id).exists()
    # someone else's run named in an alert is not moved
    staff = await as_role("staff")
    theirs = await _start(staff, checklist="bleeding-control")
    away = {"latitude": CAMPUS[0], "longitude": CAMPUS[1], "accuracy": 10}
    await ChecklistRun.filter(id=theirs).update(school_id=None)
    other = event(
        "alert.raised", alert_id=str(uuid.uuid4()), kind="silent", run_id=theirs, position=away
    )
    await send(office, [other])
    assert (await ChecklistRun.get(id=theirs)).school_id is None


async def test_the_team_corrects_a_runs_school_audited(as_role, org, other_org):
    safety = await as_role("safety")
    url = f"/admin/runs/{org.run.id}"
    page = html(await safety.get(url))
    assert page.select_one("#run-school option[selected]")["value"] == str(org.school.id)
    sent = await safety.post(f"{url}/school", {"school": org.other_school.id})
    assert sent.status_code == 303
    assert (await ChecklistRun.get(id=org.run.id)).school_id == org.other_school.id
    logged = await AuditLog.get(action="run.school_changed", record_id=str(org.run.id))
    assert logged.detail == {"school_id": [org.school.id, org.other_school.id]}
    assert logged.actor_id == org.users["safety"].id
    assert "Saved." in html(await safety.get(url)).select_one(".flash").get_text()
    await safety.post(f"{url}/school", {"school": ""})
    assert (await ChecklistRun.get(id=org.run.id)).school_id is None
    for bad in (
        {"school": other_org.school.id},
        {"school": "x"},
        {"school": "-1"},
        {"school": "1", "more": "2"},
    ):
        response = await safety.post(f"{url}/school", bad)
        assert response.status_code == 422, bad
    assert (await ChecklistRun.get(id=org.run.id)).school_id is None
    theirs = await safety.post(f"/admin/runs/{other_org.run.id}/school", {"school": ""})
    assert theirs.status_code == 404
    staff = await as_role("staff")
    refused = await staff.post(f"{url}/school", {"school": org.school.id})
    assert refused.status_code in (403, 404)
