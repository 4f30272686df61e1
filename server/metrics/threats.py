"""Threat assessment, in counts only (never a name, never a word anyone wrote): the concerns
raised (those saying someone may be in danger now among them), the anonymous tips received (the
urgent among them) and the cases opened, over time and per school, with the cases' levels and
those open today. A concern or tip that named no school has a row of its own; a case always
belongs to a school."""

from __future__ import annotations

from server.cases.models import LEVEL_LABELS, Level, Stage
from server.i18n import gettext as _
from server.metrics import charts
from server.metrics.figure import Cell, Figure, Scope, Table
from server.metrics.sql import Sql

# (table, time column, the flag counted beside, if any): what each source's rows are counted by
SOURCES = {
    "concern": ("concern", "raised_at", "danger_now"),
    "tip": ("tip", "received_at", "urgent"),
    "case": ("threat_case", "opened_at", None),
}
LEVELS = [Level.TRANSIENT, Level.SERIOUS, Level.VERY_SERIOUS]


def _where(sql: Sql, scope: Scope, column: str, lo: str, hi: str) -> str:
    where = f"x.organisation_id = {sql.value(scope.organisation_id)} AND x.{column} >= {lo} "
    where += f"AND x.{column} < {hi}"
    if scope.school_id:
        where += f" AND x.school_id = {sql.value(scope.school_id)}"
    return where


def _flag(sql: Sql, flag: str | None) -> str:
    return f"SUM(CASE WHEN x.{flag} = {sql.value(True)} THEN 1 ELSE 0 END)" if flag else "0"


async def _over_time(scope: Scope) -> dict[tuple[str, int], tuple[int, int]]:
    sql = Sql()
    buckets = sql.buckets(scope.buckets)
    parts = []
    for what, (table, column, flag) in SOURCES.items():
        where = _where(sql, scope, column, "b.lo", "b.hi")
        parts.append(
            f"SELECT '{what}' AS what, b.n AS n, COUNT(*) AS c, {_flag(sql, flag)} AS flagged "
            f"FROM buckets b JOIN {table} x ON {where} GROUP BY b.n"
        )
    rows = await sql.rows(f"WITH {buckets} " + " UNION ALL ".join(parts))
    return {(r["what"], r["n"]): (int(r["c"]), int(r["flagged"] or 0)) for r in rows}


async def _by_school(scope: Scope) -> list[dict]:
    sql = Sql()
    lo, hi = sql.value(scope.span.lo), sql.value(scope.span.hi)
    parts = []
    for what, (table, column, flag) in SOURCES.items():
        level, by = ("x.level", ", x.level") if what == "case" else ("NULL", "")
        parts.append(
            f"SELECT '{what}' AS what, x.school_id AS school, {level} AS level, COUNT(*) AS c, "
            f"{_flag(sql, flag)} AS flagged FROM {table} x "
            f"WHERE {_where(sql, scope, column, lo, hi)} GROUP BY x.school_id{by}"
        )
    return await sql.rows(" UNION ALL ".join(parts))


async def _open_now(scope: Scope) -> int:
    sql = Sql()
    where = f"x.organisation_id = {sql.value(scope.organisation_id)} "
    where += f"AND x.stage <> {sql.value(Stage.CLOSED.value)}"
    if scope.school_id:
        where += f" AND x.school_id = {sql.value(scope.school_id)}"
    rows = await sql.rows(f"SELECT COUNT(*) AS c FROM threat_case x WHERE {where}")
    return int(rows[0]["c"]) if rows else 0


async def figure(scope: Scope) -> Figure:
    buckets = scope.buckets
    counted = await _over_time(scope)
    period = _("Week from") if scope.span.weekly else _("Month")

    def at(what: str, n: int) -> tuple[int, int]:
        return counted.get((what, n), (0, 0))

    concerns = [at("concern", b.n)[0] for b in buckets]
    tips = [at("tip", b.n)[0] for b in buckets]
    cases = [at("case", b.n)[0] for b in buckets]
    rows: list[list[Cell]] = [
        [b.label, *at("concern", b.n), *at("tip", b.n), at("case", b.n)[0]] for b in buckets
    ]
    chart = charts.bars(
        _("Threat assessment: concerns, tips and cases"),
        _(
            "Stacked bars: for each period, the concerns raised, the anonymous tips received "
            "and the threat assessment cases opened."
        ),
        [b.label for b in buckets],
        [
            (_("Concerns"), list(concerns)),
            (_("Tips"), list(tips)),
            (_("Cases opened"), list(cases)),
        ],
    )
    per: dict[int | None, dict[str, int]] = {}
    for row in await _by_school(scope):
        counts = per.setdefault(row["school"], {})
        n = int(row["c"])
        if row["what"] == "case":
            counts["case"] = counts.get("case", 0) + n
            level = str(row["level"]) if row["level"] else "unassessed"
            counts[level] = counts.get(level, 0) + n
        else:
            counts[row["what"]] = n
            counts[f"{row['what']}-flagged"] = int(row["flagged"] or 0)
    shown: list[int | None] = [scope.school_id] if scope.school_id else list(scope.schools)
    if None in per and not scope.school_id:
        shown.append(None)
    keys = ["concern", "concern-flagged", "tip", "tip-flagged", "case", *LEVELS, "unassessed"]
    school_rows: list[list[Cell]] = [
        [
            scope.school_name(school, _("No school named")),
            *(per.get(school, {}).get(k, 0) for k in keys),
        ]
        for school in shown
    ]
    open_now = await _open_now(scope)
    return Figure(
        "threats",
        _("Threat assessment"),
        [
            _(
                "Counts only: no names, nothing anyone wrote. Concerns by when they were raised, "
                "tips by when they came in, cases by when they were opened; a case's level is "
                "its latest assessment."
            )
        ],
        [
            Table(
                "threats-over-time",
                _("Concerns, tips and cases over time"),
                [
                    period,
                    _("Concerns"),
                    _("In danger now"),
                    _("Tips"),
                    _("Urgent tips"),
                    _("Cases opened"),
                ],
                rows,
            ),
            Table(
                "threats-by-school",
                _("Concerns, tips and cases by school"),
                [
                    _("School"),
                    _("Concerns"),
                    _("In danger now"),
                    _("Tips"),
                    _("Urgent tips"),
                    _("Cases opened"),
                    *(_(LEVEL_LABELS[level]) for level in LEVELS),
                    _("Not yet assessed"),
                ],
                school_rows,
            ),
        ],
        chart,
        facts=[(_("Cases open today"), open_now)],
    )
