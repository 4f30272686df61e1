"""The one-hold team call-out from an incident (issue 16, section 1) and the recovery checklist's
way in (section 3): who the call-out reaches, that it carries the incident's reference and joins
its timeline, who may send it, and where the recovery checklist is one tap away."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from server.alerts.models import Alert, AlertRecipient
from server.checklists.models import ChecklistRun
from server.incidents.models import (
    Incident,
    IncidentLink,
    IncidentRole,
    IncidentSchool,
    IncidentStatus,
)
from server.models import AuditLog
from server.push.payload import title
from server.team.models import TeamFunction, TeamSeat
from tests.helpers import event, give_phone, html, send


async def _seat(org, function: TeamFunction, school, *people) -> None:
    for rank, person in enumerate(people):
        await TeamSeat.create(
            organisation_id=org.organisation.id,
            school_id=school.id if school else None,
            function=function,
            rank=rank,
            person=person,
        )


async def _team(org) -> set[int]:
    """A crisis team for the incident's school; the ids a call-out must reach."""
    u = org.users
    # The commander has a phone that takes alerts: the commander alone, not the backup.
    await _seat(org, TeamFunction.COMMANDER, org.school, u["staff"], u["driver"])
    await give_phone(org, u["staff"])
    # The medical lead has none: the backups at once.
    await _seat(org, TeamFunction.MEDICAL, org.school, u["office"], u["dispatch"])
    # The district team covers every school: its police liaison (no school of their own).
    await _seat(org, TeamFunction.POLICE, None, org.spare)
    # An admin on the district team: asked to answer like anyone else (no "situation" page).
    await _seat(org, TeamFunction.DEPUTY, None, u["admin"])
    await give_phone(org, u["admin"])
    # Another school's team is not this incident's.
    await _seat(org, TeamFunction.FACILITIES, org.other_school, u["admin"])
    return {u["staff"].id, u["office"].id, u["dispatch"].id, u["admin"].id, org.spare.id}


def _url(org) -> str:
    return f"/incidents/{org.incident.id}/callout"


async def _callouts(org) -> list[Alert]:
    return await Alert.filter(organisation_id=org.organisation.id, kind="team-callout")


async def test_the_call_out_reaches_the_incidents_team_and_joins_its_timeline(org, as_role):
    expected = await _team(org)
    safety = await as_role("safety")
    page = html(await safety.get(f"/incidents/{org.incident.id}"))
    form = page.select_one("#callout-form")
    assert form["action"] == _url(org) and form.select_one("[data-hold]") is not None
    callout = form.select_one("[name=callout]")["value"]
    assert "It alerts 5 people" in form.get_text()

    # Without JavaScript the button posts with no confirmation: the confirm step, nothing sent.
    confirm = await safety.post(_url(org), {"callout": callout, "confirm": ""})
    assert confirm.status_code == 200
    step = html(confirm)
    assert org.incident.reference in step.get_text()
    assert {li.get_text() for li in step.select("ul.cards li")} == {
        org.users["staff"].name,
        org.users["office"].name,
        org.users["dispatch"].name,
        org.spare.name,
        org.users["admin"].name,
    }
    assert step.select_one("button[name=confirm][value=yes]") is not None
    assert await _callouts(org) == []

    # Confirmed (the confirm page's button, or the 2-second hold): sent once.
    sent = await safety.post(_url(org), {"callout": callout, "confirm": "yes"})
    assert sent.status_code == 303 and sent.headers["location"].endswith(
        f"/incidents/{org.incident.id}"
    )
    [alert] = await _callouts(org)
    assert str(alert.id) == callout and alert.severity == "warning"
    got = await AlertRecipient.filter(alert_id=alert.id).values_list("user_id", flat=True)
    assert set(got) == expected  # not the commander's backup, not another school's team
    assert alert.source["reference"] == org.incident.reference
    assert alert.where["incident"] == org.incident.reference
    assert title(alert) == f"Crisis team call-out: {org.incident.reference}"
    link = await IncidentLink.get(record_id=str(alert.id))
    assert link.incident_id == org.incident.id
    audit = await AuditLog.get(action="incident.called_out", record_id=str(org.incident.id))
    assert audit.actor_id == org.users["safety"].id and audit.detail["alert"] == callout

    live = html(await safety.get(f"/incidents/{org.incident.id}"))
    assert "Crisis team called out: 5 people alerted." in live.select_one(".flash").get_text()
    entry = live.select_one(f"#timeline a[href='/admin/alerts/{alert.id}']")
    assert entry is not None and org.incident.reference in entry.get_text()
    # The page offers a new call-out, never the one just sent.
    assert live.select_one("#callout-form [name=callout]")["value"] != callout

    # Every one of them is asked to answer, the admin too; answers join the timeline.
    admin = await as_role("admin")
    opened = html(await admin.get(f"/alerts/{alert.id}"))
    assert opened.select_one("#answer") is not None
    assert org.incident.reference in opened.get_text()

    # The same form again (a second tap, a reload): no second alert.
    again = await safety.post(_url(org), {"callout": callout, "confirm": "yes"})
    assert again.status_code == 303
    assert len(await _callouts(org)) == 1


