"""Finding records on every desk list (server/listing.py): search (a plate however typed, a name,
words), sort, pages instead of a cap, exports that follow the filters in the district's time, and
another district's records never shown."""

from __future__ import annotations

import csv
import io
import uuid
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from server.alerts.models import Alert
from server.checklists.models import ChecklistAnswer, ChecklistRun
from server.models import AuditLog
from tests.helpers import configured, html


async def _run(org, who="driver", at=None, checklist="bus-pre-route", **fields) -> ChecklistRun:
    return await ChecklistRun.create(
        id=uuid.uuid4(),
        organisation=org.organisation,
        user=org.users[who],
        school=org.school,
        checklist_id=checklist,
        checklist_version=3,
        started_at=at or datetime.now(UTC),
        **fields,
    )


async def _answer(run: ChecklistRun, item: str, value) -> None:
    await ChecklistAnswer.create(
        run=run,
        item_id=item,
        stored={"value": value},
        answered_at=run.started_at,
        event_id=uuid.uuid4(),
    )


def _runs_shown(page) -> list[str]:
    return [a["href"].rsplit("/", 1)[-1] for a in page.select("#runs-list h2 a")]


async def test_runs_are_found_by_a_plate_typed_two_ways_a_name_a_bus_and_a_title(
    as_role, org, other_org
):
    plated = await _run(org, context={"bus_number": "Bus 14"})
    await _answer(plated, "notes", "Grey car 7ABC-123 parked by the depot gate")
    other = await _run(org, who="staff", checklist="bleeding-control")
    theirs = await _run(other_org, context={"bus_number": "Bus 14"})
    await _answer(theirs, "notes", "7ABC-123 again")
    safety = await as_role("safety")

    async def found(q: str) -> list[str]:
        return _runs_shown(html(await safety.get("/admin/runs", params={"q": q})))

    for typed in ("7abc 123", "7ABC123", "7abc-123"):
        assert await found(typed) == [str(plated.id)], typed
    assert await found("bus 14") == [str(plated.id)]  # the run's context, not the other district's
    assert await found("depot gate") == [str(plated.id)]
    assert str(other.id) in await found(org.users["staff"].name)
    assert str(plated.id) not in await found(org.users["staff"].name)
    assert str(other.id) in await found("bleeding")  # the checklist's title
    assert str(other.id) in await found("sangrado")  # in Spanish too
    assert await found("nothing like it") == []
    assert str(theirs.id) not in await found("")


async def test_runs_are_paged_sorted_and_exported_as_filtered_on_the_districts_clock(
    app, as_role, org
):
    base = datetime(2026, 6, 11, 7, 30, tzinfo=UTC)  # Jun 11, 00:30 in Sacramento
    made = [await _run(org, at=base + timedelta(minutes=n)) for n in range(55)]
    await _run(org, at=base - timedelta(hours=1))  # Jun 10, 23:30 there: another day
    safety = await as_role("safety")
    with configured(app, timezone="America/Los_Angeles"):
        query = {"from": "2026-06-11", "to": "2026-06-11", "checklist": "bus-pre-route"}
        first = html(await safety.get("/admin/runs", params=query))
        assert _runs_shown(first)[0] == str(made[-1].id)  # newest first
        assert "1\u201350 of 55" in first.select_one("#runs-list nav.pages").get_text()
        second = html(await safety.get("/admin/runs", params={**query, "page": "2"}))
        assert len(_runs_shown(second)) == 5
        assert set(_runs_shown(first)) | set(_runs_shown(second)) == {str(r.id) for r in made}
        oldest = html(await safety.get("/admin/runs", params={**query, "sort": "oldest"}))
        assert _runs_shown(oldest)[0] == str(made[0].id)
        # the export link on screen carries the filters (and comes back with an htmx swap)
        swapped = await safety.get("/admin/runs", params=query, headers={"HX-Request": "true"})
        link = html(swapped).select_one("#runs-exports[hx-swap-oob] a")["href"]
        assert "from=2026-06-11" in link and "page" not in link
        await _answer(made[0], "notes", "ok")
        exported = await safety.get(link)
    rows = list(csv.DictReader(io.StringIO(exported.text)))
    assert {r["run"] for r in rows} <= {str(r.id) for r in made}
    row = next(r for r in rows if r["run"] == str(made[0].id))
    assert row["started"] == "2026-06-11T00:30:00-07:00"
    logged = await AuditLog.filter(actor_id=org.users["safety"].id, action="runs.exported")
    assert "checklist=bus-pre-route" in logged[-1].detail["filters"]


