"""POST /api/sync: each event applied exactly once, answered one by one."""

from __future__ import annotations

import uuid

import pytest

from server.checklists.models import ChecklistAnswer, ChecklistRun
from server.events.models import Note, ReceivedEvent
from tests.helpers import event, send
from tests.photos import jpeg_with_gps


async def test_events_are_accepted_and_stored_once(as_role, org):
    staff = await as_role("staff")
    batch = [event(text=f"note {n}") for n in range(3)]
    response = await send(staff, batch)
    assert response.status_code == 200
    assert [r["status"] for r in response.json()["results"]] == ["accepted"] * 3
    again = await send(staff, batch)
    assert [r["status"] for r in again.json()["results"]] == ["duplicate"] * 3
    ids = [uuid.UUID(e["id"]) for e in batch]
    assert await Note.filter(id__in=ids).count() == 3
    stored = await ReceivedEvent.filter(id__in=ids)
    assert {r.device_id for r in stored} == {"phone-1"}
    assert all(r.received_at and r.user_id == org.users["staff"].id for r in stored)


async def test_same_id_different_content_is_rejected(as_role):
    staff = await as_role("staff")
    first = event(text="original")
    assert (await send(staff, [first])).json()["results"][0]["status"] == "accepted"
    changed = {**first, "payload": {"text": "changed"}}
    result = (await send(staff, [changed])).json()["results"][0]
    assert result["status"] == "rejected"
    assert "already used for different content" in result["reason"]


async def test_same_id_twice_in_one_batch(as_role):
    staff = await as_role("staff")
    one = event()
    clash = {**one, "payload": {"text": "other"}}
    results = (await send(staff, [one, dict(one), clash])).json()["results"]
    assert [r["status"] for r in results] == ["accepted", "duplicate", "rejected"]
    assert await Note.filter(id=one["id"]).count() == 1


async def test_a_batch_mixing_resent_and_new_events(as_role):
    staff = await as_role("staff")
    old, clash = event(text="sent before"), event(text="also sent before")
    assert [r["status"] for r in (await send(staff, [old, clash])).json()["results"]] == [
        "accepted",
        "accepted",
    ]
    new = event(text="new")
    changed = {**clash, "payload": {"text": "other"}}
    batch = [old, new, changed, dict(old), {**old, "payload": {"text": "x"}}]
    results = (await send(staff, batch)).json()["results"]
    assert [r["status"] for r in results] == [
        "duplicate",
        "accepted",
        "rejected",
        "duplicate",
        "rejected",
    ]
    assert await Note.filter(id=new["id"]).count() == 1
    assert (await Note.get(id=clash["id"])).text == "also sent before"


async def test_a_refused_event_is_not_logged_and_is_refused_again(as_role):
    staff = await as_role("staff")
    orphan = event("checklist.answered", run_id=str(uuid.uuid4()), item_id="call-911", value=True)
    for _ in range(2):  # not "duplicate" the second time: it was never applied
        result = (await send(staff, [orphan, event()])).json()["results"][0]
        assert result["status"] == "rejected" and "doesn't know" in result["reason"]
    assert not await ReceivedEvent.filter(id=orphan["id"]).exists()


async def test_a_bad_event_never_blocks_the_others(as_role):
    staff = await as_role("staff")
    good1, good2 = event(text="before"), event(text="after")
    batch = [
        good1,
        event("weather.changed", text="x"),
        event(text=""),
        {"id": "not-a-uuid", "type": "note.recorded", "payload": {}},
        {
            "id": str(uuid.uuid4()),
            "type": "note.recorded",
            "occurred_at": "2026-11-28T10:00:00",
            "payload": {"text": "no timezone"},
        },
        "just a string",
        good2,
    ]
    results = (await send(staff, batch)).json()["results"]
    assert [r["status"] for r in results] == ["accepted"] + ["rejected"] * 5 + ["accepted"]
    assert "does not know events of type “weather.changed”" in results[1]["reason"]
    assert "text" in results[2]["reason"]
    assert all(r["reason"] for r in results[1:6])


