"""Tortoise configuration and the migration entry point."""

from __future__ import annotations

from typing import Any

import asyncpg
from tortoise import Tortoise
from tortoise.backends.base.config_generator import expand_db_url
from tortoise.migrations.api import migrate as tortoise_migrate
from tortoise.queryset import QuerySet

from server.settings import Settings

# SQLite keeps its write-ahead log at up to this size after a checkpoint. Tortoise's default
# (16 KB) truncates the log at every checkpoint, and growing the file again made commits, which
# sync the log to disk, cost more (bench/sync.py).
SQLITE_LOG_LIMIT = 64 * 1024 * 1024


def connection_url(database_url: str) -> str:
    """The URL Tortoise connects with: SQLite's, with its write-ahead log's size limit."""
    if not database_url.startswith("sqlite") or "journal_size_limit" in database_url:
        return database_url
    joiner = "&" if "?" in database_url else "?"
    return f"{database_url}{joiner}journal_size_limit={SQLITE_LOG_LIMIT}"


class PooledConnection(asyncpg.Connection):
    """A PostgreSQL connection handed back to the pool without asyncpg's reset query.

    asyncpg resets every connection it takes back (advisory locks, cursors, LISTEN, session
    settings): one more round trip for each query outside a transaction and each transaction,
    two for every sync batch. The app leaves none of those behind: it takes no advisory lock,
    declares no cursor, listens to nothing and sets nothing for the session, only ``SET LOCAL``,
    which ends with its transaction (tests/test_db.py holds that). A transaction left open is
    still rolled back on release."""

    def get_reset_query(self) -> str:
        return ""


def connection(database_url: str) -> str | dict[str, Any]:
    """What Tortoise connects with: the URL for SQLite (``connection_url``), and PostgreSQL's
    parts with the pooled connection's class."""
    url = connection_url(database_url)
    if not url.startswith(("postgres://", "postgresql://")):
        return url
    config = expand_db_url(url)
    config["credentials"]["connection_class"] = PooledConnection
    return config


def tortoise_config(settings: Settings) -> dict[str, Any]:
    return {
        "connections": {"default": connection(settings.database_url)},
        "apps": {
            "models": {
                "models": [
                    "server.models",
                    "server.checklists.models",
                    "server.alerts.models",
                    "server.action_names",
                    "server.events.models",
                    "server.reports.models",
                    "server.trips.models",
                    "server.risk.models",
                    "server.push.models",
                    "server.channels.models",
                    "server.team.models",
                    "server.incidents.models",
                    "server.reviews.models",
                    "server.concerns.models",
                    "server.drills.models",
                    "server.exercises.models",
                    "server.accounting.models",
                    "server.tips.models",
                    "server.training.models",
                    "server.cases.models",
                    "server.session_store",
                ],
                "default_connection": "default",
                "migrations": "server.migrations",
            }
        },
        "use_tz": True,
        "timezone": "UTC",
    }


async def migrate(settings: Settings) -> None:
    """Apply every committed migration (the Procfile's release step and ``run`` call this)."""
    try:
        await tortoise_migrate(config=tortoise_config(settings))
    finally:
        await Tortoise.close_connections()


async def column(query: QuerySet[Any], name: str) -> list[Any]:
    """The values of one column of ``query``'s rows: ``values_list(name, flat=True)``, typed as
    what it is (Tortoise's annotations say a list of tuples)."""
    values: list[Any] = await query.values_list(name, flat=True)
    return values
