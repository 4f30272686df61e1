"""Alerts: the list, audiences, the composer (press and hold, undo), drills, answers."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from server.alerts.audience import Audience, resolve_audience
from server.alerts.models import Alert, AlertRecipient
from server.alerts.service import raise_alert
from server.push.models import Delivery, PushSubscription
from server.push.service import queue_deliveries
from tests.helpers import configured, event, html, ids, send, unlinked_errors

WHO = ("notify", "school_ids", "site_id", "trip_id", "user_ids")  # Audience's fields


async def team_alert(org, **fields):
    """An alert raised by the demo district's safety lead; ``fields`` as ``raise_alert`` takes."""
    return await raise_alert(
        organisation_id=org.organisation.id,
        raised_by_id=org.users["safety"].id,
        audience=Audience(**{k: fields.pop(k) for k in WHO if k in fields}),
        **fields,
    )


async def test_a_silent_alert_shows_who_and_where_to_the_safety_team(as_role, org, other_org):
    office = await as_role("office")
    run_id = str(uuid.uuid4())
    batch = [
        event(
            "checklist.started", run_id=run_id, checklist_id="threat-call", version=2, context={}
        ),
        event(
            "alert.raised",
            alert_id=str(uuid.uuid4()),
            kind="silent",
            notify=["admin", "safety"],
            run_id=run_id,
            checklist_id="threat-call",
            item_id="silent-alert",
            position={"latitude": 38.5762, "longitude": -121.4865, "accuracy": 12},
        ),
    ]
    results = (await send(office, batch)).json()["results"]
    assert [r["status"] for r in results] == ["accepted", "accepted"]

    page = html(await (await as_role("safety")).get("/admin/alerts"))
    card = page.select_one("#alerts-list li")
    assert card.select_one("h2").get_text(strip=True) == "Silent alert"
    text = card.get_text(" ", strip=True)
    assert org.users["office"].name in text and org.school.name in text
    assert "38.57620, -121.48650" in text
    assert "Tell: Admin, Safety team" in text
    assert card.select_one("h2 a")["href"].startswith("/admin/alerts/")
    assert card.select("a")[-1]["href"].endswith(f"/admin/runs/{run_id}")

    stranger = html(await (await as_role("safety", other_org)).get("/admin/alerts"))
    assert org.users["office"].name not in stranger.select_one("#alerts-list").get_text()
    assert len(stranger.select("#alerts-list li")) == 1  # only its own organisation's alert


async def test_the_alerts_list_refreshes_as_a_fragment(as_role):
    safety = await as_role("safety")
    fragment = html(await safety.get("/admin/alerts", headers={"HX-Request": "true"}))
    assert fragment.select_one("h1") is None and fragment.select_one("#alerts-list")


# -- audiences --------------------------------------------------------------------------------


async def test_audience_by_role_school_site_and_named_people(org, other_org):
    o = org.organisation.id
    admin = org.users["admin"].id
    # Roles across the organisation; the sender is never in it.
    assert await resolve_audience(o, Audience(["driver", "admin"]), exclude=admin) == ids(
        org, "driver"
    )
    # A school: its members with the roles, and the district staff of no school (the spare).
    assert await resolve_audience(o, Audience(["staff"], school_ids=[org.school.id])) == ids(
        org, "staff", "spare"
    )
    assert await resolve_audience(o, Audience(["staff"], school_ids=[org.other_school.id])) == ids(
        org, "spare"
    )
    # A site reaches its school's people.
    everyone = ids(org, "safety", "staff", "driver", "office", "dispatch", "spare")
    assert await resolve_audience(o, Audience([], site_id=org.site.id), exclude=admin) == everyone
    # Named people: exactly those, and never someone of another organisation.
    named = [org.users["office"].id, other_org.users["office"].id]
    assert await resolve_audience(o, Audience([], user_ids=named)) == ids(org, "office")
    # Deactivated people get nothing.
    org.spare.active = False
    await org.spare.save()
    assert await resolve_audience(o, Audience(["staff"])) == ids(org, "staff")


