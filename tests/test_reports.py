"""Reports arrive as ``report.filed`` events: checked, placed against the sites, linked to related
reports, alerting near a campus; the safety team lists, maps, exports and prints them."""

from __future__ import annotations

import csv
import io
import json
import threading
import uuid
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit
from zoneinfo import ZoneInfo

import pytest
from PIL import Image

from server.alerts.models import Alert, AlertRecipient
from server.models import AuditLog, Site, SiteKind
from server.places.geocode import make_geocoder
from server.reports.models import Report, ReportLink
from server.reports.place_names import name_places_once
from tests.helpers import CAMPUS, configured, file, filed, html, moved
from tests.photos import jpeg_with_gps


async def test_a_report_is_placed_against_the_nearest_site(as_role, org):
    driver = await as_role("driver")
    e = filed(moved(CAMPUS, 315, 280))
    assert [r["status"] for r in await file(driver, e)] == ["accepted"]
    report = await Report.get(id=e["payload"]["report_id"]).prefetch_related("nearest_site")
    assert report.nearest_site_id == org.site.id
    assert report.bearing == "NW"
    assert report.distance_m == pytest.approx(280, abs=0.5)
    assert report.plate_key == "8XYZ123"
    assert report.school_id == org.school.id
    assert report.reported_by_id == org.users["driver"].id
    safety = await as_role("safety")
    page = await safety.get(f"/reports/{report.id}")
    assert f"280 m NW of {org.site.name}" in page.text
    assert "accurate to about 12 m" in page.text
    assert html(page).select_one(".reference").get_text() == str(report.id)  # for the police
    assert (await file(driver, e))[0]["status"] == "duplicate"
    assert await Report.filter(id=report.id).count() == 1


async def test_the_site_fallback_when_location_is_denied(as_role, org):
    staff = await as_role("staff")
    e = filed(None, site_id=org.site.id, kind="item", item="A backpack by the fence", vehicle=None)
    assert (await file(staff, e))[0]["status"] == "accepted"
    report = await Report.get(id=e["payload"]["report_id"])
    assert (report.latitude, report.longitude) == (org.site.latitude, org.site.longitude)
    assert report.position_source == "site" and report.accuracy is None
    page = await (await as_role("safety")).get(f"/reports/{report.id}")
    assert f"At {org.site.name}" in page.text and "picked from the list" in page.text


async def test_a_person_is_described_as_the_brief_asks(as_role, org):
    staff = await as_role("staff")
    person = {
        "weapon": "Knife in the right pocket",
        "apparent_age": "About 40",
        "height": "5 ft 10 in",
        "weight": "About 180 lb",
        "build": "Heavy",
        "hair": "Short grey hair, a beard",
        "clothing": "Black cap, green jacket, jeans",
        "marks": "Glasses",
        "leaving": "On foot, north on 12th Street",
        "voice": "Hoarse",
    }
    e = filed(kind="person", vehicle=None, person=person)
    assert (await file(staff, e))[0]["status"] == "accepted"
    report = await Report.get(id=e["payload"]["report_id"])
    assert report.person == person
    page = html(await (await as_role("safety")).get(f"/reports/{report.id}"))
    shown = {dt.get_text(): dt.find_next_sibling("dd").get_text() for dt in page.select("dl dt")}
    for key, label in [("weapon", "Weapon"), ("weight", "Weight"), ("voice", "Voice")]:
        assert shown[label] == person[key]


async def test_the_distances_and_hours_are_the_districts_to_set(app, as_role, org):
    staff = await as_role("staff")
    base = moved(CAMPUS, 180, 3000)  # far from the campus: no alert
    seen = datetime.now(UTC) - timedelta(hours=5)

    def item(point, hours):
        when = (seen + timedelta(hours=hours)).isoformat()
        return filed(point, kind="item", item="bag", vehicle=None, seen_at=when)

    first = item(base, 0)
    await file(staff, first)
    far_and_late = item(moved(base, 0, 900), 3)  # 900 m and 3 h: outside the defaults
    with configured(app, correlate_metres=1000, correlate_hours=4):
        await file(staff, far_and_late)
    near_and_soon = item(moved(base, 0, 100), 0.5)  # inside the defaults, outside these
    with configured(app, correlate_metres=50, correlate_hours=0.25):
        await file(staff, near_and_soon)
    linked = await ReportLink.filter(report_id=first["payload"]["report_id"]).values_list(
        "other_id", flat=True
    )
    assert [str(x) for x in linked] == [far_and_late["payload"]["report_id"]]

    at_gate = filed(moved(CAMPUS, 0, 20))
    with configured(app, report_alert_metres=0):  # 0 turns report alerts off
        await file(staff, at_gate)
    farther = filed(moved(CAMPUS, 0, 1500))
    with configured(app, report_alert_metres=2000):
        await file(staff, farther)
    alerted = await Alert.filter(kind="suspicious-report", organisation_id=org.organisation.id)
    assert [a.source["report_id"] for a in alerted] == [farther["payload"]["report_id"]]


