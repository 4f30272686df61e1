"""Alerts raised in the field reach the safety team's list, with who and where."""

from __future__ import annotations

import uuid

from tests.conftest import html
from tests.test_sync import event, send


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
    assert card.select_one("a")["href"].endswith(f"/admin/runs/{run_id}")

    stranger = html(await (await as_role("safety", other_org)).get("/admin/alerts"))
    assert stranger.select_one("#alerts-list li").get_text(strip=True) == "No alerts yet."


async def test_the_alerts_list_refreshes_as_a_fragment(as_role):
    safety = await as_role("safety")
    fragment = html(await safety.get("/admin/alerts", headers={"HX-Request": "true"}))
    assert fragment.select_one("h1") is None and fragment.select_one("#alerts-list")
