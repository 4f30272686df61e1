"""Filing a suspicious report on a phone with no connection, in Chromium with a set position: it
survives a reload, reaches the server exactly once with its photo (stripped of EXIF and GPS), and
is placed against the right site. With location denied, a picked site stands in."""

from __future__ import annotations

import io
import re
import time
from pathlib import Path

import pytest
from geographiclib.geodesic import Geodesic
from PIL import Image
from playwright.sync_api import Page, expect

from tests.browser.axe import axe_violations
from tests.browser.helpers import query, sign_in, wait_for_offline_cache
from tests.photos import GPS_IFD, jpeg_with_gps

pytestmark = pytest.mark.browser
LINCOLN = (38.5762, -121.4865)  # the demo district's Lincoln Elementary campus
SHOTS = Path(__file__).resolve().parents[2] / "data" / "screenshots"


def moved(bearing: float, metres: float) -> dict:
    found = Geodesic.WGS84.Direct(*LINCOLN, bearing, metres)
    return {"latitude": found["lat2"], "longitude": found["lon2"], "accuracy": 15}


def shot(page: Page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SHOTS / f"{name}.png", full_page=True)


def rows_when_sent(server, sql: str, timeout: float = 30) -> list[tuple]:
    """The rows once the phone's sync loop has delivered them (it sends right after saving)."""
    deadline = time.monotonic() + timeout
    while not (rows := query(server, sql)) and time.monotonic() < deadline:
        time.sleep(0.2)
    return rows


# The phone's local time twelve hours from now, as a datetime-local field holds it.
TWELVE_HOURS_ON = """() => { const t = new Date(Date.now() + 12 * 3600e3);
  return new Date(t - t.getTimezoneOffset() * 6e4).toISOString().slice(0, 16); }"""


