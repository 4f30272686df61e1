"""What every figure of the dashboard is given (``Scope``) and gives back (``Figure``)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from server.metrics.calendar import Bucket, Span
from server.metrics.charts import Chart

Cell = str | int | float | None  # None: nothing to measure ("—" on the page, empty in the CSV)


@dataclass(frozen=True)
class Scope:
    """The district, one school of it or all (``school_id`` None), and the days shown."""

    organisation_id: int
    school_id: int | None
    span: Span
    today: date  # on the district's calendar
    schools: dict[int, str]  # the district's schools, by id, in name order
    checklist_titles: dict[str, str] = field(default_factory=dict)  # in the reader's language

    @property
    def buckets(self) -> list[Bucket]:
        return self.span.buckets()

    def school_name(self, school_id: int | None, none: str) -> str:
        return self.schools.get(school_id, none) if school_id is not None else none


@dataclass(frozen=True)
class Table:
    """A chart's numbers (for screen readers and print), and its CSV at ``/metrics/<key>.csv``."""

    key: str
    caption: str
    header: list[str]
    rows: Sequence[Sequence[Cell]]
    marked: set[int] = field(default_factory=set)  # rows to show as warnings (a spike)


@dataclass(frozen=True)
class Figure:
    key: str
    title: str
    notes: list[str]  # how it is counted, in a sentence or two
    tables: list[Table]
    chart: Chart | None = None
    signals: list[str] = field(default_factory=list)  # what needs a look, e.g. a spike
    facts: list[tuple[str, Any]] = field(default_factory=list)  # headline numbers


def per_bucket(rows: list[dict[str, Any]], buckets: list[Bucket], key: str) -> list[Any]:
    """A value of each bucket, from rows that carry ``n`` (None where a bucket has no row)."""
    found = {row["n"]: row[key] for row in rows}
    return [found.get(b.n) for b in buckets]
