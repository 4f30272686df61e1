"""Suspicious reports over time by kind, by school and kind, and the spike signal (this week
against the school's 8-week baseline, ``service.spike``). Counted on the report's time seen."""

from __future__ import annotations

from server.i18n import gettext as _
from server.labels import REPORT_KIND_LABELS
from server.metrics import charts, service
from server.metrics.figure import Cell, Figure, Scope, Table
from server.metrics.sql import Sql

KINDS = list(REPORT_KIND_LABELS)


# Each count is its own index range (a scalar subquery per week and kind, or school and kind):
# SQLite groups by sorting every row it reads, which cost more than reading them; a count
# over an index range reads only the index, and nothing is sorted.


def _kinds(sql: Sql) -> str:
    rows = ", ".join(f"({sql.value(kind)})" for kind in KINDS)
    return f"kinds(kind) AS (VALUES {rows})"


def _count(sql: Sql, scope: Scope, lo: str, hi: str, school: str | None = None) -> str:
    """COUNT of the reports of kind ``k.kind`` seen from ``lo`` to ``hi``, at ``school`` (a
    column or value; the school chosen, if any, when None)."""
    org = sql.value(scope.organisation_id)
    where = (
        f"r.organisation_id = {org} AND r.kind = k.kind AND r.seen_at >= {lo} AND r.seen_at < {hi}"
    )
    if school is None and scope.school_id:
        school = sql.value(scope.school_id)
    if school is not None:
        where += f" AND r.school_id = {school}"
    return f"(SELECT COUNT(*) FROM report r WHERE {where})"


async def _over_time(scope: Scope) -> list[dict]:
    sql = Sql()
    buckets, kinds = sql.buckets(scope.buckets), _kinds(sql)
    count = _count(sql, scope, "b.lo", "b.hi")
    return await sql.rows(
        f"WITH {buckets}, {kinds} SELECT b.n AS n, k.kind AS kind, {count} AS c "
        f"FROM buckets b CROSS JOIN kinds k"
    )


def _schools(sql: Sql, scope: Scope) -> str:
    ids = [scope.school_id] if scope.school_id else list(scope.schools) or [0]
    rows = ", ".join(f"({sql.value(school, 'int')})" for school in ids)
    return f"schools(id) AS (VALUES {rows})"


async def _by_school(scope: Scope) -> list[dict]:
    """Per school and kind in the range (those seen away from every campus are the range's
    total less these: ``figure``; no index finds a NULL school cheaply on both databases)."""
    sql = Sql()
    schools, kinds = _schools(sql, scope), _kinds(sql)
    lo, hi = sql.value(scope.span.lo), sql.value(scope.span.hi)
    count = _count(sql, scope, lo, hi, "s.id")
    rows = await sql.rows(
        f"WITH {schools}, {kinds} SELECT s.id AS school, k.kind AS kind, {count} AS c "
        f"FROM schools s CROSS JOIN kinds k"
    )
    return rows


async def _weeks(scope: Scope) -> list[dict]:
    """Per school and kind: reports this week, and in the 8 whole weeks before it."""
    sql = Sql()
    schools, kinds = _schools(sql, scope), _kinds(sql)
    monday, end = scope.span.this_week()
    start, _monday = scope.span.weeks_before(service.BASELINE_WEEKS)
    this_lo, this_hi, before_lo = sql.value(monday), sql.value(end), sql.value(start)
    this = _count(sql, scope, this_lo, this_hi, "s.id")
    before = _count(sql, scope, before_lo, this_lo, "s.id")
    return await sql.rows(
        f"WITH {schools}, {kinds} SELECT s.id AS school, k.kind AS kind, {this} AS this_week, "
        f"{before} AS earlier FROM schools s CROSS JOIN kinds k"
    )


async def figure(scope: Scope) -> Figure:
    labels = [_(REPORT_KIND_LABELS[k]) for k in KINDS]
    buckets = scope.buckets
    counts = {(row["n"], row["kind"]): int(row["c"]) for row in await _over_time(scope)}
    series = [(labels[i], [counts.get((b.n, k), 0) for b in buckets]) for i, k in enumerate(KINDS)]
    period = _("Week from") if scope.span.weekly else _("Month")
    over_time = Table(
        "reports-over-time",
        _("Reports over time, by what was seen"),
        [period, *labels, _("Total")],
        [
            [b.label, *(values[b.n] for _l, values in series), sum(v[b.n] for _l, v in series)]
            for b in buckets
        ],
    )
    chart = charts.bars(
        _("Reports over time, by what was seen"),
        _("Stacked bars: the reports of each period, one colour for each kind of report."),
        [b.label for b in buckets],
        series,
    )

    none = _("No school (away from every campus)")
    by_school: dict[int | None, dict[str, int]] = {}
    for row in await _by_school(scope):
        by_school.setdefault(row["school"], {})[row["kind"]] = int(row["c"])
    if not scope.school_id:  # the rest of each kind's reports in the range: at no school
        away = {k: sum(v[b.n] for b in buckets) for k, (_l, v) in zip(KINDS, series, strict=True)}
        for kinds_at in list(by_school.values()):
            for kind, n in kinds_at.items():
                away[kind] -= n
        if any(away.values()):
            by_school[None] = away
    weeks: dict[int | None, dict[str, int]] = {}
    for row in await _weeks(scope):
        week = weeks.setdefault(row["school"], {"this_week": 0, "earlier": 0})
        week["this_week"] += int(row["this_week"])
        week["earlier"] += int(row["earlier"])
    shown: list[int | None] = [scope.school_id] if scope.school_id else list(scope.schools)
    none_shown = None in by_school
    rows: list[list[Cell]] = []
    spike_rows: list[list[Cell]] = []
    marked: set[int] = set()
    signals: list[str] = []
    for school in shown:
        kinds = by_school.get(school, {})
        name = scope.school_name(school, none)
        rows.append([name, *(kinds.get(k, 0) for k in KINDS), sum(kinds.values())])
        week = weeks.get(school) or {}
        this, before = int(week.get("this_week") or 0), int(week.get("earlier") or 0)
        average = round(before / service.BASELINE_WEEKS, 1)
        spiking = service.spike(this, before)
        if spiking:
            marked.add(len(spike_rows))
            signals.append(
                _("Spike at %(school)s: %(n)s reports this week, %(avg)s a week before.")
                % {"school": name, "n": this, "avg": f"{average:g}"}
            )
        spike_rows.append([name, this, before, average, _("Spike") if spiking else ""])
    if none_shown:  # seen away from every campus: in the counts, not a school with a spike
        kinds = by_school[None]
        rows.append([none, *(kinds.get(k, 0) for k in KINDS), sum(kinds.values())])
    return Figure(
        "reports",
        _("Suspicious reports"),
        [_(service.SPIKE_RULE)],
        [
            over_time,
            Table(
                "reports-spike",
                _("This week against the 8 weeks before, by school"),
                [_("School"), _("This week"), _("8 weeks before"), _("Weekly average"), _("Spike")],
                spike_rows,
                marked,
            ),
            Table(
                "reports-by-school",
                _("Reports by school and what was seen"),
                [_("School"), *labels, _("Total")],
                rows,
            ),
        ],
        chart,
        signals,
    )
