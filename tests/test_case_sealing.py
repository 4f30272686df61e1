"""Case narratives are sealed at rest: the words are unreadable in the database's own rows (read
with SQL, on SQLite and PostgreSQL) and in the SQLite file, and readable through the app. A
wrong key, or no key while sealed rows exist, stops start-up with one clear message, and
changes nothing."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from tortoise import connections

from server.cases import sealing
from server.settings import SettingsError
from tests.conftest import POSTGRES_SERVER
from tests.helpers import html

ROOT = Path(__file__).resolve().parents[1]
WORDS = "He said he would bring his father's rifle on Friday"


async def _walked_case(org, as_role) -> int:
    """A case opened through the app by a lead, with words in its sealed fields."""
    from server.team.models import TeamFunction, TeamSeat

    await TeamSeat.create(
        organisation=org.organisation,
        function=TeamFunction.THREAT_ASSESSMENT,
        rank=0,
        person=org.users["safety"],
    )
    client = await as_role("safety")
    form = {"school": org.school.id, "subject": "Kim Roe, grade 9", "summary": WORDS}
    response = await client.post("/cases/new", form | {"exact_words": "Friday. Rifle."})
    assert response.status_code == 303
    case_id = int(response.headers["location"].rsplit("/", 1)[1])
    page = html(await client.get(f"/cases/{case_id}"))
    assert WORDS in page.text and page.select_one("#case-subject").text == "Kim Roe, grade 9"
    return case_id


async def test_the_words_are_unreadable_in_the_rows_and_readable_through_the_app(org, as_role):
    case_id = await _walked_case(org, as_role)
    db = connections.get("default")
    _n, rows = await db.execute_query(
        "SELECT subject, summary, exact_words FROM threat_case WHERE id = " + str(case_id)
    )
    for value in (rows[0]["subject"], rows[0]["summary"], rows[0]["exact_words"]):
        raw = bytes(value)
        assert b"rifle" not in raw.lower() and b"Kim" not in raw
        assert raw.startswith(b"gAAAA")  # a Fernet token
    if not POSTGRES_SERVER:  # and in the file itself (and its write-ahead log)
        path = Path(os.environ["DATABASE_URL"].removeprefix("sqlite://"))
        for part in (path, path.with_name(path.name + "-wal")):
            if part.exists():
                assert WORDS.encode() not in part.read_bytes()


async def test_a_wrong_key_stops_start_up_in_process(org, settings):
    settings = replace(settings, case_key_made=False)  # the test run's key was made at its start
    sealing.use_key(Fernet.generate_key().decode())
    try:
        with pytest.raises(SettingsError, match="does not open"):
            await sealing.check_key(settings)
    finally:
        sealing.use_key(settings.case_key)
    await sealing.check_key(settings)  # the right key opens them


def _serve(env_changes: dict[str, str | None]) -> subprocess.CompletedProcess:
    env = {**os.environ}
    for name, value in env_changes.items():
        if value is None:
            env.pop(name, None)
        else:
            env[name] = value
    return subprocess.run(
        [sys.executable, "-m", "server", "serve", "--port", "0"],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )


async def test_serve_with_a_wrong_key_says_so_without_a_traceback(org):
    done = _serve({"MUSTER_CASE_KEY": Fernet.generate_key().decode()})
    assert done.returncode != 0
    assert "does not open the threat assessment case records" in done.stderr
    assert "Traceback" not in done.stderr


async def test_serve_with_no_key_while_sealed_rows_exist_says_so_and_makes_none(org, tmp_path):
    done = _serve({"MUSTER_CASE_KEY": None, "MUSTER_DATA_DIR": str(tmp_path)})
    assert done.returncode != 0
    assert "no case key" in done.stderr and "Traceback" not in done.stderr
    assert not (tmp_path / "case_key").exists()  # a made-up key would lock the records later


async def test_a_key_that_is_not_a_key_is_refused_by_the_settings(settings):
    with pytest.raises(SettingsError, match="MUSTER_CASE_KEY"):
        replace(settings, case_key="not-a-key").check()
