"""The safety metrics dashboard on a phone (390x844): the safety lead opens it from the home
screen, reads the reports just filed at Lincoln in its tables, filters to Roosevelt (htmx swaps
the figures and keeps the filter in the address), and axe-core finds nothing before or after;
the page never scrolls sideways (wide tables scroll in their own box)."""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import expect

from tests.browser.axe import axe_violations
from tests.browser.helpers import PHONE, events, shot, sign_in

pytestmark = pytest.mark.browser

LINCOLN = (38.5763, -121.4866)  # beside Lincoln Elementary's campus
ROOSEVELT = (38.5642, -121.4711)


def _report(point: tuple[float, float], kind: str, minutes_ago: int) -> dict:
    seen = datetime.now(UTC) - timedelta(minutes=minutes_ago)
    return {
        "id": str(uuid.uuid4()),
        "type": "report.filed",
        "occurred_at": seen.isoformat(),
        "payload": {
            "report_id": str(uuid.uuid4()),
            "kind": kind,
            "activity": "Watching the playground from the fence",
            "seen_at": seen.isoformat(),
            "position": {"latitude": point[0], "longitude": point[1], "accuracy": 10},
        },
    }


def _row(page, table: str, name: str) -> list[str]:
    return (
        page.locator(f"#table-{table} tr")
        .filter(has_text=name)
        .first.evaluate("(tr) => [...tr.cells].map((c) => c.textContent.trim())")
    )


def _fits(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_the_dashboard_on_a_phone_filters_by_school(browser, live_server):
    context = browser.new_context(**PHONE)
    page = context.new_page()
    sign_in(page, live_server, "safety@demo.muster.test")
    page.goto(f"{live_server.url}/")
    filed = [
        _report(LINCOLN, "person", 30),
        _report(LINCOLN, "vehicle", 20),
        _report(ROOSEVELT, "item", 10),
    ]
    assert events(page, filed) == ["accepted"] * 3

    page.get_by_role("link", name=re.compile("^Safety figures")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Safety figures")
    lincoln = _row(page, "reports-by-school", "Lincoln Elementary")
    assert int(lincoln[-1]) >= 2 and int(lincoln[1]) >= 1 and int(lincoln[2]) >= 1
    expect(page.locator("#chart-reports-title")).to_have_count(1)
    # A chart a figure, nine figures; drill compliance draws one once the district has set
    # drill requirements (an earlier test on this server may have).
    assert page.locator("section.metric:not(#figure-compliance) svg[role=img]").count() == 8
    assert page.locator("#figure-compliance svg[role=img]").count() <= 1
    assert axe_violations(page) == []
    _fits(page)
    shot(page, "metrics-phone-all")

    page.get_by_text("School and days").click()
    page.get_by_label("School", exact=True).select_option(label="Roosevelt Middle School")
    expect(page.locator("#metrics-shown")).to_contain_text("Roosevelt Middle School")
    expect(page).to_have_url(re.compile(r"school=\d+"))
    schools = page.locator("#table-reports-by-school tbody th").all_text_contents()
    assert schools == ["Roosevelt Middle School"]
    assert int(_row(page, "reports-by-school", "Roosevelt")[4]) >= 1  # the item left behind
    csv = page.locator("#figure-reports .metric-csv a").first.get_attribute("href")
    assert "school=" in csv  # a download holds what the filters on screen found
    assert axe_violations(page) == []
    _fits(page)
    shot(page, "metrics-phone-roosevelt")
    context.close()