def open_form_from_home(page: Page) -> None:
    page.get_by_role("link", name=re.compile("Report something suspicious")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Report something suspicious")
    expect(page.get_by_label("When you saw it")).not_to_have_value("")  # the form's script is on


def test_a_vehicle_report_filed_offline_arrives_once_with_a_clean_photo(
    browser, browser_context_args, live_server, tmp_path
):
    context = browser.new_context(
        **browser_context_args, permissions=["geolocation"], geolocation=moved(315, 280)
    )
    page = context.new_page()
    sign_in(page, live_server, "driver@demo.muster.test")
    wait_for_offline_cache(page, paths=("/", "/reports/new"))
    live_server.stop()

    page.reload()
    open_form_from_home(page)
    expect(page.locator("#report-position")).to_have_text(re.compile("accurate to about 15 m"))
    page.get_by_label("A vehicle", exact=True).check()
    page.get_by_label(re.compile("Licence plate")).fill("7abc-123")
    page.get_by_label(re.compile("^Colour")).fill("Silver")
    page.get_by_label(re.compile("^Anything that stands out")).fill("Sticker " + "x" * 80)
    page.get_by_label("What were they doing?").fill("Followed the bus from stop 4 to stop 7")
    photo = tmp_path / "car.jpg"
    photo.write_bytes(jpeg_with_gps("gray", (2400, 1800)))
    page.get_by_label("Add a photo").set_input_files(str(photo))
    expect(page.locator("#report-photos img")).to_have_count(1)
    page.reload()  # before saving: neither the typing nor the photo is lost
    expect(page.get_by_label(re.compile("Licence plate"))).to_have_value("7abc-123")
    expect(page.locator("#report-photos img")).to_have_count(1)
    shot(page, "report-form-offline")
    page.get_by_role("button", name="Save report").click()
    expect(page.get_by_role("heading", name="Saved on this phone")).to_be_visible()
    shot(page, "report-saved-offline")

    page.reload()  # still no server: the report waits on the phone
    # Saved: the draft is gone (its photos are in the outbox now).
    assert page.evaluate(
        "Promise.all([MusterOutbox.draft('report'), MusterOutbox.draft('report-photos')])"
    ) == [None, None]
    # One report with its photo: one thing saved (the header's short line), its photo named
    # beside it in the longer sentence.
    expect(page.locator("#sync-text")).to_have_text("Offline: 1 saved", timeout=15000)
    expect(page.locator("#sync-text")).to_have_attribute(
        "title", re.compile("1 saved on this phone, with 1 photo$")
    )
    page.goto(f"{live_server.url}/outbox")
    waiting = page.locator(".row-summary", has_text="Followed the bus from stop 4 to stop 7")
    expect(waiting).to_be_visible()
    live_server.start()
    expect(page.locator("#sync-text")).to_have_text("All sent", timeout=30000)

    rows = query(
        live_server,
        "select r.id, r.plate_key, s.name, r.bearing, r.distance_m, r.photos, r.position_source"
        " from report r left join site s on s.id = r.nearest_site_id"
        " where r.activity like 'Followed the bus from stop 4%'",
    )
    assert len(rows) == 1
    report_id, plate, site, bearing, distance, photos, source = rows[0]
    assert (plate, site, bearing, source) == (
        "7ABC123",
        "Lincoln Elementary campus",
        "NW",
        "device",
    )
    assert distance == pytest.approx(280, abs=1)
    [photo_id] = re.findall(r"[0-9a-f-]{36}", str(photos))
    assert query(live_server, f"select count(*) from upload where id = '{photo_id}'") == [(1,)]
    org = query(live_server, "select id from organisation")[0][0]
    stored = Path(live_server.env["MUSTER_DATA_DIR"]) / "uploads" / str(org) / photo_id
    with Image.open(io.BytesIO(stored.read_bytes())) as image:
        assert not image.getexif() and not image.getexif().get_ifd(GPS_IFD)
        assert max(image.size) <= 1600  # shrunk on the phone

    safety = browser.new_context(**browser_context_args).new_page()
    sign_in(safety, live_server, "safety@demo.muster.test")
    safety.goto(f"{live_server.url}/reports/{report_id}")
    expect(safety.get_by_text("280 m NW of Lincoln Elementary campus")).to_be_visible()
    expect(safety.locator(".report-photos img")).to_have_count(1)
    assert safety.evaluate("document.documentElement.scrollWidth") <= 390  # no sideways scroll
    shot(safety, "report-detail")
    assert axe_violations(safety) == []
    safety.goto(f"{live_server.url}/reports")
    expect(safety.get_by_role("link", name=re.compile("7abc-123"))).to_be_visible()
    assert axe_violations(safety) == []
    safety.context.close()
    context.close()


def test_with_location_denied_a_picked_site_stands_in(page: Page, live_server):
    sign_in(page, live_server, "staff@demo.muster.test")
    open_form_from_home(page)
    # Never asked on load: the person taps for it (and here the browser says no).
    expect(page.locator("#report-position")).to_have_text("")
    page.get_by_role("button", name="Use my location").click()
    expect(page.locator("#report-position")).to_have_text(re.compile("Location is off"))
    expect(page.locator("#r-site option").first).to_have_text("Choose a place")  # not "my position"
    page.get_by_label("A person", exact=True).check()
    page.get_by_label("What were they doing?").fill("Walked the corridors asking for a student")
    page.get_by_role("button", name="Save report").click()
    expect(page.locator("#report-errors")).to_contain_text("Pick the nearest place")
    expect(page.locator("#r-site")).to_have_attribute("aria-invalid", "true")
    assert axe_violations(page) == []
    shot(page, "report-form-location-denied")
    page.get_by_label("Or the nearest place").select_option(label="Lincoln Elementary campus")
    page.get_by_label("Clothing, from head to toe").fill("Red cap, grey hoodie, jeans")
    seen = page.get_by_label("When you saw it")
    now = seen.input_value()
    seen.fill(page.evaluate(TWELVE_HOURS_ON))
    page.get_by_role("button", name="Save report").click()  # PM for AM: the server would refuse it
    expect(page.locator("#report-errors")).to_contain_text("later than now")
    seen.fill(now)
    page.get_by_role("button", name="Save report").click()
    expect(page.get_by_role("heading", name="Saved on this phone")).to_be_visible()
    rows = rows_when_sent(
        live_server,
        "select position_source, accuracy, person from report"
        " where activity like 'Walked the corridors%'",
    )
    assert len(rows) == 1 and rows[0][0] == "site" and rows[0][1] is None
    assert "Red cap" in str(rows[0][2])


def test_dragging_the_pin_moves_where_the_report_says_it_happened(
    browser, browser_context_args, live_server
):
    given = moved(315, 280)
    context = browser.new_context(
        **browser_context_args, permissions=["geolocation"], geolocation=given
    )
    page = context.new_page()
    sign_in(page, live_server, "driver@demo.muster.test")
    open_form_from_home(page)
    page.get_by_label("Something someone did").check()
    page.get_by_label("What were they doing?").fill("Watched the stop from across the road")
    page.get_by_role("button", name="Move the pin on a map").click()
    expect(page.get_by_text("Drag the pin, or tap the map, where it happened.")).to_be_visible()
    assert axe_violations(page) == []  # the form with its map open
    pin = page.locator("#report-map .leaflet-marker-icon.pin")
    box = pin.bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x + 60, y, steps=5)
    page.mouse.move(x + 120, y, steps=5)
    page.mouse.up()
    expect(page.locator("#report-position")).to_have_text(re.compile("Pin moved"))
    shot(page, "report-pin-moved")
    page.get_by_role("button", name="Save report").click()
    expect(page.get_by_role("heading", name="Saved on this phone")).to_be_visible()
    rows = rows_when_sent(
        live_server,
        "select position_source, latitude, longitude from report"
        " where activity = 'Watched the stop from across the road'",
    )
    assert len(rows) == 1
    source, latitude, longitude = rows[0]
    assert source == "pin"
    assert latitude == pytest.approx(given["latitude"], abs=0.0005)  # dragged east, not north
    assert longitude > given["longitude"] + 0.001  # about 90 m or more to the east
    context.close()


