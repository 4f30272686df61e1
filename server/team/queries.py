"""What the directory pages read: a team's functions with their people in order, the schools
with how many functions each has filled, and the choices for a function's form."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

from server.db import column
from server.models import School, User
from server.team.models import FUNCTION_LABELS, TeamFunction, TeamSeat
from server.tenancy import scoped


@dataclass(frozen=True)
class Row:
    function: TeamFunction
    label: str  # marked for translation
    people: list[User]  # the primary first, then the backups


async def team(user: User, school: School | None) -> list[Row]:
    """Every function of the school's team (None: the district's), filled or not."""
    seats = scoped(TeamSeat, user).filter(school_id=school.id if school else None)
    by_function: dict[str, list[User]] = {}
    for seat in await seats.order_by("rank").prefetch_related("person"):
        by_function.setdefault(seat.function, []).append(seat.person)
    return [Row(f, FUNCTION_LABELS[f], by_function.get(f, [])) for f in TeamFunction]


async def schools_filled(user: User) -> list[tuple[School, int]]:
    """Each school with how many of its functions have a primary."""
    primaries = scoped(TeamSeat, user).filter(rank=0, school_id__isnull=False)
    counts = Counter(await column(primaries, "school_id"))
    return [(s, counts.get(s.id, 0)) for s in await scoped(School, user)]


async def people(user: User) -> list[User]:
    """Who may fill a function: the district's active people."""
    return await scoped(User, user).filter(active=True)


async def seat_values(user: User, school: School | None, function: TeamFunction) -> dict[str, Any]:
    seats = scoped(TeamSeat, user).filter(school_id=school.id if school else None)
    chosen = (
        await seats.filter(function=function).order_by("rank").values_list("person_id", flat=True)
    )
    return {"primary": chosen[0] if chosen else None, "backups": list(chosen[1:])}
