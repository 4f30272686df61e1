"""Drill figures over time and per school, from DRILL alerts and their answers.

A drill is an alert marked as a drill, not a practice (one person rehearsing), not undone, not
an all clear. Its figures are the alerts area's own (``alerts.service.figures``, kept with the
alert as each answer arrives): seconds from when it went out to each recipient's first answer,
on the server's clock (a phone's clock corrected, ``events/clock.py``): the first, the median
and the 90th percentile. A week or month with several drills shows the middle drill's figures
(the median of the drills'), counted in the database; a drill sent to several schools counts
at each, one sent to the whole district on a row of its own.

Beside them, the latest drills run from the calendar (at most ``LATEST``, a fixed number
whatever the range), each with the figures its own page shows (``drills.queries.figures``): the
answers, the observers' time to secure and the rooms that failed a check."""

from __future__ import annotations

from server.drills.models import KIND_LABELS, Drill, DrillStatus
from server.drills.queries import figures as drill_figures
from server.i18n import gettext as _
from server.metrics import charts
from server.metrics.figure import Cell, Figure, Scope, Table, per_bucket
from server.metrics.sql import Sql

MEASURES = ("first_s", "median_s", "p90_s")
LATEST = 12  # drills in the table of the latest: a fixed cost, however long the range


def _drills(sql: Sql, scope: Scope, per_school: bool) -> str:
    """The drills of the range, one row a drill (``alert``, ``raised_at``, ``school``,
    ``answered`` and its figures); ``per_school``: one row a drill and school it went to
    (``school`` NULL for one to the whole district). With a school chosen, its drills only."""
    org = sql.value(scope.organisation_id)
    lo, hi = sql.value(scope.span.lo), sql.value(scope.span.hi)
    yes, no = sql.value(True), sql.value(False)
    numbers = ", ".join(f"{sql.json_number('a.figures', m)} AS {m}" for m in MEASURES)
    joined = per_school or scope.school_id is not None
    join = sql.schools_of("a.audience", "s") if joined else ""
    school = sql.school_id("s") if joined else "NULL"
    where = f" AND {school} = {sql.value(scope.school_id)}" if scope.school_id else ""
    return (
        f"SELECT a.id AS alert, a.raised_at AS raised_at, {school} AS school, "
        f"COALESCE({sql.json_number('a.figures', 'answered')}, 0) AS answered, {numbers} "
        f"FROM alert a {join} "
        f"WHERE a.organisation_id = {org} AND a.drill = {yes} AND a.practice = {no} "
        f"AND a.cancelled_at IS NULL AND a.kind <> 'all-clear' "
        f"AND a.raised_at >= {lo} AND a.raised_at < {hi}{where}"
    )


def _middles(sql: Sql, source: str, ranked: str) -> tuple[str, str]:
    """Drills (the CTE ``source``, with a column ``g``) to one row a ``g``: how many drills,
    their answers, and the middle drill's figures (a drill with nothing measured left out of
    those). Returns the ranking CTE (named ``ranked``) and the SELECT that reads it."""
    ranks = ", ".join(
        f"ROW_NUMBER() OVER (PARTITION BY g ORDER BY "
        f"CASE WHEN {m} IS NULL THEN 1 ELSE 0 END, {m}) AS r_{m}, "
        f"COUNT({m}) OVER (PARTITION BY g) AS c_{m}"
        for m in MEASURES
    )
    middles = ", ".join(f"{sql.median(m, f'r_{m}', f'c_{m}')} AS {m}" for m in MEASURES)
    return (
        f"{ranked} AS (SELECT {source}.*, {ranks} FROM {source})",
        f"SELECT g, COUNT(*) AS drills, SUM(answered) AS answers, {middles} FROM {ranked} "
        f"GROUP BY g",
    )


async def _figures(scope: Scope) -> tuple[list[dict], list[dict]]:
    """Per week (or month), each drill once; and per school it went to (0: the whole
    district). One pass over the drills of the range (``d``, kept for both)."""
    sql = Sql()
    buckets = sql.buckets(scope.buckets)
    drills = _drills(sql, scope, per_school=True)
    columns = ", ".join(MEASURES)
    times = (
        f"t AS (SELECT b.n AS g, x.answered, {columns} FROM (SELECT DISTINCT alert, raised_at, "
        f"answered, {columns} FROM d) x JOIN buckets b ON x.raised_at >= b.lo "
        f"AND x.raised_at < b.hi)"
    )
    schools = f"s AS (SELECT COALESCE(d.school, 0) AS g, d.answered, {columns} FROM d)"
    by_time, read_time = _middles(sql, "t", "rt")
    by_school, read_school = _middles(sql, "s", "rs")
    rows = await sql.rows(
        f"WITH {buckets}, d AS MATERIALIZED ({drills}), {times}, {schools}, {by_time}, "
        f"{by_school} SELECT 1 AS part, x.* FROM ({read_time}) x "
        f"UNION ALL SELECT 2 AS part, y.* FROM ({read_school}) y"
    )
    return [r for r in rows if r["part"] == 1], [r for r in rows if r["part"] == 2]


