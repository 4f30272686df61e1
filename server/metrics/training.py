"""Training coverage, in counts: the training sessions held (a participant's practice delivery
never counts) and who attended, over time and per school; and per school its staff (active
Muster people who belong to it) beside those of them who attended a session in the range,
wherever it was held. Sessions that belong to no school (the bus depot) have a row of their own."""

from __future__ import annotations

from server.i18n import gettext as _
from server.metrics import charts
from server.metrics.checklists import percent
from server.metrics.figure import Cell, Figure, Scope, Table
from server.metrics.sql import Sql


def _sessions(sql: Sql, scope: Scope, lo: str, hi: str, school: bool = True) -> str:
    """The counted sessions (alias ``s``) held from ``lo`` to ``hi``."""
    where = (
        f"s.organisation_id = {sql.value(scope.organisation_id)} AND s.practice = "
        f"{sql.value(False)} AND s.held_at >= {lo} AND s.held_at < {hi}"
    )
    if school and scope.school_id:
        where += f" AND s.school_id = {sql.value(scope.school_id)}"
    return where


async def _over_time(scope: Scope) -> dict[int, dict]:
    sql = Sql()
    buckets = sql.buckets(scope.buckets)
    where = _sessions(sql, scope, "b.lo", "b.hi")
    rows = await sql.rows(
        f"WITH {buckets} SELECT b.n AS n, COUNT(DISTINCT s.id) AS sessions, "
        f"COUNT(a.id) AS attended FROM buckets b JOIN training_session s ON {where} "
        f"LEFT JOIN training_attendance a ON a.session_id = s.id GROUP BY b.n"
    )
    return {row["n"]: row for row in rows}


async def _by_school(scope: Scope) -> dict[int | None, dict]:
    sql = Sql()
    lo, hi = sql.value(scope.span.lo), sql.value(scope.span.hi)
    where = _sessions(sql, scope, lo, hi)
    rows = await sql.rows(
        f"SELECT s.school_id AS school, COUNT(DISTINCT s.id) AS sessions, "
        f"COUNT(a.id) AS attended FROM training_session s "
        f"LEFT JOIN training_attendance a ON a.session_id = s.id WHERE {where} "
        f"GROUP BY s.school_id"
    )
    return {row["school"]: row for row in rows}


async def _staff(scope: Scope) -> dict[int, dict]:
    """Per school: its active staff, and those of them who attended a counted session in the
    range (at any school, or district-wide)."""
    sql = Sql()
    lo, hi = sql.value(scope.span.lo), sql.value(scope.span.hi)
    where = _sessions(sql, scope, lo, hi, school=False)
    org, yes = sql.value(scope.organisation_id), sql.value(True)
    school = f" AND m.school_id = {sql.value(scope.school_id)}" if scope.school_id else ""
    rows = await sql.rows(
        f"SELECT m.school_id AS school, COUNT(*) AS staff, COUNT(t.person_id) AS trained "
        f'FROM membership m JOIN "user" u ON u.id = m.user_id AND u.organisation_id = {org} '
        f"AND u.active = {yes} LEFT JOIN (SELECT DISTINCT a.person_id AS person_id FROM "
        f"training_attendance a JOIN training_session s ON s.id = a.session_id WHERE {where} "
        f"AND a.person_id IS NOT NULL) t ON t.person_id = m.user_id WHERE 1 = 1{school} "
        f"GROUP BY m.school_id"
    )
    return {row["school"]: row for row in rows}


async def figure(scope: Scope) -> Figure:
    buckets = scope.buckets
    over_time = await _over_time(scope)
    period = _("Week from") if scope.span.weekly else _("Month")

    def n(row: dict | None, key: str) -> int:
        return int((row or {}).get(key) or 0)

    sessions = [n(over_time.get(b.n), "sessions") for b in buckets]
    attended = [n(over_time.get(b.n), "attended") for b in buckets]
    rows: list[list[Cell]] = [
        [b.label, s, a] for b, s, a in zip(buckets, sessions, attended, strict=True)
    ]
    chart = charts.bars(
        _("Training sessions and attendance"),
        _("Bars: for each period, the training sessions held and, beside them, who attended."),
        [b.label for b in buckets],
        [(_("Sessions"), list(sessions)), (_("Attended"), list(attended))],
        stacked=False,
    )
    by_school = await _by_school(scope)
    staff = await _staff(scope)
    shown: list[int | None] = [scope.school_id] if scope.school_id else list(scope.schools)
    if None in by_school and not scope.school_id:
        shown.append(None)
    school_rows: list[list[Cell]] = []
    for school in shown:
        session, people = by_school.get(school), staff.get(school) if school else None
        trained, all_staff = n(people, "trained"), n(people, "staff")
        school_rows.append(
            [
                scope.school_name(school, _("District-wide (no school)")),
                n(session, "sessions"),
                n(session, "attended"),
                trained if school else None,
                all_staff if school else None,
                percent(trained, all_staff) if school else None,
            ]
        )
    return Figure(
        "training",
        _("Training coverage"),
        [
            _(
                "Sessions held in the range (a participant's practice delivery never counts) and "
                "everyone who attended, named or a Muster person; a school's staff trained are "
                "its people who attended any session in the range."
            )
        ],
        [
            Table(
                "training-over-time",
                _("Training over time"),
                [period, _("Sessions"), _("Attended")],
                rows,
            ),
            Table(
                "training-by-school",
                _("Training coverage by school"),
                [
                    _("School"),
                    _("Sessions"),
                    _("Attended"),
                    _("Staff trained"),
                    _("Staff"),
                    _("Staff trained (%)"),
                ],
                school_rows,
            ),
        ],
        chart,
    )
