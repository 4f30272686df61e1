"""Checklist completion and skipped critical steps, per checklist.

The runs started in the range (practice runs and runs discarded on purpose never count): how
many, how many were completed, and the critical steps skipped in them (a run can be completed
without a critical step only with a reason, kept as its ``skipped`` list)."""

from __future__ import annotations

from server.i18n import gettext as _
from server.metrics import charts
from server.metrics.figure import Figure, Scope, Table
from server.metrics.sql import Sql


def runs_where(sql: Sql, scope: Scope, lo: str, hi: str, alias: str = "r") -> str:
    """The runs that count: the district's, started from ``lo`` to ``hi``, not practice, not
    discarded, at the school chosen (if one is)."""
    org, no = sql.value(scope.organisation_id), sql.value(False)
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
    """Per checklist of the library: runs, completed, skipped steps. Each a count over the
    (organisation, checklist, started) index, a checklist at a time: nothing is sorted."""
    sql = Sql()
    ids = sorted(scope.checklist_titles) or [""]
    checklists = ", ".join(f"({sql.value(c)})" for c in ids)
    lo, hi = sql.value(scope.span.lo), sql.value(scope.span.hi)
    where = f"r.checklist_id = c.id AND {runs_where(sql, scope, lo, hi)}"
    return await sql.rows(
        f"WITH checklists(id) AS (VALUES {checklists}) SELECT c.id AS checklist, "
        f"(SELECT COUNT(*) FROM checklist_run r WHERE {where}) AS runs, "
        f"(SELECT COUNT(r.completed_at) FROM checklist_run r WHERE {where}) AS done, "
        f"(SELECT SUM({sql.json_length('r.skipped')}) FROM checklist_run r WHERE {where} "
        f"AND r.completed_at IS NOT NULL) AS skipped FROM checklists c ORDER BY c.id"
    )


def percent(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


async def figure(scope: Scope) -> Figure:
    rows = []
    for row in await _per_checklist(scope):
        title = scope.checklist_titles.get(row["checklist"], row["checklist"])
        runs, done = int(row["runs"]), int(row["done"])
        if runs:
            rows.append([title, runs, done, percent(done, runs), int(row["skipped"] or 0)])
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
                ],
                rows,
            )
        ],
        chart,
    )
