"""An incident for a handoff: its timeline printed and as CSV, oldest first, each entry with who,
when (the district's clock) and where; every look and export audited, and the live page's
refreshes audited without flooding the log (server/incidents/handoff.py, routes/incidents.py)."""

from __future__ import annotations

import csv
import io
import uuid
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace
from zoneinfo import ZoneInfo

from server.alerts.audience import Audience
from server.alerts.service import raise_alert
from server.incidents import handoff
from server.incidents.models import IncidentRole
from server.incidents.queries import Entry
from server.models import AuditLog
from tests.helpers import configured, event, html, send

LA = "America/Los_Angeles"


def _logged(incident_id: int, text: str, at: datetime) -> dict:
    found = event("incident.logged", entry_id=str(uuid.uuid4()), incident_id=incident_id, text=text)
    found["occurred_at"] = at.isoformat()
    return found


async def _fill(org, as_role) -> dict:
    """A timeline of four: a log line typed offline ten minutes ago (sent now), the lockdown,
    a driver's "need help" with a place, and a line with a formula in it."""
    now = datetime.now(UTC)
    safety = await as_role("safety")
    early = _logged(org.incident.id, "Door 4 secured", now - timedelta(minutes=10))
    assert (await send(safety, [early])).json()["results"][0]["status"] == "accepted"
    lockdown = await raise_alert(
        organisation_id=org.organisation.id,
        raised_by_id=org.users["office"].id,
        kind="lockdown",
        audience=Audience(school_ids=[org.school.id]),
        raised_at=now - timedelta(minutes=5),
        message="Intruder near the gym",
    )
    help_ = event(
        "alert.acknowledged",
        alert_id=str(lockdown.id),
        response="help",
        position={"latitude": 38.5787, "longitude": -121.4865, "accuracy": 10},  # ~280 m N
    )
    help_["occurred_at"] = (now - timedelta(minutes=2)).isoformat()
    assert (await send(await as_role("driver"), [help_])).json()["results"][0]["status"] == (
        "accepted"
    )
    formula = _logged(org.incident.id, '=HYPERLINK("http://x.test","police")', now)
    assert (await send(safety, [formula])).json()["results"][0]["status"] == "accepted"
    await safety.post(
        f"/incidents/{org.incident.id}/roles",
        {"function": "incident_commander", "person": org.users["admin"].id},
    )
    return {"safety": safety, "lockdown": lockdown}


async def test_the_timeline_prints_oldest_first_with_who_when_and_where(app, org, as_role):
    made = await _fill(org, as_role)
    with configured(app, timezone=LA):
        response = await made["safety"].get(f"/incidents/{org.incident.id}/print")
    assert response.status_code == 200
    page = html(response)
    assert page.select_one("h1").get_text(" ", strip=True) == f"{org.incident.reference} · Lockdown"
    facts = " ".join(page.select_one("dl.facts").get_text(" ").split())
    assert "Status Active" in facts and f"Schools {org.school.name}" in facts
    assert org.users["safety"].name in facts  # who printed it
    roles = " ".join(page.select("dl.facts")[1].get_text(" ").split())
    assert f"Incident commander {org.users['admin'].name}" in roles
    assert "Police liaison Not filled" in roles
    rows = page.select("table.handoff-timeline tbody tr")
    cells = [[td.get_text(" ", strip=True) for td in tr.select("td")] for tr in rows]
    assert [c[1] for c in cells] == ["Log entry", "Alert", "Answer", "Log entry"]
    assert cells[0][2:4] == [org.users["safety"].name, "Door 4 secured"]
    assert cells[1][2:] == [
        org.users["office"].name,
        "Lockdown · Intruder near the gym",
        org.school.name,
    ]
    assert cells[2][2] == org.users["driver"].name and cells[2][3] == "Need help · Lockdown"
    assert f"N of {org.site.name}" in cells[2][4]
    times = [tr.select_one("time")["datetime"] for tr in rows]
    assert times == sorted(times)  # oldest first
    shown = datetime.fromisoformat(times[1]).astimezone(ZoneInfo(LA))
    assert cells[1][0] == shown.strftime("%Y-%m-%d %H:%M")  # the district's clock
    assert f"Times are the district's ({LA})" in page.get_text()
    # Screen-only parts say so; the app's header is hidden in print by the stylesheet.
    links = page.select("article.handoff a")
    assert len(links) == 2 and all(a.find_parent(class_="no-print") for a in links)
    audited = await AuditLog.get(action="incident.printed", record_id=str(org.incident.id))
    assert audited.actor_id == org.users["safety"].id and audited.detail["count"] == 4
    # The live page links to both.
    live = html(await made["safety"].get(f"/incidents/{org.incident.id}"))
    assert live.select_one(f"a[href='/incidents/{org.incident.id}/print']")
    assert live.select_one(f"a[href='/incidents/{org.incident.id}/timeline.csv']")


