"""What the dashboard reads: the filters (a school of the district or all, From and To days on
the district's calendar), and each figure in ``FIGURES`` for them. A later area adds a module
with ``figure(scope)`` to the list."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import date
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from server.edge import query_day
from server.metrics import (
    actions,
    buses,
    checklists,
    compliance,
    drills,
    reports,
    threats,
    training,
    trips,
)
from server.metrics.calendar import Span
from server.metrics.figure import Figure, Scope, Table
from server.metrics.sql import reading
from server.models import School, User
from server.tenancy import MAX_ID, scoped

FIGURES: list[Callable[[Scope], Awaitable[Figure]]] = [
    reports.figure,
    drills.figure,
    compliance.figure,
    checklists.figure,
    buses.figure,
    trips.figure,
    actions.figure,
    training.figure,
    threats.figure,
]


class UnknownSchool(Exception):
    """The school asked for is not one of the district's (or not a school id at all)."""


@dataclass(frozen=True)
class Filters:
    school: int | None
    since: date | None
    until: date | None

    @classmethod
    def read(cls, query: Mapping[str, str]) -> Filters:
        """Days that can't be days are left out (as on every desk list); a school that can't
        be a school id is an ``UnknownSchool``."""
        raw = query.get("school", "")
        school = None
        if raw:
            if not raw.isdecimal() or not 0 < int(raw) <= MAX_ID:
                raise UnknownSchool
            school = int(raw)
        return cls(school, query_day(query.get("from")), query_day(query.get("to")))

    def query_string(self, span: Span | None = None) -> str:
        pairs = {
            "school": self.school or "",
            "from": (span.since if span else self.since or "") or "",
            "to": (span.until if span else self.until or "") or "",
        }
        return urlencode({k: str(v) for k, v in pairs.items() if v})


async def scope_of(
    user: User, filters: Filters, today: date, tz: ZoneInfo, titles: dict[str, str]
) -> Scope:
    schools = dict(await scoped(School, user).order_by("name", "id").values_list("id", "name"))
    if filters.school is not None and filters.school not in schools:
        raise UnknownSchool
    span = Span.of(filters.since, filters.until, today, tz)
    return Scope(user.organisation_id, filters.school, span, today, schools, titles)


async def dashboard(scope: Scope) -> list[Figure]:
    async with reading():
        return [await figure(scope) for figure in FIGURES]


async def table(scope: Scope, key: str) -> Table | None:
    """One table of the dashboard, for its CSV (None: no table of that name)."""
    for figure in FIGURES:
        module = figure.__module__.rsplit(".", 1)[-1]
        if key == module or key.startswith(f"{module}-"):
            async with reading():
                tables = (await figure(scope)).tables
            for found in tables:
                if found.key == key:
                    return found
    return None
