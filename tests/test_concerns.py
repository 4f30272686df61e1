"""Concerns ("I'm worried about someone") arrive as ``concern.raised`` events: checked, stored,
and when someone may be in danger now the school's threat assessment team is alerted at once.
Admins, the safety team and the threat assessment team (a school's, for that school) list and
read them, every look audited; everyone else, the sender included, is told nothing exists (404)."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime, timedelta

import pytest

from server.alerts.models import Alert, AlertRecipient
from server.auth import ALL_ROLES
from server.concerns.models import Concern
from server.models import AuditLog, Role
from server.team.models import TeamFunction, TeamSeat
from tests.helpers import event, file, html

READERS = {Role.ADMIN.value, Role.SAFETY.value}


def raised(**fields) -> dict:
    payload = {
        "concern_id": str(uuid.uuid4()),
        "what": "Told a classmate he would make them all pay on Friday",
        "exact_words": "You'll all be sorry Friday. I mean it.",
        "place": "Bus 14, back seats",
        "happened_at": (datetime.now(UTC) - timedelta(hours=1)).isoformat(),
        "witnesses": "Two students in the seat in front",
        "how_known": "heard",
        "danger_now": False,
    }
    payload.update(fields)
    return event("concern.raised", **payload)


async def test_a_concern_is_stored_once_and_the_sender_sees_only_sent(as_role, org):
    driver = await as_role("driver")
    e = raised()
    assert [r["status"] for r in await file(driver, e)] == ["accepted"]
    concern = await Concern.get(id=e["payload"]["concern_id"])
    assert concern.raised_by_id == org.users["driver"].id
    assert concern.school_id == org.school.id  # the sender's school, none chosen
    assert concern.exact_words == "You'll all be sorry Friday. I mean it."
    assert abs(concern.happened_at - (datetime.now(UTC) - timedelta(hours=1))) < timedelta(
        minutes=1
    )
    assert not concern.danger_now and concern.team_alert is None
    kinds = await Alert.filter(organisation_id=org.organisation.id).values_list("kind", flat=True)
    assert "threat-concern" not in kinds
    assert (await file(driver, e))[0]["status"] == "duplicate"
    assert await Concern.filter(id=concern.id).count() == 1
    # the sender can't read it back, nor list it: as if it didn't exist
    assert (await driver.get(f"/concerns/{concern.id}")).status_code == 404
    assert (await driver.get("/concerns")).status_code == 404


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"what": ""}, "what"),
        ({"place": ""}, "place"),
        ({"how_known": "gossip"}, "how_known"),
        ({"danger_now": "perhaps"}, "danger_now"),
        ({"what": "x" * 4001}, "what"),
        ({"happened_at": "yesterday"}, "happened_at"),
        ({"ip_address": "10.0.0.1"}, "ip_address"),  # unknown fields are refused
        ({"school_id": 0}, "school_id"),
    ],
)
async def test_bad_input_is_rejected_with_a_reason(change, reason, as_role):
    staff = await as_role("staff")
    e = raised(**change)
    [result] = await file(staff, e)
    assert result["status"] == "rejected"
    assert reason in result["reason"]
    assert not await Concern.filter(id=e["payload"]["concern_id"]).exists()


async def test_what_only_the_server_can_check_is_rejected_and_never_retried(
    as_role, org, other_org
):
    staff = await as_role("staff")
    future = raised(happened_at=(datetime.now(UTC) + timedelta(hours=3)).isoformat())
    foreign = raised(school_id=other_org.school.id)
    first = raised()
    again = raised(concern_id=first["payload"]["concern_id"])  # a new event, the same concern
    results = await file(staff, future, foreign, first, again)
    assert [r["status"] for r in results] == ["rejected", "rejected", "accepted", "rejected"]
    assert "future" in results[0]["reason"]
    assert "not one of your district" in results[1]["reason"]
    assert "already sent" in results[3]["reason"]
    # sent again, a rejected event is rejected again: no retry, no change
    assert [r["status"] for r in await file(staff, future)] == ["rejected"]
    assert await Concern.filter(organisation_id=org.organisation.id).count() == 2  # + org's own


async def test_another_school_of_the_district_may_be_named(as_role, org):
    staff = await as_role("staff")
    e = raised(school_id=org.other_school.id)
    assert (await file(staff, e))[0]["status"] == "accepted"
    assert (await Concern.get(id=e["payload"]["concern_id"])).school_id == org.other_school.id


async def _recipients(alert_id) -> set[int]:
    return set(await AlertRecipient.filter(alert_id=alert_id).values_list("user_id", flat=True))


async def test_danger_now_alerts_the_schools_threat_assessment_team(as_role, org):
    lead, backup = org.spare, org.users["office"]
    for rank, person in enumerate([lead, backup]):
        await TeamSeat.create(
            organisation=org.organisation,
            school=org.school,
            function=TeamFunction.THREAT_ASSESSMENT,
            rank=rank,
            person=person,
        )
    driver = await as_role("driver")
    e = raised(danger_now=True, place="Back gate, by the bike racks")
    assert (await file(driver, e))[0]["status"] == "accepted"
    concern = await Concern.get(id=e["payload"]["concern_id"])
    alert = await Alert.get(id=concern.team_alert)
    assert alert.kind == "threat-concern"
    assert alert.raised_by_id == org.users["driver"].id
    assert alert.source == {"concern_id": str(concern.id)}
    assert alert.audience["team"] == {
        "school_id": org.school.id,
        "function": "threat_assessment",
    }
    # the primary has no phone for alerts: the whole function is reached at once
    assert await _recipients(alert.id) == {lead.id, backup.id}
    assert alert.where["site"] == "Back gate, by the bike racks"
    # what was said stays with the concern, for its readers: not on a lock screen
    assert "sorry" not in (alert.message + str(alert.where))


async def test_danger_now_with_nobody_in_the_function_reaches_the_safety_team(as_role, org):
    staff = await as_role("staff")
    e = raised(danger_now=True)
    assert (await file(staff, e))[0]["status"] == "accepted"
    concern = await Concern.get(id=e["payload"]["concern_id"])
    got = await _recipients(concern.team_alert)
    assert got == {org.users["safety"].id, org.users["admin"].id}


async def test_the_team_function_is_in_the_directory_in_both_languages(as_role, org):
    admin = await as_role("admin")
    page = await admin.get(f"/team/{org.school.id}")
    assert "Threat assessment team" in page.text
    assert (await admin.get(f"/team/{org.school.id}/threat_assessment")).status_code == 200


@pytest.mark.parametrize("role", sorted(ALL_ROLES))
async def test_who_may_list_and_read_a_concern(role, as_role, org):
    client = await as_role(role)
    actor = org.users[role]
    listing = await client.get("/concerns")
    page = await client.get(f"/concerns/{org.concern.id}")
    entries = AuditLog.filter(organisation_id=org.organisation.id, actor_id=actor.id)
    if role in READERS:
        assert listing.status_code == 200 and page.status_code == 200
        assert org.concern.place in listing.text
        assert html(page).select_one("#concern-what").get_text() == org.concern.what
        assert await entries.filter(action="concerns.listed").count() == 1
        viewed = await entries.filter(action="concern.viewed").get()
        assert (viewed.record_type, viewed.record_id) == ("Concern", str(org.concern.id))
    else:
        assert (listing.status_code, page.status_code) == (404, 404)
        assert org.concern.what not in page.text + listing.text
        assert "not for your role" not in page.text
        refused = await entries.filter(action="concern.refused").get()
        assert refused.record_id == str(org.concern.id)
        assert await entries.filter(action="concerns.refused").count() == 1
        assert not await entries.filter(action="concern.viewed").exists()


async def test_another_districts_concerns_are_not_found_nor_listed(as_role, org, other_org):
    admin = await as_role("admin")
    assert (await admin.get(f"/concerns/{other_org.concern.id}")).status_code == 404
    assert (await admin.get("/concerns/not-a-uuid")).status_code == 404
    assert (await admin.get(f"/concerns/{uuid.uuid4()}")).status_code == 404
    listing = await admin.get("/concerns")
    hrefs = {a["href"] for a in html(listing).select("#concerns-list a")}
    assert f"/concerns/{org.concern.id}" in hrefs
    assert f"/concerns/{other_org.concern.id}" not in hrefs
    assert not await AuditLog.filter(record_id=str(other_org.concern.id)).exists()


async def test_the_concerns_facts_are_escaped(as_role, org):
    staff = await as_role("staff")
    words = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    e = raised(what=words, exact_words=words, place="<b>Gym</b>", witnesses=words)
    assert (await file(staff, e))[0]["status"] == "accepted"
    safety = await as_role("safety")
    for url in ("/concerns", f"/concerns/{e['payload']['concern_id']}"):
        page = await safety.get(url)
        assert "<script>alert" not in page.text and "<b>Gym</b>" not in page.text
        assert "&lt;script&gt;" in page.text


async def test_every_home_offers_the_form_and_readers_a_way_to_the_list(as_role, org):
    for role in ALL_ROLES:
        home = html(await (await as_role(role)).get("/"))
        link = home.select_one('a[data-journey="concern"]')
        assert link is not None and link["href"] == "/concerns/new", role
        assert (home.select_one("#concerns-link") is not None) == (role in READERS), role


async def test_the_form_asks_about_behaviour_and_says_call_911(as_role, org):
    page = html(await (await as_role("driver")).get("/concerns/new"))
    guidance = page.select_one("#concern-guidance").get_text()
    for word in ("Age", "race", "religion", "disability", "behaviour"):
        assert word in guidance
    assert page.select_one("#concern-call-911")["href"] == "tel:911"
    names = {el["name"] for el in page.select("#concern-form [name]")}
    assert {"what", "exact_words", "place", "happened_at", "witnesses", "how_known"} <= names
    assert {"danger_now", "how_known_detail"} <= names
    spanish = await (await as_role("driver")).get(
        "/concerns/new", headers={"Accept-Language": "es"}
    )
    assert "Me preocupa alguien" in spanish.text


async def test_the_form_is_kept_for_offline_use_and_the_records_are_not(as_role, org):
    for role in ("driver", "safety"):
        home = html(await (await as_role(role)).get("/"))
        kept = json.loads(home.select_one("body")["data-offline-pages"])
        assert "/concerns/new" in kept, role
        assert not [url for url in kept if url.startswith("/concerns/") and url != "/concerns/new"]
        assert "/concerns" not in kept


async def test_a_schools_threat_assessment_team_reads_that_schools_concerns(as_role, org):
    """Whom the danger-now alert reaches opens what it points to: the office worker seated in the
    school's threat assessment team (no admin or safety role) reads that school's concerns and
    lists them, and is told nothing of another school's."""
    await TeamSeat.create(
        organisation=org.organisation,
        school=org.school,
        function=TeamFunction.THREAT_ASSESSMENT,
        rank=0,
        person=org.users["office"],
    )
    staff = await as_role("staff")
    here = raised(danger_now=True, place="Library, upstairs")
    there = raised(school_id=org.other_school.id, place="Yard of the other school")
    assert [r["status"] for r in await file(staff, here, there)] == ["accepted", "accepted"]
    alert = await Alert.get(id=(await Concern.get(id=here["payload"]["concern_id"])).team_alert)
    office = await as_role("office")
    assert org.users["office"].id in await _recipients(alert.id)

    page = await office.get(f"/concerns/{here['payload']['concern_id']}")
    assert page.status_code == 200 and "Library, upstairs" in page.text
    listing = await office.get("/concerns")
    assert listing.status_code == 200 and "Library, upstairs" in listing.text
    assert "Yard of the other school" not in listing.text
    assert (await office.get(f"/concerns/{there['payload']['concern_id']}")).status_code == 404
    refused = AuditLog.filter(actor_id=org.users["office"].id, action="concern.refused")
    assert await refused.filter(record_id=there["payload"]["concern_id"]).exists()
    assert 'id="concerns-link"' in (await office.get("/")).text


async def test_the_districts_threat_assessment_team_reads_every_schools_concerns(as_role, org):
    await TeamSeat.create(
        organisation=org.organisation,
        function=TeamFunction.THREAT_ASSESSMENT,
        rank=0,
        person=org.users["driver"],
    )
    staff = await as_role("staff")
    there = raised(school_id=org.other_school.id, place="Yard of the other school")
    assert [r["status"] for r in await file(staff, there)] == ["accepted"]
    driver = await as_role("driver")
    assert (await driver.get(f"/concerns/{there['payload']['concern_id']}")).status_code == 200
    assert "Yard of the other school" in (await driver.get("/concerns")).text
