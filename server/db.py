"""Tortoise configuration and the migration entry point."""

from __future__ import annotations

from typing import Any

from tortoise import Tortoise
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


def tortoise_config(settings: Settings) -> dict[str, Any]:
    return {
        "connections": {"default": connection_url(settings.database_url)},
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