async def test_a_checklist_alert_goes_to_the_team_in_the_senders_schools(as_role, org):
    """The server decides a medical alert's audience (alerts.rules), whatever the phone asks."""
    office = await as_role("office")
    alert_id = str(uuid.uuid4())
    batch = [event("alert.raised", alert_id=alert_id, kind="medical", notify=["safety", "staff"])]
    assert (await send(office, batch)).json()["results"][0]["status"] == "accepted"
    recipients = await AlertRecipient.filter(alert_id=alert_id).values_list("user_id", flat=True)
    assert sorted(recipients) == ids(org, "admin", "safety")
    stored = await Alert.get(id=alert_id)
    assert stored.audience == {"scope": "schools", "school_ids": [org.school.id]}
    assert stored.severity == "emergency"


# -- the composer: preview, press and hold, undo ----------------------------------------------
COMPOSED = {"kind": "lockdown", "scope": "school", "roles": ["staff", "driver"], "message": "Gym"}


async def test_the_preview_shows_what_phones_will_show_and_who_gets_it(as_role, org):
    safety = await as_role("safety")
    page = await safety.get("/admin/alerts/new")
    assert page.status_code == 200 and html(page).select('input[name="kind"]')
    form = {**COMPOSED, "school": org.school.id, "drill": "on"}
    preview = html(await safety.post("/admin/alerts/new", form))
    banner = preview.select_one(".alert-banner")
    assert banner.select_one(".drill-flag").get_text(strip=True) == "DRILL"
    assert banner.select_one(".alert-title").get_text(strip=True) == "DRILL: Lockdown"
    # The message comes after the lockdown's own instructions, never instead of them.
    assert banner.select_one(".alert-body").get_text(strip=True) == (
        "This is a drill. Lock the door, lights off, everyone out of sight and silent. "
        "Open for no one."
    )
    assert banner.select_one(".alert-message").get_text(strip=True) == "Message: Gym"
    assert "It goes to 3 people." in preview.get_text(" ", strip=True)
    assert preview.select_one("#alert-send [data-hold]") is not None
    assert preview.select_one('#alert-send input[name="held"]')["value"] == ""
    assert not await Alert.filter(organisation_id=org.organisation.id, kind="lockdown").exists()


async def test_a_composed_alert_needs_the_hold_and_can_be_undone_for_five_seconds(as_role, org):
    safety = await as_role("safety")
    staff_phone = await PushSubscription.create(
        organisation_id=org.organisation.id,
        user=org.users["staff"],
        endpoint="https://push.example.com/staff-phone",
        p256dh="B" * 87,
        auth="A" * 22,
    )
    form = {**COMPOSED, "school": org.school.id}
    tapped = await safety.post("/admin/alerts/send", form)  # no hold: nothing is sent
    assert tapped.status_code == 422
    assert "Press and hold" in html(tapped).select_one(".error-summary").get_text()
    assert not await Alert.filter(organisation_id=org.organisation.id, kind="lockdown").exists()

    held = await safety.post("/admin/alerts/send", {**form, "held": "yes"})
    assert held.status_code == 303
    alert = await Alert.get(organisation_id=org.organisation.id, kind="lockdown")
    assert held.headers["location"].endswith(f"/admin/alerts/{alert.id}")
    assert 4 <= (alert.send_after - alert.raised_at).total_seconds() <= 5
    [delivery] = await Delivery.filter(alert_id=alert.id)
    assert delivery.subscription_id == staff_phone.id and delivery.due_at == alert.send_after
    live = html(await safety.get(held.headers["location"]))
    assert live.select_one("#undo-form button").get_text(strip=True) == "Undo"

    undone = await safety.post(f"/admin/alerts/{alert.id}/undo", {})
    assert undone.status_code == 303
    after = html(await safety.get(undone.headers["location"]))
    assert "Undone. Nobody was alerted." in after.select_one(".flash").get_text()
    await delivery.refresh_from_db()
    await alert.refresh_from_db()
    assert delivery.status == "cancelled" and alert.cancelled_at is not None


async def test_undo_after_the_window_is_refused(as_role, org):
    safety = await as_role("safety")
    alert = await team_alert(
        org,
        kind="evacuate",
        notify=["staff"],
        raised_at=datetime.now(UTC) - timedelta(seconds=10),
        undo_seconds=5,
    )
    response = await safety.post(f"/admin/alerts/{alert.id}/undo", {})
    page = html(await safety.get(response.headers["location"]))
    assert "Too late to undo" in page.select_one(".flash").get_text()
    await alert.refresh_from_db()
    assert alert.cancelled_at is None