async def test_reasons_are_in_the_persons_language(as_role, org):
    staff = await as_role("staff")
    org.users["staff"].locale = "es"
    await org.users["staff"].save(update_fields=["locale"])
    batch = [event("weather.changed", text="x"), event(text="")]
    results = (await send(staff, batch)).json()["results"]
    assert "no conoce eventos del tipo «weather.changed»" in results[0]["reason"]
    assert results[1]["reason"].startswith("Algunos datos no son válidos")


async def test_a_refused_answer_names_its_question_by_its_words_in_the_persons_language(
    as_role, org
):
    staff = await as_role("staff")
    org.users["staff"].locale = "es"
    await org.users["staff"].save(update_fields=["locale"])
    run_id = str(uuid.uuid4())
    batch = [
        event("checklist.started", run_id=run_id, checklist_id="bleeding-control", version=2),
        event("checklist.answered", run_id=run_id, item_id="limb-wound", value="perhaps"),
        event("checklist.answered", run_id=run_id, item_id="tourniquet-place", value=True),
        event("checklist.answered", run_id=run_id, item_id="ghost", value=True),
    ]
    results = (await send(staff, batch)).json()["results"]
    assert [r["status"] for r in results] == ["accepted", "rejected", "rejected", "rejected"]
    assert results[1]["reason"] == (
        "«¿La herida está en un brazo o una pierna y sigue sangrando mucho?»: esta respuesta "
        "no se puede guardar: la respuesta debe ser sí o no."
    )
    assert results[2]["reason"].endswith("este paso es una instrucción y no lleva respuesta.")
    assert results[3]["reason"] == (
        "Esta respuesta no se puede guardar: esta lista de verificación no tiene esa pregunta."
    )
    assert not any(i in r["reason"] for r in results[1:] for i in ("limb-wound", "tourniquet"))


async def test_another_organisations_run_is_rejected(as_role, org, other_org):
    mine = await as_role("staff", org)
    theirs = await as_role("staff", other_org)
    run_id = str(uuid.uuid4())
    started = event(
        "checklist.started", run_id=run_id, checklist_id="bleeding-control", version=1, context={}
    )
    assert (await send(theirs, [started])).json()["results"][0]["status"] == "accepted"
    answer = event("checklist.answered", run_id=run_id, item_id="call-911", value=True)
    result = (await send(mine, [answer])).json()["results"][0]
    assert result["status"] == "rejected"
    assert "doesn't know" in result["reason"]
    assert await ChecklistAnswer.filter(run_id=run_id).count() == 0


async def test_a_checklist_run_end_to_end(as_role, org):
    staff = await as_role("staff")
    run_id = str(uuid.uuid4())
    batch = [
        event(
            "checklist.started",
            run_id=run_id,
            checklist_id="bleeding-control",
            version=1,
            context={},
        ),
        event("checklist.answered", run_id=run_id, item_id="limb-wound", value=True),
        event(
            "checklist.answered",
            run_id=run_id,
            item_id="tourniquet-time",
            value="2026-11-28T14:03:00+00:00",
        ),
        event("checklist.answered", run_id=run_id, item_id="limb-wound", value="perhaps"),
        event(
            "checklist.completed",
            run_id=run_id,
            skipped=[{"item_id": "call-911", "reason": "Office called"}],
        ),
    ]
    results = (await send(staff, batch)).json()["results"]
    assert [r["status"] for r in results] == [
        "accepted",
        "accepted",
        "accepted",
        "rejected",
        "accepted",
    ]
    run = await ChecklistRun.get(id=run_id)
    assert run.completed_at is not None and run.skipped[0]["reason"] == "Office called"
    assert run.school_id == org.school.id
    assert await ChecklistAnswer.filter(run_id=run_id).count() == 2