async def test_days_and_times_are_the_districts_own(app, as_role, org):
    staff = await as_role("staff")
    la = ZoneInfo("America/Los_Angeles")
    yesterday = datetime.now(la).date() - timedelta(days=1)
    late_evening = datetime(yesterday.year, yesterday.month, yesterday.day, 22, 30, tzinfo=la)
    e = filed(activity="Late in the evening", seen_at=late_evening.isoformat())  # next day in UTC
    await file(staff, e)
    safety = await as_role("safety")
    with configured(app, timezone="America/Los_Angeles"):
        that_day = (await safety.get(f"/reports?from={yesterday}&to={yesterday}")).text
        next_day = yesterday + timedelta(days=1)
        after = (await safety.get(f"/reports?from={next_day}&to={next_day}")).text
        detail = (await safety.get(f"/reports/{e['payload']['report_id']}")).text
    assert "Late in the evening" in that_day and "Late in the evening" not in after
    assert late_evening.strftime("%Y-%m-%d 22:30 %Z") in detail and "UTC" not in detail


async def test_a_report_near_a_campus_alerts_its_school(as_role, org):
    staff = await as_role("staff")
    near, far = filed(moved(CAMPUS, 90, 400)), filed(moved(CAMPUS, 90, 5000))
    await file(staff, near, far)
    alerts = await Alert.filter(kind="suspicious-report", organisation_id=org.organisation.id)
    assert len(alerts) == 1
    alert = alerts[0]
    assert alert.source == {"report_id": near["payload"]["report_id"]}
    assert alert.where["schools"] == [org.school.name] and alert.where["bearing"] == "E"
    assert set(alert.notify) == {"safety", "admin"}
    assert alert.audience.get("school_ids") == [org.school.id]
    told = set(await AlertRecipient.filter(alert_id=alert.id).values_list("user_id", flat=True))
    assert told == {org.users["safety"].id, org.users["admin"].id}  # that school's team only
    listing = await (await as_role("safety")).get("/admin/alerts")
    assert "Suspicious report near a school" in listing.text
    assert f"400 m E of {org.site.name}" in listing.text
    assert f"/reports/{near['payload']['report_id']}" in listing.text


def nan_event() -> dict:
    e = filed()
    e["payload"]["position"]["latitude"] = float("nan")
    return e


BAD_REPORTS = {
    "latitude out of range": lambda: filed((91, 0)),
    "longitude out of range": lambda: filed((0, -180.5)),
    "non-numeric latitude": lambda: filed(("north", 0)),
    "NaN": nan_event,
    "Infinity accuracy": lambda: filed(
        position={"latitude": 1, "longitude": 1, "accuracy": float("inf")}
    ),
    "negative accuracy": lambda: filed(position={"latitude": 1, "longitude": 1, "accuracy": -1}),
    "enormous text": lambda: filed(activity="x" * 100_000),
    "empty activity": lambda: filed(activity="   "),
    "no place": lambda: filed(None),
    "five photos": lambda: filed(photos=[str(uuid.uuid4()) for _ in range(5)]),
    "unknown kind": lambda: filed(kind="hunch"),
    "unknown field": lambda: filed(mood="bad"),
    "plate too long": lambda: filed(vehicle={"plate": "A" * 40}),
    "naive time": lambda: filed(seen_at="2026-11-29T06:00:00"),
    "future time": lambda: filed(seen_at=(datetime.now(UTC) + timedelta(hours=3)).isoformat()),
    "site id beyond 32 bits": lambda: filed(None, site_id=2**40),
}


@pytest.mark.parametrize("case", sorted(BAD_REPORTS))
async def test_bad_reports_are_refused_with_a_reason(case, as_role):
    staff = await as_role("staff")
    e = BAD_REPORTS[case]()
    body = json.dumps({"device_id": "phone", "events": [e]})  # NaN and Infinity as JSON allows
    response = await staff.http.post(
        "/api/sync",
        content=body,
        headers={"X-CSRF-Token": staff.csrf, "Content-Type": "application/json"},
    )
    assert response.status_code == 200
    [result] = response.json()["results"]
    assert result["status"] == "rejected", case
    assert result["reason"]
    assert not await Report.filter(id=e["payload"]["report_id"]).exists()


