"""How the app opens its database."""

from __future__ import annotations

import pytest
from tortoise import connections

from server.db import SQLITE_LOG_LIMIT, connection_url


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
