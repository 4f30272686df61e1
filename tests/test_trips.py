"""Field trips: the overdue rule, ratios, roster import and visibility, the phone's events, the
board."""

from __future__ import annotations

import asyncio
import threading
import uuid
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from server.alerts.models import Alert
from server.models import Site, SiteKind
from server.risk.models import PlanStatus
from server.trips.models import (
    CheckIn,
    CheckInKind,
    Headcount,
    LostStudent,
    Trip,
    TripOverdue,
    TripStop,
    TripStudent,
)
from server.trips.rules import Ratio, Reached, next_checkin
from server.trips.service import policy_for
from server.trips.watch import check_trips
from tests.helpers import configured, event, html, send
from tests.photos import jpeg_with_gps

# Far enough ahead that the app's own background watch (running on the real clock) never
# reaches these trips while a test drives the rule with its own clock.
T0 = datetime.now(UTC).replace(microsecond=0) + timedelta(days=30)


async def _trip(org, *, start=T0, hours=6, stops=(), chaperones=("staff",)) -> Trip:
    trip = await Trip.create(
        organisation=org.organisation,
        school=org.school,
        name=f"Zoo {uuid.uuid4().hex[:6]}",
        starts_at=start,
        ends_at=start + timedelta(hours=hours),
        latitude=38.5,
        longitude=-121.5,
        created_by=org.users["admin"],
    )
    for n, (name, offset) in enumerate(stops, start=1):
        await TripStop.create(trip=trip, position=n, name=name, expected_at=start + offset)
    await trip.chaperones.add(*[org.users[role] for role in chaperones])
    return trip


async def _alerts(trip: Trip, kind: str) -> list[Alert]:
    alerts = await Alert.filter(organisation_id=trip.organisation_id, kind=kind)
    return [a for a in alerts if a.trip_id == trip.id]


async def _checkin(trip: Trip, org, kind: CheckInKind, at: datetime, stop=None) -> None:
    await CheckIn.create(
        id=uuid.uuid4(), trip=trip, user=org.users["staff"], kind=kind, stop=stop, at=at
    )


# ---- the overdue rule ----


async def test_a_late_departure_raises_one_overdue_alert_after_the_grace_period(org):
    trip = await _trip(org)
    assert (await policy_for(org.school.id)).grace_minutes == 30
    await check_trips(T0 + timedelta(minutes=29))  # late, but within the grace period
    assert await _alerts(trip, "trip-overdue") == []

    await check_trips(T0 + timedelta(minutes=31))
    [alert] = await _alerts(trip, "trip-overdue")
    assert alert.notify == ["safety", "admin"]
    assert alert.where["trip"] == trip.name and alert.where["schools"] == [org.school.name]
    assert alert.source["school_id"] == org.school.id and alert.source["expected"] == "departed"
    assert alert.trip_id == trip.id and alert.audience["school_ids"] == [org.school.id]

    for minutes in (32, 45, 90):  # still late: not raised again
        await check_trips(T0 + timedelta(minutes=minutes))
    assert len(await _alerts(trip, "trip-overdue")) == 1


async def test_a_trip_on_time_raises_nothing_until_a_later_check_in_is_missed(org):
    trip = await _trip(org, stops=[("Zoo", timedelta(hours=2))])
    stop = await TripStop.get(trip=trip)
    await _checkin(trip, org, CheckInKind.DEPARTED, T0 + timedelta(minutes=5))
    await check_trips(T0 + timedelta(hours=1))
    await check_trips(T0 + timedelta(hours=2, minutes=29))
    assert await _alerts(trip, "trip-overdue") == []

    await check_trips(T0 + timedelta(hours=2, minutes=31))  # never arrived at the zoo
    [alert] = await _alerts(trip, "trip-overdue")
    assert alert.source["expected"] == f"stop-{stop.id}"

    await _checkin(trip, org, CheckInKind.ARRIVED, T0 + timedelta(hours=2, minutes=40), stop)
    await _checkin(trip, org, CheckInKind.BACK, T0 + timedelta(hours=6))
    await check_trips(T0 + timedelta(hours=8))  # back at school: nothing more is owed
    assert len(await _alerts(trip, "trip-overdue")) == 1


