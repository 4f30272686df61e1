"""Improvement actions (``reviews``): open and overdue now, and over the range the actions
written and those closed (done or dropped). Actions belong to the district, not to a school:
the school filter leaves them as they are."""

from __future__ import annotations

from server.i18n import gettext as _
from server.i18n import ngettext
from server.metrics import charts
from server.metrics.figure import Figure, Scope, Table
from server.metrics.sql import Sql


async def _now(scope: Scope) -> dict:
    sql = Sql()
    org, today, open_ = sql.value(scope.organisation_id), sql.value(scope.today), sql.value("open")
    rows = await sql.rows(
        f"SELECT COUNT(*) AS open_count, "
        f"SUM(CASE WHEN a.due_on < {today} THEN 1 ELSE 0 END) AS overdue "
        f"FROM improvement_action a "
        f"WHERE a.organisation_id = {org} AND a.status = {open_}"
    )
    return rows[0] if rows else {}


async def _over_time(scope: Scope, column: str) -> dict[int, dict]:
    sql = Sql()
    buckets = sql.buckets(scope.buckets)
    org = sql.value(scope.organisation_id)
    rows = await sql.rows(
        f"WITH {buckets} SELECT b.n AS n, a.status AS status, COUNT(*) AS c FROM buckets b "
        f"JOIN improvement_action a ON a.organisation_id = {org} AND a.{column} >= b.lo "
        f"AND a.{column} < b.hi GROUP BY b.n, a.status"
    )
    found: dict[int, dict] = {}
    for row in rows:
        found.setdefault(row["n"], {})[row["status"]] = int(row["c"])
    return found


def overdue_words(n: int) -> str:
    return ngettext(
        "%(num)s improvement action is overdue.", "%(num)s improvement actions are overdue.", n
    ) % {"num": n}


async def figure(scope: Scope) -> Figure:
    now = await _now(scope)
    written = await _over_time(scope, "created_at")
    closed = await _over_time(scope, "closed_at")
    buckets = scope.buckets
    period = _("Week from") if scope.span.weekly else _("Month")
    rows = [
        [
            b.label,
            sum(written.get(b.n, {}).values()),
            closed.get(b.n, {}).get("done", 0),
            closed.get(b.n, {}).get("dropped", 0),
        ]
        for b in buckets
    ]
    chart = charts.bars(
        _("Improvement actions written and done"),
        _("Bars: for each period, the actions written and, beside them, the actions done."),
        [b.label for b in buckets],
        [(_("Written"), [r[1] for r in rows]), (_("Done"), [r[2] for r in rows])],
        stacked=False,
    )
    open_now, overdue = int(now.get("open_count") or 0), int(now.get("overdue") or 0)
    return Figure(
        "actions",
        _("Improvement actions"),
        [
            _(
                "Open and overdue today; written and closed over the range. Actions belong to the "
                "district, so the school filter leaves them as they are."
            )
        ],
        [
            Table(
                "actions-now",
                _("Improvement actions today"),
                [_("Open"), _("Overdue")],
                [[open_now, overdue]],
                {0} if overdue else set(),
            ),
            Table(
                "actions-over-time",
                _("Improvement actions over time"),
                [period, _("Written"), _("Done"), _("Dropped")],
                rows,
            ),
        ],
        chart,
        [overdue_words(overdue)] if overdue else [],
        [(_("Open"), open_now), (_("Overdue"), overdue)],
    )