async def test_a_phone_with_a_fast_clock_still_files_its_report(as_role, org):
    staff = await as_role("staff")
    fast = timedelta(hours=3)  # the phone's clock is three hours ahead
    phone_now = datetime.now(UTC) + fast
    e = filed(seen_at=(phone_now - timedelta(minutes=20)).isoformat())
    e["occurred_at"] = (phone_now - timedelta(minutes=5)).isoformat()  # saved 5 minutes ago
    [result] = await file(staff, e)
    assert result["status"] == "accepted"
    report = await Report.get(id=e["payload"]["report_id"])
    assert report.seen_at == pytest.approx(
        datetime.now(UTC) - timedelta(minutes=15), abs=timedelta(minutes=1)
    )
    page = html(await (await as_role("safety")).get(f"/reports/{report.id}"))
    assert "clock was 175 minutes fast" in page.select_one("#clock-fast").get_text()


async def test_another_organisations_site_or_photo_is_refused(as_role, org, other_org):
    staff = await as_role("staff")
    [site] = await file(staff, filed(None, site_id=other_org.site.id))
    assert site["status"] == "rejected" and "not one of your district" in site["reason"]
    [photo] = await file(staff, filed(photos=other_org.report.photos))
    assert photo["status"] == "rejected" and "belongs to someone else" in photo["reason"]
    [colleague] = await file(staff, filed(photos=org.report.photos))  # the driver's photo
    assert colleague["status"] == "rejected" and "belongs to someone else" in colleague["reason"]
    first = filed()
    await file(staff, first)
    again = filed(report_id=first["payload"]["report_id"])  # a new event, an old report id
    [clash] = await file(staff, again)
    assert clash["status"] == "rejected" and "already filed" in clash["reason"]


async def test_the_same_plate_links_reports_at_any_distance_and_time(as_role, org):
    driver = await as_role("driver")
    earlier = filed(
        moved(CAMPUS, 0, 40_000),
        seen_at=(datetime.now(UTC) - timedelta(days=20)).isoformat(),
        vehicle={"plate": "zz-77 q"},
    )
    later = filed(moved(CAMPUS, 180, 10_000), vehicle={"plate": " ZZ77Q "})
    other_plate = filed(moved(CAMPUS, 0, 40_000), vehicle={"plate": "ZZ77R"}, kind="person")
    await file(driver, earlier, other_plate, later)
    links = await ReportLink.filter(report_id=later["payload"]["report_id"])
    assert [(str(link.other_id), link.reason) for link in links] == [
        (earlier["payload"]["report_id"], "plate")
    ]
    assert links[0].distance_m == pytest.approx(50_000, rel=1e-3)
    back = await ReportLink.get(report_id=earlier["payload"]["report_id"])
    assert str(back.other_id) == later["payload"]["report_id"]
    page = await (await as_role("safety")).get(f"/reports/{later['payload']['report_id']}")
    assert "Same licence plate" in page.text
    assert "zz-77 q" in page.text  # the other report's plate, as it was typed


async def test_reports_of_a_kind_close_in_space_and_time_are_linked(as_role, org):
    staff = await as_role("staff")
    now = datetime.now(UTC) - timedelta(hours=3)  # so that none is in the future
    base = moved(CAMPUS, 180, 3000)

    def person(point, minutes, kind="person"):
        return filed(
            point, kind=kind, vehicle=None, seen_at=(now + timedelta(minutes=minutes)).isoformat()
        )

    first = person(base, 0)
    close = person(moved(base, 45, 450), 100)  # 450 m, 1 h 40 min
    too_far = person(moved(base, 45, 560), 10)  # 560 m
    too_late = person(moved(base, 45, 100), 130)  # 2 h 10 min
    other_kind = filed(
        moved(base, 45, 50), kind="item", item="bag", vehicle=None, seen_at=now.isoformat()
    )
    with_vehicle = person(moved(base, 90, 200), -30, kind="both")  # a person, with a vehicle
    results = await file(staff, first, close, too_far, too_late, other_kind, with_vehicle)
    assert {r["status"] for r in results} == {"accepted"}
    linked = set(
        await ReportLink.filter(report_id=first["payload"]["report_id"]).values_list(
            "other_id", flat=True
        )
    )
    assert {str(x) for x in linked} == {
        close["payload"]["report_id"],
        with_vehicle["payload"]["report_id"],
    }