async def test_the_grace_period_is_the_schools_setting(org, as_role):
    admin = await as_role("admin")
    form = {
        "students_per_adult": "10",
        "grace_minutes": "60",
        "plan_required": "on",
        "band_low": "4",
        "band_medium": "9",
        "band_high": "16",
    }
    response = await admin.post(f"/admin/schools/{org.school.id}/trip-rules", form)
    assert response.status_code == 303
    trip = await _trip(org)
    await check_trips(T0 + timedelta(minutes=45))
    assert await _alerts(trip, "trip-overdue") == []
    await check_trips(T0 + timedelta(minutes=61))
    assert len(await _alerts(trip, "trip-overdue")) == 1


async def test_overdue_fires_once_when_several_processes_check_at_once(org):
    trip = await _trip(org)
    now = T0 + timedelta(hours=1)
    # A second process got there first: its marker row is the proof the alert exists.
    await TripOverdue.create(trip=trip, expected="departed", due_at=T0, alerted_at=now)
    await check_trips(now)
    assert await _alerts(trip, "trip-overdue") == []
    assert await TripOverdue.filter(trip=trip).count() == 1


# ---- ratios ----


def test_ratio_needs_one_adult_for_each_group_of_students():
    assert Ratio(students=20, adults=2, per_adult=10).ok
    short = Ratio(students=21, adults=2, per_adult=10)
    assert short.needed == 3 and not short.ok
    assert Ratio(students=0, adults=0, per_adult=10).ok


async def test_the_ratio_is_the_schools_setting(org, as_role):
    admin = await as_role("admin")
    rules = {
        "students_per_adult": "3",
        "grace_minutes": "30",
        "band_low": "4",
        "band_medium": "9",
        "band_high": "16",
    }  # no "plan_required": this school departs without an approved plan
    response = await admin.post(f"/admin/schools/{org.school.id}/trip-rules", rules)
    assert response.status_code == 303
    trip = await _trip(org, chaperones=("staff", "safety"))
    for n in range(7):
        await TripStudent.create(trip=trip, name=f"Student {n}")
    form = html(await admin.get(f"/admin/trips/{trip.id}"))
    assert "one adult for every 3 students" in form.get_text(" ", strip=True)
    assert "3 adults needed." in form.select_one(".field-error").get_text()
    refused = await admin.post(f"/admin/trips/{trip.id}/ready", {})
    assert refused.status_code == 422
    assert "needs 3 adults" in html(refused).select_one("#ready-error").get_text()

    await TripStudent.filter(trip=trip, name="Student 6").delete()  # six: two adults will do
    assert (await admin.post(f"/admin/trips/{trip.id}/ready", {})).status_code == 303


async def test_a_trip_without_enough_adults_or_an_approved_plan_cannot_be_ready(org, as_role):
    admin = await as_role("admin")
    trip = await _trip(org, chaperones=("staff",))
    for n in range(11):
        await TripStudent.create(trip=trip, name=f"Student {n}")
    refused = await admin.post(f"/admin/trips/{trip.id}/ready", {})
    assert refused.status_code == 422
    message = html(refused).select_one("#ready-error").get_text()
    assert "needs 2 adults" in message and "risk plan must be approved" in message
    assert (await Trip.get(id=trip.id)).ready_at is None

    await trip.chaperones.add(org.users["safety"])
    policy = await policy_for(org.school.id)
    policy.plan_required = False
    await policy.save()
    assert (await admin.post(f"/admin/trips/{trip.id}/ready", {})).status_code == 303
    assert (await Trip.get(id=trip.id)).ready_at is not None


async def test_an_approved_plan_lets_the_trip_depart(org, as_role):
    admin = await as_role("admin")
    refused = await admin.post(f"/admin/trips/{org.trip.id}/ready", {})
    assert refused.status_code == 422  # the fixture's plan is a draft
    org.plan.status = PlanStatus.APPROVED
    await org.plan.save()
    assert (await admin.post(f"/admin/trips/{org.trip.id}/ready", {})).status_code == 303


# ---- roster import ----

