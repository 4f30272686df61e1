"""Hostile and odd input at the edge (server/edge.py): no body, event or stored value can make the
server answer 500 or ``retry`` for an event that can never be stored, and one event's content
never fails its batch. Each test here reproduces a defect found by fuzzing (issue 13)."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import settings as examples
from hypothesis import strategies as st

from server.alerts.models import Alert
from server.checklists.models import ChecklistAnswer
from server.edge import BadBody, problem, read_json
from server.events.models import Note, ReceivedEvent
from server.reports.models import Report
from tests.helpers import event, filed

PAGES_OF_THE_TEAM = ["/", "/admin/alerts", "/reports", "/admin/runs", "/admin/runs.csv"]


async def send(client, batch: list, device: str = "phone-1", sent_at: str | None = None):
    """As a phone sends: JSON with non-ASCII escaped, so half an emoji travels as ``\\ud83d``."""
    batch_body = {"device_id": device, "events": batch}
    if sent_at:
        batch_body["sent_at"] = sent_at
    body = json.dumps(batch_body).encode()
    return await post_raw(client, "/api/sync", body)


async def statuses(client, batch: list, **kwargs) -> list[str]:
    response = await send(client, batch, **kwargs)
    assert response.status_code == 200, response.text
    return [r["status"] for r in response.json()["results"]]


async def post_raw(client, url: str, body: bytes, media_type: str = "application/json"):
    headers = {"X-CSRF-Token": client.csrf, "Content-Type": media_type}
    return await client.http.post(url, content=body, headers=headers)


# -- 1. bodies the parser chokes on ------------------------------------------------------------


@pytest.mark.parametrize("url", ["/api/sync", "/api/push/subscriptions"])
async def test_deeply_nested_json_is_400_not_500(as_role, url):
    staff = await as_role("staff")
    body = b'{"device_id": "d", "events": [' + b"[" * 1200 + b"]" * 1200 + b"]}"
    response = await post_raw(staff, url, body)
    assert response.status_code == 400
    assert response.json()["detail"]


async def test_a_huge_number_refuses_its_event_not_the_batch(as_role):
    staff = await as_role("staff")
    good = event(text="gate B open")
    body = (
        b'{"device_id": "d", "events": [{"id": "%s", "type": "note.recorded", '
        b'"occurred_at": "%s", "payload": {"text": "x", "n": %s}}, %s]}'
        % (
            str(uuid.uuid4()).encode(),
            datetime.now(UTC).isoformat().encode(),
            b"9" * 5000,
            json.dumps(good).encode(),
        )
    )
    response = await post_raw(staff, "/api/sync", body)
    assert response.status_code == 200
    results = response.json()["results"]
    assert [r["status"] for r in results] == ["rejected", "accepted"]
    assert "number" in results[0]["reason"]


async def test_a_huge_number_in_a_push_subscription_is_4xx(as_role):
    staff = await as_role("staff")
    response = await post_raw(
        staff, "/api/push/subscriptions", b'{"endpoint": ' + b"9" * 5000 + b"}"
    )
    assert response.status_code in (400, 422)


async def test_sync_takes_only_json(as_role):
    staff = await as_role("staff")
    body = b'{"device_id": "d", "events": []}'
    assert (await post_raw(staff, "/api/sync", body, "text/plain")).status_code == 415
    form = await post_raw(staff, "/api/sync", body, "application/x-www-form-urlencoded")
    assert form.status_code == 415
    assert (await post_raw(staff, "/api/sync", body)).status_code == 200


# -- 2. half an emoji, and NUL -------------------------------------------------------------------


async def test_a_lone_surrogate_is_refused_alone_and_the_batch_is_stored(as_role, org):
    staff = await as_role("staff")
    run = str(org.run.id)
    broken = event("checklist.answered", run_id=run, item_id="call-911", value="Ok \ud83d")
    fine = event("checklist.answered", run_id=run, item_id="call-911", value=True)
    note = event(text="after it")
    assert await statuses(staff, [broken, fine, note]) == ["rejected", "accepted", "accepted"]
    assert await ChecklistAnswer.filter(event_id=fine["id"]).exists()
    assert await Note.filter(id=note["id"]).exists()
    assert not await ReceivedEvent.filter(id=broken["id"]).exists()


@pytest.mark.parametrize(
    "payload",
    [
        {"text": "gate\x00B"},
        {"text": "gate \udc00"},
        {"text": "fine", "\x00": "in a key"},
    ],
)
async def test_nul_and_surrogates_in_text_are_refused_not_retried(as_role, payload):
    staff = await as_role("staff")
    [result] = (await send(staff, [event(**payload)])).json()["results"]
    assert result["status"] == "rejected"
    assert "half an emoji" in result["reason"]


async def test_nul_in_a_report_is_refused(as_role):
    driver = await as_role("driver")
    report = filed(activity="Parked\x00 by the gate")
    assert await statuses(driver, [report]) == ["rejected"]


@pytest.mark.parametrize("device", ["phone\x00", "phone\ud83d"])
async def test_a_device_id_that_cant_be_stored_is_400(as_role, device):
    staff = await as_role("staff")
    response = await send(staff, [event()], device=device)
    assert response.status_code == 400


# -- 3. and 4. times at the calendar's ends, numbers past a double ----------------------------

EXTREMES = ["9999-12-31T23:59:59-12:00", "0001-01-01T00:00:00+14:00", "1999-12-31T23:00:00Z"]


@pytest.mark.parametrize("moment", EXTREMES)
async def test_times_outside_the_window_are_refused(as_role, moment):
    staff = await as_role("staff")
    note = {**event(), "occurred_at": moment}
    report = filed(seen_at=moment)
    assert await statuses(staff, [note, report]) == ["rejected", "rejected"]


async def test_a_time_more_than_a_day_ahead_is_refused(as_role):
    """By a phone whose clock is right (its ``sent_at`` agrees with ours). An event's own time
    is never later than its arrival (server/events/clock.py); a time in its payload is refused."""
    driver = await as_role("driver")
    now = datetime.now(UTC)
    ahead = filed(seen_at=(now + timedelta(days=2)).isoformat())
    soon = filed(seen_at=(now + timedelta(minutes=5)).isoformat())
    results = await statuses(driver, [ahead, soon], sent_at=now.isoformat())
    assert results == ["rejected", "accepted"]


@pytest.mark.parametrize("off", [timedelta(days=7), -timedelta(days=365 * 40)])
async def test_a_phone_clock_days_off_loses_nothing(as_role, off):
    """The window is checked after the skew correction: a phone a week fast, or reset to 1986,
    still has its reports stored, at the right time."""
    driver = await as_role("driver")
    now = datetime.now(UTC)
    phone_now = now + off
    report = filed(seen_at=(phone_now - timedelta(minutes=5)).isoformat())
    report["occurred_at"] = phone_now.isoformat()
    assert await statuses(driver, [report], sent_at=phone_now.isoformat()) == ["accepted"]
    stored = await Report.get(id=report["payload"]["report_id"])
    assert abs(stored.seen_at - (now - timedelta(minutes=5))) < timedelta(minutes=1)


async def test_a_lost_students_last_seen_time_is_checked(as_role, org):
    staff = await as_role("staff")
    lost = event(
        "trip.student_lost",
        lost_id=str(uuid.uuid4()),
        trip_id=org.trip.id,
        last_seen_at="9999-12-31T23:59:59-12:00",
    )
    assert await statuses(staff, [lost]) == ["rejected"]


async def test_times_are_stored_in_utc(as_role):
    staff = await as_role("staff")
    note = {**event(), "occurred_at": "2026-06-01T08:00:00-07:00"}
    assert await statuses(staff, [note]) == ["accepted"]
    stored = await Note.get(id=note["id"])
    assert stored.written_at == datetime(2026, 6, 1, 15, 0, tzinfo=UTC)


@pytest.mark.parametrize("accuracy", ["1e309", "1e300", "-1e309"])
async def test_numbers_past_a_double_are_refused(as_role, accuracy):
    office = await as_role("office")
    raised = event(
        "alert.raised",
        alert_id=str(uuid.uuid4()),
        kind="medical",
        notify=["safety"],
        position={"latitude": 38.5, "longitude": -121.4, "accuracy": "ACCURACY"},
    )
    body = json.dumps({"device_id": "d", "events": [raised]}).replace('"ACCURACY"', accuracy)
    response = await post_raw(office, "/api/sync", body.encode())
    assert response.status_code == 200
    assert response.json()["results"][0]["status"] == "rejected"


async def test_the_team_pages_stand_after_odd_input(as_role, org):
    """Everything above was refused, so nothing odd was stored: every page still answers."""
    staff, office = await as_role("staff"), await as_role("office")
    for moment in EXTREMES:
        await send(staff, [{**event(), "occurred_at": moment}, filed(seen_at=moment)])
    raised = event(
        "alert.raised",
        alert_id=str(uuid.uuid4()),
        kind="medical",
        notify=["safety"],
        position={"latitude": 38.5, "longitude": -121.4, "accuracy": 1e300},
    )
    await send(office, [raised])
    safety = await as_role("safety")
    for url in [*PAGES_OF_THE_TEAM, "/reports.csv", "/risk-plans"]:
        assert (await safety.get(url)).status_code == 200, url


# -- 5. and 6. contexts: typed, never free dictionaries -----------------------------------------


@pytest.mark.parametrize(
    "facts",
    [
        {"100%": "x"},
        {"position": "here"},
        {"site": "x"},
        {"schools": "x"},
        {"<b>bold</b>": "x"},
    ],
)
async def test_an_alerts_context_takes_only_known_facts(as_role, facts):
    office = await as_role("office")
    raised = event(
        "alert.raised",
        alert_id=str(uuid.uuid4()),
        kind="medical",
        notify=["safety"],
        context=facts,
    )
    assert await statuses(office, [raised]) == ["rejected"]
    safety = await as_role("safety")
    assert (await safety.get("/admin/alerts")).status_code == 200


async def test_an_alerts_known_facts_are_shown_escaped(as_role):
    office = await as_role("office")
    alert_id = str(uuid.uuid4())
    raised = event(
        "alert.raised",
        alert_id=alert_id,
        kind="medical",
        notify=["safety"],
        context={"bus_number": "<b>12</b> 100%"},
    )
    assert await statuses(office, [raised]) == ["accepted"]
    page = await (await as_role("safety")).get("/admin/alerts")
    assert page.status_code == 200
    assert "Bus number: &lt;b&gt;12&lt;/b&gt; 100%" in page.text


async def test_an_alert_stored_with_odd_facts_still_renders(as_role, org):
    """Values stored before contexts were typed: shown only through the label table."""
    await Alert.filter(id=org.alert.id).update(
        where={"100%(x)s": "a", "<i>key</i>": "b", "position": "here", "site": 5, "route": "<i>"}
    )
    page = await (await as_role("safety")).get("/admin/alerts")
    assert page.status_code == 200
    assert "<i>" not in page.text and "&lt;i&gt;" in page.text


async def test_a_reports_run_must_be_a_run_id(as_role, org):
    driver = await as_role("driver")
    report = filed(context={"from": "Bus check", "run": "a/b"})
    assert await statuses(driver, [report]) == ["rejected"]
    await Report.filter(id=org.report.id).update(context={"from": "Bus check", "run": "a/b"})
    safety = await as_role("safety")
    page = await safety.get(f"/reports/{org.report.id}")
    assert page.status_code == 200


async def test_a_report_from_a_checklist_links_its_run(as_role, org):
    driver = await as_role("driver")
    run = str(uuid.uuid4())
    report = filed(context={"from": "Bus check", "run": run, "bus_number": "12"})
    assert await statuses(driver, [report]) == ["accepted"]
    stored = await Report.get(id=report["payload"]["report_id"])
    assert stored.context == {"from": "Bus check", "run": run, "bus_number": "12"}
    page = await (await as_role("safety")).get(f"/reports/{stored.id}")
    assert f"/admin/runs/{run}" in page.text


async def test_a_phone_cant_claim_its_clock_was_fast(as_role):
    driver = await as_role("driver")
    report = filed(context={"phone_clock_fast_minutes": "<b>"})
    assert await statuses(driver, [report]) == ["rejected"]


# -- query-string filters ----------------------------------------------------------------------


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01", "2026-02-30", "²"])
async def test_date_filters_at_the_calendars_ends(as_role, day):
    safety = await as_role("safety")
    for url in [
        f"/reports?from={day}&to={day}",
        f"/reports.csv?from={day}&to={day}",
        f"/admin/runs?day={day}",
        f"/admin/runs.csv?day={day}",
        f"/reports?school={day}&near={day}",
        f"/admin/runs?school={day}&person={day}",
    ]:
        assert (await safety.get(url)).status_code == 200, url


async def test_text_filters_with_nul(as_role):
    safety, admin = await as_role("safety"), await as_role("admin")
    assert (await safety.get("/admin/runs?checklist=a%00b")).status_code == 200
    assert (await admin.get("/admin/people?q=a%00b")).status_code == 200
    assert (await safety.get("/risk-plans/new?trip=%C2%B2")).status_code == 200


# -- retry: only for a passing fault, and only a few times -------------------------------------


@pytest.fixture
def database_fails(monkeypatch):
    """The database driver fails writing a note whose text says so: ``"locked"`` as a busy
    database or a lock timeout does (a passing fault), ``"broken"`` as a fault that would come
    back on every try. The fault is the driver's own exception, raised where it would be."""
    import sqlite3

    from asyncpg import exceptions as pg
    from tortoise.backends.asyncpg.client import TransactionWrapper
    from tortoise.backends.sqlite.client import SqliteTransactionWrapper

    def failing(original, passing: Exception, lasting: Exception):
        async def execute_many(self, query: str, values: list) -> None:
            texts = {v for row in values for v in row if isinstance(v, str)}
            if 'INTO "note"' in query or "INTO note" in query:
                if "locked" in texts:
                    raise passing
                if "broken" in texts:
                    raise lasting
            return await original(self, query, values)

        return execute_many

    monkeypatch.setattr(
        SqliteTransactionWrapper,
        "execute_many",
        failing(
            SqliteTransactionWrapper.execute_many,
            sqlite3.OperationalError("database is locked"),
            sqlite3.IntegrityError("CHECK constraint failed"),
        ),
    )
    monkeypatch.setattr(
        TransactionWrapper,
        "execute_many",
        failing(
            TransactionWrapper.execute_many,
            pg.LockNotAvailableError("canceling statement due to lock timeout"),
            pg.CheckViolationError("new row violates check constraint"),
        ),
    )


