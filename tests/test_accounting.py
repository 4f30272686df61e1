"""Class accounting and reunification over HTTP: taps and releases through /api/sync, the live
page's figures (a student missing in one class and extra in another is found), a student released
once (the later phone's event rejected with who took them and when), and who may see rosters and
releases: by role, by school, by the incident's state, never across districts; every look at
guardian records audited."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime, timedelta

from server.accounting.models import AccountingCall, ClassReport, Guardian, Release
from server.incidents.models import IncidentStatus
from server.models import AuditLog, Site, SiteKind, User
from tests.helpers import event, html, send, small_roster


def marked(org, klass, student, mark: str, note: str = "") -> dict:
    return event(
        "accounting.marked",
        mark_id=str(uuid.uuid4()),
        incident_id=org.incident.id,
        class_id=klass.id,
        student_id=student.id,
        mark=mark,
        note=note,
    )


def reported(org, klass, **extra) -> dict:
    return event(
        "accounting.reported",
        report_id=str(uuid.uuid4()),
        incident_id=org.incident.id,
        class_id=klass.id,
        **extra,
    )


async def released(org, student, guardian=None) -> dict:
    guardian = guardian or await Guardian.get(student=student, may_pick_up=True)
    return event(
        "reunification.released",
        release_id=str(uuid.uuid4()),
        incident_id=org.incident.id,
        student_id=student.id,
        guardian_id=guardian.id,
        released_to=guardian.name,
        id_checked="Driver's licence",
    )


async def statuses(client, events, device="phone-1") -> list[dict]:
    response = await send(client, events, device)
    assert response.status_code == 200
    return response.json()["results"]


async def second_teacher(org) -> User:
    person = await User.create(
        organisation=org.organisation,
        name=f"Second teacher {uuid.uuid4().hex[:6]}",
        email=f"second-{uuid.uuid4().hex[:8]}@example.org",
        password_hash=org.users["staff"].password_hash,
        roles=["staff"],
    )
    await person.schools.add(org.school)
    return person


async def test_missing_in_one_class_and_extra_in_another_is_found(org, as_role, make_client):
    room_a, kids_a = await small_roster(org, size=3)
    other = await second_teacher(org)
    room_b, kids_b = await small_roster(org, teacher=other, size=2)
    teacher_a = await as_role("staff")
    teacher_b = make_client()
    await teacher_b.sign_in(other)
    a = [
        marked(org, room_a, kids_a[0], "present"),
        marked(org, room_a, kids_a[1], "injured", "Cut hand, bandaged"),
        marked(org, room_a, kids_a[2], "missing"),
        reported(org, room_a, site_id=org.site.id, place="Field gate"),
    ]
    b = [
        marked(org, room_b, kids_b[0], "present"),
        marked(org, room_b, kids_b[1], "absent"),
        marked(org, room_b, kids_a[2], "extra"),
        reported(org, room_b, position={"latitude": 38.57, "longitude": -121.48, "accuracy": 9}),
    ]
    assert [r["status"] for r in await statuses(teacher_a, a)] == ["accepted"] * 4
    safety = await as_role("safety")
    panel = html(await safety.get(f"/incidents/{org.incident.id}/accounting"))
    school = panel.select_one(f'[data-school="{org.school.id}"]')
    assert "Missing" in school.select_one(".acc-missing").get_text()
    assert kids_a[2].name in school.select_one(".acc-missing").get_text()
    assert [r["status"] for r in await statuses(teacher_b, b, "phone-2")] == ["accepted"] * 4
    page = await safety.get(
        f"/incidents/{org.incident.id}/accounting", headers={"HX-Request": "true"}
    )
    school = html(page).select_one(f'[data-school="{org.school.id}"]')
    assert school.select_one(".acc-missing") is None
    found = school.select_one(".acc-found").get_text(" ", strip=True)
    assert kids_a[2].name in found and room_b.name in found
    assert "Cut hand, bandaged" in school.select_one(".acc-injured").get_text()
    assert "Students accounted for: 5 of" in school.select_one(".acc-students").get_text()
    assert "Classes reported: 2 of" in school.select_one(".acc-classes").get_text()
    where = await ClassReport.get(roster_class=room_a)
    assert where.site_id == org.site.id and where.place == "Field gate"


async def test_a_later_tap_stands_and_taps_are_checked(org, as_role):
    room, kids = await small_roster(org, size=2)
    _other_room, others = await small_roster(org, size=1)
    teacher = await as_role("staff")
    first = marked(org, room, kids[0], "missing")
    then = marked(org, room, kids[0], "present")
    then["occurred_at"] = datetime.now(UTC).isoformat()
    elsewhere = await Site.create(
        organisation=org.organisation,
        school=org.other_school,
        kind=SiteKind.CAMPUS,
        name="The other school's field",
        latitude=38.56,
        longitude=-121.47,
    )
    bad = [
        marked(org, room, others[0], "present"),  # not in this class
        marked(org, room, kids[1], "extra"),  # in this class already
        reported(org, room, site_id=999_999),
        reported(org, room, site_id=elsewhere.id),  # another school's place
    ]
    results = await statuses(teacher, [first, then, *bad])
    assert [r["status"] for r in results] == ["accepted", "accepted", *["rejected"] * 4]
    assert "school's places" in results[-1]["reason"]
    assert "add them as an extra" in results[2]["reason"]
    safety = await as_role("safety")
    panel = html(await safety.get(f"/incidents/{org.incident.id}/accounting"))
    assert kids[0].name not in panel.select_one(f'[data-school="{org.school.id}"]').get_text()
    # The teacher's page starts from the server's standing marks, each with its time.
    page = html(await teacher.get(f"/incidents/{org.incident.id}/account"))
    marks = json.loads(page.select_one("[data-marks]")["data-marks"])
    [standing] = [m for m in marks if m["student"] == kids[0].id]
    assert standing["mark"] == "present" and standing["class"] == room.id
    at = datetime.fromisoformat(standing["at"])
    assert at.tzinfo is not None and abs(datetime.now(UTC) - at) < timedelta(minutes=1)


async def test_a_student_the_roster_dropped_is_refused_and_an_empty_class_still_reports(
    org, as_role
):
    room, kids = await small_roster(org, size=2)
    kids[1].active = False  # a later roster file deleted them
    await kids[1].save()
    empty, _none = await small_roster(org, size=0)
    teacher = await as_role("staff")
    results = await statuses(
        teacher,
        [
            marked(org, room, kids[0], "present"),
            marked(org, room, kids[1], "present"),
            reported(org, room),
            reported(org, empty, place="Gym"),
        ],
    )
    assert [r["status"] for r in results] == ["accepted", "rejected", "accepted", "accepted"]
    assert await ClassReport.filter(roster_class=empty, place="Gym").exists()


async def test_a_student_is_released_once_and_the_later_phone_is_told(org, as_role, make_client):
    _room, kids = await small_roster(org, size=2)
    staff = await as_role("staff")
    office = await as_role("office")
    one = await released(org, kids[0])
    two = await released(org, kids[0])
    assert (await statuses(staff, [one], "phone-1"))[0]["status"] == "accepted"
    refused = (await statuses(office, [two], "phone-2"))[0]
    assert refused["status"] == "rejected"
    staff_name = org.users["staff"].name
    assert "already released to Parent 0" in refused["reason"] and staff_name in refused["reason"]
    assert await Release.filter(student=kids[0]).count() == 1
    # resent by the first phone: a duplicate, not a second release
    assert (await statuses(staff, [one], "phone-1"))[0]["status"] == "duplicate"
    uncle = await Guardian.get(student=kids[1], may_pick_up=False)
    no = (await statuses(staff, [await released(org, kids[1], uncle)]))[0]
    assert no["status"] == "rejected" and "pick-up list" in no["reason"]
    log = html(
        await (await as_role("safety")).get(f"/incidents/{org.incident.id}/reunification/log")
    )
    rows = [r.get_text(" ", strip=True) for r in log.select("#release-log tbody tr")]
    assert len(rows) == 1 and kids[0].name in rows[0] and "Driver's licence" in rows[0]
    # The counts line the reunification page asks for again: never kept on a phone.
    counts = await office.get(f"/incidents/{org.incident.id}/reunification/counts")
    assert counts.status_code == 200 and "no-store" in counts.headers["cache-control"]
    assert html(counts).select_one("#reu-counts")["data-released-count"] == "1"


async def test_who_sees_rosters_and_releases(org, other_org, as_role, make_client):
    incident = org.incident
    await small_roster(org, size=1, ask=False)
    staff = await as_role("staff")
    assert (await staff.get(f"/incidents/{incident.id}/account")).status_code == 404  # not asked
    assert (await staff.post(f"/incidents/{incident.id}/accounting/ask")).status_code in (403, 404)
    safety = await as_role("safety")
    asked = await safety.post(f"/incidents/{incident.id}/accounting/ask")
    assert asked.status_code == 303
    assert await AccountingCall.filter(incident=incident).exists()
    home = html(await staff.get("/"))
    assert home.select_one(f'#account-for-class a[href="/incidents/{incident.id}/account"]')
    assert f"/incidents/{incident.id}/reunification" in home.body["data-offline-pages"]
    for role in ("staff", "office", "safety", "admin"):
        client = await as_role(role)
        assert (await client.get(f"/incidents/{incident.id}/account")).status_code == 200
        assert (await client.get(f"/incidents/{incident.id}/reunification")).status_code == 200
    looks = AuditLog.filter(
        organisation_id=org.organisation.id, action="guardians.viewed", record_id=str(incident.id)
    )
    assert await looks.count() == 4
    # someone at no school of the incident's; another district's safety team
    nobody = make_client()
    await nobody.sign_in(org.spare)
    stranger = await as_role("safety", other_org)
    for client in (nobody, stranger):
        for page in ("account", "reunification", "reunification/log", "accounting"):
            assert (await client.get(f"/incidents/{incident.id}/{page}")).status_code == 404
    klass, kids = await small_roster(org, size=1)
    for client in (nobody, stranger):
        results = await statuses(client, [marked(org, klass, kids[0], "present")])
        assert results[0]["status"] == "rejected"
    # closed: the phones' pages go (a 404 makes them drop their copies); the log stays the team's
    incident.status, incident.closed_at = IncidentStatus.CLOSED, datetime.now(UTC)
    await incident.save()
    for page in ("account", "reunification"):
        assert (await staff.get(f"/incidents/{incident.id}/{page}")).status_code == 404
        assert (await safety.get(f"/incidents/{incident.id}/{page}")).status_code == 404
    assert (await staff.get(f"/incidents/{incident.id}/reunification/log")).status_code == 404
    assert (await safety.get(f"/incidents/{incident.id}/reunification/log")).status_code == 200
    late = await statuses(staff, [marked(org, klass, kids[0], "present")])
    assert late[0]["status"] == "rejected"
    home = html(await staff.get("/"))
    assert home.select_one("#account-for-class") is None
    # listed once more for a week, so the phone fetches them, meets the 404 and drops them
    assert f"/incidents/{incident.id}/reunification" in home.body["data-offline-pages"]
    assert await looks.filter(actor_id=org.users["safety"].id).count() == 2  # page and log


async def test_taps_are_refused_where_the_sender_may_not_account(org, other_org, as_role):
    """Each (incident, class) pair is looked up once a batch: the taps and the class's report
    are refused alike for a class at another school of the incident's, another district's
    class, and after the incident closes; a safety lead may account for any class of it."""
    room, kids = await small_roster(org)
    elsewhere, theirs = await small_roster(org, school=org.other_school)  # not the incident's
    foreign, strangers = await small_roster(other_org)
    teacher = await as_role("staff")
    not_yours = "not yours to account for"
    events = [
        marked(org, elsewhere, theirs[0], "present"),
        reported(org, elsewhere),
        marked(org, foreign, strangers[0], "present"),
        reported(org, foreign),
        marked(org, room, kids[0], "present"),
        reported(org, room),
    ]
    results = await statuses(teacher, events)
    assert [r["status"] for r in results] == ["rejected"] * 4 + ["accepted"] * 2
    assert all(not_yours in r["reason"] for r in results[:4])
    safety = await as_role("safety")
    late = await statuses(safety, [marked(org, room, kids[1], "present"), reported(org, room)])
    assert [r["status"] for r in late] == ["accepted"] * 2
    await type(org.incident).filter(id=org.incident.id).update(status=IncidentStatus.CLOSED)
    closed = await statuses(teacher, [marked(org, room, kids[2], "present"), reported(org, room)])
    assert [r["status"] for r in closed] == ["rejected"] * 2
    assert await ClassReport.filter(roster_class_id=room.id).count() == 2
