"""Compliance rules, pure: the school year a day falls in, and where a school stands on one kind
of drill in it. Days are the district's calendar days (server/district_time.py)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from server.i18n import N_


def school_year(day: date, starts_month: int) -> tuple[date, date]:
    """The first and last day of the school year ``day`` falls in; it starts on the first of
    ``starts_month`` (August: 2026-08-01 to 2027-07-31)."""
    first_year = day.year if day.month >= starts_month else day.year - 1
    first = date(first_year, starts_month, 1)
    return first, date(first_year + 1, starts_month, 1) - timedelta(days=1)


class State(StrEnum):
    MET = "met"  # enough held, the early window's share too
    ON_TRACK = "on-track"  # not yet, but the drills planned would make it
    SHORT = "short"  # not enough held or planned: plan more
    OVERDUE = "overdue"  # a window has closed unmet, or a planned drill's day passed unheld


STATE_LABELS = {
    State.MET: N_("Done"),
    State.ON_TRACK: N_("On track"),
    State.SHORT: N_("Plan more"),
    State.OVERDUE: N_("Overdue"),
}


@dataclass(frozen=True)
class Rule:
    per_year: int
    early_count: int = 0
    early_days: int | None = None


@dataclass(frozen=True)
class Standing:
    required: int
    held: int
    planned: int  # planned from today on, within the year
    early_required: int
    early_held: int
    early_by: date | None  # the last day of the early window
    missed: int  # planned days already past and not held
    state: State


def standing(
    rule: Rule, held: list[date], planned: list[date], year: tuple[date, date], today: date
) -> Standing:
    """Where one school stands on one kind in ``year``: ``held`` the days its drills were held,
    ``planned`` the days of those still planned (not held, not cancelled)."""
    first, last = year
    held = [d for d in held if first <= d <= last]
    planned = [d for d in planned if first <= d <= last]
    coming = [d for d in planned if d >= today]
    early_by = early_end(rule, year)
    early_held = sum(1 for d in held if early_by and d <= early_by)
    early_coming = sum(1 for d in coming if early_by and d <= early_by)
    missed = len(planned) - len(coming)
    return counted(rule, year, today, len(held), len(coming), missed, early_held, early_coming)


def early_end(rule: Rule, year: tuple[date, date]) -> date | None:
    """The last day of the rule's early window in ``year`` (None: the rule has none)."""
    if not (rule.early_count and rule.early_days):
        return None
    return min(year[1], year[0] + timedelta(days=rule.early_days - 1))


def counted(
    rule: Rule,
    year: tuple[date, date],
    today: date,
    held: int,
    coming: int,
    missed: int,
    early_held: int = 0,
    early_coming: int = 0,
) -> Standing:
    """Where a school stands from its drills counted (as ``standing`` counts them, or a
    database does): ``held`` in the year, ``coming`` planned from today, ``missed`` planned
    days already past and not held; the early window's held and coming."""
    early_by = early_end(rule, year)
    early_short = max(0, rule.early_count - early_held) if early_by else 0
    if held >= rule.per_year and not early_short:
        state = State.MET
    elif missed or (early_by and today > early_by and early_short) or today > year[1]:
        state = State.OVERDUE
    elif held + coming >= rule.per_year and early_coming >= early_short:
        state = State.ON_TRACK
    else:
        state = State.SHORT
    return Standing(
        required=rule.per_year,
        held=held,
        planned=coming,
        early_required=rule.early_count if early_by else 0,
        early_held=early_held if early_by else 0,
        early_by=early_by,
        missed=missed,
        state=state,
    )
