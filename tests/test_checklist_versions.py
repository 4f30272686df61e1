"""A run finishes on the version it started: earlier versions are kept (checklists/kept/) while
runs on them may still be in progress on a phone, and the server reads each run by its version."""

from __future__ import annotations

import shutil
import uuid

import pytest

from server.checklists.library import CHECKLIST_DIR, ChecklistError, load_all
from tests.helpers import event, html, send


def _started(run_id: str, version: int) -> dict:
    return event(
        "checklist.started",
        run_id=run_id,
        checklist_id="field-trip-departure",
        version=version,
        context={"trip": "Zoo"},
    )


async def test_a_run_started_on_an_earlier_version_finishes_on_it(as_role):
    staff = await as_role("staff")
    run_id = str(uuid.uuid4())
    batch = [
        _started(run_id, 2),
        # "missing-name" is a question of version 2 only (version 3's screen asks it instead)
        event("checklist.answered", run_id=run_id, item_id="missing-name", value="Ana"),
        event("checklist.completed", run_id=run_id),
    ]
    assert [r["status"] for r in (await send(staff, batch)).json()["results"]] == ["accepted"] * 3

    current = str(uuid.uuid4())
    refused = [
        _started(current, 3),
        event("checklist.answered", run_id=current, item_id="missing-name", value="Ana"),
    ]
    results = (await send(staff, refused)).json()["results"]
    assert results[1]["status"] == "rejected" and "no such question" in results[1]["reason"]

    safety = await as_role("safety")
    record = html(await safety.get(f"/admin/runs/{run_id}")).get_text(" ", strip=True)
    assert "Name of the missing student" in record and "Ana" in record


async def test_the_phone_can_open_and_keep_the_version_its_run_started_on(as_role):
    staff = await as_role("staff")
    old = html(await staff.get("/checklists/field-trip-departure?v=2"))
    runner = old.select_one("#runner")
    assert runner["data-version"] == "2" and runner["data-latest"] == "3"
    assert old.select_one("#item-missing-police-timer") is not None  # version 2's countdown
    now = html(await staff.get("/checklists/field-trip-departure?v=99"))
    assert now.select_one("#runner")["data-version"] == "3"  # no such version: the current one
    kept = html(await staff.get("/"))
    pages = kept.select_one("body")["data-offline-pages"]
    assert "/checklists/field-trip-departure?v=2" in pages


def test_a_kept_version_must_be_older_and_named_for_its_version(tmp_path):
    folder = tmp_path / "checklists"
    shutil.copytree(CHECKLIST_DIR, folder)
    library = load_all(folder)
    assert library.older("bleeding-control") == [1, 2, 3]
    assert library.get("bleeding-control", 1).version == 1
    assert library.get("bleeding-control", 7).version == library.get("bleeding-control").version
    (folder / "kept" / "bleeding-control.v1.yaml").rename(
        folder / "kept" / "bleeding-control.v5.yaml"
    )
    with pytest.raises(ChecklistError, match=r"must be named bleeding-control\.v1\.yaml"):
        load_all(folder)