async def test_a_passing_fault_is_retried_three_times_then_refused(as_role, database_fails):
    staff = await as_role("staff")
    stuck, fine = event(text="locked"), event(text="fine")
    assert await statuses(staff, [stuck, fine]) == ["retry", "accepted"]
    assert await statuses(staff, [stuck]) == ["retry"]
    [third] = (await send(staff, [stuck])).json()["results"]
    assert third["status"] == "rejected"
    assert "3 times" in third["reason"]
    # counted per device: another phone with the same event starts again
    assert await statuses(staff, [stuck], device="phone-2") == ["retry"]


async def test_a_lasting_fault_is_refused_at_once(as_role, database_fails):
    staff = await as_role("staff")
    broken, fine = event(text="broken"), event(text="fine")
    response = (await send(staff, [broken, fine])).json()["results"]
    assert [r["status"] for r in response] == ["rejected", "accepted"]
    assert response[0]["reason"]
    assert await Note.filter(id=fine["id"]).exists()


# -- the once-per-batch check (edge.read_json) ------------------------------------------------

JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(alphabet=st.characters(codec=None, exclude_categories=())),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=4), inner, max_size=4)
    ),
    max_leaves=30,
)


@examples(max_examples=400, deadline=None)
@given(value=JSON_VALUES, ascii_only=st.booleans(), deep=st.integers(0, 20))
def test_a_body_read_as_clean_passes_every_check_unwalked(value, ascii_only, deep):
    for _ in range(deep):
        value = [value]
    text = json.dumps(value, ensure_ascii=ascii_only)
    try:
        data, clean = read_json(text.encode("utf-8", "surrogatepass"))
    except BadBody:
        return
    if clean:
        assert problem(data) is None


@pytest.mark.parametrize(
    "body",
    [
        b'{"events": [{"text": "a\\u0000b"}]}',
        b'{"events": [{"n": 9007199254740993}]}',
        b'{"events": [{"n": 1e300}]}',
        b'{"events": [{"n": -12345678901234567}]}',
        b"[" * 17 + b"]" * 17,
    ],
)
def test_what_problem_would_refuse_is_never_read_as_clean(body):
    assert not read_json(body)[1]


def test_a_phones_usual_batch_is_read_as_clean():
    batch = [
        event("note.recorded", text="Gate B left open \u2014 caf\u00e9 \U0001f600 50%")
        for _ in range(3)
    ]
    body = json.dumps({"device_id": "phone-1", "events": batch}).encode()
    data, clean = read_json(body)
    assert clean and data["events"] == batch