@pytest.mark.parametrize(
    "form",
    [
        {"kind": "custom", "scope": "organisation"},  # a message needs a title
        {"kind": "lockdown", "scope": "school"},  # which school?
        {"kind": "lockdown", "scope": "people"},  # which people?
        {"kind": "lockdown", "scope": "trip"},  # which trip?
        {"kind": "silent", "scope": "organisation"},  # raised from the call script, not here
        {"kind": "lockdown", "scope": "site", "site": "2147483647"},
        {"kind": "lockdown", "scope": "trip", "trip": "99999999999999999999"},  # beyond any id
        {"kind": "lockdown", "scope": "people", "people": "-3"},
    ],
)
async def test_an_incomplete_alert_is_refused_with_a_message(as_role, form):
    safety = await as_role("safety")
    response = await safety.post("/admin/alerts/new", form)
    assert response.status_code == 422
    assert html(response).select_one(".error-summary").get_text(strip=True)
    assert unlinked_errors(html(response)) == []


async def test_another_organisations_school_is_not_an_audience(as_role, org, other_org):
    safety = await as_role("safety")
    form = {**COMPOSED, "school": other_org.school.id, "held": "yes"}
    assert (await safety.post("/admin/alerts/send", form)).status_code == 422
    assert not await Alert.filter(organisation_id=org.organisation.id, kind="lockdown").exists()


# -- drills are marked on every surface --------------------------------------------------------
async def test_a_drill_says_drill_on_every_page(as_role, org):
    drill = await team_alert(
        org,
        kind="evacuate",
        notify=["staff"],
        raised_at=datetime.now(UTC),
        drill=True,
    )
    real = await team_alert(
        org,
        kind="evacuate",
        notify=["staff"],
        raised_at=datetime.now(UTC),
    )
    safety = await as_role("safety")
    cards = html(await safety.get("/admin/alerts")).select("#alerts-list li")
    by_link = {card.select_one("h2 a")["href"].rsplit("/", 1)[1]: card for card in cards}
    assert by_link[str(drill.id)].select_one(".drill-tag").get_text(strip=True) == "DRILL"
    assert by_link[str(real.id)].select_one(".drill-tag") is None
    staff = await as_role("staff")
    for client, url in ((safety, "/admin/alerts/{}"), (staff, "/alerts/{}")):
        drill_page = html(await client.get(url.format(drill.id)))
        assert drill_page.select_one(".drill-flag").get_text(strip=True) == "DRILL"
        assert drill_page.select_one(".alert-title").get_text(strip=True) == "DRILL: Evacuate"
        real_page = html(await client.get(url.format(real.id)))
        assert real_page.select_one(".drill-flag") is None
        assert "DRILL" not in real_page.select_one("main").get_text()


