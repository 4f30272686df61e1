"""The desk's "Active now": each active thing once; an alert ended by an all clear tied to it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from server.alerts.models import Alert, AlertRecipient
from server.trips.models import Trip
from tests.helpers import CAMPUS, file, filed, html, lost_student, moved, threat_call


async def test_active_now_shows_each_thing_once(org, as_role):
    now = datetime.now(UTC)
    await Trip.filter(id=org.trip.id).update(starts_at=now - timedelta(hours=1))
    _run, silent = await threat_call(await as_role("office"))
    _lost, missing = await lost_student(org, await as_role("staff"))
    report = filed(moved(CAMPUS, 90, 300))
    await file(await as_role("driver"), report)
    safety = await as_role("safety")

    page = html(await safety.get("/admin/now"))
    alerts = [li["data-alert"] for li in page.select(".desk-alerts li[data-alert]")]
    assert silent in alerts and missing in alerts and len(alerts) == len(set(alerts))
    assert str(org.alert.id) in alerts  # the fixture's medical alert, never ended
    assert [li["data-trip"] for li in page.select(".desk-trips li[data-trip]")] == [
        str(org.trip.id)
    ]
    assert org.student.name in page.select_one(".desk-trips").get_text()
    reports = [li["data-report"] for li in page.select(".desk-reports li[data-report]")]
    assert reports == [report["payload"]["report_id"], str(org.report.id)]  # newest first
    runs = page.select(".desk-runs li[data-run]")
    assert sorted(li["data-run"] for li in runs) == sorted([_run, str(org.run.id)])
    assert all("critical step" in li.get_text() for li in runs)
    silent_card = page.select_one(f'.desk-alerts li[data-alert="{silent}"]')
    assert "There is a bomb in the gym." in silent_card.get_text()
    assert silent_card.select_one(".count-waiting strong").get_text() == "2"  # admin, safety

    fragment = await safety.get("/admin/now", headers={"HX-Request": "true"})
    assert html(fragment).select_one("#desk-now") and "<html" not in fragment.text
    assert (await (await as_role("staff")).get("/admin/now")).status_code == 403


async def test_an_alert_is_ended_by_an_all_clear_tied_to_it(org, as_role):
    _run, silent = await threat_call(await as_role("office"))
    # A field alert waits 5 s for its sender's undo; here those seconds have passed.
    await Alert.filter(id=silent).update(send_after=datetime.now(UTC) - timedelta(seconds=1))
    safety = await as_role("safety")
    tapped = await safety.post(f"/admin/alerts/{silent}/end", {})
    assert tapped.status_code == 303
    assert (await Alert.get(id=silent)).ended_at is None  # no hold, nothing sent

    assert (await safety.post(f"/admin/alerts/{silent}/end", {"held": "yes"})).status_code == 303
    ended = await Alert.get(id=silent)
    clear = await Alert.get(ends=ended.id)
    assert ended.ended_at is not None and clear.kind == "all-clear"
    assert clear.audience == ended.audience and clear.notify == ended.notify
    told = set(await AlertRecipient.filter(alert_id=clear.id).values_list("user_id", flat=True))
    first = set(await AlertRecipient.filter(alert_id=ended.id).values_list("user_id", flat=True))
    assert told == first - {org.users["safety"].id}  # the same people, but not the sender

    again = await safety.post(f"/admin/alerts/{silent}/end", {"held": "yes"})
    assert again.status_code == 303
    assert await Alert.filter(ends=ended.id).count() == 1  # ended once

    live = html(await safety.get(f"/admin/alerts/{silent}"))
    assert "Ended at" in live.select_one("#ended").get_text()
    assert live.select_one("#alert-end") is None
    its_clear = html(await safety.get(f"/admin/alerts/{clear.id}"))
    assert its_clear.select_one("#ends a")["href"] == f"/admin/alerts/{silent}"
    desk = html(await safety.get("/admin/now"))
    shown = [li["data-alert"] for li in desk.select(".desk-alerts li[data-alert]")]
    assert silent not in shown and str(clear.id) not in shown


async def test_ending_the_missing_student_alert_closes_the_roster(org, as_role):
    await org.trip.chaperones.remove(org.users["safety"])
    _lost, missing = await lost_student(org, await as_role("staff"))
    safety = await as_role("safety")
    roster = f"/trips/{org.trip.id}/roster"
    assert (await safety.get(roster)).status_code == 200
    await safety.post(f"/admin/alerts/{missing}/end", {"held": "yes"})
    assert (await safety.get(roster)).status_code == 404
