"""Incidents: opened by hand or by an emergency alert (the join rule), moved through their
statuses, their command roles, and their log typed on phones (``incident.logged``)."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime, timedelta

from server.alerts.audience import Audience
from server.alerts.service import end_with_all_clear, raise_alert
from server.incidents.models import (
    Incident,
    IncidentLink,
    IncidentLogEntry,
    IncidentSchool,
    IncidentStatus,
)
from server.incidents.service import TRANSITIONS, Join, decide_join, may_move
from server.models import AuditLog
from tests.helpers import event, html, send

S = IncidentStatus


def test_the_join_rule_alone():
    open_incidents = {7: [1, 2], 9: [3]}  # oldest first
    assert decide_join("emergency", False, False, [2], open_incidents) == Join(7, [2])
    assert decide_join("emergency", False, False, [3, 1], open_incidents) == Join(7, [1, 3])
    assert decide_join("emergency", False, False, [4], open_incidents) == Join(None, [4])
    assert decide_join("emergency", False, False, [4, 4], {}) == Join(None, [4])
    assert decide_join("warning", False, False, [1], open_incidents) is None
    assert decide_join("emergency", True, False, [1], open_incidents) is None  # practice
    assert decide_join("emergency", False, True, [1], open_incidents) is None  # drill
    assert decide_join("emergency", False, False, [], open_incidents) is None  # no school


def test_status_transitions():
    assert may_move(S.ACTIVE, S.STABILISED) and may_move(S.STABILISED, S.RECOVERY)
    assert may_move(S.RECOVERY, S.CLOSED)
    assert may_move(S.STABILISED, S.ACTIVE) and may_move(S.RECOVERY, S.ACTIVE)  # flare-up
    assert may_move(S.ACTIVE, S.CLOSED)  # a false alarm
    assert not may_move(S.ACTIVE, S.RECOVERY) and not may_move(S.STABILISED, S.CLOSED)
    assert TRANSITIONS[S.CLOSED] == ()


async def _alert(org, kind: str, schools, **extra):
    return await raise_alert(
        organisation_id=org.organisation.id,
        raised_by_id=org.users["office"].id,
        kind=kind,
        audience=Audience(school_ids=schools),
        raised_at=datetime.now(UTC),
        **extra,
    )


async def _open_of(org) -> list[Incident]:
    return await Incident.filter(
        organisation_id=org.organisation.id, status__not=S.CLOSED
    ).order_by("opened_at")


async def test_an_emergency_alert_joins_the_schools_open_incident_or_opens_one(org):
    existing = org.incident  # an active lockdown at org.school
    lockdown = await _alert(org, "lockdown", [org.school.id])
    link = await IncidentLink.get(record_id=str(lockdown.id))
    assert link.incident_id == existing.id
    # Another school with no open incident: a new one, numbered on.
    evacuate = await _alert(org, "evacuate", [org.other_school.id])
    opened = await Incident.get(id=(await IncidentLink.get(record_id=str(evacuate.id))).incident_id)
    assert opened.id != existing.id and opened.kind == "evacuate"
    assert opened.reference == f"INC-{opened.opened_at.year}-0002"
    assert opened.opened_by_id == org.users["office"].id
    # Not emergencies, practice, drills and alerts for no school open nothing.
    await _alert(org, "hold", [org.school.id])
    await _alert(org, "lockdown", [org.school.id], practice=True)
    await _alert(org, "lockdown", [org.school.id], drill=True)
    await _alert(org, "lockdown", None)
    assert len(await _open_of(org)) == 2
    # A closed incident is not joined.
    opened.status = S.CLOSED
    await opened.save()
    again = await _alert(org, "medical", [org.other_school.id])
    third = await Incident.get(id=(await IncidentLink.get(record_id=str(again.id))).incident_id)
    assert third.id not in (existing.id, opened.id) and third.kind == "medical"


async def test_an_alert_for_two_schools_brings_the_second_into_the_incident(org):
    alert = await _alert(org, "shelter", [org.school.id, org.other_school.id])
    assert (await IncidentLink.get(record_id=str(alert.id))).incident_id == org.incident.id
    schools = await IncidentSchool.filter(incident_id=org.incident.id).values_list(
        "school_id", flat=True
    )
    assert sorted(schools) == sorted([org.school.id, org.other_school.id])


async def test_a_trip_alert_counts_for_the_trips_school(org):
    """A missing student's first alert goes to the trip's people: it is the trip's school's."""
    alert = await raise_alert(
        organisation_id=org.organisation.id,
        raised_by_id=org.users["staff"].id,
        kind="lost-student",
        audience=Audience(trip_id=org.trip.id, user_ids=[org.users["admin"].id]),
        raised_at=datetime.now(UTC),
    )
    assert (await IncidentLink.get(record_id=str(alert.id))).incident_id == org.incident.id


async def test_the_last_all_clear_ends_the_active_phase(org):
    first = await _alert(org, "lockdown", [org.school.id])
    second = await _alert(org, "medical", [org.school.id])
    clear = await end_with_all_clear(first, org.users["admin"].id, datetime.now(UTC))
    assert (await IncidentLink.get(record_id=str(clear.id))).incident_id == org.incident.id
    await org.incident.refresh_from_db()
    assert org.incident.status == S.ACTIVE  # the medical emergency is still going
    await end_with_all_clear(second, org.users["admin"].id, datetime.now(UTC))
    await org.incident.refresh_from_db()
    assert org.incident.status == S.STABILISED
    entry = await AuditLog.get(action="incident.status", record_id=str(org.incident.id))
    assert entry.detail["after"] == "stabilised" and entry.detail["all_clear"] == str(second.id)


async def test_the_safety_team_opens_one_by_hand(org, other_org, as_role):
    safety = await as_role("safety")
    form = html(await safety.get("/incidents/new"))
    assert form.select_one("label[for=kind]") and form.select("input[name=schools]")
    response = await safety.post(
        "/incidents/new", {"kind": "threat", "schools": [org.other_school.id], "title": "Call"}
    )
    assert response.status_code == 303
    page = html(await safety.get(response.headers["location"]))
    assert page.select_one("h1").get_text().startswith(f"INC-{datetime.now(UTC).year}-0002")
    assert await AuditLog.exists(action="incident.opened", organisation_id=org.organisation.id)
    for data, message in [
        ({"kind": "threat"}, "Choose at least one"),
        ({"kind": "threat", "schools": [other_org.school.id]}, "Choose schools from the list."),
        ({"kind": "party", "schools": [org.school.id]}, "Choose one of the options."),
    ]:
        bad = await safety.post("/incidents/new", data)
        assert bad.status_code == 422, data
        assert message in html(bad).select_one(".field-error").get_text(), data


async def test_status_moves_on_only_by_the_allowed_steps(org, as_role):
    admin = await as_role("admin")
    url = f"/incidents/{org.incident.id}/status"
    refused = await admin.post(url, {"status": "recovery"})
    assert refused.status_code == 409
    notice = html(refused).select_one(".flash").get_text()
    assert notice == "An incident that is active can't become recovery."
    bad = await admin.post(url, {"status": "later"})
    assert bad.status_code == 422
    assert html(bad).select_one(".flash").get_text() == "Choose one of the options."
    for to in ("stabilised", "recovery", "closed"):
        assert (await admin.post(url, {"status": to})).status_code == 303
    await org.incident.refresh_from_db()
    assert org.incident.status == S.CLOSED and org.incident.closed_at is not None
    assert (await admin.post(url, {"status": "active"})).status_code == 409
    entries = await AuditLog.filter(action="incident.status", record_id=str(org.incident.id))
    assert len(entries) == 3


async def test_command_roles_as_filled_on_the_day(org, other_org, as_role):
    safety = await as_role("safety")
    url = f"/incidents/{org.incident.id}/roles"
    ok = await safety.post(url, {"function": "incident_commander", "person": org.users["admin"].id})
    assert ok.status_code == 303
    page = html(await safety.get(f"/incidents/{org.incident.id}"))
    roles = page.find(id="roles-title").find_parent("section").get_text()
    assert f"Incident commander: {org.users['admin'].name}" in " ".join(roles.split())
    await safety.post("/team/district/deputy", {"primary": org.users["office"].id})
    await safety.post(f"/team/{org.school.id}/deputy", {"primary": org.users["staff"].id})
    page = html(await safety.get(f"/incidents/{org.incident.id}"))
    deputy = next(li for li in page.select("#roles-title ~ ul li") if "Deputy" in li.get_text())
    names = (
        f"{org.users['staff'].name}, {org.users['office'].name}"  # the school's, then district's
    )
    assert f"The team directory names: {names}" in " ".join(deputy.get_text().split())
    stranger = await safety.post(url, {"function": "deputy", "person": other_org.users["staff"].id})
    assert stranger.status_code == 422
    assert html(stranger).select_one(".field-error").get_text() == "Choose people from the list."
    bad = await safety.post(url, {"function": "mayor", "person": org.users["admin"].id})
    assert bad.status_code == 422
    assert html(bad).select_one(".field-error").get_text() == "Choose one of the options."


def _logged(incident_id: int, text: str = "Door 4 secured", **extra) -> dict:
    return event(
        "incident.logged", entry_id=str(uuid.uuid4()), incident_id=incident_id, text=text, **extra
    )


async def test_log_entries_arrive_as_events_and_fill_the_timeline(org, other_org, as_role):
    safety = await as_role("safety")
    first = _logged(org.incident.id, "Police on site")
    earlier = _logged(org.incident.id, "Door 4 secured")
    earlier["occurred_at"] = (datetime.now(UTC) - timedelta(minutes=5)).isoformat()
    answer = (await send(safety, [first, earlier])).json()
    assert [r["status"] for r in answer["results"]] == ["accepted", "accepted"]
    again = (await send(safety, [first])).json()
    assert again["results"][0]["status"] == "duplicate"
    reused = {**first, "id": str(uuid.uuid4())}  # same entry, another event
    foreign = _logged(other_org.incident.id)
    empty = _logged(org.incident.id, "   ")
    results = (await send(safety, [reused, foreign, empty])).json()["results"]
    assert [r["status"] for r in results] == ["rejected"] * 3
    assert results[0]["reason"] == "This log entry was already recorded."
    assert results[1]["reason"] == "This incident is not known here."
    # The live page and its fragment: newest first.
    lockdown = await _alert(org, "lockdown", [org.school.id])
    page = html(await safety.get(f"/incidents/{org.incident.id}"))
    items = [" ".join(li.get_text().split()) for li in page.select("#timeline li")]
    assert "Lockdown" in items[0] and "Police on site" in items[1] and "Door 4" in items[2]
    assert page.select_one(f"a[href='/admin/alerts/{lockdown.id}']")
    fragment = await safety.get(f"/incidents/{org.incident.id}", headers={"HX-Request": "true"})
    assert html(fragment).select_one("ol#timeline") and "<h1" not in fragment.text
    logs = html(await safety.get(f"/incidents/{org.incident.id}?only=log"))
    assert [li.get("class") for li in logs.select("#timeline li")] == [["card", "timeline-log"]] * 2
    alerts = html(await safety.get(f"/incidents/{org.incident.id}?only=alert"))
    assert len(alerts.select("#timeline li.timeline-alert")) == 1
    assert len(alerts.select("#timeline li")) == 1
    assert alerts.select_one("a[aria-current=page]").get_text() == "Alerts"
    looks = AuditLog.filter(action="incident.viewed", record_id=str(org.incident.id))
    assert await looks.count() == 3  # each look at the page; its refreshes are not looks


async def test_only_the_team_writes_the_log(org, as_role):
    staff = await as_role("staff")
    outsider = (await send(staff, [_logged(org.incident.id)])).json()["results"][0]
    assert outsider["status"] == "rejected"
    assert outsider["reason"] == "This incident is not known here."
    admin = await as_role("admin")
    await admin.post(f"/team/{org.school.id}/facilities", {"primary": org.users["staff"].id})
    member = (await send(staff, [_logged(org.incident.id)])).json()["results"][0]
    assert member["status"] == "accepted"


async def test_a_closed_incident_takes_only_what_was_typed_before(org, as_role):
    safety = await as_role("safety")
    before = _logged(org.incident.id, "Typed offline before the close")
    before["occurred_at"] = (datetime.now(UTC) - timedelta(minutes=2)).isoformat()
    org.incident.status = S.CLOSED
    org.incident.closed_at = datetime.now(UTC) - timedelta(minutes=1)
    await org.incident.save()
    after = _logged(org.incident.id, "Too late")
    results = (await send(safety, [before, after])).json()["results"]
    assert [r["status"] for r in results] == ["accepted", "rejected"]
    assert results[1]["reason"] == "This incident was closed before this entry was written."
    assert await IncidentLogEntry.filter(incident_id=org.incident.id).count() == 1


async def test_lists_show_only_this_organisations_incidents(org, other_org, as_role):
    page = (await (await as_role("safety")).get("/incidents")).text
    assert f"/incidents/{org.incident.id}" in page
    assert f'/incidents/{other_org.incident.id}"' not in page


async def test_the_answers_to_its_alerts_join_the_timeline_with_their_place(org, as_role):
    lockdown = await _alert(org, "lockdown", [org.school.id])
    assert await IncidentLink.filter(incident_id=org.incident.id).count() == 1
    staff, driver = await as_role("staff"), await as_role("driver")
    safe = event("alert.acknowledged", alert_id=str(lockdown.id), response="safe")
    help_ = event(
        "alert.acknowledged",
        alert_id=str(lockdown.id),
        response="help",
        # about 280 m north of the campus
        position={"latitude": 38.5787, "longitude": -121.4865, "accuracy": 10},
    )
    assert (await send(staff, [safe])).json()["results"][0]["status"] == "accepted"
    assert (await send(driver, [help_])).json()["results"][0]["status"] == "accepted"
    safety = await as_role("safety")
    page = html(await safety.get(f"/incidents/{org.incident.id}"))
    answers = [
        " ".join(li.get_text().split()) for li in page.select("#timeline li.timeline-answer")
    ]
    assert len(answers) == 2
    assert org.users["driver"].name in answers[0] and "Need help" in answers[0]
    assert f"N of {org.site.name}" in answers[0] and "m" in answers[0]
    assert org.users["staff"].name in answers[1] and "Safe" in answers[1]
    assert " of " not in answers[1]  # no position, no place
    only = html(await safety.get(f"/incidents/{org.incident.id}?only=answer"))
    assert len(only.select("#timeline li")) == len(only.select("#timeline li.timeline-answer")) == 2
    assert only.select_one("a[aria-current=page]").get_text() == "Answers"
    alerts = html(await safety.get(f"/incidents/{org.incident.id}?only=alert"))
    assert not alerts.select("#timeline li.timeline-answer")


async def test_emergencies_raised_at_one_moment_open_one_incident(org):
    """Two processes (here two connections) raising emergencies for a school with no open
    incident at the same moment: one opens it, the other joins it, and no reference repeats."""
    school = org.other_school.id  # no incident open there
    alerts = await asyncio.gather(*(_alert(org, "lockdown", [school]) for _ in range(4)))
    links = await IncidentLink.filter(record_id__in=[str(a.id) for a in alerts])
    assert len(links) == len(alerts)  # every one in an incident
    assert len({link.incident_id for link in links}) == 1  # the same one
    numbers = await Incident.filter(organisation_id=org.organisation.id).values_list(
        "number", flat=True
    )
    assert len(numbers) == len(set(numbers))


async def test_the_team_reads_the_live_page_and_the_rest_find_nothing(org, other_org, as_role):
    """The live page is the team's: a teacher in the school's crisis team reads it and adds to
    the log from it (no status, roles, handoff or review there: the safety team's), finds it on
    her home screen; a teacher in no team, and another district, find nothing there."""
    page = f"/incidents/{org.incident.id}"
    staff = await as_role("staff")
    assert (await staff.get(page)).status_code == 404
    assert "my-incidents" not in (await staff.get("/")).text
    admin = await as_role("admin")
    await admin.post(f"/team/{org.school.id}/facilities", {"primary": org.users["staff"].id})
    live = html(await staff.get(page))
    assert live.select_one("#log-form") is not None and live.select_one("#timeline") is not None
    # The entry goes through the phone's outbox: until the page's script takes it, the button
    # waits (a tap before it sent the words off as a plain GET, lost).
    assert live.select_one("#log-form button[type=submit]").has_attr("disabled")
    for managers_only in ("form[action$='/status']", "form[action$='/roles']", "#callout-form"):
        assert live.select_one(managers_only) is None, managers_only
    assert not live.find("a", string="Print for a handoff")
    home = html(await staff.get("/"))
    assert home.select_one(f"#my-incidents a[href='{page}']") is not None
    # A role filled on the day is enough too; another district never is.
    driver = await as_role("driver")
    assert (await driver.get(page)).status_code == 404
    safety = await as_role("safety")
    filled = {"function": "medical_lead", "person": org.users["driver"].id}
    assert (await safety.post(f"{page}/roles", filled)).status_code == 303
    assert (await driver.get(page)).status_code == 200
    outsider = await as_role("admin", other_org)
    assert (await outsider.get(page)).status_code == 404