async def test_the_safety_team_filters_reports(as_role, org):
    staff = await as_role("staff")
    far_site = await Site.create(
        organisation=org.organisation,
        kind=SiteKind.VENUE,
        name="Science museum",
        latitude=37.8,
        longitude=-122.4,
    )
    at_museum = filed((37.8005, -122.4), kind="person", vehicle=None, activity="At the museum")
    at_school = filed(moved(CAMPUS, 10, 100), activity="At the school gate")
    yesterday = filed(
        moved(CAMPUS, 10, 100),
        activity="Yesterday at school",
        seen_at=(datetime.now(UTC) - timedelta(days=1)).isoformat(),
    )
    await file(staff, at_museum, at_school, yesterday)
    safety = await as_role("safety")

    async def listed(query: str) -> str:
        return (await safety.get(f"/reports?{query}")).text

    near_museum = await listed(f"near={far_site.id}&within=1000")
    assert "At the museum" in near_museum and "At the school gate" not in near_museum
    persons = await listed("kind=person")
    assert "At the museum" in persons and "At the school gate" not in persons
    today = datetime.now(UTC).date().isoformat()
    todays = await listed(f"from={today}&to={today}")
    assert "At the school gate" in todays and "Yesterday at school" not in todays
    by_school = await listed(f"school={org.school.id}")
    assert "At the school gate" in by_school
    assert "At the museum" in by_school  # a venue has no school: the reporter's one stands in
    other_school = await listed(f"school={org.other_school.id}")
    assert "At the school gate" not in other_school and "At the museum" not in other_school
    listed = await AuditLog.filter(actor_id=org.users["safety"].id, action="reports.listed")
    assert {"filters": "kind=person", "count": 1} in [entry.detail for entry in listed]
    fragment = await safety.http.get("/reports?kind=person", headers={"HX-Request": "true"})
    assert fragment.text.lstrip().startswith('<section class="listing" id="reports-list"')
    junk = await safety.get("/reports?near=abc&within=-5&from=yesterday&kind=<script>")
    assert junk.status_code == 200


async def test_a_long_list_is_paged_and_sorted_never_cut_short(as_role, org):
    safety = await as_role("safety")
    seen = datetime.now(UTC) - timedelta(days=3)
    await Report.bulk_create(
        [
            Report(
                id=uuid.uuid4(),
                organisation=org.organisation,
                reported_by=org.users["staff"],
                kind="item",
                activity=f"Bag number {n}",
                seen_at=seen - timedelta(minutes=n),
                latitude=CAMPUS[0],
                longitude=CAMPUS[1],
                position_source="device",
            )
            for n in range(120)
        ]
    )

    def shown(page) -> list[str]:
        return [p.get_text() for p in page.select("#reports-list li.report-card p.report-activity")]

    first = html(await safety.get("/reports", params={"kind": "item"}))
    assert shown(first)[:2] == ["Bag number 0", "Bag number 1"]
    assert "1\u201350 of 120" in first.select_one("#reports-list nav.pages").get_text()
    next_link = first.select_one('#reports-list a[rel="next"]')["href"]
    assert "kind=item" in next_link and "page=2" in next_link
    last = html(await safety.get("/reports", params={"kind": "item", "page": "3"}))
    assert shown(last)[-1] == "Bag number 119" and len(shown(last)) == 20
    assert not last.select('#reports-list a[rel="next"]')
    seen_pages = set()
    for n in (1, 2, 3):
        page = html(await safety.get("/reports", params={"kind": "item", "page": str(n)}))
        seen_pages.update(shown(page))
    assert len(seen_pages) == 120  # every one on some page, none twice
    oldest = html(await safety.get("/reports", params={"kind": "item", "sort": "oldest"}))
    assert shown(oldest)[0] == "Bag number 119"
    # past the last page: the last; nonsense: the first, never an error
    assert shown(html(await safety.get("/reports?kind=item&page=99")))[-1] == "Bag number 119"
    for junk in ("page=-1", "page=abc", "page=99999999999", "sort=<b>", "sort=id;drop"):
        assert (await safety.get(f"/reports?{junk}")).status_code == 200, junk
    exported = await safety.get("/reports.csv", params={"kind": "item", "sort": "oldest"})
    rows = list(csv.DictReader(io.StringIO(exported.text)))
    assert len(rows) == 120 and rows[0]["what they were doing"] == "Bag number 119"


