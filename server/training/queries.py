"""What the training pages read: the session form's choices, a trainer's sessions, a session with
its attendance and feedback, the coverage matrix (lesson x audience x school: who has been
trained, when, and what is due), the people due a refresher, certification reminders, and the
counts the metrics dashboard will show. Practice deliveries count in no coverage and no figure.

A lesson is due again ``refresher_months`` after it was given (the district's setting): on that
day on the district's calendar it is due, the day before it is not."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from zoneinfo import ZoneInfo

from server.db import column
from server.lessons.catalogue import SLUGS
from server.models import School, User
from server.tenancy import scoped
from server.training.models import PUBLIC, Attendance, Audience, Feedback, Trainer, TrainingSession
from server.training.service import add_months

RECENT = 50  # a trainer's newest sessions on their page


async def people(user: User) -> list[User]:
    """The district's active people, for the attendance list (the whole list is on the page, so
    a phone at a depot with no signal can pick from it)."""
    return await scoped(User, user).filter(active=True).order_by("name")


async def schools(user: User) -> list[School]:
    return await scoped(School, user).order_by("name")


async def my_sessions(user: User) -> list[TrainingSession]:
    return (
        await scoped(TrainingSession, user)
        .filter(trainer_id=user.id)
        .order_by("-held_at")
        .limit(RECENT)
        .prefetch_related("school")
    )


async def recent_sessions(user: User) -> list[TrainingSession]:
    """The district's newest sessions, for admins and the safety team."""
    return (
        await scoped(TrainingSession, user)
        .order_by("-held_at")
        .limit(RECENT)
        .prefetch_related("school", "trainer")
    )


@dataclass
class SessionPage:
    session: TrainingSession
    people: list[User]
    names: list[str]
    feedback: list[Feedback]


async def session_page(session: TrainingSession) -> SessionPage:
    await session.fetch_related("trainer", "school", "presenter")
    rows = await Attendance.filter(session_id=session.id).prefetch_related("person")
    people = sorted((r.person for r in rows if r.person is not None), key=lambda u: u.name)
    names = [r.name for r in rows if r.person_id is None]
    feedback = (
        await Feedback.filter(session_id=session.id).order_by("given_at").prefetch_related("author")
    )
    return SessionPage(session, people, names, list(feedback))


@dataclass
class Cell:
    """One lesson given to one audience (at one school, or in a scope of several)."""

    sessions: int = 0
    people: set[int] = field(default_factory=set)  # Muster people
    names: set[str] = field(default_factory=set)  # named, not Muster people
    counted: int = 0  # counted, not named
    last: date | None = None  # the latest day it was given

    @property
    def trained(self) -> int:
        return len(self.people) + len(self.names) + self.counted

    def due_on(self, months: int) -> date | None:
        return add_months(self.last, months) if self.last else None

    def status(self, today: date, months: int) -> str:
        """ "none" (never given), "due" (a refresher is due) or "current"."""
        due = self.due_on(months)
        if due is None:
            return "none"
        return "due" if due <= today else "current"


ALL = "all"  # every school and the district-wide sessions together
DISTRICT = "district"  # the sessions that belong to no one school (the bus depot)


@dataclass
class Attended:
    session_id: str
    lesson: str
    audience: Audience
    school_id: int | None
    day: date
    counted: int
    people: list[int] = field(default_factory=list)
    names: list[str] = field(default_factory=list)


async def attended(organisation_id: int, tz: ZoneInfo) -> list[Attended]:
    """Every counted session of the district (no practice), oldest first, with who came."""
    rows = (
        await TrainingSession.filter(organisation_id=organisation_id, practice=False)
        .order_by("held_at")
        .values("id", "lesson", "audience", "school_id", "held_at", "counted")
    )
    found = {
        str(r["id"]): Attended(
            str(r["id"]),
            r["lesson"],
            Audience(r["audience"]),
            r["school_id"],
            r["held_at"].astimezone(tz).date(),
            r["counted"],
        )
        for r in rows
    }
    who = await Attendance.filter(
        session__organisation_id=organisation_id, session__practice=False
    ).values("session_id", "person_id", "name")
    for row in who:
        one = found.get(str(row["session_id"]))
        if one is None:
            continue  # recorded since the sessions were read
        if row["person_id"] is not None:
            one.people.append(row["person_id"])
        else:
            one.names.append(row["name"])
    return list(found.values())


def in_scope(one: Attended, scope: str) -> bool:
    if scope == ALL:
        return True
    if scope == DISTRICT:
        return one.school_id is None
    return str(one.school_id) == scope