async def test_only_the_safety_team_admins_and_the_commander_call_out(
    org, other_org, as_role, client
):
    await _team(org)
    fresh = {"callout": str(uuid.uuid4()), "confirm": "yes"}
    staff = await as_role("staff")
    assert (await staff.post(_url(org), fresh)).status_code == 403
    assert (await client.post(_url(org), fresh, follow_redirects=False)).status_code in (
        303,
        401,
        403,
    )
    stranger = await as_role("safety", other_org)
    assert (await stranger.post(_url(org), fresh)).status_code == 404  # not a 403
    safety = await as_role("safety")
    assert (await safety.post(_url(org), fresh, csrf=False)).status_code == 403
    assert await _callouts(org) == []

    # The incident commander of the day may, though not on the safety team.
    await IncidentRole.create(
        incident_id=org.incident.id,
        function=TeamFunction.COMMANDER,
        person=org.users["staff"],
        assigned_at=datetime.now(UTC),
    )
    sent = await staff.post(_url(org), fresh)
    assert sent.status_code == 303
    [alert] = await _callouts(org)
    assert alert.raised_by_id == org.users["staff"].id
    got = set(await AlertRecipient.filter(alert_id=alert.id).values_list("user_id", flat=True))
    assert org.users["staff"].id not in got  # never alerts the sender


async def test_a_closed_incident_or_an_empty_directory_calls_nobody_out(org, as_role):
    safety = await as_role("safety")
    empty = await safety.post(_url(org), {"callout": str(uuid.uuid4()), "confirm": "yes"})
    assert empty.status_code == 409
    assert (
        "Nobody else fills the team directory"
        in html(empty).select_one(".error-summary").get_text()
    )
    live = html(await safety.get(f"/incidents/{org.incident.id}"))
    assert live.select_one("#callout-form button[data-hold]").has_attr("disabled")
    await _team(org)
    org.incident.status = IncidentStatus.CLOSED
    await org.incident.save()
    closed = await safety.post(_url(org), {"callout": str(uuid.uuid4()), "confirm": "yes"})
    assert closed.status_code == 409
    bad = await safety.post(_url(org), {"callout": "not-an-id", "confirm": "yes"})
    assert bad.status_code == 422
    assert await _callouts(org) == []


async def test_the_recovery_checklist_is_one_tap_from_the_team_and_the_incident(
    org, other_org, as_role
):
    safety = await as_role("safety")
    home = html(await safety.get("/"))
    assert home.select_one("a[data-journey=recovery]")["href"] == "/checklists/recovery"
    admin = html(await (await as_role("admin")).get("/"))
    assert admin.select_one("a[data-journey=recovery]") is not None
    staff = await as_role("staff")
    assert html(await staff.get("/")).select_one("a[data-journey=recovery]") is None
    assert (await staff.get("/checklists/recovery")).status_code == 404

    live = html(await safety.get(f"/incidents/{org.incident.id}"))
    link = live.select_one("#recovery-link")["href"]
    assert link == f"/checklists/recovery?incident={org.incident.reference}"
    runner = html(await safety.get(link))
    assert runner.select_one("#runner")["data-context"] == "incident"
    offered = [o["value"] for o in runner.select("#incident-choices option")]
    assert offered == [org.incident.reference]  # not the other district's open incident


def _recovery(run_id: str, reference: str) -> dict:
    return event(
        "checklist.started",
        run_id=run_id,
        checklist_id="recovery",
        version=1,
        context={"incident": reference},
    )


