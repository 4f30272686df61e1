"""One way every desk list is found: the search box, the district's days, the school, a sort and
pages (reports, alerts and checklist runs each say which fields these mean for them).

A list never stops silently: it is paged, and says how many there are. Its exports take the same
query string with no page, so a download holds what the filters on screen found.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, Generic, TypeVar
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from tortoise.expressions import Q, RawSQL
from tortoise.models import Model
from tortoise.queryset import QuerySet

from server.edge import query_day, query_text
from server.reports.correlate import plate_key
from server.tenancy import MAX_ID

M = TypeVar("M", bound=Model)

PAGE_SIZE = 50
EXPORT_MAX = 10_000  # an export holds every record the filters find, up to this
SEARCH_MAX = 100  # characters of a search


@dataclass(frozen=True)
class Sort:
    label: str  # marked with N_, shown in the sort menu
    order: tuple[str, ...]  # order_by arguments; the id is added last, so pages never overlap


@dataclass(frozen=True)
class Spec:
    """What the common filters mean for one list."""

    day_field: str  # the moment its From and To days filter (in the district's days)
    sorts: dict[str, Sort]  # the first is the default
    text_fields: tuple[str, ...] = ()  # searched for the words as typed (any case)
    json_fields: tuple[str, ...] = ()  # JSON columns searched as their text (facts, context)
    plate_field: str | None = None  # a plate key column: "7abc 123" finds "7ABC-123"
    school_field: str | None = None  # the record's school id, for the School filter
    extra: dict[str, Callable[[str], Any]] = field(default_factory=dict)  # list's own filters


def _id(raw: str) -> int | None:
    return int(raw) if raw.isdecimal() and 0 < int(raw) <= MAX_ID else None


@dataclass
class Listing:
    """The filters, search, sort and page read from one query string. Anything unusable in it
    is dropped, never an error: a list is always shown."""

    spec: Spec
    search: str = ""
    school: int | None = None
    since: date | None = None
    until: date | None = None
    sort: str = ""
    page: int = 1
    extra: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def read(cls, spec: Spec, query: Mapping[str, str]) -> Listing:
        day = query_day(query.get("day"))  # one day: the runs list's older filter
        sort = query.get("sort", "")
        page = query.get("page", "")
        extra = {}
        for name, parse in spec.extra.items():
            value = parse(query.get(name, "")[:200])
            if value not in (None, ""):
                extra[name] = value
        return cls(
            spec=spec,
            search=query_text(query.get("q"), SEARCH_MAX) or "",
            school=_id(query.get("school", "")) if spec.school_field else None,
            since=query_day(query.get("from")) or day,
            until=query_day(query.get("to")) or day,
            sort=sort if sort in spec.sorts else next(iter(spec.sorts)),
            page=max(1, int(page)) if page.isdecimal() and len(page) < 7 else 1,
            extra=extra,
        )

    def pairs(self, page: int | None = None) -> dict[str, Any]:
        pairs: dict[str, Any] = {
            "q": self.search,
            "school": self.school or "",
            "from": self.since.isoformat() if self.since else "",
            "to": self.until.isoformat() if self.until else "",
            **{k: v for k, v in self.extra.items()},
            "sort": self.sort if self.sort != next(iter(self.spec.sorts)) else "",
            "page": page if page and page > 1 else "",
        }
        return {k: v for k, v in pairs.items() if v not in ("", None)}

    def query_string(self) -> str:
        """The filters, search and sort, without the page: for exports, the map and the audit."""
        return urlencode(self.pairs())

    def page_query(self, page: int) -> str:
        return urlencode(self.pairs(page))

    @property
    def filtered(self) -> bool:
        return bool(self.search or self.school or self.since or self.until or self.extra)

    def apply(
        self, records: QuerySet[M], tz: ZoneInfo, found_elsewhere: Q | None = None
    ) -> QuerySet[M]:
        """The common filters and the sort on ``records``; the list's own filters are its own.
        ``found_elsewhere``: what the search also finds beyond the record's own columns (its
        answers, say), given by the list."""
        spec = self.spec
        if self.school and spec.school_field:
            records = records.filter(**{spec.school_field: self.school})
        if self.since:
            start = datetime.combine(self.since, time.min, tzinfo=tz).astimezone(UTC)
            records = records.filter(**{f"{spec.day_field}__gte": start})
        if self.until:
            end = datetime.combine(self.until + timedelta(days=1), time.min, tzinfo=tz)
            records = records.filter(**{f"{spec.day_field}__lt": end.astimezone(UTC)})
        if self.search:
            records = self._searched(records, found_elsewhere)
        return records.order_by(*spec.sorts[self.sort].order, "id")

    def _searched(self, records: QuerySet[M], found_elsewhere: Q | None) -> QuerySet[M]:
        spec = self.spec
        words = [Q(**{f"{name}__icontains": self.search}) for name in spec.text_fields]
        if found_elsewhere is not None:
            words.append(found_elsewhere)
        key = plate_key(self.search)
        table = records.model._meta.db_table
        for n, column in enumerate(spec.json_fields):
            # The column's JSON as text (the same cast on SQLite and PostgreSQL): a caller's
            # words, a bus number or a place are found wherever the record keeps them; a plate
            # also with its spaces and dashes taken out, as ``plate_key`` does.
            text = f'CAST("{table}"."{column}" AS TEXT)'
            records = records.annotate(**{f"_json{n}": RawSQL(text)})
            words.append(Q(**{f"_json{n}__icontains": self.search}))
            if key and key != self.search:
                records = records.annotate(**{f"_plate{n}": RawSQL(squashed(text))})
                words.append(Q(**{f"_plate{n}__contains": key}))
        if key and spec.plate_field:
            words.append(Q(**{spec.plate_field: key}))
        return records.filter(Q(*words, join_type="OR")) if words else records


def squashed(sql: str) -> str:
    """SQL for ``sql`` in capitals with no spaces or dashes: a plate typed any way is found."""
    return f"REPLACE(REPLACE(UPPER({sql}), ' ', ''), '-', '')"


@dataclass
class Page(Generic[M]):
    items: list[M]
    number: int
    size: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.size))

    @property
    def first(self) -> int:  # the position of the first item shown, counting from 1
        return (self.number - 1) * self.size + 1 if self.items else 0

    @property
    def last(self) -> int:
        return self.first + len(self.items) - 1 if self.items else 0

    @property
    def previous(self) -> int | None:
        return self.number - 1 if self.number > 1 else None

    @property
    def next(self) -> int | None:
        return self.number + 1 if self.number < self.pages else None


async def page_of(
    records: QuerySet[M], listing: Listing, *related: str, size: int = PAGE_SIZE
) -> Page[M]:
    """One page of ``records`` (already filtered and sorted); past the last page, the last."""
    total = await records.count()
    number = min(listing.page, max(1, math.ceil(total / size)))
    items = await records.offset((number - 1) * size).limit(size).prefetch_related(*related)
    return Page(list(items), number, size, total)


async def export_of(records: QuerySet[M], *related: str) -> list[M]:
    return list(await records.limit(EXPORT_MAX).prefetch_related(*related))
