"""Tortoise configuration and the migration entry point."""

from __future__ import annotations

from typing import Any

from tortoise import Tortoise
from tortoise.migrations.api import migrate as tortoise_migrate
from tortoise.queryset import QuerySet

from server.settings import Settings


def tortoise_config(settings: Settings) -> dict[str, Any]:
    return {
        "connections": {"default": settings.database_url},
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
                    "server.team.models",
                    "server.incidents.models",
                    "server.reviews.models",
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
