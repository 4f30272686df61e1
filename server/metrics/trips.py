"""Field trips overdue: the late check-ins that raised an overdue alert (``trips.watch``), by
when they were due, and per school beside the trips that set out in the range."""

from __future__ import annotations

from server.i18n import gettext as _
from server.metrics import charts
from server.metrics.figure import Cell, Figure, Scope, Table
from server.metrics.sql import Sql


def _school(sql: Sql, scope: Scope) -> str:
    return f" AND t.school_id = {sql.value(scope.school_id)}" if scope.school_id else ""


async def _over_time(scope: Scope) -> list[dict]:
    sql = Sql()
    buckets = sql.buckets(scope.buckets)
    org = sql.value(scope.organisation_id)
    return await sql.rows(
        f"WITH {buckets} SELECT b.n AS n, COUNT(*) AS late, COUNT(DISTINCT o.trip_id) AS trips "
        f"FROM buckets b JOIN trip_overdue o ON o.due_at >= b.lo AND o.due_at < b.hi "
        f"JOIN trip t ON t.id = o.trip_id AND t.organisation_id = {org}{_school(sql, scope)} "
        f"GROUP BY b.n"
    )


async def _by_school(scope: Scope) -> list[dict]:
    sql = Sql()
    org, lo, hi = (
        sql.value(scope.organisation_id),
        sql.value(scope.span.lo),
        sql.value(scope.span.hi),
    )
    return await sql.rows(
        f"SELECT t.school_id AS school, COUNT(*) AS trips, "
        f"SUM(CASE WHEN o.late > 0 THEN 1 ELSE 0 END) AS overdue, SUM(COALESCE(o.late, 0)) AS late "
        f"FROM trip t LEFT JOIN (SELECT trip_id, COUNT(*) AS late FROM trip_overdue "
        f"GROUP BY trip_id) o ON o.trip_id = t.id WHERE t.organisation_id = {org} "
        f"AND t.starts_at >= {lo} AND t.starts_at < {hi}{_school(sql, scope)} "
        f"GROUP BY t.school_id"
    )


async def figure(scope: Scope) -> Figure:
    buckets = scope.buckets
    found = {row["n"]: row for row in await _over_time(scope)}
    period = _("Week from") if scope.span.weekly else _("Month")
    trips = [int(found.get(b.n, {}).get("trips") or 0) for b in buckets]
    late = [int(found.get(b.n, {}).get("late") or 0) for b in buckets]
    rows: list[list[Cell]] = [[b.label, trips[b.n], late[b.n]] for b in buckets]
    chart = charts.bars(
        _("Field trips overdue"),
        _("Bars: for each period, the trips with a check-in overdue."),
        [b.label for b in buckets],
        [(_("Trips overdue"), trips)],
    )
    per_school = {row["school"]: row for row in await _by_school(scope)}
    shown = [scope.school_id] if scope.school_id else list(scope.schools)
    school_rows: list[list[Cell]] = []
    for school in shown:
        row = per_school.get(school, {})
        started, overdue = int(row.get("trips") or 0), int(row.get("overdue") or 0)
        school_rows.append(
            [scope.school_name(school, ""), started, overdue, int(row.get("late") or 0)]
        )
    return Figure(
        "trips",
        _("Field trips overdue"),
        [
            _(
                "A check-in is overdue when it is later than the school's grace time allows; "
                "each raised an alert. Counted by when it was due."
            ),
        ],
        [
            Table(
                "trips-over-time",
                _("Field trips overdue over time"),
                [period, _("Trips overdue"), _("Check-ins overdue")],
                rows,
            ),
            Table(
                "trips-by-school",
                _("Field trips by school (setting out in the range)"),
                [_("School"), _("Trips"), _("Trips overdue"), _("Check-ins overdue")],
                school_rows,
            ),
        ],
        chart,
    )