async def _alert(org, at, **fields) -> Alert:
    return await Alert.create(
        id=uuid.uuid4(),
        organisation=org.organisation,
        raised_by=org.users["office"],
        kind=fields.pop("kind", "secure"),
        raised_at=at,
        **fields,
    )


def _alerts_shown(page) -> list[str]:
    return [a["href"].rsplit("/", 1)[-1] for a in page.select("#alerts-list h2 a")]


async def test_alerts_are_found_paged_and_exported_as_filtered(app, as_role, org, other_org):
    now = datetime.now(UTC)
    silent = await _alert(
        org,
        now - timedelta(minutes=5),
        kind="silent",
        where={"words": "He said the bus at stop 4, plate 8XYZ 999", "site": "Depot"},
    )
    drills = [await _alert(org, now - timedelta(hours=2, minutes=n), drill=True) for n in range(52)]
    theirs = await _alert(other_org, now, kind="silent", where={"words": "8XYZ999"})
    safety = await as_role("safety")

    async def shown(**params) -> list[str]:
        return _alerts_shown(html(await safety.get("/admin/alerts", params=params)))

    for typed in ("8xyz999", "8XYZ 999", "stop 4"):
        assert await shown(q=typed) == [str(silent.id)], typed
    assert str(silent.id) in await shown(q=org.users["office"].name)
    assert await shown(kind="silent") == [str(silent.id)]
    first = await shown(state="drill")
    assert len(first) == 50 and str(silent.id) not in first
    assert len(await shown(state="drill", page="2")) == 2
    assert (await shown(state="drill", sort="oldest"))[0] == str(drills[-1].id)
    everything = set(await shown()) | set(await shown(page="2"))
    assert str(theirs.id) not in everything and str(silent.id) in everything
    with configured(app, timezone="America/Los_Angeles"):
        page = html(await safety.get("/admin/alerts", params={"q": "8xyz 999"}))
        link = page.select_one("#alerts-exports a")["href"]
        # the list's own refresh keeps the filters it shows
        assert "q=8xyz+999" in page.select_one("#alerts-list")["hx-get"]
        rows = list(csv.DictReader(io.StringIO((await safety.get(link)).text)))
    assert [r["alert"] for r in rows] == [str(silent.id)]
    la = silent.raised_at.astimezone(ZoneInfo("America/Los_Angeles"))
    assert rows[0]["raised at"] == la.isoformat()


async def test_bad_list_queries_get_a_list_never_a_500(as_role):
    safety = await as_role("safety")
    junk = [
        "q=%00",
        "q=" + "x" * 5000,
        "page=0",
        "page=-3",
        "page=1e9",
        "sort=../../etc",
        "from=2026-13-40",
        "to=9999-01-01",
        "school=99999999999999",
        "kind=<script>",
        "state=%F0%9F",
        "checklist=a'b",
        "person=-1",
        "near=1&within=0",
    ]
    for url in (
        "/admin/runs",
        "/admin/alerts",
        "/reports",
        "/admin/runs.csv",
        "/admin/alerts.csv",
        "/reports.csv",
        "/reports.geojson",
    ):
        for query in junk:
            response = await safety.get(f"{url}?{query}")
            assert response.status_code == 200, (url, query, response.status_code)


async def test_lists_and_exports_are_the_teams_alone(as_role):
    staff = await as_role("staff")
    for url in ("/admin/runs", "/admin/alerts", "/admin/alerts.csv", "/admin/runs.csv"):
        assert (await staff.get(url)).status_code in (403, 404), url
