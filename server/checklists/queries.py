"""What the safety team's runs pages read: the checklist runs the filters on screen find."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from tortoise.expressions import Q, RawSQL
from tortoise.queryset import QuerySet

from server.checklists.library import Library
from server.checklists.models import ChecklistAnswer, ChecklistRun
from server.db import column
from server.i18n import N_
from server.listing import Listing, Sort, Spec, squashed
from server.models import User
from server.reports.correlate import plate_key
from server.tenancy import MAX_ID, scoped

STATES = ("open", "completed", "discarded")

SPEC = Spec(
    day_field="started_at",
    sorts={
        "newest": Sort(N_("Newest first"), ("-started_at",)),
        "oldest": Sort(N_("Oldest first"), ("started_at",)),
        "checklist": Sort(N_("Checklist"), ("checklist_id", "-started_at")),
        "person": Sort(N_("Person"), ("user__name", "-started_at")),
    },
    text_fields=("user__name", "school__name"),
    json_fields=("context",),  # the bus number, route or trip it was run for
    school_field="school_id",
    extra={
        "checklist": lambda raw: raw[:64] if raw.replace("-", "").isalnum() else None,
        "person": lambda raw: int(raw) if raw.isdecimal() and 0 < int(raw) <= MAX_ID else None,
        "state": lambda raw: raw if raw in STATES else None,
    },
)


def read(query) -> Listing:
    return Listing.read(SPEC, query)


async def found(
    user: User, listing: Listing, tz: ZoneInfo, library: Library
) -> QuerySet[ChecklistRun]:
    elsewhere = Q(id__in=await _matching(user, listing.search, library)) if listing.search else None
    # practice counts nowhere
    runs = listing.apply(scoped(ChecklistRun, user).filter(practice=False), tz, elsewhere)
    extra = listing.extra
    if extra.get("checklist"):
        runs = runs.filter(checklist_id=extra["checklist"])
    if extra.get("person"):
        runs = runs.filter(user_id=extra["person"])
    state = extra.get("state")
    if state == "completed":
        runs = runs.filter(completed_at__isnull=False)
    elif state == "discarded":
        runs = runs.filter(discarded_at__isnull=False)
    elif state == "open":
        runs = runs.filter(completed_at__isnull=True, discarded_at__isnull=True)
    return runs


async def _matching(user: User, search: str, library: Library) -> list:
    """Runs the search finds beyond their own columns: a checklist's title in either language,
    and the answers given (a plate typed in a text answer, however it was typed)."""
    folded = search.casefold()
    titled = [
        c.id
        for c in library.checklists.values()
        if any(folded in (c.title.get(lang) or "").casefold() for lang in ("en", "es"))
    ]
    answers = ChecklistAnswer.filter(run__organisation_id=user.organisation_id)
    text = 'CAST("checklist_answer"."value" AS TEXT)'
    answered = answers.annotate(_text=RawSQL(text)).filter(_text__icontains=search)
    ids = set(await column(answered, "run_id"))
    if key := plate_key(search):
        plated = answers.annotate(_plate=RawSQL(squashed(text))).filter(_plate__contains=key)
        ids |= set(await column(plated, "run_id"))
    if titled:
        ids |= set(await column(scoped(ChecklistRun, user).filter(checklist_id__in=titled), "id"))
    return list(ids)