GOOD_CSV = (
    "name,grade,contacts,allergies,medication,medication_carrier\n"
    "Ana Ruiz,4,Maria Ruiz 555-0101,peanuts,EpiPen,Ms Lee\n"
    'Ben Cho,4,"Ji Cho 555-0102\nTom Cho 555-0103",,,\n'
)


async def _import(client, trip_id: int, body: bytes):
    if not client.csrf:
        await client.get("/")
    return await client.http.post(
        f"/admin/trips/{trip_id}/students.csv",
        data={"csrf_token": client.csrf},
        files={"file": ("roster.csv", body, "text/csv")},
    )


async def test_a_roster_imports_from_csv(org, as_role):
    admin = await as_role("admin")
    trip = await _trip(org)
    response = await _import(admin, trip.id, GOOD_CSV.encode())
    assert response.status_code == 303
    students = await TripStudent.filter(trip=trip).order_by("name")
    assert [s.name for s in students] == ["Ana Ruiz", "Ben Cho"]
    assert students[0].allergies == "peanuts" and students[0].medication_carrier == "Ms Lee"
    assert students[1].contacts == "Ji Cho 555-0102\nTom Cho 555-0103"


async def test_a_csv_with_bad_rows_imports_nothing_and_names_each_error(org, as_role):
    admin = await as_role("admin")
    trip = await _trip(org)
    body = (
        (
            "name,grade\n"
            "Ana Ruiz,4\n"
            ",4\n"  # row 3: no name
            "Ben Cho," + "9" * 30 + "\n"  # row 4: grade too long
            "Cara Diaz,5,extra\n"  # row 5: more cells than columns
        ).encode()
    )
    response = await _import(admin, trip.id, body)
    assert response.status_code == 422
    errors = [li.get_text(" ", strip=True) for li in html(response).select("#import-errors li")]
    assert errors == [
        "Row 3, name: Please fill this in.",
        "Row 4, grade: Keep this under 20 characters.",
        "Row 5: This row has more cells than the header.",
    ]
    assert await TripStudent.filter(trip=trip).count() == 0


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (b"nom,classe\nAna,4\n", "Unknown column"),
        (b"grade\n4\n", "must name a"),
        ("name\nJos\xe9\n".encode("latin-1"), "CSV UTF-8"),
        (b"", "The file is empty"),
        (b"name,grade\n,\n", "no students under its header"),
    ],
)
async def test_a_file_that_is_not_a_roster_is_refused_plainly(org, as_role, body, expected):
    admin = await as_role("admin")
    trip = await _trip(org)
    response = await _import(admin, trip.id, body)
    assert response.status_code == 422
    assert expected in html(response).select_one("#import-errors").get_text()
    assert await TripStudent.filter(trip=trip).count() == 0


# ---- the roster on the phone: only the trip's chaperones, only around the trip ----


async def test_the_roster_is_shown_only_to_chaperones_in_the_window(org, other_org, as_role):
    student = org.student
    student.allergies = "bee stings"
    await student.save()
    url = f"/trips/{org.trip.id}/roster"
    staff = await as_role("staff")
    response = await staff.get(url)
    assert response.status_code == 200
    assert "bee stings" in html(response).select_one(".roster details").get_text()
    keep = datetime.fromisoformat(response.headers["Muster-Keep-Until"])
    assert org.trip.ends_at + timedelta(days=1) <= keep <= org.trip.ends_at + timedelta(days=2)

    await org.trip.chaperones.remove(org.users["safety"])
    for role in ("safety",):
        assert (await (await as_role(role)).get(url)).status_code == 404
    assert (await (await as_role("staff", other_org)).get(url)).status_code == 404

    later = await _trip(org, start=datetime.now(UTC) + timedelta(days=3))
    for page in ("", "/headcount", "/roster"):
        assert (await staff.get(f"/trips/{later.id}{page}")).status_code == 404
    over = await _trip(org, start=datetime.now(UTC) - timedelta(days=3), hours=2)
    assert (await staff.get(f"/trips/{over.id}/roster")).status_code == 404
    day_before = await _trip(org, start=datetime.now(UTC) + timedelta(hours=20))
    assert (await staff.get(f"/trips/{day_before.id}/roster")).status_code == 200