# -- acknowledgments ---------------------------------------------------------------------------
async def test_answers_show_on_the_live_page_with_figures_and_a_resend(as_role, org):
    raised = datetime.now(UTC) - timedelta(seconds=60)
    alert = await team_alert(
        org,
        kind="lockdown",
        notify=["staff", "driver", "office"],
        raised_at=raised,
        drill=True,
    )
    staff, driver = await as_role("staff"), await as_role("driver")
    safe = event("alert.acknowledged", alert_id=str(alert.id), response="safe")
    safe["occurred_at"] = (raised + timedelta(seconds=10)).isoformat()
    help_ = event(
        "alert.acknowledged",
        alert_id=str(alert.id),
        response="help",
        position={"latitude": 38.5, "longitude": -121.4, "accuracy": 8},
    )
    help_["occurred_at"] = (raised + timedelta(seconds=30)).isoformat()
    assert (await send(staff, [safe])).json()["results"][0]["status"] == "accepted"
    assert (await send(driver, [help_])).json()["results"][0]["status"] == "accepted"
    outsider = event("alert.acknowledged", alert_id=str(alert.id), response="safe")
    refused = (await send(await as_role("admin"), [outsider])).json()["results"][0]
    assert refused == {
        "id": outsider["id"],
        "status": "rejected",
        "reason": "This alert was not sent to you.",
    }

    safety = await as_role("safety")
    live = html(await safety.get(f"/admin/alerts/{alert.id}"))
    assert live.select_one(".count-safe strong").get_text() == "1"
    assert live.select_one(".count-help strong").get_text() == "1"
    assert live.select_one(".count-waiting strong").get_text() == "2"  # office, spare
    help_card = live.select_one("#need-help li").get_text(" ", strip=True)
    assert org.users["driver"].name in help_card and "38.50000, -121.40000" in help_card
    waiting = live.select_one("#not-answered").get_text(" ", strip=True)
    assert org.users["office"].name in waiting and org.spare.name in waiting
    await alert.refresh_from_db()
    assert alert.figures == {"answered": 2, "first_s": 10.0, "median_s": 20.0, "p90_s": 30.0}
    figures = live.select_one(".figures").get_text(" ", strip=True)
    assert "10.0 s" in figures and "30.0 s" in figures
    assert "Answered 2 of 4" in figures  # the 90th percentile is of the answers, not of everyone
    assert "Drill figures" in live.get_text()

    # A later change of mind stands; the first answer still counts for the figures.
    changed = event("alert.acknowledged", alert_id=str(alert.id), response="help")
    changed["occurred_at"] = (raised + timedelta(seconds=50)).isoformat()
    await send(staff, [changed])
    mine = await AlertRecipient.get(alert_id=alert.id, user_id=org.users["staff"].id)
    assert mine.response == "help" and (mine.first_responded_at - raised).total_seconds() == 10

    await PushSubscription.create(
        organisation_id=org.organisation.id,
        user=org.users["office"],
        endpoint="https://push.example.com/office-phone",
        p256dh="B" * 87,
        auth="A" * 22,
    )
    await PushSubscription.create(
        organisation_id=org.organisation.id,
        user=org.users["driver"],
        endpoint="https://push.example.com/driver-phone",
        p256dh="B" * 87,
        auth="A" * 22,
    )
    before = await Delivery.filter(alert_id=alert.id).count()
    resent = await safety.post(f"/admin/alerts/{alert.id}/resend", {})
    assert resent.status_code == 303
    new = await Delivery.filter(alert_id=alert.id).offset(before).values_list("user_id", flat=True)
    assert new == [org.users["office"].id]  # only those who have not answered


async def test_the_recipient_page_offers_the_two_answers(as_role, org):
    staff = await as_role("staff")
    page = html(await staff.get(f"/alerts/{org.alert.id}"))
    buttons = [b["data-response"] for b in page.select("#answer [data-response]")]
    assert buttons == ["safe", "help"]
    assert page.select_one(".alert-body").get_text(strip=True) == (
        "Someone needs urgent medical help. Trained staff, go or call."
    )
    assert page.select_one(".alert-message").get_text(strip=True) == "Message: Nurse to the gym"


# -- kinds people can tell apart ---------------------------------------------------------------
def test_every_kind_has_its_own_title_icon_colour_and_vibration():
    import hashlib
    from pathlib import Path

    from server.alerts.kinds import KINDS

    static = Path(__file__).resolve().parents[1] / "web" / "static"
    expected = {"hold", "secure", "lockdown", "evacuate", "shelter", "all-clear", "medical"}
    expected |= {"silent", "suspicious-report", "trip-overdue", "custom"}
    assert expected <= set(KINDS)
    for attribute in ("title", "what", "icon", "colour", "vibrate"):
        values = [getattr(kind, attribute) for kind in KINDS.values()]
        assert len(set(values)) == len(values), f"two kinds share a {attribute}"
    icons = [hashlib.sha256((static / kind.icon).read_bytes()).digest() for kind in KINDS.values()]
    assert len(set(icons)) == len(icons), "two kinds share an icon picture"
    assert not KINDS["silent"].composable  # from the call script or a panic button only


