"""Suspicious reports over time by kind, by school and kind, and the spike signal (this week
against the school's 8-week baseline, ``service.spike``). Counted on the report's time seen."""

from __future__ import annotations

from server.i18n import gettext as _
from server.labels import REPORT_KIND_LABELS
from server.metrics import charts, service
from server.metrics.figure import Cell, Figure, Scope, Table
from server.metrics.sql import Sql

KINDS = list(REPORT_KIND_LABELS)


def _school(sql: Sql, scope: Scope) -> str:
    return f" AND r.school_id = {sql.value(scope.school_id)}" if scope.school_id else ""


async def _over_time(scope: Scope) -> list[dict]:
    sql = Sql()
    buckets = sql.buckets(scope.buckets)
    org = sql.value(scope.organisation_id)
    return await sql.rows(
        f"WITH {buckets} SELECT b.n AS n, r.kind AS kind, COUNT(*) AS c FROM buckets b "
        f"JOIN report r ON r.organisation_id = {org} AND r.seen_at >= b.lo "
        f"AND r.seen_at < b.hi{_school(sql, scope)} GROUP BY b.n, r.kind"
    )


async def _by_school(scope: Scope) -> list[dict]:
    sql = Sql()
    org, lo, hi = (
        sql.value(scope.organisation_id),
        sql.value(scope.span.lo),
        sql.value(scope.span.hi),
    )
    return await sql.rows(
        f"SELECT r.school_id AS school, r.kind AS kind, COUNT(*) AS c FROM report r "
        f"WHERE r.organisation_id = {org} AND r.seen_at >= {lo} AND r.seen_at < {hi}"
        f"{_school(sql, scope)} GROUP BY r.school_id, r.kind"
    )


async def _weeks(scope: Scope) -> list[dict]:
    """Per school: reports this week, and in the 8 whole weeks before it."""
    sql = Sql()
    monday, end = scope.span.this_week()
    start, _monday = scope.span.weeks_before(service.BASELINE_WEEKS)
    this = sql.value(monday)
    org, lo, hi = sql.value(scope.organisation_id), sql.value(start), sql.value(end)
    return await sql.rows(
        f"SELECT r.school_id AS school, SUM(CASE WHEN r.seen_at >= {this} THEN 1 ELSE 0 END) "
        f"AS this_week, SUM(CASE WHEN r.seen_at < {sql.value(monday)} THEN 1 ELSE 0 END) "
        f"AS earlier FROM report r WHERE r.organisation_id = {org} AND r.seen_at >= {lo} "
        f"AND r.seen_at < {hi}{_school(sql, scope)} GROUP BY r.school_id"
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
    weeks = {row["school"]: row for row in await _weeks(scope)}
    shown: list[int | None] = [scope.school_id] if scope.school_id else list(scope.schools)
    shown += [s for s in (*by_school, *weeks) if s is None and None not in shown][:1]
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