async def test_my_trips_lists_only_trips_in_their_window(org, as_role):
    staff = await as_role("staff")
    later = await _trip(org, start=datetime.now(UTC) + timedelta(days=5))
    page = html(await staff.get("/trips"))
    names = [a.select_one(".journey-title").get_text() for a in page.select(".journeys a")]
    assert org.trip.name in names and later.name not in names
    offline = page.select_one("body")["data-offline-pages"]
    assert f"/trips/{org.trip.id}/roster" in offline and f"/trips/{later.id}" not in offline


# ---- events from the chaperone's phone ----


async def test_a_headcount_by_name_records_who_is_missing(org, as_role):
    staff = await as_role("staff")
    trip = org.trip
    ben = await TripStudent.create(trip=trip, name="Ben")
    cara = await TripStudent.create(trip=trip, name="Cara")
    count_id = str(uuid.uuid4())
    batch = [
        event(
            "trip.headcount",
            headcount_id=count_id,
            trip_id=trip.id,
            present=[org.student.id],
            place="Museum lobby",
            position={"latitude": 38.58, "longitude": -121.5, "accuracy": 10},
        ),
        event("trip.headcount", headcount_id=str(uuid.uuid4()), trip_id=trip.id, counted=3),
    ]
    results = (await send(staff, batch)).json()["results"]
    assert [r["status"] for r in results] == ["accepted", "accepted"]
    by_name = await Headcount.get(id=count_id)
    assert by_name.expected == 3 and by_name.counted == 1 and not by_name.complete
    assert sorted(by_name.missing) == sorted([ben.id, cara.id])
    assert by_name.place == "Museum lobby" and by_name.position["accuracy"] == 10
    by_number = await Headcount.get(id=results[1]["id"] and batch[1]["payload"]["headcount_id"])
    assert by_number.complete and not by_number.by_name

    again = (await send(staff, batch)).json()["results"]
    assert [r["status"] for r in again] == ["duplicate", "duplicate"]


async def test_the_trip_page_offers_the_next_stop_due_for_check_in(org, as_role):
    staff = await as_role("staff")
    start = datetime.now(UTC) + timedelta(hours=1)
    trip = await _trip(
        org, start=start, stops=[("Museum", timedelta(hours=1)), ("Park", timedelta(hours=3))]
    )
    museum, park = await TripStop.filter(trip=trip).order_by("position")

    def chosen(response) -> str | None:
        option = html(response).select_one("#checkin-stop option[selected]")
        return option["value"] if option else None

    assert chosen(await staff.get(f"/trips/{trip.id}")) is None  # the first, until departure
    await _checkin(trip, org, CheckInKind.DEPARTED, start, None)
    assert chosen(await staff.get(f"/trips/{trip.id}")) == str(museum.id)
    await _checkin(trip, org, CheckInKind.ARRIVED, start + timedelta(hours=1), museum)
    assert chosen(await staff.get(f"/trips/{trip.id}")) == str(park.id)


async def test_trip_events_are_refused_plainly(org, other_org, as_role):
    staff = await as_role("staff")
    stranger = await as_role("staff", other_org)
    hid = str(uuid.uuid4())
    cases = [
        (stranger, event("trip.headcount", headcount_id=hid, trip_id=org.trip.id, counted=1)),
        (
            staff,
            event("trip.headcount", headcount_id=hid, trip_id=org.trip.id, present=[999999]),
        ),
        (
            staff,
            event("trip.headcount", headcount_id=hid, trip_id=org.trip.id, present=[], counted=1),
        ),
        (
            staff,
            event("trip.checkin", checkin_id=hid, trip_id=org.trip.id, kind="arrived"),
        ),
        (
            staff,
            event(
                "trip.student_lost",
                lost_id=hid,
                trip_id=org.trip.id,
                student_id=other_org.student.id,
            ),
        ),
    ]
    reasons = []
    for client, one in cases:
        [result] = (await send(client, [one])).json()["results"]
        assert result["status"] == "rejected"
        reasons.append(result["reason"])
    assert reasons == [
        "You are not a chaperone on this trip.",
        "A student on this headcount is not on the trip's roster.",
        "A headcount is either the students ticked by name or a number.",
        "Choose a stop of this trip's plan.",
        "This student is not on the trip's roster.",
    ]
    assert await Headcount.filter(trip=org.trip).count() == 0


