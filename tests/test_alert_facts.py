"""Every alert carries its facts: school, place in words, who raised it, the caller's exact words
or the missing student, and links to what it came from, in the push body and on every page."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest

from server.alerts.facts import gather
from server.alerts.models import Alert
from server.push.payload import BODY_BYTES, encode, notification
from tests.helpers import (
    CAMPUS,
    WORDS,
    file,
    filed,
    html,
    lost_student,
    moved,
    subscribe,
    threat_call,
)


async def test_the_facts_of_a_silent_alert_from_the_call_script(org, as_role):
    await org.users["office"].schools.add(org.other_school)  # in two schools, at this one
    run_id, alert_id = await threat_call(await as_role("office"))
    facts = await gather(await Alert.get(id=alert_id))
    assert facts.schools == [org.school.name]
    assert facts.raised_by == org.users["office"].name
    assert facts.words == WORDS
    assert facts.place_words() == f"80 m NE of {org.site.name}"
    assert str(facts.run.id) == run_id


async def test_the_safety_lead_opens_a_silent_alert_on_the_situation(org, as_role):
    run_id, alert_id = await threat_call(await as_role("office"))
    safety = await as_role("safety")
    for url in (f"/alerts/{alert_id}", f"/admin/alerts/{alert_id}"):
        page = html(await safety.get(url))
        facts = page.select_one("#alert-facts")
        text = facts.get_text(" ", strip=True)
        assert org.school.name in text
        assert f"80 m NE of {org.site.name}" in text
        assert org.users["office"].name in text
        assert facts.select_one(".caller-words").get_text("\n", strip=True) == WORDS
        links = {a["href"] for a in facts.select("a")}
        assert f"/admin/runs/{run_id}" in links
        assert f"/admin/alerts/{alert_id}" in links or url.startswith("/admin")
        assert page.select_one(".alert-map")["data-lat"] == "38.5767"
        assert page.select_one("#answer") is None  # the desk is not asked "are you safe?"
    listed = html(await safety.get("/admin/alerts")).select_one("#alerts-list li")
    assert "There is a bomb in the gym." in listed.get_text(" ", strip=True)
    assert f"80 m NE of {org.site.name}" in listed.get_text(" ", strip=True)


async def test_a_missing_student_carries_the_student_and_the_trip(org, as_role):
    _lost_id, alert_id = await lost_student(org, await as_role("staff"))
    page = html(await (await as_role("safety")).get(f"/admin/alerts/{alert_id}"))
    facts = page.select_one("#alert-facts")
    text = facts.get_text(" ", strip=True)
    assert org.student.name in text and "the gift shop" in text and org.trip.name in text
    photo = facts.select_one("img.student-photo")
    assert photo["src"] == f"/trips/{org.trip.id}/students/{org.student.id}/photo"
    assert photo["alt"] == org.student.name
    assert any(a["href"] == f"/trips/{org.trip.id}/roster" for a in facts.select("a"))


async def test_a_report_near_a_campus_links_the_report(org, as_role):
    report = filed(moved(CAMPUS, 90, 400))
    await file(await as_role("driver"), report)
    report_id = report["payload"]["report_id"]
    alert = await Alert.get(organisation_id=org.organisation.id, kind="suspicious-report")
    facts = html(await (await as_role("safety")).get(f"/alerts/{alert.id}")).select_one(
        "#alert-facts"
    )
    assert any(a["href"] == f"/reports/{report_id}" for a in facts.select("a"))


async def test_the_push_body_carries_the_facts_within_its_limit(org, as_role):
    _run_id, alert_id = await threat_call(await as_role("office"), "x" * 900)
    alert = await Alert.get(id=alert_id)
    facts = await gather(alert)
    desk = notification(alert, 1, "es", {}, facts=facts, desk=True)
    assert len(desk["body"].encode()) <= BODY_BYTES
    assert desk["body"].startswith(f"{org.school.name}: A 80 m al noreste de {org.site.name}")
    assert desk["actions"] == [] and desk["url"] == f"/admin/alerts/{alert_id}"
    assert len(encode(desk)) < 3600  # a push service takes 4,096 bytes, encryption included

    alert.message = "😀" * 500  # a composer's long message, four bytes a character
    alert.source = {"composer": True}
    field = notification(alert, 1, "en", {}, facts=facts, desk=False)
    assert len(field["body"].encode()) <= BODY_BYTES and len(encode(field)) < 3600
    assert field["body"].startswith("Someone is in danger")  # what to do comes first
    assert [a["action"] for a in field["actions"]] == ["safe", "help"]


@pytest.mark.usefixtures("service")
async def test_the_safety_leads_phone_gets_the_situation(org, as_role, service, worker):
    phone = service.device()
    await subscribe(await as_role("safety"), phone)
    _run_id, alert_id = await threat_call(await as_role("office"))
    await worker.run_until_idle([uuid.UUID(alert_id)])
    [message] = service.payloads(phone)
    lines = message["body"].split("\n")
    assert lines[0] == f"{org.school.name}: 80 m NE of {org.site.name}"
    assert f"Raised by {org.users['office'].name}" in lines
    assert message["actions"] == [] and message["url"] == f"/admin/alerts/{alert_id}"
    assert datetime.fromisoformat(message["at"]) <= datetime.now(UTC)


# -- the audience, in words, everywhere ---------------------------------------------------------


async def test_a_school_picked_beside_everyone_is_refused_not_sent_to_the_district(org, as_role):
    safety = await as_role("safety")
    misfire = {"kind": "lockdown", "scope": "organisation", "school": org.school.id}
    for url in ("/admin/alerts/new", "/admin/alerts/send"):
        refused = await safety.post(url, {**misfire, "held": "yes"})
        assert refused.status_code == 422
        assert "Choose one place" in html(refused).select_one("#to-error").get_text()
    clash = {"kind": "lockdown", "to": f"school:{org.school.id}", "site": org.site.id}
    assert (await safety.post("/admin/alerts/new", clash)).status_code == 422
    assert not await Alert.filter(organisation_id=org.organisation.id, kind="lockdown").exists()


async def test_the_preview_and_the_hold_button_say_where_and_how_many(org, as_role, service):
    staff_phone = service.device()
    await subscribe(await as_role("staff"), staff_phone)
    safety = await as_role("safety")
    form = {"kind": "lockdown", "to": f"school:{org.school.id}", "roles": ["staff", "driver"]}
    page = html(await safety.post("/admin/alerts/new", form))
    said = f"Lockdown to {org.school.name} (Teacher / staff, Bus driver): 3 people, 1 phone"
    assert page.select_one("#sending").get_text(strip=True) == said
    assert page.select_one("#alert-send [data-hold] .hold-what").get_text(strip=True) == said
    assert page.select_one('#alert-send input[name="to"]')["value"] == f"school:{org.school.id}"

    everyone = html(await safety.post("/admin/alerts/new", {"kind": "hold", "to": "organisation"}))
    said = "Hold to everyone in the district: 6 people, 1 phone"  # the sender is not told
    assert everyone.select_one("#sending").get_text(strip=True) == said

    assert (await safety.post("/admin/alerts/send", {**form, "held": "yes"})).status_code == 303
    listed = html(await safety.get("/admin/alerts")).select_one("#alerts-list li .audience")
    assert listed.get_text(strip=True) == (
        f"To {org.school.name} (Teacher / staff, Bus driver): 3 people"
    )
