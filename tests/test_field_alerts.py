"""Alerts from the field: who may raise which kind (server.alerts.rules) and the district's
settings, whom each reaches, the 5-second undo, and practice that reaches nobody."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest

from server.alerts.facts import gather
from server.alerts.models import Alert, AlertRecipient
from server.checklists.models import ChecklistRun
from server.models import Organisation, Site, SiteKind
from server.push.models import Delivery, PushSubscription
from server.push.payload import push_body
from tests.helpers import event, html, ids, send

ACTIONS = ["hold", "secure", "lockdown", "evacuate", "shelter"]
NEAR_CAMPUS = {"latitude": 38.5789, "longitude": -121.4865, "accuracy": 12}  # 300 m N


async def raise_(client, kind: str, **payload):
    """Send one alert.raised; returns (its answer, its id)."""
    alert_id = str(uuid.uuid4())
    batch = [event("alert.raised", alert_id=alert_id, kind=kind, **payload)]
    [answer] = (await send(client, batch)).json()["results"]
    return answer, alert_id


async def recipients(alert_id: str) -> list[int]:
    return sorted(await AlertRecipient.filter(alert_id=alert_id).values_list("user_id", flat=True))


async def set_district(org, **settings) -> None:
    await Organisation.filter(id=org.organisation.id).update(**settings)


# -- the five actions -------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["staff", "driver", "office", "dispatch", "safety", "admin"])
async def test_any_role_may_call_an_action_for_their_school(as_role, org, role):
    client = await as_role(role)
    answer, alert_id = await raise_(client, "lockdown")
    assert answer["status"] == "accepted", answer
    alert = await Alert.get(id=alert_id)
    # Everyone of the school (and the district staff of none), the caller not among them.
    everyone = ["admin", "safety", "staff", "driver", "office", "dispatch", "spare"]
    assert await recipients(alert_id) == ids(org, *[r for r in everyone if r != role])
    assert alert.audience == {"scope": "schools", "school_ids": [org.school.id]}
    assert alert.send_after == alert.raised_at + timedelta(seconds=5)  # the undo


async def test_the_safety_team_sees_who_called_an_action(as_role, org):
    staff = await as_role("staff")
    answer, alert_id = await raise_(staff, "evacuate", position=NEAR_CAMPUS)
    assert answer["status"] == "accepted"
    listed = html(await (await as_role("safety")).get("/admin/alerts"))
    text = listed.select_one("#alerts-list li").get_text(" ", strip=True)
    assert f"Raised by {org.users['staff'].name}" in text
    assert f"300 m N of {org.site.name}" in text
    # What the safety team's phones show: the situation, then what to do.
    alert = await Alert.get(id=alert_id)
    told = push_body(alert, await gather(alert), desk=True)
    assert f"300 m N of {org.site.name}" in told.splitlines()[0]
    assert f"Raised by {org.users['staff'].name}" in told
    assert "Leave the building" in told


async def test_the_district_can_narrow_who_may_call_an_action(as_role, org):
    await set_district(org, action_roles=["staff"])
    for role, status in [
        ("staff", "accepted"),
        ("driver", "rejected"),
        ("office", "rejected"),
        ("dispatch", "rejected"),
        ("safety", "accepted"),  # the team and admins always may
        ("admin", "accepted"),
    ]:
        client = await as_role(role)
        for kind in ACTIONS:
            answer, alert_id = await raise_(client, kind)
            assert answer["status"] == status, (role, kind, answer)
            if status == "rejected":
                assert "call 911" in answer["reason"]
                assert not await Alert.filter(id=alert_id).exists()
        # The screen is offered only to those who may use it.
        page = await client.get("/actions")
        assert page.status_code == (200 if status == "accepted" else 404), role
        home = html(await client.get("/"))
        offered = home.select_one('[data-journey="call-action"]') is not None
        assert offered == (status == "accepted"), role


async def test_an_action_goes_to_the_school_chosen_of_ones_own(as_role, org):
    staff = await as_role("staff")
    await org.users["staff"].schools.add(org.other_school)
    answer, alert_id = await raise_(staff, "shelter", school_id=org.other_school.id)
    assert answer["status"] == "accepted"
    assert (await Alert.get(id=alert_id)).audience["school_ids"] == [org.other_school.id]
    await org.users["staff"].schools.remove(org.other_school)
    answer, _ = await raise_(staff, "shelter", school_id=org.other_school.id)
    assert answer["status"] == "rejected"
    assert "school you belong to" in answer["reason"]


# -- kinds: who may raise which -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "allowed"),
    [
        ("panic", {"admin", "safety", "staff", "driver", "office", "dispatch"}),
        ("medical", {"admin", "safety", "staff", "driver", "office", "dispatch"}),
        ("silent", {"admin", "safety", "staff", "driver", "office", "dispatch"}),
        ("lost-student", {"admin", "safety", "staff"}),
        ("bus-child", {"admin", "safety", "driver"}),
        ("bus-item", {"admin", "safety", "driver"}),
    ],
)
async def test_who_may_raise_each_kind(as_role, org, kind, allowed):
    for role in ["admin", "safety", "staff", "driver", "office", "dispatch"]:
        answer, _ = await raise_(await as_role(role), kind, notify=["safety"])
        assert answer["status"] == ("accepted" if role in allowed else "rejected"), (role, answer)


@pytest.mark.parametrize("kind", ["all-clear", "custom", "trip-overdue", "suspicious-report"])
async def test_the_desks_and_the_servers_own_kinds_cant_come_from_a_phone(as_role, kind):
    answer, alert_id = await raise_(await as_role("safety"), kind, notify=["staff"])
    assert answer["status"] == "rejected"
    assert not await Alert.filter(id=alert_id).exists()


async def test_the_district_can_narrow_who_may_open_the_call_script(as_role, org):
    staff, office = await as_role("staff"), await as_role("office")
    assert (await staff.get("/checklists/threat-call")).status_code == 200  # open to all
    assert (await raise_(staff, "silent"))[0]["status"] == "accepted"
    await set_district(org, call_script_roles=["office"])
    assert (await staff.get("/checklists/threat-call")).status_code == 404
    assert html(await staff.get("/")).select_one('[data-journey="threat-call"]') is None
    assert (await raise_(staff, "silent"))[0]["status"] == "rejected"
    assert (await office.get("/checklists/threat-call")).status_code == 200
    assert (await raise_(office, "silent"))[0]["status"] == "accepted"


# -- audiences ----------------------------------------------------------------------------------


async def test_the_panic_button_reaches_the_team_of_ones_schools_and_the_nearest_campus(
    as_role, org
):
    # A teacher of the other school, at the first school's campus.
    await org.users["staff"].schools.clear()
    await org.users["staff"].schools.add(org.other_school)
    staff = await as_role("staff")
    answer, alert_id = await raise_(staff, "panic", notify=["staff"], position=NEAR_CAMPUS)
    assert answer["status"] == "accepted"
    alert = await Alert.get(id=alert_id)
    assert alert.audience["school_ids"] == sorted([org.school.id, org.other_school.id])
    assert await recipients(alert_id) == ids(org, "admin", "safety")  # not the staff asked for
    assert alert.severity == "emergency"
    assert (await gather(alert)).place_words() == f"300 m N of {org.site.name}"
    # With no position: the team of the sender's own school only.
    answer, alert_id = await raise_(staff, "panic")
    assert (await Alert.get(id=alert_id)).audience["school_ids"] == [org.other_school.id]
    assert await recipients(alert_id) == []  # the team are members of the first school only


async def test_a_bus_alert_reaches_dispatch_and_the_school_wherever_the_bus_is(as_role, org):
    await Site.create(
        organisation=org.organisation,
        kind=SiteKind.DEPOT,
        name="Depot",
        latitude=38.6,
        longitude=-121.3,
    )
    driver = await as_role("driver")
    far_away = {"latitude": 38.9, "longitude": -121.0, "accuracy": 30}  # 50 km from any campus
    for kind in ("bus-child", "bus-item"):
        answer, alert_id = await raise_(
            driver, kind, notify=["staff"], position=far_away, context={"bus_number": "42"}
        )
        assert answer["status"] == "accepted"
        assert await recipients(alert_id) == ids(org, "admin", "safety", "dispatch")
        alert = await Alert.get(id=alert_id)
        assert alert.where["bus_number"] == "42" and alert.severity == "emergency"


# -- undo -----------------------------------------------------------------------------------------


def at(moment: datetime, **payload) -> dict:
    return {**event(**payload), "occurred_at": moment.isoformat()}


async def test_a_field_alert_can_be_undone_within_5_seconds_and_reaches_nobody(as_role, org):
    await PushSubscription.create(
        organisation=org.organisation,
        user=org.users["safety"],
        endpoint="https://push.example/undo",
        p256dh="x",
        auth="y",
    )
    staff = await as_role("staff")
    alert_id = str(uuid.uuid4())
    raised = datetime.now(UTC)
    batch = [
        at(raised, type_="alert.raised", alert_id=alert_id, kind="panic"),
        at(raised + timedelta(seconds=4), type_="alert.undone", alert_id=alert_id),
    ]
    results = (await send(staff, batch)).json()["results"]
    assert [r["status"] for r in results] == ["accepted", "accepted"]
    alert = await Alert.get(id=alert_id)
    assert alert.cancelled_at is not None
    assert await Delivery.filter(alert_id=alert_id).values_list("status", flat=True) == [
        "cancelled"
    ]
    # Undone again (a resend from another tab): nothing changes, nothing fails.
    again = [at(raised + timedelta(seconds=4), type_="alert.undone", alert_id=alert_id)]
    assert (await send(staff, again)).json()["results"][0]["status"] == "accepted"


async def test_too_late_to_undo_and_never_someone_elses(as_role, org):
    staff = await as_role("staff")
    alert_id = str(uuid.uuid4())
    raised = datetime.now(UTC) - timedelta(minutes=1)
    late = [
        at(raised, type_="alert.raised", alert_id=alert_id, kind="lockdown"),
        at(raised + timedelta(seconds=6), type_="alert.undone", alert_id=alert_id),
    ]
    results = (await send(staff, late)).json()["results"]
    assert [r["status"] for r in results] == ["accepted", "rejected"]
    assert "Too late to undo" in results[1]["reason"]
    assert (await Alert.get(id=alert_id)).cancelled_at is None
    # Another person can't undo it, even in time.
    other = await as_role("office")
    theirs = [at(raised + timedelta(seconds=1), type_="alert.undone", alert_id=alert_id)]
    answer = (await send(other, theirs)).json()["results"][0]
    assert answer["status"] == "rejected" and "not raised by you" in answer["reason"]


# -- practice -------------------------------------------------------------------------------------


async def test_practice_alerts_reach_nobody_and_count_nowhere(as_role, org):
    staff = await as_role("staff")
    run_id = str(uuid.uuid4())
    started = event(
        "checklist.started",
        run_id=run_id,
        checklist_id="bleeding-control",
        version=2,
        practice=True,
    )
    # The alert from a practice run is practice even if the phone didn't say so.
    from_run = str(uuid.uuid4())
    raised = event(
        "alert.raised",
        alert_id=from_run,
        kind="medical",
        run_id=run_id,
        checklist_id="bleeding-control",
        item_id="send-help",
    )
    results = (await send(staff, [started, raised])).json()["results"]
    assert [r["status"] for r in results] == ["accepted", "accepted"]
    answer, lockdown = await raise_(staff, "lockdown", practice=True)
    assert answer["status"] == "accepted"
    for alert_id in (from_run, lockdown):
        alert = await Alert.get(id=alert_id)
        assert alert.practice and await recipients(alert_id) == []
        assert not await Delivery.filter(alert_id=alert_id).exists()
    assert (await ChecklistRun.get(id=run_id)).practice

    safety = await as_role("safety")
    listed = html(await safety.get("/admin/alerts")).select("#alerts-list li a")
    assert listed and not {from_run, lockdown} & {a["href"].split("/")[-1] for a in listed}
    runs = html(await safety.get("/admin/runs"))
    assert not [a for a in runs.select("a[href]") if run_id in a["href"]]
    csv = (await safety.get("/admin/runs.csv")).text
    assert run_id not in csv
    # Opened directly, a practice run and alert say so.
    run_page = html(await safety.get(f"/admin/runs/{run_id}"))
    assert run_page.select_one("h1 .tag").get_text(strip=True) == "PRACTICE"
    live = html(await safety.get(f"/admin/alerts/{lockdown}"))
    assert live.select_one(".drill-flag").get_text(strip=True) == "PRACTICE"
    assert live.select_one(".alert-title").get_text(strip=True) == "PRACTICE: Lockdown"


# -- the district's settings page ---------------------------------------------------------------


async def test_an_admin_sets_who_may_raise_alerts(as_role, org):
    admin = await as_role("admin")
    page = html(await admin.get("/admin/district"))
    ticked = [box["value"] for box in page.select('#action_roles input[type="checkbox"][checked]')]
    assert ticked == ["staff", "driver", "office", "dispatch"]  # every role by default
    saved = await admin.post(
        "/admin/district", [("action_roles", "staff"), ("call_script_roles", "office")]
    )
    assert saved.status_code == 303
    stored = await Organisation.get(id=org.organisation.id)
    assert (stored.action_roles, stored.call_script_roles) == (["staff"], ["office"])
    # Every box ticked is stored as "every role".
    every = [
        (name, role)
        for name in ("action_roles", "call_script_roles")
        for role in ("staff", "driver", "office", "dispatch")
    ]
    assert (await admin.post("/admin/district", every)).status_code == 303
    stored = await Organisation.get(id=org.organisation.id)
    assert (stored.action_roles, stored.call_script_roles) == (None, None)
    bad = await admin.post("/admin/district", [("action_roles", "pilot")])
    assert bad.status_code == 422
    for role in ("safety", "staff"):
        assert (await (await as_role(role)).get("/admin/district")).status_code == 403