async def test_a_lost_student_alerts_at_the_start_and_when_the_countdown_ends(org, as_role):
    staff = await as_role("staff")
    trip = org.trip
    lost_id = str(uuid.uuid4())
    start = datetime.now(UTC)
    lost = event(
        "trip.student_lost",
        lost_id=lost_id,
        trip_id=trip.id,
        student_id=org.student.id,
        last_seen_at=(start - timedelta(minutes=5)).isoformat(),
        last_seen_where="Gift shop",
    )
    assert (await send(staff, [lost])).json()["results"][0]["status"] == "accepted"
    [first] = await _alerts(trip, "lost-student")
    assert first.where["student"] == org.student.name and first.where["last_seen"] == "Gift shop"
    assert first.source["stage"] == "countdown-started"

    record = await LostStudent.get(id=lost_id)
    await check_trips(record.ends_at - timedelta(minutes=1))
    assert len(await _alerts(trip, "lost-student")) == 1
    await check_trips(record.ends_at + timedelta(seconds=1))
    await check_trips(record.ends_at + timedelta(minutes=5))
    alerts = await _alerts(trip, "lost-student")
    assert sorted(a.source["stage"] for a in alerts) == ["countdown-ended", "countdown-started"]


async def test_a_student_found_in_time_raises_no_second_alert(org, as_role):
    staff = await as_role("staff")
    trip = org.trip
    lost_id = str(uuid.uuid4())
    batch = [
        event("trip.student_lost", lost_id=lost_id, trip_id=trip.id),
        event("trip.student_found", lost_id=lost_id, trip_id=trip.id),
    ]
    assert [r["status"] for r in (await send(staff, batch)).json()["results"]] == [
        "accepted",
        "accepted",
    ]
    record = await LostStudent.get(id=lost_id)
    assert record.found_at is not None
    await check_trips(record.ends_at + timedelta(minutes=1))
    assert len(await _alerts(trip, "lost-student")) == 1


# ---- the board ----


async def test_the_board_shows_missing_students_and_late_trips_in_red(org, as_role):
    staff = await as_role("staff")
    trip = org.trip
    ben = await TripStudent.create(trip=trip, name="Ben Missing")
    await send(
        staff,
        [
            event(
                "trip.headcount",
                headcount_id=str(uuid.uuid4()),
                trip_id=trip.id,
                present=[org.student.id],
                place="Dinosaur hall",
            ),
            event(  # about 400 m north-east of the museum (38.5844, -121.5051)
                "trip.checkin",
                checkin_id=str(uuid.uuid4()),
                trip_id=trip.id,
                kind="departed",
                position={"latitude": 38.5870, "longitude": -121.5018, "accuracy": 20},
            ),
            event(
                "trip.student_lost",
                lost_id=str(uuid.uuid4()),
                trip_id=trip.id,
                student_id=ben.id,
                last_seen_at="2026-05-04T10:05:00+00:00",
                last_seen_where="Gift shop",
            ),
        ],
    )
    late = await _trip(org, start=datetime.now(UTC) - timedelta(hours=2))
    await check_trips()
    board = html(await (await as_role("safety")).get("/admin/trips"))
    card = board.select_one(f'.trip-card[data-trip="{trip.id}"]')
    assert "red" in card["class"] and "status-lost" in card["class"]
    text = card.get_text(" ", strip=True)
    assert "Missing: Ben Missing" in text and "Missing student: Ben Missing" in text
    assert "last seen: 10:05, Gift shop" in text  # MUSTER_TIMEZONE is UTC in the tests
    assert "1 of 2. Dinosaur hall. Missing: Ben Missing" in text
    assert "410 m NE of Science museum" in text  # where the last check-in was made
    assert "Last complete headcount: none yet" in text
    late_card = board.select_one(f'.trip-card[data-trip="{late.id}"]')
    assert "status-overdue" in late_card["class"] and "red" in late_card["class"]
    assert "Trip overdue" in late_card.get_text()

    fragment = html(
        await (await as_role("admin")).get("/admin/trips", headers={"HX-Request": "true"})
    )
    assert fragment.select_one("h1") is None and fragment.select_one("#trips-board")