async def _latest(scope: Scope) -> Table:
    """The latest drills run from the calendar and held in the range, newest first, each with
    its page's figures (whole seconds, as the drill's page shows them)."""
    held = Drill.filter(
        organisation_id=scope.organisation_id,
        status=DrillStatus.HELD,
        alert_id__isnull=False,
        started_at__gte=scope.span.lo,
        started_at__lt=scope.span.hi,
    )
    if scope.school_id:
        held = held.filter(school_id=scope.school_id)
    rows: list[list[Cell]] = []
    for drill in await held.order_by("-started_at", "-id").limit(LATEST):
        found = await drill_figures(drill)
        if found is None:
            continue
        rows.append(
            [
                (drill.held_on or drill.planned_on).isoformat(),
                scope.school_name(drill.school_id, ""),
                _(KIND_LABELS[drill.kind]),
                found.answered,
                found.first_s,
                found.median_s,
                found.p90_s,
                found.secure_median_s,
                found.slowest[1] if found.slowest else None,
                len(found.failed),
            ]
        )
    header = [
        _("Day"),
        _("School"),
        _("Drill"),
        _("Answers"),
        _("First answer (s)"),
        _("Median (s)"),
        _("90th percentile (s)"),
        _("Time to secure, median room (s)"),
        _("Time to secure, slowest room (s)"),
        _("Rooms that failed a check"),
    ]
    return Table("drills-latest", _("The latest drills run from the calendar"), header, rows)


def _seconds(value: float | None) -> float | None:
    return None if value is None else round(float(value), 1)


async def figure(scope: Scope) -> Figure:
    buckets = scope.buckets
    timed, at_schools = await _figures(scope)
    over_time = [{**row, "n": row["g"]} for row in timed]
    names = [_("First answer (s)"), _("Median (s)"), _("90th percentile (s)")]
    period = _("Week from") if scope.span.weekly else _("Month")
    figures = {row["n"]: row for row in over_time}
    rows = []
    for b in buckets:
        row = figures.get(b.n, {})
        rows.append(
            [
                b.label,
                int(row.get("drills") or 0),
                int(row.get("answers") or 0),
                *(_seconds(row.get(m)) for m in MEASURES),
            ]
        )
    series = [
        (names[i], [_seconds(v) for v in per_bucket(over_time, buckets, m)])
        for i, m in enumerate(MEASURES)
    ]
    chart = charts.lines(
        _("Drills: seconds to answer"),
        _(
            "Lines: for each period with a drill, seconds from the drill going out to the first "
            "answer, the median answer and the 90th percentile."
        ),
        [b.label for b in buckets],
        series,
        unit=" s",
    )
    header = [_("Drills"), _("Answers"), *names]
    per_school = {int(row["g"] or 0): row for row in at_schools}
    shown = [scope.school_id] if scope.school_id else [*scope.schools, 0]
    school_rows = []
    for school in shown:
        if school == 0 and 0 not in per_school:
            continue
        row = per_school.get(school, {})
        name = scope.school_name(school or None, _("Whole district"))
        school_rows.append(
            [
                name,
                int(row.get("drills") or 0),
                int(row.get("answers") or 0),
                *(_seconds(row.get(m)) for m in MEASURES),
            ]
        )
    return Figure(
        "drills",
        _("Drills"),
        [
            _(
                "From DRILL alerts (never practice): seconds from the drill going out to each "
                "person's first answer, by the server's clock. A period with several drills "
                "shows the middle drill's figures."
            ),
            _(
                "The latest drills show each drill's own figures, as its page does, with the "
                "observers' time to secure."
            ),
        ],
        [
            Table("drills-over-time", _("Drills over time"), [period, *header], rows),
            Table("drills-by-school", _("Drills by school"), [_("School"), *header], school_rows),
            await _latest(scope),
        ],
        chart,
    )