# -- the recipient's home, and the sender's live page ------------------------------------------
async def test_home_lists_the_alerts_sent_to_me_to_answer_without_the_notification(as_role, org):
    now = datetime.now(UTC)
    drill = await team_alert(org, kind="evacuate", notify=[], raised_at=now, drill=True)
    waiting = await team_alert(org, kind="hold", notify=[], raised_at=now, undo_seconds=5)
    undone = await team_alert(org, kind="secure", notify=[], raised_at=now)
    undone.cancelled_at = now
    await undone.save()
    old = now - timedelta(days=2)
    await team_alert(org, kind="shelter", notify=[], raised_at=old)

    staff = await as_role("staff")
    cards = html(await staff.get("/")).select("#my-alerts li")
    links = [card.select_one("a")["href"] for card in cards]
    assert f"/alerts/{drill.id}" in links and f"/alerts/{org.alert.id}" in links
    assert f"/alerts/{waiting.id}" not in links  # still in its undo window
    assert f"/alerts/{undone.id}" not in links
    assert len(links) == 2  # not the one from two days ago
    drill_card = cards[links.index(f"/alerts/{drill.id}")]
    assert drill_card.select_one(".drill-tag").get_text(strip=True) == "DRILL"
    assert "Not answered yet" in drill_card.get_text()
    answer = event("alert.acknowledged", alert_id=str(drill.id), response="safe")
    assert (await send(staff, [answer])).json()["results"][0]["status"] == "accepted"
    cards = html(await staff.get("/")).select("#my-alerts li")
    assert "You said you are safe." in cards[links.index(f"/alerts/{drill.id}")].get_text()
    real_card = cards[links.index(f"/alerts/{org.alert.id}")]
    assert real_card.select_one(".drill-tag") is None


async def test_resend_waits_for_the_undo_window(as_role, org):
    alert = await team_alert(
        org,
        kind="lockdown",
        notify=["staff"],
        raised_at=datetime.now(UTC),
        undo_seconds=5,
    )
    await PushSubscription.create(
        organisation_id=org.organisation.id,
        user=org.users["staff"],
        endpoint="https://push.example.com/staff-resend",
        p256dh="B" * 87,
        auth="A" * 22,
    )
    safety = await as_role("safety")
    live = html(await safety.get(f"/admin/alerts/{alert.id}"))
    assert live.select_one("#undo-form") is not None
    assert not live.select(f'form[action$="/admin/alerts/{alert.id}/resend"]')
    response = await safety.post(f"/admin/alerts/{alert.id}/resend", {})
    page = html(await safety.get(response.headers["location"]))
    assert "It has not gone out yet" in page.select_one(".flash").get_text()
    assert not await Delivery.filter(alert_id=alert.id).exists()  # the undo still holds it all


async def test_the_live_page_says_where_help_is_needed_and_who_has_no_phone(as_role, org):
    alert = await team_alert(
        org,
        kind="lockdown",
        notify=["staff", "driver", "office"],
        raised_at=datetime.now(UTC),
    )
    await PushSubscription.create(
        organisation_id=org.organisation.id,
        user=org.users["driver"],
        endpoint="https://push.example.com/driver-only",
        p256dh="B" * 87,
        auth="A" * 22,
    )
    await queue_deliveries(alert, [org.users["driver"].id], due_at=datetime.now(UTC))
    north = {"latitude": org.site.latitude + 0.0027, "longitude": org.site.longitude}
    help_ = event(
        "alert.acknowledged",
        alert_id=str(alert.id),
        response="help",
        position=north | {"accuracy": 9},
    )
    assert (await send(await as_role("staff"), [help_])).json()["results"][0][
        "status"
    ] == "accepted"

    live = html(await (await as_role("safety")).get(f"/admin/alerts/{alert.id}"))
    card = live.select_one("#need-help li")
    assert card.select_one(".help-place").get_text(strip=True) == f"300 m N of {org.site.name}"
    assert "within 9 m" in card.get_text()
    no_phone = live.select_one("#no-phone").get_text(" ", strip=True)
    assert no_phone.startswith("2 people have no phone with alerts on")
    assert org.users["office"].name in no_phone and org.spare.name in no_phone
    assert org.users["driver"].name not in no_phone  # the driver's phone has it
    assert org.users["staff"].name not in no_phone  # answered: plainly reached