async def test_the_timeline_as_csv(app, org, as_role):
    made = await _fill(org, as_role)
    admin = await as_role("admin")
    with configured(app, timezone=LA):
        response = await admin.get(f"/incidents/{org.incident.id}/timeline.csv")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    name = f"{org.incident.reference}-timeline.csv"
    assert response.headers["content-disposition"] == f'attachment; filename="{name}"'
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert list(rows[0]) == ["incident", "time", "kind", "who", "what", "where"]
    assert [r["kind"] for r in rows] == ["Log entry", "Alert", "Answer", "Log entry"]
    assert {r["incident"] for r in rows} == {org.incident.reference}
    alert_at = made["lockdown"].raised_at.astimezone(ZoneInfo(LA))
    assert rows[1]["time"] == alert_at.isoformat(timespec="seconds")
    assert rows[1]["time"].endswith(("-07:00", "-08:00"))
    assert rows[1]["what"] == "Lockdown · Intruder near the gym"
    assert rows[1]["where"] == org.school.name
    assert rows[2]["who"] == org.users["driver"].name and "N of" in rows[2]["where"]
    assert rows[3]["what"] == '\'=HYPERLINK("http://x.test","police")'  # neutralised
    audited = await AuditLog.get(action="incident.exported", record_id=str(org.incident.id))
    assert audited.actor_id == org.users["admin"].id and audited.detail["count"] == 4


async def test_a_new_kind_of_entry_prints_without_a_change(org):
    """Kinds of entry are added to the timeline as the incident area grows: a row reads any."""
    at = datetime(2026, 12, 1, 14, 0, tzinfo=UTC)
    person = org.users["staff"]
    counted = SimpleNamespace(note="27 of 27 on the field", user=person, place_name="Field B")
    row = handoff.row(Entry(at, "head_count", counted))
    assert (row.label, row.who, row.what, row.where) == (
        "Head count",
        person.name,
        "27 of 27 on the field",
        "Field B",
    )
    # A record with its person under another name, fetched with it.
    role = IncidentRole(function="deputy", assigned_by=person, assigned_at=at)
    assert handoff.row(Entry(at, "role", role)).who == person.name
    # An entry that carries its own words wins over its record's.
    own = SimpleNamespace(at=at, kind="x", record=counted, who="Desk", text="Said", place="")
    assert (handoff.row(own).who, handoff.row(own).what) == ("Desk", "Said")


async def test_a_look_is_audited_and_the_live_refresh_does_not_flood_the_log(org, as_role):
    safety = await as_role("safety")
    url = f"/incidents/{org.incident.id}"
    looks = AuditLog.filter(action="incident.viewed", record_id=str(org.incident.id))
    refresh = {"HX-Request": "true"}
    for _ in range(3):  # the page polls its timeline; the look that opened it is on record
        assert (await safety.get(url, headers=refresh)).status_code == 200
    assert await looks.count() == 1
    first = await looks.first()
    assert first.detail.get("refresh") is True  # read through the fragment alone: on record
    await safety.get(url)
    await safety.get(url, headers=refresh)
    assert await looks.count() == 2  # opening the page is always a look
    # Ten minutes on, a screen still open is on record again, once.
    await looks.update(at=datetime.now(UTC) - timedelta(minutes=11))
    await safety.get(url, headers=refresh)
    await safety.get(url, headers=refresh)
    assert await looks.count() == 3
    # Another person's refresh is their own look.
    await (await as_role("admin")).get(url, headers=refresh)
    assert await looks.filter(actor_id=org.users["admin"].id).count() == 1


