"""Raw SQL written once for SQLite and PostgreSQL alike, for the few queries the ORM costs more
to build than the database takes to run (a hot path's lookup with joins) or can't say (the
dashboard's aggregates). Every value goes in through ``Sql.value``: bound, never pasted into the
text ("?n" on SQLite, "$n" on PostgreSQL). Inside a transaction, the transaction's connection."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from tortoise import connections
from tortoise.models import Model


class Sql:
    def __init__(self) -> None:
        self.connection = connections.get("default")
        self.postgres = self.connection.capabilities.dialect == "postgres"
        self.values: list[Any] = []

    def value(self, value: Any, cast: str = "") -> str:
        """A bound value's placeholder (``cast``: its PostgreSQL type, where it can't be told
        from where it stands, as in a VALUES list)."""
        self.values.append(value)
        if not self.postgres:  # numbered, so a value may stand anywhere in the text
            return f"?{len(self.values)}"
        return f"${len(self.values)}" + (f"::{cast}" if cast else "")

    def among(self, values: Iterable[Any]) -> str:
        """``IN (...)``'s list: each value bound (an empty list matches nothing)."""
        marks = [self.value(v) for v in values]
        return f"({', '.join(marks)})" if marks else "(NULL)"

    @staticmethod
    def table(model: type[Model]) -> str:
        return f'"{model._meta.db_table}"'

    async def rows(self, text: str) -> list[dict[str, Any]]:
        return list(await self.connection.execute_query_dict(text, self.values))
