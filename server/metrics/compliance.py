"""Drill compliance: each school against each kind of drill the district requires, in the school
year that holds the last day shown (``drills.rules``: the same standing the drill calendar
shows). The drills are counted in the database, a row a school and kind: held (a day it was held,
never a cancelled one), still planned from today, planned days already past and not held, and
the same within the kind's early window. Practice alerts are no drills: only the calendar's
drills held count."""

from __future__ import annotations

from server.drills.models import KIND_LABELS, DrillKind, DrillStatus
from server.drills.rules import STATE_LABELS, Rule, State, counted, early_end, school_year
from server.drills.service import rules_of
from server.i18n import gettext as _
from server.metrics import charts
from server.metrics.figure import Cell, Figure, Scope, Table
from server.metrics.sql import Sql
from server.models import Organisation


async def _counts(
    scope: Scope, rules: dict[DrillKind, Rule], year: tuple
) -> dict[tuple[int, str], dict]:
    sql = Sql()
    first, last, today = sql.value(year[0]), sql.value(year[1]), sql.value(scope.today)
    ends = " ".join(
        f"WHEN {sql.value(str(kind))} THEN {sql.value(end, 'date')}"
        for kind, rule in rules.items()
        if (end := early_end(rule, year)) is not None
    )
    early_by = f"CASE d.kind {ends} ELSE NULL END" if ends else "NULL"
    cancelled = sql.value(DrillStatus.CANCELLED.value)
    planned = sql.value(DrillStatus.PLANNED.value)
    held = f"d.held_on IS NOT NULL AND d.status <> {cancelled} AND d.held_on >= {first}"
    still = f"d.status = {planned} AND d.planned_on >= {today}"

    def count(condition: str) -> str:
        return f"SUM(CASE WHEN {condition} THEN 1 ELSE 0 END)"

    where = f"d.organisation_id = {sql.value(scope.organisation_id)} AND ("
    where += f"(d.planned_on >= {first} AND d.planned_on <= {last}) OR "
    where += f"(d.held_on >= {first} AND d.held_on <= {last}))"
    if scope.school_id:
        where += f" AND d.school_id = {sql.value(scope.school_id)}"
    rows = await sql.rows(
        f"SELECT d.school_id AS school, d.kind AS kind, "
        f"{count(f'{held} AND d.held_on <= {last}')} AS held, "
        f"{count(f'{held} AND d.held_on <= {early_by}')} AS early_held, "
        f"{count(f'{still} AND d.planned_on <= {last}')} AS coming, "
        f"{count(f'{still} AND d.planned_on <= {early_by}')} AS early_coming, "
        f"{count(f'd.status = {planned} AND d.planned_on >= {first} AND d.planned_on < {today}')}"
        f" AS missed FROM drill d WHERE {where} GROUP BY d.school_id, d.kind"
    )
    return {(row["school"], str(row["kind"])): row for row in rows}


async def figure(scope: Scope) -> Figure:
    starts = (await Organisation.get(id=scope.organisation_id)).school_year_starts
    year = school_year(scope.span.until, starts)
    rules = {DrillKind(k): r for k, r in (await rules_of(scope.organisation_id)).items()}
    rules = {k: rules[k] for k in DrillKind if k in rules and rules[k].per_year}
    found = await _counts(scope, rules, year) if rules else {}
    shown = [scope.school_id] if scope.school_id else list(scope.schools)
    rows: list[list[Cell]] = []
    marked: set[int] = set()
    held_of = {kind: 0 for kind in rules}
    states = {state: 0 for state in State}
    for school in shown:
        for kind, rule in rules.items():
            row = found.get((school, kind.value), {})

            def n(key: str, row: dict = row) -> int:
                return int(row.get(key) or 0)

            standing = counted(
                rule,
                year,
                scope.today,
                n("held"),
                n("coming"),
                n("missed"),
                n("early_held"),
                n("early_coming"),
            )
            if standing.state == State.OVERDUE:
                marked.add(len(rows))
            states[standing.state] += 1
            held_of[kind] += min(standing.held, standing.required)
            early = standing.early_by is not None
            rows.append(
                [
                    scope.school_name(school, ""),
                    _(KIND_LABELS[kind]),
                    standing.held,
                    standing.required,
                    standing.early_held if early else None,
                    standing.early_required if early else None,
                    standing.planned,
                    _(STATE_LABELS[standing.state]),
                ]
            )
    labels = [_(KIND_LABELS[kind]) for kind in rules]
    chart = charts.rows(
        _("Drills held against drills required"),
        _(
            "Bars: for each kind of drill, the drills required of the schools shown in the "
            "school year and, below, those held (up to each school's requirement)."
        ),
        labels,
        [
            (_("Required"), [rule.per_year * len(shown) for rule in rules.values()]),
            (_("Held"), [held_of[kind] for kind in rules]),
        ],
    )
    return Figure(
        "compliance",
        _("Drill compliance"),
        [
            _(
                "The school year %(first)s to %(last)s, the one holding the last day shown, "
                "against the district's requirements; overdue in red. Drills held count, "
                "cancelled ones never."
            )
            % {"first": year[0].isoformat(), "last": year[1].isoformat()},
        ]
        + ([] if rules else [_("The district requires no drills yet.")]),
        [
            Table(
                "compliance",
                _("Drill compliance by school and kind"),
                [
                    _("School"),
                    _("Drill"),
                    _("Held"),
                    _("Required"),
                    _("Held early"),
                    _("Required early"),
                    _("Planned"),
                    _("State"),
                ],
                rows,
                marked,
            )
        ],
        chart if rules else None,
        [],
        [(_(STATE_LABELS[state]), states[state]) for state in (State.MET, State.OVERDUE)],
    )
