"""The safety team opens a trip's roster while one of its students is missing, and only then:
every look is audited, numbers are tap-to-call, and it is a 404 again once the student is found
or the alert is ended."""

from __future__ import annotations

from server.models import AuditLog, User
from server.trips.models import TripStudent
from tests.helpers import event, html, lost_student, send


async def test_the_safety_lead_opens_the_roster_only_while_a_student_is_missing(org, as_role):
    staff = org.users["staff"]
    staff.phone = "+1 916-555-0199"
    await staff.save()
    await TripStudent.filter(id=org.student.id).update(
        contacts="Maria Ortiz (mother) 916-555-0101\nLuis Ortiz (father) (916) 555-0102",
        medical="Asthma; inhaler in the blue bag",
    )
    await org.trip.chaperones.remove(org.users["safety"])  # the lead is no chaperone of it
    safety = await as_role("safety")
    roster_url = f"/trips/{org.trip.id}/roster"
    photo_url = f"/trips/{org.trip.id}/students/{org.student.id}/photo"
    assert (await safety.get(roster_url)).status_code == 404  # nothing is wrong: not theirs
    assert (await safety.get(photo_url)).status_code == 404

    chaperone = await as_role("staff")
    lost_id, _alert = await lost_student(org, chaperone)
    response = await safety.get(roster_url)
    assert response.status_code == 200
    assert response.headers["cache-control"] == "no-store"
    page = html(response)
    assert page.select_one("#emergency-access")
    missing = page.select_one(".urgent-card")
    assert org.student.name in missing.get_text() and "Asthma" in missing.get_text()
    calls = {a["href"]: a.get_text() for a in page.select("a.tel")}
    assert calls["tel:9165550101"] == "916-555-0101"
    assert calls["tel:9165550102"] == "(916) 555-0102"
    assert calls["tel:+19165550199"] == "+1 916-555-0199"  # the chaperone
    assert page.select_one(".trip-tabs") is None  # the chaperone's pages stay theirs
    assert (await safety.get(photo_url)).status_code == 200
    looks = await AuditLog.filter(
        organisation_id=org.organisation.id, actor_id=org.users["safety"].id
    ).values_list("action", flat=True)
    assert "trip.roster_viewed_in_emergency" in looks and "trip.photo_viewed_in_emergency" in looks

    await org.trip.chaperones.remove(org.users["driver"])
    assert (await (await as_role("driver")).get(roster_url)).status_code == 404  # not the team

    found = event("trip.student_found", lost_id=lost_id, trip_id=org.trip.id)
    assert (await send(chaperone, [found])).json()["results"][0]["status"] == "accepted"
    assert (await safety.get(roster_url)).status_code == 404
    assert (await safety.get(photo_url)).status_code == 404


async def test_another_districts_safety_team_never_sees_it(org, other_org, as_role):
    await lost_student(org, await as_role("staff"))
    await other_org.trip.chaperones.remove(other_org.users["safety"])
    stranger = await as_role("safety", other_org)
    assert (await stranger.get(f"/trips/{org.trip.id}/roster")).status_code == 404


async def test_a_person_has_a_phone_number(org, as_role):
    admin = await as_role("admin")
    person = org.spare
    form = {"name": person.name, "email": person.email, "roles": ["staff"], "active": "on"}
    saved = await admin.post(f"/admin/people/{person.id}", {**form, "phone": "916 555 0142"})
    assert saved.status_code == 303
    assert (await User.get(id=person.id)).phone == "916 555 0142"
    refused = await admin.post(f"/admin/people/{person.id}", {**form, "phone": "call me maybe"})
    assert refused.status_code == 422
    assert "phone number" in html(refused).select_one("#phone-error").get_text()