async def test_a_composed_alert_can_go_to_one_trips_chaperones(as_role, org, other_org):
    # Not on this trip:
    await org.trip.chaperones.remove(org.users["driver"], org.users["dispatch"])
    safety = await as_role("safety")
    composer = html(await safety.get("/admin/alerts/new"))
    offered = [o["value"] for o in composer.select("#to option") if o["value"].startswith("trip:")]
    assert offered == [f"trip:{org.trip.id}"]  # never another organisation's trip
    form = {"kind": "evacuate", "scope": "trip", "trip": org.trip.id}
    preview = html(await safety.post("/admin/alerts/new", form)).get_text(" ", strip=True)
    assert "It goes to 3 people." in preview  # admin, staff, office; not the sender
    held = await safety.post("/admin/alerts/send", {**form, "held": "yes", "message": "Bus 2"})
    assert held.status_code == 303
    alert = await Alert.get(organisation_id=org.organisation.id, message="Bus 2")
    assert alert.trip_id == org.trip.id and alert.audience["scope"] == "trip"
    recipients = await AlertRecipient.filter(alert_id=alert.id).values_list("user_id", flat=True)
    assert sorted(recipients) == ids(org, "admin", "staff", "office")

    refused = await safety.post("/admin/alerts/new", {**form, "trip": other_org.trip.id})
    assert refused.status_code == 422
    assert html(refused).select_one(".error-summary").get_text(strip=True)


async def test_alert_pages_tell_the_time_on_the_districts_clock(app, as_role, org):
    raised = datetime(2026, 3, 2, 14, 5, tzinfo=UTC)  # 06:05 in Los Angeles
    alert = await team_alert(org, kind="hold", notify=["staff"], raised_at=raised)
    staff, safety = await as_role("staff"), await as_role("safety")
    with configured(app, timezone="America/Los_Angeles"):
        pages = [
            (await staff.get(f"/alerts/{alert.id}")).text,
            (await safety.get(f"/admin/alerts/{alert.id}")).text,
            (await safety.get("/admin/alerts")).text,
        ]
    local = raised.astimezone(ZoneInfo("America/Los_Angeles")).strftime("%Y-%m-%d %H:%M %Z")
    for page in pages:
        assert local in page and "2026-03-02 14:05" not in page


async def test_a_message_is_added_to_the_instructions_on_every_page_in_the_readers_language(
    as_role, org
):
    staff = org.users["staff"]
    staff.locale = "es"
    await staff.save()
    alert = await team_alert(
        org,
        kind="lockdown",
        notify=["staff"],
        raised_at=datetime.now(UTC),
        message="Intruder near the gym",
    )
    instructions = (
        "Cierre con llave, apague las luces, todos fuera de la vista y en silencio. "
        "No abra a nadie."
    )
    # The teacher's alert page: Spanish instructions first, then the sender's words.
    page = html(await (await as_role("staff")).get(f"/alerts/{alert.id}"))
    assert page.select_one(".alert-title").get_text(strip=True) == "Cierre de emergencia (Lockdown)"
    assert page.select_one(".alert-body").get_text(strip=True) == instructions
    assert page.select_one(".alert-message").get_text(strip=True) == (
        "Mensaje: Intruder near the gym"
    )
    # The safety team's list and live page, in English.
    safety = await as_role("safety")
    card = html(await safety.get("/admin/alerts")).select_one("#alerts-list li")
    assert [p.get_text(strip=True) for p in card.select("p")[:2]] == [
        "Lock the door, lights off, everyone out of sight and silent. Open for no one.",
        "Message: Intruder near the gym",
    ]
    live = html(await safety.get(f"/admin/alerts/{alert.id}"))
    assert live.select_one(".alert-body").get_text(strip=True).startswith("Lock the door")
    assert live.select_one(".alert-message").get_text(strip=True) == (
        "Message: Intruder near the gym"
    )


async def test_a_resend_says_how_many_it_reached(as_role, org):
    alert = await team_alert(
        org, kind="hold", notify=["staff", "office"], raised_at=datetime.now(UTC)
    )
    safety = await as_role("safety")
    await safety.post(f"/admin/alerts/{alert.id}/resend", {})
    flash = html(await safety.get(f"/admin/alerts/{alert.id}")).select_one(".flash").get_text()
    assert flash.startswith("Nobody was reached: none of the 3 people")  # staff, office, spare
    await PushSubscription.create(
        organisation_id=org.organisation.id,
        user=org.users["office"],
        endpoint="https://push.example.com/office-resend",
        p256dh="B" * 87,
        auth="A" * 22,
    )
    await safety.post(f"/admin/alerts/{alert.id}/resend", {})
    flash = html(await safety.get(f"/admin/alerts/{alert.id}")).select_one(".flash").get_text()
    assert flash == (
        "Sent again: 1 of the 3 people who have not answered have a phone with alerts on"
        " (1 in all); 2 have none: tell them another way."
    )
