"""What the tip pages read: a district's tip line by its public code, its schools, the newest
tips with their threads, and one tip's thread (server/tips/service.py decides who may)."""

from __future__ import annotations

from server.models import School, User
from server.tenancy import scoped
from server.tips import codes
from server.tips.models import Tip, TipLine, TipMessage

LIST_LIMIT = 200  # the newest; the rest become cases or are closed (the case work)


async def line(code: str) -> TipLine | None:
    """The tip line behind a public link (typed by hand, so any case)."""
    code = code.upper()
    if len(code) != codes.LINE_CODE_LENGTH or any(c not in codes.ALPHABET for c in code):
        return None
    return await TipLine.get_or_none(code=code).select_related("organisation")


async def line_schools(line: TipLine) -> list[School]:
    return await School.filter(organisation_id=line.organisation_id).order_by("name")


async def newest(user: User, only_schools: frozenset[int] | None = None) -> list[Tip]:
    """The newest tips, of ``only_schools`` when given (a school's threat assessment team)."""
    found = scoped(Tip, user)
    if only_schools is not None:
        found = found.filter(school_id__in=list(only_schools))
    return (
        await found.order_by("-received_at")
        .limit(LIST_LIMIT)
        .prefetch_related("school", "messages")
    )


async def thread(tip: Tip) -> list[TipMessage]:
    return await TipMessage.filter(tip_id=tip.id).order_by("at", "id").prefetch_related("author")


def waiting_for_team(tip: Tip) -> bool:
    """The tipster answered last: the team has something new to read (messages prefetched)."""
    messages = sorted(tip.messages, key=lambda m: (m.at, m.id))
    return bool(messages) and not messages[-1].from_team