def matrix(records: list[Attended], scope: str) -> dict[tuple[str, Audience], Cell]:
    """Lesson x audience for one scope (a school's id, ``district`` or ``all``)."""
    cells: dict[tuple[str, Audience], Cell] = defaultdict(Cell)
    for one in records:
        if not in_scope(one, scope):
            continue
        cell = cells[(one.lesson, one.audience)]
        cell.sessions += 1
        cell.people.update(one.people)
        cell.names.update(one.names)
        cell.counted += one.counted
        cell.last = max(cell.last, one.day) if cell.last else one.day
    return cells


@dataclass(frozen=True)
class Due:
    person: User
    lesson: str
    last: date
    due_on: date


def latest_by_person(records: list[Attended]) -> dict[tuple[int, str], date]:
    """The day each person last had each lesson."""
    latest: dict[tuple[int, str], date] = {}
    for one in records:
        for person in one.people:
            key = (person, one.lesson)
            if key not in latest or latest[key] < one.day:
                latest[key] = one.day
    return latest


async def due_refreshers(
    organisation_id: int, records: list[Attended], today: date, months: int
) -> list[Due]:
    """The district's active people whose refresher of a lesson is due (soonest overdue first)."""
    due = {
        key: last
        for key, last in latest_by_person(records).items()
        if add_months(last, months) <= today
    }
    ids = {person for person, _lesson in due}
    found = {
        u.id: u for u in await User.filter(organisation_id=organisation_id, id__in=ids, active=True)
    }
    rows = [
        Due(found[person], lesson, last, add_months(last, months))
        for (person, lesson), last in due.items()
        if person in found
    ]
    return sorted(rows, key=lambda d: (d.due_on, d.person.name, SLUGS.index(d.lesson)))


def cell_attendees(
    records: list[Attended], scope: str, lesson: str, audience: Audience
) -> list[Attended]:
    """The sessions behind one cell of the matrix, newest first."""
    chosen = [
        one
        for one in records
        if one.lesson == lesson and one.audience == audience and in_scope(one, scope)
    ]
    return sorted(chosen, key=lambda one: one.day, reverse=True)


async def names_of(organisation_id: int, records: list[Attended]) -> dict[int, str]:
    ids = {p for one in records for p in one.people}
    rows = await User.filter(organisation_id=organisation_id, id__in=ids).values("id", "name")
    return {r["id"]: r["name"] for r in rows}


@dataclass(frozen=True)
class Reminder:
    trainer: Trainer
    expired: bool


async def expiring(organisation_id: int, today: date, days: int) -> list[Trainer]:
    """Trainers whose certification has expired or expires within ``days``, soonest first."""
    return (
        await Trainer.filter(
            organisation_id=organisation_id, expires_on__lte=today + timedelta(days=days)
        )
        .order_by("expires_on")
        .prefetch_related("person")
    )


async def my_reminder(user: User, today: date, days: int) -> Reminder | None:
    """For a trainer's home: their certification when it expires within ``days`` or has."""
    trainer = await Trainer.get_or_none(person_id=user.id, organisation_id=user.organisation_id)
    if trainer is None or trainer.expires_on > today + timedelta(days=days):
        return None
    return Reminder(trainer, trainer.expires_on < today)


async def trainers(user: User) -> list[Trainer]:
    return await scoped(Trainer, user).order_by("expires_on").prefetch_related("person")


@dataclass(frozen=True)
class Figures:
    """Counts only, for the metrics dashboard: no names, nothing about anyone."""

    sessions: int  # counted sessions (no practice)
    attendances: int  # a Muster person at a session, each time
    people_trained: int  # distinct Muster people trained at least once
    public_reached: int  # parents and students named or counted
    refreshers_due: int  # (person, lesson) pairs whose refresher is due
    trainers: int
    certifications_expiring: int  # within the reminder window, not yet expired
    certifications_expired: int


async def figures(
    organisation_id: int, today: date, tz: ZoneInfo, months: int, reminder_days: int
) -> Figures:
    records = await attended(organisation_id, tz)
    latest = latest_by_person(records)
    public = sum(
        len(one.names) + one.counted + len(one.people) for one in records if one.audience in PUBLIC
    )
    certified: list[date] = await column(
        Trainer.filter(organisation_id=organisation_id), "expires_on"
    )
    window = today + timedelta(days=reminder_days)
    return Figures(
        sessions=len(records),
        attendances=sum(len(one.people) for one in records),
        people_trained=len({person for person, _lesson in latest}),
        public_reached=public,
        refreshers_due=sum(1 for last in latest.values() if add_months(last, months) <= today),
        trainers=len(certified),
        certifications_expiring=sum(1 for d in certified if today <= d <= window),
        certifications_expired=sum(1 for d in certified if d < today),
    )
