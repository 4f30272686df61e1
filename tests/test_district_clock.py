"""One clock for the board's records: a run's timestamp answers, its CSV and the runs' day
filter all read the district's time, never UTC or the server's zone."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from server.checklists.models import ChecklistAnswer, ChecklistRun
from server.district_time import HM, shown
from tests.helpers import configured, html

LA = ZoneInfo("America/Los_Angeles")


async def test_a_runs_times_are_the_districts_everywhere(app, org, as_role):
    yesterday = datetime.now(LA).date() - timedelta(days=1)
    evening = datetime(yesterday.year, yesterday.month, yesterday.day, 22, 30, tzinfo=LA)
    await ChecklistRun.filter(id=org.run.id).update(started_at=evening.astimezone(UTC))
    await ChecklistAnswer.create(
        run_id=org.run.id,
        item_id="tourniquet-time",
        stored={"value": (evening + timedelta(minutes=12)).astimezone(UTC).isoformat()},
        answered_at=evening.astimezone(UTC),
        event_id="00000000-0000-4000-8000-" + org.run.id.hex[:12],
    )
    safety = await as_role("safety")
    with configured(app, timezone="America/Los_Angeles"):
        page = html(await safety.get(f"/admin/runs/{org.run.id}"))
        listed = html(await safety.get("/admin/runs", params={"day": yesterday.isoformat()}))
        next_day = (yesterday + timedelta(days=1)).isoformat()
        not_listed = html(await safety.get("/admin/runs", params={"day": next_day}))
        exported = await safety.get("/admin/runs.csv", params={"day": yesterday.isoformat()})
    shown = page.get_text(" ", strip=True)
    assert f"{yesterday.isoformat()} 22:42:00 P" in shown  # PST or PDT, never UTC
    assert "UTC" not in shown
    assert str(org.run.id) in str(listed) and str(org.run.id) not in str(not_listed)
    rows = list(csv.DictReader(io.StringIO(exported.text)))
    assert rows and rows[0]["started"] == evening.isoformat()


def test_templates_show_times_through_the_districts_filters():
    """One way to show a time: ``| hm``, ``| day_hm`` or ``when()``, never a template's own
    ``strftime`` (which raises on an odd stored value and forgets the district's zone)."""
    templates = Path(__file__).resolve().parents[1] / "web" / "templates"
    found = [p.name for p in templates.rglob("*.html") if "strftime" in p.read_text("utf-8")]
    assert found == []


def test_the_time_filters_never_raise():
    assert shown(datetime(2026, 12, 1, 14, 12, tzinfo=UTC), LA, HM) == "06:12"
    assert shown(datetime.max.replace(tzinfo=UTC), ZoneInfo("Pacific/Kiritimati"), HM)
    assert shown(None, LA, HM) == "None"