async def test_a_run_discarded_on_the_phone_is_marked_so_and_never_counts_as_finished(as_role):
    office = await as_role("office")
    run_id, finished_id = str(uuid.uuid4()), str(uuid.uuid4())
    started = {"checklist_id": "threat-call", "version": 1, "context": {}}
    batch = [
        event("checklist.started", run_id=run_id, **started),
        event("checklist.answered", run_id=run_id, item_id="arrived-by", value="phone"),
        event("checklist.discarded", run_id=run_id),
        event("checklist.started", run_id=finished_id, **started),
        event("checklist.completed", run_id=finished_id),
        event("checklist.discarded", run_id=finished_id),  # too late: it is a record now
        event("checklist.discarded", run_id=str(uuid.uuid4())),  # no such run
    ]
    results = (await send(office, batch)).json()["results"]
    assert [r["status"] for r in results] == ["accepted"] * 5 + ["rejected"] * 2
    assert "already finished" in results[5]["reason"]
    run = await ChecklistRun.get(id=run_id)
    assert run.discarded_at is not None and run.completed_at is None
    finished = await ChecklistRun.get(id=finished_id)
    assert finished.discarded_at is None and finished.completed_at is not None
    safety = await as_role("safety")
    shown = await safety.http.get(f"/admin/runs/{run_id}")
    assert "Discarded: not a real one" in shown.text


async def test_signed_out_gets_401_and_nothing_is_stored(client):
    await client.get("/sign-in")
    batch = [event()]
    response = await send(client, batch)
    assert response.status_code == 401
    assert response.json()["error"]
    assert not await Note.filter(id=batch[0]["id"]).exists()


async def test_oversized_batches_are_413(as_role):
    staff = await as_role("staff")
    too_many = await send(staff, [event() for _ in range(101)])
    assert too_many.status_code == 413
    too_big = await send(staff, [event(text="x" * 2000) for _ in range(100)] * 1)
    assert too_big.status_code == 200  # 100 notes of 2 KB fit in 1 MB
    huge = await staff.http.post(
        "/api/sync",
        content=b"{" + b" " * 1_000_001 + b"}",
        headers={"X-CSRF-Token": staff.csrf, "Content-Type": "application/json"},
    )
    assert huge.status_code == 413


@pytest.mark.parametrize(
    "body",
    [
        b"{not json",
        b"[]",
        b'{"events": "x"}',
        b'{"events": []}',
        b'{"device_id": "", "events": []}',
        b"\xff\xfe",
    ],
)
async def test_malformed_batches_are_400(as_role, body):
    staff = await as_role("staff")
    response = await staff.http.post(
        "/api/sync",
        content=body,
        headers={"X-CSRF-Token": staff.csrf, "Content-Type": "application/json"},
    )
    assert response.status_code == 400
    assert response.json()["detail"]


async def test_sync_needs_the_csrf_token(as_role):
    staff = await as_role("staff")
    response = await staff.http.post("/api/sync", json={"device_id": "d", "events": [event()]})
    assert response.status_code == 403


async def test_uploads_are_idempotent_and_checked(as_role, other_org):
    staff = await as_role("staff")
    upload_id = uuid.uuid4()
    headers = {"X-CSRF-Token": staff.csrf, "Content-Type": "image/jpeg"}
    url = f"/api/uploads/{upload_id}"
    photo = jpeg_with_gps("red")
    first = await staff.http.put(url, content=photo, headers=headers)
    assert first.status_code == 201
    again = await staff.http.put(url, content=photo, headers=headers)
    assert again.json()["status"] == "duplicate"
    other = await staff.http.put(url, content=jpeg_with_gps("blue"), headers=headers)
    assert other.status_code == 409
    wrong_type = await staff.http.put(
        f"/api/uploads/{uuid.uuid4()}",
        content=b"MZ",
        headers={**headers, "Content-Type": "application/x-msdownload"},
    )
    assert wrong_type.status_code == 415
    big = await staff.http.put(
        f"/api/uploads/{uuid.uuid4()}", content=b"x" * 10_000_001, headers=headers
    )
    assert big.status_code == 413
    stranger = await as_role("staff", other_org)
    taken = await stranger.http.put(
        url, content=photo, headers={**headers, "X-CSRF-Token": stranger.csrf}
    )
    assert taken.status_code == 409


async def test_session_endpoint_tells_the_sync_loop_where_it_stands(client, org):
    anonymous = await client.http.get("/api/session")
    assert anonymous.json() == {"signed_in": False, "user_id": None, "csrf": None}
    assert anonymous.headers["cache-control"] == "no-store"
    await client.sign_in(org.users["driver"])
    signed_in = (await client.http.get("/api/session")).json()
    assert signed_in["signed_in"] is True and signed_in["csrf"] == client.csrf
    assert signed_in["user_id"] == org.users["driver"].id
