"""The safety team's list of checklist runs: its day filter is the district's day."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from server.checklists.models import ChecklistRun
from tests.helpers import configured, html


async def test_the_day_filter_is_the_districts_day_not_the_servers(app, org, as_role):
    times = {
        "evening before": datetime(2026, 6, 11, 6, 30, tzinfo=UTC),  # Jun 10, 23:30 in Sacramento
        "just after midnight": datetime(2026, 6, 11, 7, 30, tzinfo=UTC),  # Jun 11, 00:30
        "late that day": datetime(2026, 6, 12, 6, 45, tzinfo=UTC),  # Jun 11, 23:45
    }
    ids = {}
    for label, at in times.items():
        run = await ChecklistRun.create(
            id=uuid.uuid4(),
            organisation=org.organisation,
            user=org.users["staff"],
            checklist_id="bleeding-control",
            checklist_version=3,
            started_at=at,
        )
        ids[label] = str(run.id)
    safety = await as_role("safety")
    with configured(app, timezone="America/Los_Angeles"):
        page = html(await safety.get("/admin/runs?day=2026-06-11"))
        shown = {a["href"].rsplit("/", 1)[-1] for a in page.select("#runs-list h2 a")}
        assert shown == {ids["just after midnight"], ids["late that day"]}
        page = html(await safety.get("/admin/runs?day=2026-06-10"))
        shown = {a["href"].rsplit("/", 1)[-1] for a in page.select("#runs-list h2 a")}
        assert shown == {ids["evening before"]}