async def test_ids_beyond_the_database_range_are_not_found_on_trip_pages(org, as_role):
    admin = await as_role("admin")
    for url in (
        "/trips/99999999999",
        f"/admin/trips/{org.trip.id}/students/99999999999",
        f"/risk-plans/{org.plan.id}/hazards/99999999999",
    ):
        assert (await admin.get(url)).status_code == 404, url


async def test_an_admin_plans_a_trip_with_its_stops_and_chaperones(org, as_role, settings):
    admin = await as_role("admin")
    venue = await Site.create(
        organisation=org.organisation,
        kind=SiteKind.VENUE,
        name="Zoo",
        latitude=38.54,
        longitude=-121.5,
    )
    form = {
        "school": org.school.id,
        "name": "Zoo day",
        "starts_at": "2031-05-04T09:00",
        "ends_at": "2031-05-04T15:00",
        "venue": venue.id,
        "chaperones": [org.users["staff"].id, org.spare.id],
        "itinerary": "10:15 Zoo entrance\n\n12:00 Lunch at the picnic area",
    }
    response = await admin.post("/admin/trips/new", form)
    assert response.status_code == 303
    trip = await Trip.get(name="Zoo day").prefetch_related("chaperones", "stops")
    assert {u.id for u in trip.chaperones} == {org.users["staff"].id, org.spare.id}
    assert (trip.latitude, trip.longitude, trip.destination) == (38.54, -121.5, "Zoo")
    assert [(s.position, s.name, s.expected_at.hour) for s in trip.stops] == [
        (1, "Zoo entrance", 10),
        (2, "Lunch at the picnic area", 12),
    ]  # MUSTER_TIMEZONE is UTC in the tests
    assert settings.timezone == "UTC"
    page = html(await admin.get(f"/admin/trips/{trip.id}"))
    assert (
        page.select_one("#itinerary").text == "10:15 Zoo entrance\n12:00 Lunch at the picnic area"
    )

    bad = {**form, "itinerary": "10:15 Zoo entrance\nlunch whenever", "ends_at": "2031-05-04T08:00"}
    refused = html(await admin.post(f"/admin/trips/{trip.id}", bad))
    assert refused.select_one("#ends_at-error").text == "The trip must end after it starts."
    nowhere = {**form, "venue": "", "itinerary": "10:15 Zoo\nlunch whenever"}
    refused = html(await admin.post(f"/admin/trips/{trip.id}", nowhere))
    assert "Choose a saved venue" in refused.select_one("#venue-error").text
    assert refused.select_one("#itinerary-error").text.startswith("Line 2: start with a time")
    assert [s.name for s in await TripStop.filter(trip=trip)] == [
        "Zoo entrance",
        "Lunch at the picnic area",
    ]


class _Nominatim(BaseHTTPRequestHandler):
    """A district's geocoder on this machine: Nominatim's search answer for one known place."""

    def do_GET(self):
        body = b"[]"
        if "Sacramento+Zoo" in self.path and self.path.startswith("/search"):
            body = b'[{"lat": "38.5403", "lon": "-121.5052", "display_name": "Sacramento Zoo"}]'
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


async def test_a_destination_by_name_is_found_through_the_districts_geocoder(app, org, as_role):
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Nominatim)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        with configured(app, geocoder_url=f"http://127.0.0.1:{server.server_port}"):
            admin = await as_role("admin")
            form = {
                "school": org.school.id,
                "name": "Zoo by name",
                "starts_at": "2031-05-04T09:00",
                "ends_at": "2031-05-04T15:00",
                "destination": "Sacramento Zoo",
            }
            assert (await admin.post("/admin/trips/new", form)).status_code == 303
            trip = await Trip.get(name="Zoo by name")
            assert (trip.latitude, trip.longitude) == (38.5403, -121.5052)

            unknown = {**form, "name": "Nowhere", "destination": "Atlantis"}
            refused = html(await admin.post("/admin/trips/new", unknown))
            assert "Choose a saved venue" in refused.select_one("#venue-error").text
    finally:
        server.shutdown()
        server.server_close()