async def test_a_recovery_run_carries_its_incidents_reference(org, other_org, as_role):
    # An incident at the other school: the safety lead (of the first school) runs its recovery.
    elsewhere = await Incident.create(
        organisation=org.organisation, year=2026, number=2, kind="fire", opened_at=datetime.now(UTC)
    )
    await IncidentSchool.create(incident=elsewhere, school=org.other_school)
    safety = await as_role("safety")
    run_id = str(uuid.uuid4())
    answered = event("checklist.answered", run_id=run_id, item_id="decide", value="dismiss")
    sent = [_recovery(run_id, elsewhere.reference.lower()), answered]
    results = (await send(safety, sent)).json()["results"]
    assert [r["status"] for r in results] == ["accepted", "accepted"]
    run = await ChecklistRun.get(id=run_id)
    assert run.context == {"incident": elsewhere.reference.lower()}
    assert run.school_id == org.other_school.id  # the incident's school, not the phone's person's
    # Another district's reference (the same words) or a typo names nothing here.
    assert other_org.incident.reference == org.incident.reference
    for reference in ("INC-2026-0099", "not a reference"):
        other_run = str(uuid.uuid4())
        assert (await send(safety, [_recovery(other_run, reference)])).json()["results"][0][
            "status"
        ] == "accepted"
        assert (await ChecklistRun.get(id=other_run)).school_id == org.school.id
    # A checklist that doesn't ask for an incident refuses one.
    other = event(
        "checklist.started",
        run_id=str(uuid.uuid4()),
        checklist_id="bleeding-control",
        version=4,
        context={"incident": org.incident.reference},
    )
    assert (await send(safety, [other])).json()["results"][0]["status"] == "rejected"


async def test_a_recovery_run_joins_the_incident_it_names_not_just_its_schools_oldest(org, as_role):
    # Two open incidents at one school: the older (org.incident) and a fire opened after it.
    fire = await Incident.create(
        organisation=org.organisation, year=2026, number=2, kind="fire", opened_at=datetime.now(UTC)
    )
    await IncidentSchool.create(incident=fire, school=org.school)
    safety = await as_role("safety")
    run_id = str(uuid.uuid4())
    answered = event("checklist.answered", run_id=run_id, item_id="decide", value="reoccupy")
    results = (await send(safety, [_recovery(run_id, fire.reference), answered])).json()["results"]
    assert [r["status"] for r in results] == ["accepted", "accepted"]
    link = await IncidentLink.get(kind="run", record_id=run_id)
    assert link.incident_id == fire.id
    live = html(await safety.get(f"/incidents/{fire.id}"))
    assert "Go back into the building" in live.select_one("#timeline").get_text()
    older = html(await safety.get(f"/incidents/{org.incident.id}"))
    assert "Go back into the building" not in older.select_one("#timeline").get_text()
    # A run naming none of the district's incidents joins by its school, as any run does.
    stray = str(uuid.uuid4())
    typo = event("checklist.answered", run_id=stray, item_id="decide", value="not-yet")
    await send(safety, [_recovery(stray, "INC-2026-0099"), typo])
    assert (await IncidentLink.get(kind="run", record_id=stray)).incident_id == org.incident.id


async def test_a_team_of_only_the_caller_is_not_offered_as_a_team(org, as_role):
    """The page named the caller as whom the call-out reaches, then refused to send it (an
    alert never reaches its sender): the lead who is the only commander is told so at once."""
    await _seat(org, TeamFunction.COMMANDER, org.school, org.users["safety"])
    safety = await as_role("safety")
    form = html(await safety.get(f"/incidents/{org.incident.id}")).select_one("#callout-form")
    assert form.select_one("button[data-hold]").has_attr("disabled")
    assert "Nobody else fills the team directory" in form.get_text()
    refused = await safety.post(_url(org), {"callout": str(uuid.uuid4()), "confirm": "yes"})
    assert refused.status_code == 409
    assert "Nobody else fills the team directory" in refused.text
    admin = await as_role("admin")  # anyone else who may call out reaches the commander
    form = html(await admin.get(f"/incidents/{org.incident.id}")).select_one("#callout-form")
    assert (
        "It alerts 1 person" in form.get_text()
        and "disabled" not in form.select_one("button[data-hold]").attrs
    )
    assert await _callouts(org) == []
