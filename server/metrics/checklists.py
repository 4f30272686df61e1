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
    """Per checklist of the library: runs and completed, in one pass over the (organisation,
    checklist, started) index; and the critical steps skipped, from the runs that skipped one
    alone (the partial index ``idx_checklist_run_skipped``, migration 0030)."""
    ids = sorted(scope.checklist_titles) or [""]
    sql = Sql()
    where = _listed(sql, scope, ids)
    counted = await sql.rows(
        f"SELECT r.checklist_id AS checklist, COUNT(*) AS runs, COUNT(r.completed_at) AS done "
        f"FROM checklist_run r WHERE {where} GROUP BY r.checklist_id"
    )
    sql = Sql()
    where = _listed(sql, scope, ids)
    length = sql.json_length("r.skipped")
    skips = await sql.rows(
        f"SELECT r.checklist_id AS checklist, SUM({length}) AS skipped FROM checklist_run r "
        f"WHERE {where} AND r.completed_at IS NOT NULL AND {length} > 0 GROUP BY r.checklist_id"
    )
    skipped_of = {row["checklist"]: row["skipped"] for row in skips}
    return [
        {**row, "skipped": skipped_of.get(row["checklist"], 0)}
        for row in sorted(counted, key=lambda row: row["checklist"])
    ]


def _listed(sql: Sql, scope: Scope, ids: list[str]) -> str:
    lo, hi = sql.value(scope.span.lo), sql.value(scope.span.hi)
    listed = ", ".join(sql.value(c) for c in ids)
    return f"r.checklist_id IN ({listed}) AND {runs_where(sql, scope, lo, hi)}"


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