def test_a_phone_too_full_to_keep_the_report_says_so_and_keeps_the_typing(
    page: Page, live_server, tmp_path
):
    sign_in(page, live_server, "staff@demo.muster.test")
    wait_for_offline_cache(page, paths=("/reports/new",))  # so the reload below goes through it
    open_form_from_home(page)
    page.get_by_label("An item left behind").check()
    page.get_by_label("What were they doing?").fill("Left a box by the side door")
    page.get_by_label("Or the nearest place").select_option(label="Lincoln Elementary campus")
    photo = tmp_path / "box.jpg"
    photo.write_bytes(jpeg_with_gps("gray", (800, 600)))
    page.get_by_label("Add a photo").set_input_files(str(photo))
    expect(page.locator("#report-photos img")).to_have_count(1)
    cdp = page.context.new_cdp_session(page)
    cdp.send("Storage.overrideQuotaForOrigin", {"origin": live_server.url, "quotaSize": 1})
    page.get_by_role("button", name="Save report").click()
    expect(page.locator("#report-errors")).to_contain_text("could not keep the report")
    expect(page.get_by_role("button", name="Save report")).to_be_enabled()
    page.reload()  # what was typed is still there
    expect(page.get_by_label("What were they doing?")).to_have_value("Left a box by the side door")
    cdp.send("Storage.overrideQuotaForOrigin", {"origin": live_server.url})  # space again
    page.get_by_role("button", name="Save report").click()
    expect(page.get_by_role("heading", name="Saved on this phone")).to_be_visible()
    rows = rows_when_sent(
        live_server, "select kind from report where activity = 'Left a box by the side door'"
    )
    assert rows == [("item",)]


def test_the_report_button_in_a_bus_checklist_brings_the_bus_along(page: Page, live_server):
    sign_in(page, live_server, "driver@demo.muster.test")
    page.goto(f"{live_server.url}/checklists/bus-post-route")
    page.get_by_label("Bus number").fill("42")
    page.get_by_label("Route").fill("North 3")
    page.get_by_role("button", name="Start").click()
    page.get_by_role("link", name="Report something").click()
    expect(page.locator("#report-context")).to_have_text(re.compile("42 · North 3"))
    page.get_by_label("Something someone did").check()
    page.get_by_label("What were they doing?").fill("Car followed the bus")
    page.get_by_label("Or the nearest place").select_option(label="Lincoln Elementary campus")
    page.get_by_role("button", name="Save report").click()
    rows = rows_when_sent(
        live_server, "select context from report where activity = 'Car followed the bus'"
    )
    assert '"bus_number":"42"' in rows[0][0].replace(" ", "")
    assert '"checklist":"bus-post-route"' in rows[0][0].replace(" ", "")


def test_the_map_draws_reports_and_sites_without_tiles(page: Page, live_server):
    sign_in(page, live_server, "safety@demo.muster.test")
    page.goto(f"{live_server.url}/reports/map")
    expect(page.locator("#reports-map .leaflet-interactive.site-marker").first).to_be_attached()
    expect(page.locator("#reports-map-count")).to_have_text(re.compile(r"Reports shown: \d+"))
    expect(page.locator(".site-label", has_text="Lincoln Elementary")).to_be_visible()
    shot(page, "reports-map")
    assert axe_violations(page) == []