async def test_a_students_photo_is_re_encoded_and_shown_only_with_the_roster(
    org, other_org, as_role
):
    admin = await as_role("admin")
    trip = await _trip(org, start=datetime.now(UTC) + timedelta(hours=2))
    form = {"csrf_token": admin.csrf, "name": "Gus Photo", "grade": "3"}
    response = await admin.http.post(
        f"/admin/trips/{trip.id}/students",
        data=form,
        files={"photo": ("gus.jpg", jpeg_with_gps(), "image/jpeg")},
    )
    assert response.status_code == 303
    student = await TripStudent.get(trip=trip, name="Gus Photo")
    url = f"/trips/{trip.id}/students/{student.id}/photo"
    staff = await as_role("staff")
    photo = await staff.get(url)
    assert photo.status_code == 200 and photo.headers["content-type"] == "image/jpeg"
    assert b"Exif" not in photo.content[:200]  # no camera metadata, no GPS
    assert "Muster-Keep-Until" in photo.headers
    roster = html(await staff.get(f"/trips/{trip.id}/roster"))
    assert roster.select_one("details img.student-photo")["src"] == url
    assert url in roster.select_one("body")["data-offline-pages"]

    assert (await (await as_role("safety")).get(url)).status_code == 404  # not a chaperone
    assert (await (await as_role("admin", other_org)).get(url)).status_code == 404

    bad = await admin.http.post(
        f"/admin/trips/{trip.id}/students/{student.id}",
        data={"csrf_token": admin.csrf, "name": "Gus Photo"},
        files={"photo": ("notes.jpg", b"not a photo at all", "image/jpeg")},
    )
    assert bad.status_code == 422
    assert "not a JPEG, PNG or WebP" in html(bad).select_one("#photo-error").text
    assert (await TripStudent.get(id=student.id)).photo_id == student.photo_id


async def test_passes_running_at_the_same_moment_raise_one_alert_each(org, as_role):
    trip = await _trip(org)
    staff = await as_role("staff")
    lost_id = str(uuid.uuid4())
    await send(staff, [event("trip.student_lost", lost_id=lost_id, trip_id=trip.id)])
    lost = await LostStudent.get(id=lost_id)
    now = max(T0 + timedelta(hours=1), lost.ends_at + timedelta(minutes=1))
    await asyncio.gather(*(check_trips(now) for _ in range(4)))
    assert len(await _alerts(trip, "trip-overdue")) == 1
    ended = [
        a for a in await _alerts(trip, "lost-student") if a.source["stage"] != "countdown-started"
    ]
    assert len(ended) == 1


async def test_home_keeps_the_chaperones_trip_pages_and_nothing_for_others(org, as_role):
    staff_home = html(await (await as_role("staff")).get("/"))
    kept = staff_home.select_one("body")["data-offline-pages"]
    assert f"/trips/{org.trip.id}/headcount" in kept and f"/trips/{org.trip.id}/roster" in kept
    await org.trip.chaperones.remove(org.users["driver"])
    driver_home = html(await (await as_role("driver")).get("/"))
    assert "/trips" not in driver_home.select_one("body")["data-offline-pages"]


@pytest.mark.parametrize(
    ("last", "expected"),
    [
        (None, CheckInKind.DEPARTED),
        (Reached(CheckInKind.DEPARTED), CheckInKind.ARRIVED),
        (Reached(CheckInKind.ARRIVED, 7), CheckInKind.ARRIVED),  # lunch is still to come
        (Reached(CheckInKind.ARRIVED, 9), CheckInKind.RETURNING),  # the last stop
        (Reached(CheckInKind.RETURNING), CheckInKind.BACK),
        (Reached(CheckInKind.BACK), None),
    ],
)
def test_the_check_in_that_stands_out_is_the_one_due_next(last, expected):
    assert next_checkin(last, [7, 9]) == expected


def test_with_no_stops_departing_is_followed_by_returning():
    assert next_checkin(Reached(CheckInKind.DEPARTED), []) == CheckInKind.RETURNING
