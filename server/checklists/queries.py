"""What the safety team's runs pages read: the checklist runs the filters on screen find, a run's
page and the runs' CSV table."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

from tortoise.expressions import Q, RawSQL
from tortoise.queryset import QuerySet

from server.checklists.library import Library
from server.checklists.models import ChecklistAnswer, ChecklistRun
from server.checklists.present import rows
from server.checklists.schema import Checklist
from server.db import column
from server.i18n import N_
from server.listing import Listing, Sort, Spec, page_of, squashed
from server.models import Organisation, School, User
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


async def list_page(
    user: User, runs: QuerySet[ChecklistRun], filters: Listing, library: Library, lang: str
) -> dict[str, Any]:
    """The safety team's list: a page of the runs the filters found, and the filters' choices."""
    page = await page_of(runs, filters, "user", "school")
    return {
        "runs": page.items,
        "page": page,
        "filters": filters,
        "library": library,
        "lang": lang,
        "schools": await scoped(School, user),
        "people": await scoped(User, user),
    }


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


def _answers(run: ChecklistRun) -> tuple[dict[str, Any], dict[str, str]]:
    """A fetched run's answers (the latest of each item) and its reasons for skipped items."""
    answers = {a.item_id: a.value for a in sorted(run.answers, key=lambda a: a.answered_at)}
    return answers, {s["item_id"]: s["reason"] for s in run.skipped}


async def run_view(run: ChecklistRun, library: Library, lang: str, tz: ZoneInfo) -> dict[str, Any]:
    """A run's page: the run, its checklist (the version it ran), each item with its answer."""
    await run.fetch_related("user", "school", "answers")
    checklist = library.get(run.checklist_id, run.checklist_version)
    answers, reasons = _answers(run)
    return {
        "run": run,
        "checklist": checklist,
        "rows": rows(checklist, answers, lang, tz) if checklist else [],
        "reasons": reasons,
        "lang": lang,
    }


CSV_HEADER = [
    "run",
    "checklist",
    "version",
    "person",
    "school",
    "started",
    "completed",
    "section",
    "item",
    "question",
    "answer",
    "reason not done",
]


def csv_table(found: list[ChecklistRun], library: Library, lang: str, tz: ZoneInfo) -> list:
    """One CSV row per answered or skipped item of each run, times on the district's clock."""
    table = []
    for run in found:
        checklist = library.get(run.checklist_id, run.checklist_version)
        answers, reasons = _answers(run)
        for row in rows(checklist, answers, lang, tz) if checklist else []:
            table.append(
                [
                    run.id,
                    run.checklist_id,
                    run.checklist_version,
                    run.user.name,
                    run.school.name if run.school else "",
                    run.started_at.astimezone(tz).isoformat(),
                    run.completed_at.astimezone(tz).isoformat() if run.completed_at else "",
                    row["section"],
                    row["item"].id,
                    row["text"],
                    row["answer"],
                    reasons.get(row["item"].id, ""),
                ]
            )
    return table


@dataclass(frozen=True)
class Review:
    """A checklist's content review: when it was last reviewed and when the next one is due."""

    checklist: Checklist
    due_on: date

    def overdue(self, today: date) -> bool:
        return self.due_on <= today


def months_after(day: date, months: int) -> date:
    """The same day ``months`` later (the month's last day when it is shorter: 31 Jan + 1 is
    28 or 29 Feb)."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise AssertionError("every month has 28 days")


def reviews(library: Library, organisation: Organisation) -> list[Review]:
    """Every current checklist with the day its next content review is due (its ``revised``
    date plus the district's age), the oldest first."""
    months = organisation.checklist_review_months
    found = [Review(c, months_after(c.revised, months)) for c in library.checklists.values()]
    return sorted(found, key=lambda r: (r.due_on, r.checklist.id))


def due_reviews(library: Library, organisation: Organisation, today: date) -> list[Review]:
    """The checklists older than the district's review age: the reminder for the leads."""
    return [review for review in reviews(library, organisation) if review.overdue(today)]
