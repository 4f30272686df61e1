"""The raw SQL the figures are counted with, for SQLite and PostgreSQL alike.

Each figure writes its query with ``Sql``: every value goes in through ``sql.value`` (bound, never
pasted into the text: "?n" on SQLite, "$n" on PostgreSQL), and the few things the two databases
spell differently are asked of it (seconds between two times, a JSON member, a JSON array's
length, the school ids an alert went to). Counting, grouping and percentiles happen in the
database; what comes back is one row a week (or month) and group, never one a record.

Weeks and months are joined as a small table of UTC edges (``buckets``) worked out in Python on
the district's calendar (``calendar.py``): the stored times are compared with them through the
indexes on (organisation, time), with no time-zone arithmetic in SQL."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager

from tortoise import connections
from tortoise.transactions import in_transaction

from server import sql
from server.metrics.calendar import Bucket


@asynccontextmanager
async def reading() -> AsyncIterator[None]:
    """The dashboard's queries, read together. On PostgreSQL in one transaction with JIT off:
    a two-year range's estimated cost crossed ``jit_above_cost`` (the planner guesses a hundred
    elements for a JSON array's), and compiling the drills' query took longer than running it
    (EXPLAIN ANALYZE: 184 ms of JIT in 356 ms), while a month's never crossed it. These are
    short aggregates that compiling never repays. SQLite has no JIT, and a transaction would
    hold its one connection for the whole page: there it reads as before."""
    if connections.get("default").capabilities.dialect != "postgres":
        yield
        return
    async with in_transaction() as connection:
        await connection.execute_script("SET LOCAL jit = off")
        yield


class Sql(sql.Sql):
    """The shared statement, with what the dashboard's figures ask of the two databases."""

    def buckets(self, buckets: Sequence[Bucket]) -> str:
        """``buckets(n, lo, hi)`` for a WITH clause: the weeks or months as UTC edges."""
        rows = ", ".join(
            f"({self.value(b.n, 'int')}, {self.value(b.lo, 'timestamptz')}, "
            f"{self.value(b.hi, 'timestamptz')})"
            for b in buckets
        )
        return f"buckets(n, lo, hi) AS (VALUES {rows})"

    def seconds(self, later: str, earlier: str) -> str:
        """Seconds from one time column to another."""
        if self.postgres:
            return f"EXTRACT(EPOCH FROM ({later} - {earlier}))"
        return f"((julianday({later}) - julianday({earlier})) * 86400.0)"

    def json_text(self, column: str, key: str) -> str:
        """A JSON object's member as text (``key`` is ours, never a person's)."""
        assert key.replace("_", "").isalnum()
        if self.postgres:
            return f"({column} ->> '{key}')"
        return f"json_extract({column}, '$.{key}')"

    def json_number(self, column: str, key: str) -> str:
        if self.postgres:
            return f"CAST({column} ->> '{key}' AS DOUBLE PRECISION)"
        return f"CAST(json_extract({column}, '$.{key}') AS REAL)"

    def json_length(self, column: str) -> str:
        """How many entries a JSON array holds (0 for an empty one)."""
        if self.postgres:
            return f"jsonb_array_length({column})"
        return f"json_array_length({column})"

    def schools_of(self, column: str, alias: str) -> str:
        """A LEFT JOIN that gives each row one row per school id in the JSON ``column``'s
        ``school_ids`` (an alert's audience); ``{alias}.id`` is that id, NULL when none."""
        if self.postgres:
            return (
                f"LEFT JOIN LATERAL (SELECT CAST(x AS INTEGER) AS id FROM "
                f"jsonb_array_elements_text(CASE WHEN jsonb_typeof({column} -> 'school_ids') "
                f"= 'array' THEN {column} -> 'school_ids' ELSE '[]'::jsonb END) AS x) "
                f"AS {alias} ON TRUE"
            )
        return (
            f"LEFT JOIN json_each(CASE WHEN json_type({column}, '$.school_ids') = 'array' "
            f"THEN json_extract({column}, '$.school_ids') ELSE '[]' END) AS {alias}_each ON TRUE"
        )

    def school_id(self, alias: str) -> str:
        return f"{alias}.id" if self.postgres else f"CAST({alias}_each.value AS INTEGER)"

    def median(self, column: str, rank: str, count: str) -> str:
        """The median of ``column`` in a group, given each row's ``rank`` (1, 2, ...) and the
        group's ``count`` from window functions: the middle value, or the mean of the middle
        two (as Python's ``statistics.median``)."""
        middle = f"{rank} IN (({count} + 1) / 2, ({count} + 2) / 2)"
        return f"AVG(CASE WHEN {middle} THEN {column} END)"
