"""Every desk page uses a laptop's width (1366x768) and still works on a phone (390x844) and at
320 px: no sideways scrolling, lists beside their filters on a laptop, axe at zero. The reports
map's popups say the district's time, not the browser's zone."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import Page, expect

from tests.browser.axe import axe_violations
from tests.browser.helpers import events, query, shot, sign_in

pytestmark = pytest.mark.browser

SIZES = {
    "laptop": {"width": 1366, "height": 768},
    "phone": {"width": 390, "height": 844},
    "narrow": {"width": 320, "height": 640},
}


def _desk_pages(live_server, page: Page) -> list[str]:
    [(report,)] = query(live_server, "select cast(id as text) from report limit 1")
    run = str(uuid.uuid4())
    started = {"run_id": run, "checklist_id": "threat-call", "version": 3}
    assert events(page, [_event("checklist.started", started)]) == ["accepted"]
    concern = str(uuid.uuid4())
    raised = {
        "concern_id": concern,
        "what": "Wrote on the whiteboard that the class would regret Monday " + "x" * 300,
        "place": "Room 12",
        "happened_at": datetime.now(UTC).isoformat(),
        "how_known": "saw",
        "danger_now": False,
    }
    assert events(page, [_event("concern.raised", raised)]) == ["accepted"]
    return [
        "/concerns",
        f"/concerns/{concern}",
        "/admin/now",
        "/admin/alerts",
        "/admin/alerts?q=zzz-nothing",
        "/admin/alerts/new",
        "/reports",
        f"/reports/{report}",
        "/admin/runs",
        f"/admin/runs/{run}",
        "/admin/trips",
        "/risk-plans",
        "/admin/people",
        "/admin/places",
        "/admin/district",
        "/admin/actions",
        "/admin/audit",
        "/admin/audit?day=9999-12-31",  # a filter it can't use: said beside its field
    ]


def _event(kind: str, payload: dict) -> dict:
    now = datetime.now(UTC).isoformat()
    return {"id": str(uuid.uuid4()), "type": kind, "occurred_at": now, "payload": payload}


def _file_report(page: Page, plate: str, seen: datetime) -> str:
    report_id = str(uuid.uuid4())
    payload = {
        "report_id": report_id,
        "kind": "vehicle",
        "activity": "Circling the school",
        "seen_at": seen.isoformat(),
        "vehicle": {"plate": plate},
        "position": {"latitude": 38.5766, "longitude": -121.4860, "accuracy": 10},
    }
    assert events(page, [_event("report.filed", payload)]) == ["accepted"]
    return report_id


@pytest.mark.parametrize("size", sorted(SIZES))
def test_every_desk_page_uses_the_width_and_fits_a_phone(browser, live_server, size):
    context = browser.new_context(viewport=SIZES[size])
    page = context.new_page()
    sign_in(page, live_server, "admin@demo.muster.test")  # admin and safety team: every page
    _file_report(page, "WIDE 1", datetime.now(UTC) - timedelta(minutes=5))
    width = SIZES[size]["width"]
    for path in _desk_pages(live_server, page):
        response = page.goto(f"{live_server.url}{path}")
        assert response.status == 200, (path, response.status)
        expect(page.locator("h1").first).to_be_visible()
        scroll = page.evaluate("document.documentElement.scrollWidth")
        assert scroll <= width, (path, scroll)
        main = page.locator("main").evaluate("(m) => m.getBoundingClientRect().width")
        if size == "laptop":
            assert main > 1200, (path, main)  # not a 600 px phone column
        assert axe_violations(page) == [], path
    shot(page, f"desk-last-{size}")
    page.goto(f"{live_server.url}/reports")
    tools = page.locator(".list-tools").bounding_box()
    listing = page.locator("#reports-list").bounding_box()
    if size == "laptop":
        assert tools["x"] + tools["width"] <= listing["x"]  # the filters beside the list
    else:
        assert tools["y"] + tools["height"] <= listing["y"] + 1  # above it, one column
    shot(page, f"reports-list-{size}")
    context.close()


def test_map_popups_say_the_districts_time_not_the_browsers(browser, live_server):
    context = browser.new_context(viewport=SIZES["laptop"], timezone_id="Asia/Tokyo")
    page = context.new_page()
    sign_in(page, live_server, "safety@demo.muster.test")
    seen = datetime(2026, 11, 30, 23, 50, tzinfo=UTC)  # Dec 1 08:50 in Tokyo
    report = _file_report(page, "TOKYO 9", seen)
    page.goto(f"{live_server.url}/reports/map?q=tokyo9&focus={report}")
    popup = page.locator(".leaflet-popup-content")
    expect(popup).to_contain_text("2026-11-30 23:50 UTC", timeout=15000)  # the server's zone
    assert "08:50" not in popup.inner_text()
    context.close()
