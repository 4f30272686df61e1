"""The crisis team directory: who fills each function, in order, per school and district-wide."""

from __future__ import annotations

from server.models import AuditLog, User
from server.team.models import TeamFunction, TeamSeat
from server.team.service import who_answers
from tests.helpers import give_phone, html

MEDICAL = TeamFunction.MEDICAL


async def _person(org, name: str, phone: str = "916-555-0101", active: bool = True) -> User:
    return await User.create(
        organisation=org.organisation,
        name=name,
        email=f"{name.lower().replace(' ', '.')}-{org.organisation.id}@example.org",
        password_hash="x",
        roles=["staff"],
        phone=phone,
        active=active,
    )


async def test_the_safety_team_fills_a_function_and_everyone_reads_it(org, as_role):
    nurse = await _person(org, "Nora Nurse", "916-555-0142")
    safety = await as_role("safety")
    url = f"/team/{org.school.id}/medical_lead"
    form = html(await safety.get(url))
    assert form.select_one("label[for=primary]") and form.select_one("select#primary")
    response = await safety.post(
        url, [("primary", nurse.id), ("backups", org.users["staff"].id), ("backups", "")]
    )
    assert response.status_code == 303
    page = html(await (await as_role("driver")).get(f"/team/{org.school.id}"))
    card = next(c for c in page.select(".team .card") if "Medical lead" in c.get_text())
    names = [li.find("strong").get_text() for li in card.select("ol li")]
    assert names == ["Nora Nurse", org.users["staff"].name]
    assert card.select_one("a.tel")["href"].startswith("tel:")
    entry = await AuditLog.get(action="team.changed", organisation_id=org.organisation.id)
    assert entry.detail == {
        "function": "medical_lead",
        "before": [],
        "after": [nurse.id, org.users["staff"].id],
    }


async def test_staff_cannot_change_the_directory(org, as_role):
    staff = await as_role("staff")
    url = f"/team/{org.school.id}/medical_lead"
    assert (await staff.get(url)).status_code == 403
    assert (await staff.post(url, {"primary": org.users["staff"].id})).status_code == 403
    assert not await TeamSeat.filter(organisation_id=org.organisation.id).exists()


async def test_bad_choices_are_refused_with_a_reason(org, other_org, as_role):
    admin = await as_role("admin")
    url = "/team/district/incident_commander"
    stranger = other_org.users["staff"].id
    gone = await _person(org, "Gone Away", active=False)
    cases = [
        ([("primary", stranger)], "Choose people from the list."),
        ([("primary", gone.id)], "Choose people from the list."),
        ([("backups", org.users["staff"].id)], "Choose the primary before the backups."),
        (
            [("primary", org.users["staff"].id), ("backups", org.users["staff"].id)],
            "Each person can fill a function once.",
        ),
        ([("primary", "nobody")], "Enter a number."),
        ([("backups", 1)] * 4, "This value is not valid."),
    ]
    for data, message in cases:
        response = await admin.post(url, data)
        assert response.status_code == 422, data
        assert message in html(response).select_one(".field-error").get_text(), data
    assert not await TeamSeat.filter(organisation_id=org.organisation.id).exists()


async def test_unknown_teams_and_functions_are_not_found(org, other_org, as_role):
    admin = await as_role("admin")
    for url in (
        f"/team/{other_org.school.id}",
        "/team/99999999999999999999",
        "/team/lincoln",
        f"/team/{org.school.id}/janitor",
        f"/team/{other_org.school.id}/deputy",
    ):
        assert (await admin.get(url)).status_code == 404, url


async def test_who_answers_is_the_primary_then_backups_then_the_district(org, as_role):
    first = await _person(org, "Ann First")
    second = await _person(org, "Ben Second")
    third = await _person(org, "Cy Third")
    district = await _person(org, "Di Strict")
    admin = await as_role("admin")
    url = f"/team/{org.school.id}/medical_lead"
    await admin.post(url, [("primary", first.id), ("backups", third.id), ("backups", second.id)])
    await admin.post(
        "/team/district/medical_lead", [("primary", district.id), ("backups", first.id)]
    )
    answers = await who_answers(MEDICAL, org.school)
    assert [p.id for p in answers] == [first.id, third.id, second.id, district.id]
    third.active = False
    await third.save()
    assert [p.id for p in await who_answers(MEDICAL, org.school)] == [
        first.id,
        second.id,
        district.id,
    ]
    # Another school has only the district's people; another function has nobody.
    assert [p.id for p in await who_answers(MEDICAL, org.other_school)] == [district.id, first.id]
    assert await who_answers(TeamFunction.FACILITIES, org.school) == []
    # Saving again replaces the order, and emptying the form empties the function.
    await admin.post(url, [("primary", second.id)])
    assert [p.id for p in await who_answers(MEDICAL, org.school)][:1] == [second.id]
    await admin.post(url, [("primary", "")])
    assert [p.id for p in await who_answers(MEDICAL, org.school)] == [district.id, first.id]