async def test_exports_are_complete_and_audited(as_role, org):
    staff = await as_role("staff")
    formula = filed(activity='=HYPERLINK("http://evil")')
    await file(staff, formula)
    safety = await as_role("safety")
    geo = await safety.get("/reports.geojson")
    assert geo.headers["content-type"].startswith("application/geo+json")
    features = {f["id"]: f for f in geo.json()["features"]}
    feature = features[formula["payload"]["report_id"]]
    assert feature["geometry"]["coordinates"] == [CAMPUS[1], CAMPUS[0]]
    assert feature["properties"]["kind"] == "vehicle"
    assert str(org.report.id) in features
    exported = await safety.get("/reports.csv")
    rows = list(csv.DictReader(io.StringIO(exported.text)))
    row = next(r for r in rows if r["report"] == formula["payload"]["report_id"])
    assert row["what they were doing"].startswith("'=")  # not run as a formula
    assert row["plate"] == "8xyz 123"
    # numbers stay numbers: a negative longitude is no formula (was "'-121.4865", text)
    assert float(row["longitude"]) == pytest.approx(CAMPUS[1])
    assert row["longitude"].startswith("-") and float(row["latitude"]) == pytest.approx(CAMPUS[0])
    actions = await AuditLog.filter(actor_id=org.users["safety"].id).values_list(
        "action", flat=True
    )
    assert actions.count("reports.exported") == 2


async def test_viewing_a_report_is_audited_and_its_photo_is_clean(as_role, org):
    safety = await as_role("safety")
    page = await safety.get(f"/reports/{org.report.id}")
    assert page.status_code == 200 and "7ABC123" in page.text
    assert await AuditLog.filter(action="report.viewed", record_id=str(org.report.id)).exists()
    photo = await safety.get(f"/reports/{org.report.id}/photos/{org.report.photos[0]}")
    assert photo.headers["content-type"] == "image/jpeg"
    with Image.open(io.BytesIO(photo.content)) as image:
        assert not image.getexif()
    not_its_photo = await safety.get(f"/reports/{org.report.id}/photos/{uuid.uuid4()}")
    assert not_its_photo.status_code == 404
    assert (await safety.get("/reports/not-a-uuid")).status_code == 404


async def test_a_photo_filed_with_a_report_is_shown_on_it(as_role, org):
    staff = await as_role("staff")
    photo = str(uuid.uuid4())
    put = await staff.http.put(
        f"/api/uploads/{photo}",
        content=jpeg_with_gps(),
        headers={"X-CSRF-Token": staff.csrf, "Content-Type": "image/jpeg"},
    )
    assert put.status_code == 201
    missing = str(uuid.uuid4())  # refused on the phone's side, say: the report still arrives
    e = filed(photos=[photo, missing])
    assert (await file(staff, e))[0]["status"] == "accepted"
    page = await (await as_role("admin")).get(f"/reports/{e['payload']['report_id']}")
    assert f"/photos/{photo}" in page.text and f"/photos/{missing}" not in page.text
    assert "1 photo has not arrived" in page.text


async def test_report_pages_for_the_form_and_map(as_role, org, settings):
    staff = await as_role("staff")
    form = await staff.get("/reports/new")
    assert form.status_code == 200
    assert org.site.name in form.text  # the site fallback
    assert "tile.openstreetmap.org" in form.headers["content-security-policy"]
    assert "/reports/new" in form.text  # the home screen and checklists link to it offline
    safety = await as_role("safety")
    page = await safety.get("/reports/map")
    assert "reports-map" in page.text
    assert "https://tile.openstreetmap.org" in page.headers["content-security-policy"]
    assert "script-src 'self';" in page.headers["content-security-policy"]


async def test_a_trip_page_opens_the_report_form_with_the_trip(as_role, org):
    staff = await as_role("staff")  # a chaperone on the trip
    page = await staff.get(f"/trips/{org.trip.id}")
    assert page.status_code == 200
    url = urlsplit(html(page).select_one("a#trip-report")["href"])
    assert url.path == "/reports/new"
    assert parse_qs(url.query) == {"from": ["Field trip"], "trip": [org.trip.name[:60]]}


