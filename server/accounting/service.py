"""Every decision of the accounting area: a roster applied (created, updated by the source's ids,
nothing changed by the same file again), who may see rosters and releases, an incident asking
for accounting, and the looks at guardian records, each audited. No request, no HTTP error."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from tortoise.transactions import in_transaction

from server import audit
from server.accounting.models import (
    AccountingCall,
    ClassTeacher,
    Enrollment,
    Guardian,
    RosterClass,
    Student,
)
from server.accounting.rosters import Roster
from server.db import column
from server.incidents.models import MANAGERS, Incident, IncidentSchool, IncidentStatus
from server.models import User


@dataclass
class Counts:
    created: int = 0
    updated: int = 0
    removed: int = 0
    unchanged: int = 0
    teachers_unknown: list[str] | None = None

    @property
    def changed(self) -> int:
        return self.created + self.updated + self.removed


def _differs(record: Any, values: dict[str, Any]) -> bool:
    return any(getattr(record, key) != value for key, value in values.items())


async def _upsert(
    model: Any, org_id: int, rows: dict[str, dict[str, Any]], counts: Counts
) -> dict[str, int]:
    """Rows by source id: created, updated where they differ; their ids by source id."""
    found = {
        r.source_id: r for r in await model.filter(organisation_id=org_id, source_id__in=list(rows))
    }
    new = []
    for source, values in rows.items():
        record = found.get(source)
        if record is None:
            new.append(model(organisation_id=org_id, source_id=source, **values))
            counts.created += 1
        elif _differs(record, values):
            await model.filter(id=record.id).update(**values)
            counts.updated += 1
        else:
            counts.unchanged += 1
    if new:
        await model.bulk_create(new)
    rows_now = await model.filter(organisation_id=org_id, source_id__in=list(rows)).values_list(
        "source_id", "id"
    )
    return dict(rows_now)


async def _replace_pairs(
    model: Any, owner: str, other: str, wanted: dict[int, set[int]], counts: Counts
) -> None:
    """For each owner in ``wanted``, its rows of ``model`` become exactly the others given."""
    if not wanted:
        return
    have: dict[int, set[int]] = {key: set() for key in wanted}
    for a, b in await model.filter(**{f"{owner}__in": list(wanted)}).values_list(owner, other):
        have[a].add(b)
    new = []
    for key, others in wanted.items():
        gone = have[key] - others
        if gone:
            await model.filter(**{owner: key, f"{other}__in": sorted(gone)}).delete()
            counts.removed += len(gone)
        new += [model(**{owner: key, other: b}) for b in sorted(others - have[key])]
    counts.created += len(new)
    if new:
        await model.bulk_create(new)


async def import_roster(user: User, roster: Roster) -> Counts:
    """Applies a checked roster in one transaction: students, their guardians (those a student's
    record no longer names are removed: they may no longer pick up), classes, their teachers
    (Muster people matched by email) and enrollments (for each student in the file, exactly the
    classes the file gives). The same file again changes nothing."""
    org = user.organisation_id
    counts = Counts()
    async with in_transaction():
        student_rows = {}
        for s in roster.students.values():
            values: dict[str, Any] = {
                "name": s.name,
                "grade": s.grade,
                "school_id": s.school_id,
                "active": s.active,
            }
            if s.custody_notes is not None:
                values["custody_notes"] = s.custody_notes
            student_rows[s.source_id] = values
        students = await _upsert(Student, org, student_rows, counts)
        await _guardians(roster, students, counts)
        class_rows = {
            c.source_id: {"name": c.name, "period": c.period, "school_id": c.school_id}
            for c in roster.classes.values()
        }
        classes = await _upsert(RosterClass, org, class_rows, counts)
        emails = {e for c in roster.classes.values() for e in c.teacher_emails}
        people = dict(
            await User.filter(organisation_id=org, email__in=sorted(emails)).values_list(
                "email", "id"
            )
        )
        people = {email.lower(): pid for email, pid in people.items()}
        counts.teachers_unknown = sorted(emails - set(people))
        teaching = {
            classes[c.source_id]: {people[e] for e in c.teacher_emails if e in people}
            for c in roster.classes.values()
        }
        await _replace_pairs(ClassTeacher, "roster_class_id", "teacher_id", teaching, counts)
        enrolled: dict[int, set[int]] = {students[s]: set() for s in roster.students}
        for klass, student in roster.enrollments:
            enrolled[students[student]].add(classes[klass])
        await _replace_pairs(Enrollment, "student_id", "roster_class_id", enrolled, counts)
        await audit.record(
            user,
            "roster.imported",
            user,
            students=len(roster.students),
            classes=len(roster.classes),
            created=counts.created,
            updated=counts.updated,
            removed=counts.removed,
        )
    return counts


async def _guardians(roster: Roster, students: dict[str, int], counts: Counts) -> None:
    wanted: dict[tuple[int, str], dict[str, Any]] = {}
    for g in roster.guardians:
        wanted[(students[g.student], g.source_id)] = {
            "name": g.name,
            "phone": g.phone,
            "relationship": g.relationship,
            "may_pick_up": g.may_pick_up,
        }
    ids = [students[s] for s in roster.students]
    have = {(g.student_id, g.source_id): g for g in await Guardian.filter(student_id__in=ids)}
    gone = [g.id for key, g in have.items() if key not in wanted]
    if gone:
        await Guardian.filter(id__in=gone).delete()
        counts.removed += len(gone)
    new = []
    for (student, source), values in wanted.items():
        record = have.get((student, source))
        if record is None:
            new.append(Guardian(student_id=student, source_id=source, **values))
            counts.created += 1
        elif _differs(record, values):
            await Guardian.filter(id=record.id).update(**values)
            counts.updated += 1
    if new:
        await Guardian.bulk_create(new)


# Who sees rosters and releases: the safety team and admins, and during an incident or drill
# (one not closed) the staff of the schools it concerns.


async def incident_schools(incident: Incident) -> list[int]:
    return sorted(await column(IncidentSchool.filter(incident_id=incident.id), "school_id"))


async def schools_seen(user: User, incident: Incident) -> list[int]:
    """The incident's schools whose rosters ``user`` may see now; empty: none (a 404)."""
    if user.organisation_id != incident.organisation_id:
        return []
    schools = await incident_schools(incident)
    if user.has_role(*MANAGERS):
        return schools
    if incident.status == IncidentStatus.CLOSED:
        return []
    mine = set(await column(user.schools.all(), "id"))
    return [s for s in schools if s in mine]