async def test_an_alert_to_a_function_reaches_its_primary_and_backups(org, as_role):
    from server.alerts.models import Alert, AlertRecipient

    safety = await as_role("safety")
    u = org.users
    medical = f"/team/{org.school.id}/medical_lead"
    filled = await safety.post(medical, {"primary": u["staff"].id, "backups": [u["driver"].id]})
    assert filled.status_code == 303
    composer = html(await safety.get("/admin/alerts/new"))
    to = f"team:{org.school.id}:medical_lead"
    option = composer.select_one(f"option[value='{to}']")
    assert option.get_text() == f"{org.school.name}: Medical lead"
    form = {"kind": "medical", "to": to, "message": "Nurse to room 4"}
    # The primary has no phone that takes alerts: the backups at once.
    preview = html(await safety.post("/admin/alerts/new", form))
    assert f"{org.school.name}: Medical lead" in preview.get_text()
    sent = await safety.post("/admin/alerts/send", {**form, "held": "yes"})
    assert sent.status_code == 303
    alert = await Alert.get(organisation_id=org.organisation.id, message="Nurse to room 4")
    assert alert.audience["scope"] == "team"
    got = set(await AlertRecipient.filter(alert_id=alert.id).values_list("user_id", flat=True))
    assert got == {u["staff"].id, u["driver"].id}
    # With a phone, the primary alone (the backups after 3 minutes without an answer:
    # tests/test_team_fallback.py).
    await give_phone(org, u["staff"])
    second = {**form, "message": "Nurse to room 5", "held": "yes"}
    assert (await safety.post("/admin/alerts/send", second)).status_code == 303
    alert = await Alert.get(organisation_id=org.organisation.id, message="Nurse to room 5")
    got = set(await AlertRecipient.filter(alert_id=alert.id).values_list("user_id", flat=True))
    assert got == {u["staff"].id}
    # The whole team: every seat's people.
    await safety.post(f"/team/{org.school.id}/facilities", {"primary": u["office"].id})
    whole = {**form, "to": f"team:{org.school.id}", "message": "Team to the office"}
    assert (await safety.post("/admin/alerts/send", {**whole, "held": "yes"})).status_code == 303
    alert = await Alert.get(organisation_id=org.organisation.id, message="Team to the office")
    got = set(await AlertRecipient.filter(alert_id=alert.id).values_list("user_id", flat=True))
    assert got == {u["staff"].id, u["driver"].id, u["office"].id}


async def test_a_team_alert_to_nobody_or_elsewhere_is_refused(org, other_org, as_role):
    from server.alerts.models import Alert

    safety = await as_role("safety")
    empty = {"kind": "medical", "to": f"team:{org.school.id}:police_liaison", "held": "yes"}
    refused = await safety.post("/admin/alerts/send", empty)
    assert refused.status_code == 422
    assert "Nobody fills this in the team directory yet" in refused.text
    foreign = {**empty, "to": f"team:{other_org.school.id}"}
    assert (await safety.post("/admin/alerts/send", foreign)).status_code == 422
    unknown = {**empty, "to": f"team:{org.school.id}:janitor"}
    assert (await safety.post("/admin/alerts/send", unknown)).status_code == 422
    assert (
        not await Alert.filter(organisation_id=org.organisation.id, kind="medical")
        .exclude(id=org.alert.id)
        .exists()
    )


async def test_nobody_adds_themselves_to_the_threat_assessment_team(org, as_role):
    """Its seats open the sealed cases, which admins and the safety team may not read: an
    editor who tries is told someone else must; someone else can, and the person seated may
    then save that team again with themselves kept on it."""
    admin, safety = await as_role("admin"), await as_role("safety")
    me, staff = org.users["admin"].id, org.users["staff"].id
    url = "/team/district/threat_assessment"
    refused = await admin.post(url, {"primary": me})
    assert refused.status_code == 422
    said = html(refused).select_one("#primary-error").get_text()
    assert "Someone else who keeps the directory must add you" in said
    refused = await admin.post(url, [("primary", staff), ("backups", me)])
    assert refused.status_code == 422 and html(refused).select_one("#backups-error")
    school = f"/team/{org.school.id}/threat_assessment"
    assert (await safety.post(school, {"primary": org.users["safety"].id})).status_code == 422
    seats = TeamSeat.filter(organisation_id=org.organisation.id, function="threat_assessment")
    assert not await seats.exists()
    assert (await safety.post(url, {"primary": me})).status_code == 303
    assert (await admin.post(url, [("primary", me), ("backups", staff)])).status_code == 303
    assert await seats.order_by("rank").values_list("person_id", flat=True) == [me, staff]
