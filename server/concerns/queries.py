"""What the concern pages read: the district's concerns, newest first, for those who may read
them (server/concerns/service.py decides who)."""

from __future__ import annotations

from server.concerns.models import Concern
from server.models import School, User
from server.tenancy import scoped

LIST_LIMIT = 200  # the newest; older ones by their reference (search and pages: the case work)


async def newest(user: User, only_schools: frozenset[int] | None = None) -> list[Concern]:
    """The newest concerns, of ``only_schools`` when given (a school's threat assessment team)."""
    found = scoped(Concern, user)
    if only_schools is not None:
        found = found.filter(school_id__in=list(only_schools))
    return (
        await found.order_by("-raised_at").limit(LIST_LIMIT).prefetch_related("raised_by", "school")
    )


async def schools(user: User) -> list[School]:
    """The schools a concern may be about: the district's, the person's own first."""
    mine = {s.id for s in await user.schools.all()}
    found = await scoped(School, user).order_by("name")
    return sorted(found, key=lambda s: s.id not in mine)
