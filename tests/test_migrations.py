"""Upgrades: a district's database, full of rows, takes every new migration.

A fresh test database never catches a column that only an upgrade breaks: SQLite and PostgreSQL
both refuse a NOT NULL column with no database default on a table that already has rows. Each
step runs in its own process (as the operator's `python -m server migrate` does), so the
in-process app's database connections are left alone.
"""

from __future__ import annotations

import itertools
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import _DATA_DIR, POSTGRES_SERVER, TEST_DB_NAME, _create_postgres_db

ROOT = Path(__file__).resolve().parents[1]
# The last migration on main before the columns added to existing tables.
RELEASED = "models.0005_push_alerts"
ROWS = [
    "insert into organisation (name, created_at) values ('Old District', CURRENT_TIMESTAMP)",
    "insert into school (organisation_id, name, created_at)"
    " values (1, 'Old School', CURRENT_TIMESTAMP)",
    'insert into "user" (organisation_id, name, email, password_hash, roles, active,'
    " session_epoch, created_at) values (1, 'Ann Old', 'ann@old.example', 'x', '[\"staff\"]',"
    " TRUE, 0, CURRENT_TIMESTAMP)",
    "insert into trip_policy (school_id, students_per_adult, grace_minutes, plan_required,"
    " band_low, band_medium, band_high) values (1, 10, 30, TRUE, 4, 9, 16)",
]
STEP = """
import asyncio, sys
from tortoise import Tortoise, connections
from tortoise.migrations.api import migrate
from server.db import tortoise_config
from server.settings import load_settings

async def main(target, statements):
    config = tortoise_config(load_settings())
    await migrate(config=config, target=target or None)
    await Tortoise.init(config=config)
    try:
        db = connections.get("default")
        for statement in statements:
            await db.execute_script(statement)
        _, applied = await db.execute_query("select name from tortoise_migrations")
        people = [] if target else (await db.execute_query('select phone from "user"'))[1]
        print(sorted(row["name"] for row in applied), [row["phone"] for row in people])
    finally:
        await Tortoise.close_connections()

asyncio.run(main(sys.argv[1], sys.argv[2:]))
"""


@pytest.fixture
def database_url():
    name = f"{TEST_DB_NAME}_upgrade"
    if POSTGRES_SERVER:
        _run_async(_create_postgres_db(name))
        yield f"{POSTGRES_SERVER.replace('postgresql', 'postgres', 1)}/{name}"
        _run_async(_create_postgres_db(name, drop=True))
    else:
        path = _DATA_DIR / f"{name}.sqlite3"
        path.unlink(missing_ok=True)
        yield f"sqlite://{path}"


def _run_async(coroutine) -> None:
    import asyncio

    asyncio.run(coroutine)


def _step(database_url: str, target: str, *statements: str) -> str:
    done = subprocess.run(
        [sys.executable, "-c", STEP, target, *statements],
        env={**os.environ, "DATABASE_URL": database_url},
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout.strip().splitlines()[-1]


def test_a_database_with_rows_takes_every_new_migration(database_url):
    _step(database_url, RELEASED, *ROWS)  # the district as it was, people and trip rules in it
    upgraded = _step(database_url, "")
    committed = sorted(path.stem for path in (ROOT / "server" / "migrations").glob("0*.py"))
    assert upgraded == f"{committed} ['']"  # every migration applied; old rows got the defaults


def test_the_migrations_form_one_line():
    """Each migration follows the one numbered before it: two sessions each adding "0030" leave
    two heads, which the migrator refuses on a district's next upgrade."""
    files = sorted(
        p.stem for p in (ROOT / "server" / "migrations").glob("[0-9][0-9][0-9][0-9]_*.py")
    )
    numbers = [int(name[:4]) for name in files]
    assert numbers == list(range(1, len(files) + 1)), files
    for before, after in itertools.pairwise(files):
        text = (ROOT / "server" / "migrations" / f"{after}.py").read_text()
        assert f"'models', '{before}'" in text or f'"models", "{before}"' in text, after
