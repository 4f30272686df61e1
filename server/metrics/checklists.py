"""Checklist completion and skipped critical steps, per checklist.

The runs started in the range (practice runs and runs discarded on purpose never count): how
many, how many were completed, and the critical steps skipped in them (a run can be completed
without a critical step only with a reason, kept as its ``skipped`` list)."""

from __future__ import annotations

from server.i18n import gettext as _
from server.metrics import charts
from server.metrics.figure import Figure, Scope, Table
from server.metrics.sql import Sql


def runs_where(sql: Sql, scope: Scope, alias: str = "r") -> str:
    """The runs that count: the district's, in the range, not practice, not discarded, at the
    school chosen (if one is)."""
    org, no = sql.value(scope.organisation_id), sql.value(False)
    lo, hi = sql.value(scope.span.lo), sql.value(scope.span.hi)
    where = (
        f"{alias}.organisation_id = {org} AND {alias}.started_at >= {lo} "
        f"AND {alias}.started_at < {hi} AND {alias}.practice = {no} "
        f"AND {alias}.discarded_at IS NULL"
    )
    if scope.school_id:
        where += f" AND {alias}.school_id = {sql.value(scope.school_id)}"
    return where


def skipped(sql: Sql, alias: str = "r") -> str:
    """The critical steps a completed run skipped (with a reason)."""
    return (
        f"CASE WHEN {alias}.completed_at IS NOT NULL THEN {sql.json_length(f'{alias}.skipped')} "
        f"ELSE 0 END"
    )


async def _per_checklist(scope: Scope) -> list[dict]:
    sql = Sql()
    where = runs_where(sql, scope)
    return await sql.rows(
        f"SELECT r.checklist_id AS checklist, COUNT(*) AS runs, COUNT(r.completed_at) AS done, "
        f"SUM({skipped(sql)}) AS skipped, "
        f"SUM(CASE WHEN {skipped(sql)} > 0 THEN 1 ELSE 0 END) AS runs_skipping "
        f"FROM checklist_run r WHERE {where} GROUP BY r.checklist_id ORDER BY r.checklist_id"
    )


def percent(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


async def figure(scope: Scope) -> Figure:
    rows = []
    for row in await _per_checklist(scope):
        title = scope.checklist_titles.get(row["checklist"], row["checklist"])
        runs, done = int(row["runs"]), int(row["done"])
        skipped_steps, skipping = int(row["skipped"] or 0), int(row["runs_skipping"] or 0)
        rows.append([title, runs, done, percent(done, runs), skipped_steps, skipping])
    chart = charts.rows(
        _("Checklist runs completed"),
        _("Bars: for each checklist, the runs started and, below them, the runs completed."),
        [str(r[0]) for r in rows],
        [(_("Started"), [r[1] for r in rows]), (_("Completed"), [r[2] for r in rows])],
    )
    return Figure(
        "checklists",
        _("Checklists"),
        [
            _(
                "Runs started in the range; practice runs and runs discarded on purpose never "
                "count. A critical step can be skipped only with a reason."
            ),
        ],
        [
            Table(
                "checklists",
                _("Checklist runs, completion and skipped critical steps"),
                [
                    _("Checklist"),
                    _("Runs"),
                    _("Completed"),
                    _("Completed (%)"),
                    _("Critical steps skipped"),
                    _("Runs with a step skipped"),
                ],
                rows,
            )
        ],
        chart,
    )
