"""How the app opens its database."""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from tortoise import connections
from tortoise.transactions import in_transaction

from server.db import SQLITE_LOG_LIMIT, connection_url
from server.events.bulk import insert_many
from server.events.models import ReceivedEvent


def test_sqlite_urls_gain_the_log_limit_and_others_are_left_alone():
    assert connection_url("sqlite:///data/m.sqlite3") == (
        f"sqlite:///data/m.sqlite3?journal_size_limit={SQLITE_LOG_LIMIT}"
    )
    assert connection_url("sqlite:///m.sqlite3?foo=1").endswith(
        f"?foo=1&journal_size_limit={SQLITE_LOG_LIMIT}"
    )
    assert connection_url("sqlite:///m.sqlite3?journal_size_limit=1") == (
        "sqlite:///m.sqlite3?journal_size_limit=1"  # a limit the operator chose stands
    )
    url = "postgresql://postgres@127.0.0.1:5432/muster"
    assert connection_url(url) == url


async def test_the_app_connection_keeps_its_write_ahead_log(app, settings):
    if not settings.is_sqlite:
        pytest.skip("a SQLite setting")
    db = connections.get("default")
    _, rows = await db.execute_query("PRAGMA journal_size_limit")
    assert rows[0][0] == SQLITE_LOG_LIMIT
    _, rows = await db.execute_query("PRAGMA journal_mode")
    assert rows[0][0] == "wal"


async def test_postgres_connections_go_back_to_the_pool_without_a_reset_query(app, settings):
    if settings.is_sqlite:
        pytest.skip("a PostgreSQL setting")
    db = connections.get("default")
    async with db.acquire_connection() as conn:
        assert conn.get_reset_query() == ""
        await conn.execute("SELECT 1")


async def test_a_transaction_left_open_is_still_rolled_back_on_release(app, settings):
    if settings.is_sqlite:
        pytest.skip("a PostgreSQL setting")
    db = connections.get("default")
    async with db.acquire_connection() as conn:
        left = await conn.fetchval("SELECT pg_backend_pid()")
        await conn.execute("BEGIN")
        await conn.execute("CREATE TEMPORARY TABLE left_open (n int)")
    async with db.acquire_connection() as conn:  # asyncpg's pool hands out the last one back
        assert await conn.fetchval("SELECT pg_backend_pid()") == left
        exists = await conn.fetchval("SELECT to_regclass('pg_temp.left_open') IS NOT NULL")
    assert not exists


# What the reset query would undo; the pooled connections skip it, so no code may leave it behind
# (SET LOCAL ends with its transaction).
SESSION_STATE = re.compile(
    r"[\"']\s*(SET|RESET|LISTEN|DECLARE) (?!LOCAL )|pg_advisory_lock|pg_advisory_unlock",
    re.IGNORECASE,
)


def test_no_code_leaves_session_state_on_a_pooled_connection():
    root = Path(__file__).resolve().parents[1] / "server"
    found = [
        f"{path.relative_to(root)}:{n}"
        for path in sorted(root.rglob("*.py"))
        for n, line in enumerate(path.read_text().splitlines(), 1)
        if SESSION_STATE.search(line)
    ]
    assert found == []


async def test_insert_many_writes_what_the_orm_writes(org):
    """insert_many skips the model objects, not the fields' own conversions: each column as
    ``create`` stores it, a value shared by every row (converted once) included."""
    staff = org.users["staff"]
    now = datetime.now(UTC)
    shared = {"organisation_id": org.organisation.id, "user_id": staff.id, "device_id": "phone-1"}
    payload = {"text": "Gate B \u2014 left open", "n": 2}

    def row(n: int) -> dict:
        return {
            "id": uuid.uuid4(),
            **shared,
            "type": "note.recorded",
            "occurred_at": now - timedelta(minutes=n),
            "received_at": now,
            "payload": payload,
            "digest": "0" * 64,
        }

    by_orm, by_bulk = [row(n) for n in range(3)], [row(n) for n in range(3)]
    for values in by_orm:
        await ReceivedEvent.create(**values)
    async with in_transaction():
        await insert_many(ReceivedEvent, by_bulk)
    columns = [c for c in ReceivedEvent._meta.db_fields if c != "id"]

    async def stored(rows: list[dict]) -> list[tuple]:
        ids = [r["id"] for r in rows]
        found = await ReceivedEvent.filter(id__in=ids).order_by("occurred_at").values(*columns)
        return [tuple(f[c] for c in columns) for f in found]

    assert await stored(by_bulk) == await stored(by_orm)
    db = connections.get("default")
    raw = (
        f"SELECT {', '.join(columns)} FROM received_event WHERE digest = '{'0' * 64}'"
        " ORDER BY occurred_at"
    )
    _, rows = await db.execute_query(raw)
    assert len(rows) == 6
    assert all(tuple(rows[i]) == tuple(rows[i + 1]) for i in range(0, 6, 2))