async def accounting_asked(incident: Incident) -> bool:
    return await AccountingCall.filter(incident_id=incident.id).exists()


async def ask_for_accounting(user: User, incident: Incident, now: datetime) -> bool:
    """The incident asks its schools' teachers to account for their classes; False when it is
    closed. Asking twice is asking once."""
    if incident.status == IncidentStatus.CLOSED:
        return False
    _call, made = await AccountingCall.get_or_create(
        incident_id=incident.id, defaults={"asked_by_id": user.id, "asked_at": now}
    )
    if made:
        await audit.record(user, "accounting.asked", incident, reference=incident.reference)
    return True


async def guardians_viewed(user: User, incident: Incident, students: int, page: str) -> None:
    """A page holding guardian records (names, phones, custody notes) was read: audited."""
    await audit.record(
        user,
        "guardians.viewed",
        incident,
        reference=incident.reference,
        students=students,
        page=page,
    )


async def open_for(user: User) -> list[Incident]:
    """The open incidents that ask for accounting at one of this person's schools (every open
    one that asks, for the safety team and admins): for their home screen."""
    asking = Incident.filter(
        organisation_id=user.organisation_id, accounting__id__isnull=False
    ).exclude(status=IncidentStatus.CLOSED)
    if not user.has_role(*MANAGERS):
        mine = await column(user.schools.all(), "id")
        if not mine:
            return []
        asking = asking.filter(school_links__school_id__in=mine)
    return await asking.distinct().order_by("-opened_at")


async def recently_closed_for(user: User, since: datetime) -> list[Incident]:
    """Incidents that asked for accounting at this person's schools and closed since ``since``:
    their pages are listed for the phone to fetch once more, get a 404 and drop its copy."""
    mine = await column(user.schools.all(), "id")
    if not mine:
        return []
    return (
        await Incident.filter(
            organisation_id=user.organisation_id,
            status=IncidentStatus.CLOSED,
            closed_at__gte=since,
            accounting__id__isnull=False,
            school_links__school_id__in=mine,
        )
        .distinct()
        .order_by("-opened_at")
    )
