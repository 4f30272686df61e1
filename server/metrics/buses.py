"""The bus check before the route, per bus and driver, week by week: the runs of the
``bus-pre-route`` checklist (practice and discarded runs never count) in the range's last 8
weeks, each cell the checks completed that week and the critical steps they skipped."""

from __future__ import annotations

from server.i18n import gettext as _
from server.metrics import charts
from server.metrics.checklists import runs_where, skipped
from server.metrics.figure import Cell, Figure, Scope, Table
from server.metrics.sql import Sql

CHECKLIST = "bus-pre-route"
WEEKS = 8


async def _weeks(scope: Scope) -> list[dict]:
    sql = Sql()
    last = scope.span.last_weeks(WEEKS)
    weeks = sql.buckets(last)
    where = runs_where(sql, scope, sql.value(last[0].lo), sql.value(last[-1].hi))
    bus = sql.json_text("r.context", "bus_number")
    return await sql.rows(
        f"WITH {weeks} SELECT b.n AS n, COALESCE({bus}, '') AS bus, u.name AS driver, "
        f"u.id AS driver_id, COUNT(*) AS runs, COUNT(r.completed_at) AS done, "
        f"SUM({skipped(sql)}) AS skipped FROM buckets b JOIN checklist_run r "
        f"ON r.started_at >= b.lo AND r.started_at < b.hi AND r.checklist_id = "
        f'{sql.value(CHECKLIST)} AND {where} JOIN "user" u ON u.id = r.user_id '
        f"GROUP BY b.n, COALESCE({bus}, ''), u.name, u.id"
    )


async def figure(scope: Scope) -> Figure:
    weeks = scope.span.last_weeks(WEEKS)
    cells: dict[tuple[str, str, int], dict[int, tuple[int, int, int]]] = {}
    for row in await _weeks(scope):
        key = (row["bus"], row["driver"], row["driver_id"])
        cells.setdefault(key, {})[row["n"]] = (
            int(row["runs"]),
            int(row["done"]),
            int(row["skipped"] or 0),
        )
    no_bus = _("(no bus number)")
    rows: list[list[Cell]] = []
    marked: set[int] = set()
    for (bus, driver, _id), by_week in sorted(cells.items(), key=lambda kv: kv[0][:2]):
        line: list[Cell] = [bus or no_bus, driver]
        for week in weeks:
            _runs, done, skipped_now = by_week.get(week.n, (0, 0, 0))
            line.append(done)
            if skipped_now:
                marked.add(len(rows))
        line.append(sum(s for _r, _d, s in by_week.values()))
        rows.append(line)
    totals = [sum(cells_of.get(w.n, (0, 0, 0))[1] for cells_of in cells.values()) for w in weeks]
    skips = [sum(cells_of.get(w.n, (0, 0, 0))[2] for cells_of in cells.values()) for w in weeks]
    chart = charts.bars(
        _("Bus checks before the route, by week"),
        _(
            "Bars: for each week, the checks completed and, beside them, the critical steps "
            "skipped."
        ),
        [w.label for w in weeks],
        [(_("Checks completed"), totals), (_("Critical steps skipped"), skips)],
        stacked=False,
    )
    return Figure(
        "buses",
        _("Bus checks before the route"),
        [
            _(
                "Checks completed each week (from Monday, on the district's calendar), per bus "
                "and driver, over the last 8 weeks shown; practice runs never count."
            ),
        ],
        [
            Table(
                "buses",
                _("Bus checks completed per bus and driver, by week"),
                [_("Bus"), _("Driver"), *(w.label for w in weeks), _("Critical steps skipped")],
                rows,
                marked,
            )
        ],
        chart,
    )