class NominatimStandIn(BaseHTTPRequestHandler):
    """Answers /reverse like a district's Nominatim would."""

    asked: list[dict] = []

    def do_GET(self):
        query = parse_qs(urlsplit(self.path).query)
        NominatimStandIn.asked.append(query)
        body = json.dumps(
            {
                "lat": query["lat"][0],
                "lon": query["lon"][0],
                "display_name": "Lincoln Elementary, 12th Street, Sacramento",
                "address": {"road": "12th Street"},
            }
        ).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def nominatim():
    server = ThreadingHTTPServer(("127.0.0.1", 0), NominatimStandIn)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


async def test_place_names_come_from_the_districts_geocoder(as_role, nominatim):
    staff = await as_role("staff")
    e = filed(moved(CAMPUS, 0, 10))
    await file(staff, e)
    await (
        Report.filter(place_checked=False)
        .exclude(id=e["payload"]["report_id"])
        .update(place_checked=True)
    )
    assert await name_places_once(make_geocoder(nominatim)) == 1
    report = await Report.get(id=e["payload"]["report_id"])
    assert report.place_name == "Lincoln Elementary, 12th Street, Sacramento"
    assert report.place_checked
    assert NominatimStandIn.asked[-1]["lat"][0].startswith("38.576")


async def test_a_dead_geocoder_never_costs_a_report(as_role):
    staff = await as_role("staff")
    e = filed()
    assert (await file(staff, e))[0]["status"] == "accepted"
    await (
        Report.filter(place_checked=False)
        .exclude(id=e["payload"]["report_id"])
        .update(place_checked=True)
    )
    assert await name_places_once(make_geocoder("http://127.0.0.1:9")) == 1  # nothing listens
    report = await Report.get(id=e["payload"]["report_id"])
    assert report.place_name == "" and report.place_checked
    assert make_geocoder("ftp://nope") is None


async def test_search_finds_a_plate_typed_two_ways_a_name_and_words(as_role, org):
    staff = await as_role("staff")
    await file(staff, filed(vehicle={"plate": "7ABC-123"}, activity="Circling the car park"))
    safety = await as_role("safety")

    def found(page) -> list[str]:
        return [a.get_text(" ", strip=True) for a in html(page).select("#reports-list h2 a")]

    for typed in ("7abc 123", "7ABC123", "7 abc-123"):
        shown = found(await safety.get("/reports", params={"q": typed}))
        assert shown and all("7ABC-123" in text or "7ABC123" in text for text in shown), typed
    assert found(await safety.get("/reports", params={"q": "car park"})) == ["A vehicle · 7ABC-123"]
    by_name = found(await safety.get("/reports", params={"q": org.users["driver"].name}))
    assert by_name == ["A vehicle · 7ABC123"]  # the fixture's report, filed by the driver
    assert found(await safety.get("/reports", params={"q": "nothing like it"})) == []


async def test_exports_follow_the_filters_on_screen_and_the_districts_clock(app, as_role, org):
    staff = await as_role("staff")
    la = ZoneInfo("America/Los_Angeles")
    evening = datetime.now(la).replace(hour=18, minute=5, second=0, microsecond=0) - timedelta(
        days=1
    )
    late = filed(vehicle={"plate": "LATE 1"}, activity="Late", seen_at=evening.isoformat())
    await file(staff, late, filed(activity="Another one entirely"))
    safety = await as_role("safety")
    with configured(app, timezone="America/Los_Angeles"):
        # The filters applied through htmx: the export links come back with the list.
        swapped = await safety.get(
            "/reports", params={"q": "late 1"}, headers={"HX-Request": "true"}
        )
        links = html(swapped).select_one("#report-exports[hx-swap-oob]")
        csv_url = links.select_one('a[href*="/reports.csv"]')["href"]
        assert "q=late+1" in csv_url
        geo_url = links.select_one('a[href*="/reports.geojson"]')["href"]
        exported = await safety.get(csv_url)
        geo = (await safety.get(geo_url)).json()
    rows = list(csv.DictReader(io.StringIO(exported.text)))
    assert [r["report"] for r in rows] == [late["payload"]["report_id"]]
    assert rows[0]["seen at"] == evening.isoformat()  # 18:05 -08:00 (or -07:00), not UTC
    assert [f["id"] for f in geo["features"]] == [late["payload"]["report_id"]]
    assert geo["features"][0]["properties"]["seen_at"] == evening.isoformat()
    # the map's popup text: the district's clock, whatever zone the browser is in
    assert geo["features"][0]["properties"]["seen"] == evening.strftime("%Y-%m-%d %H:%M %Z")