async def test_only_the_incident_team_desk_and_this_district_see_a_handoff(org, other_org, as_role):
    for path in ("print", "timeline.csv"):
        url = f"/incidents/{org.incident.id}/{path}"
        for role in ("staff", "driver", "office"):
            assert (await (await as_role(role)).get(url)).status_code == 403, (role, path)
        stranger = await as_role("admin", other_org)
        assert (await stranger.get(url)).status_code == 404
        assert (await stranger.get(f"/incidents/999999/{path}")).status_code == 404
    assert not await AuditLog.filter(record_id=str(org.incident.id)).exists()


async def test_a_field_alert_says_where_it_was_raised(org, as_role):
    """A panic button from a phone ~280 m north of the campus: the handoff says the place."""
    await raise_alert(
        organisation_id=org.organisation.id,
        raised_by_id=org.users["staff"].id,
        kind="lockdown",
        audience=Audience(school_ids=[org.school.id]),
        raised_at=datetime.now(UTC),
        where={
            "schools": [org.school.name],
            "position": {"latitude": 38.5787, "longitude": -121.4865, "accuracy": 10},
        },
    )
    response = await (await as_role("safety")).get(f"/incidents/{org.incident.id}/timeline.csv")
    [alert] = list(csv.DictReader(io.StringIO(response.text)))
    assert alert["who"] == org.users["staff"].name
    assert alert["where"].startswith(f"{org.school.name}: ")
    assert alert["where"].endswith(f"m N of {org.site.name}")


async def test_every_kind_the_timeline_gathers_prints_in_words(org):
    """Reports, missing and found students, trips' check-ins and headcounts, checklist steps:
    each row says who, what and where (records as the timeline hands them over)."""
    at = datetime(2026, 12, 1, 14, 0, tzinfo=UTC)
    staff, admin = org.users["staff"], org.users["admin"]
    student = SimpleNamespace(name="Leo Park")
    lost = SimpleNamespace(student=student, user=staff, description="Red jacket")
    run = SimpleNamespace(user=staff, checklist_id="bleeding-control")
    cases = [
        (
            SimpleNamespace(
                at=at,
                kind="report",
                place="At the gate",
                record=SimpleNamespace(
                    kind="vehicle", activity="Filming the children", reported_by=staff
                ),
            ),
            ("Suspicious report", staff.name, "A vehicle · Filming the children", "At the gate"),
        ),
        (
            SimpleNamespace(at=at, kind="missing", place="Lakeside", record=lost),
            ("Student missing", staff.name, "Leo Park · Red jacket", "Lakeside"),
        ),
        (
            SimpleNamespace(
                at=at,
                kind="found",
                place="",
                record=lost,
                alert=SimpleNamespace(raised_by=admin),
            ),
            ("Student found", admin.name, "Leo Park", ""),
        ),
        (
            SimpleNamespace(
                at=at,
                kind="checkin",
                place="Museum",
                record=SimpleNamespace(kind="arrived", user=staff),
            ),
            ("Trip check-in", staff.name, "Arrived at stop", "Museum"),
        ),
        (
            SimpleNamespace(
                at=at,
                kind="headcount",
                place="Bus 4",
                record=SimpleNamespace(counted=26, expected=27, user=staff),
            ),
            ("Headcount", staff.name, "26 counted of 27", "Bus 4"),
        ),
        (
            SimpleNamespace(
                at=at,
                kind="step",
                place="",
                record=SimpleNamespace(),
                run=run,
                title="Bleeding control",
                step="Tourniquet on",
                answer="14:02",
            ),
            ("Checklist step", staff.name, "Bleeding control · Tourniquet on · 14:02", ""),
        ),
    ]
    for entry, expected in cases:
        row = handoff.row(entry)
        assert (row.label, row.who, row.what, row.where) == expected, entry.kind
