"""Trips planned for later dates are listed on the trips board for admins and the safety team,
in the district's time; another district's never."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from server.risk.models import RiskPlan
from server.trips.models import Trip
from tests.helpers import configured, html


async def _trip(org, name: str, starts: datetime) -> Trip:
    return await Trip.create(
        organisation=org.organisation,
        school=org.school,
        name=name,
        starts_at=starts,
        ends_at=starts + timedelta(hours=6),
        created_by=org.users["admin"],
    )


async def test_planned_trips_are_listed_soonest_first_in_district_time(
    app, as_role, org, other_org
):
    now = datetime.now(UTC)
    next_week = await _trip(org, "Zoo next week", now + timedelta(days=7))
    tomorrow = await _trip(org, "Farm tomorrow", now + timedelta(days=1, hours=1))
    await _trip(other_org, "Their aquarium", now + timedelta(days=3))
    await RiskPlan.create(
        organisation=org.organisation,
        school=org.school,
        trip=next_week,
        title="Zoo plan",
        kind="trip",
        author=org.users["safety"],
    )
    la = ZoneInfo("America/Los_Angeles")
    for role in ("safety", "admin"):
        client = await as_role(role)
        with configured(app, timezone="America/Los_Angeles"):
            page = html(await client.get("/admin/trips"))
        rows = page.select("#planned-trips tbody tr")
        names = [r.select("td")[1].get_text(" ", strip=True) for r in rows]
        assert names[:2] == ["Farm tomorrow", "Zoo next week"], role
        assert not any("aquarium" in n for n in names)
        assert org.trip.name not in names  # within 12 hours: on the board itself
        leaves = rows[0].select_one("td").get_text()
        assert tomorrow.starts_at.astimezone(la).strftime("%Y-%m-%d %H:%M") in leaves
        assert "Draft" in rows[1].get_text()
        link = rows[0].select_one("a")
        assert (link is not None) == (role == "admin")  # the trip form is the admins'
    staff = await as_role("staff")
    assert (await staff.get("/admin/trips")).status_code in (403, 404)
