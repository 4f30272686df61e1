"""The phone's accounting and reunification events: a teacher's tap on a student
(``accounting.marked``: here, missing, injured with a note, absent today, an extra from another
class, or taken back), where the class is (``accounting.reported``), and a student released to
an adult (``reunification.released``). A student is released once: the server decides between
two phones that were offline together, and the later one's event is rejected with who took the
student and when, which that phone shows under "Needs attention"."""

from __future__ import annotations

from typing import Any, NamedTuple
from zoneinfo import ZoneInfo

from server.accounting.forms import ClassReported, StudentMarked, StudentReleased
from server.accounting.models import (
    AccountingCall,
    ClassReport,
    Enrollment,
    Guardian,
    Mark,
    Release,
    RosterClass,
    Student,
    StudentMark,
)
from server.district_time import HM, shown
from server.events.bulk import insert_many
from server.events.registry import Pending, Sender, event_type
from server.i18n import gettext as _
from server.incidents.models import MANAGERS, Incident, IncidentSchool, IncidentStatus
from server.models import Site, User
from server.sql import Sql


async def _schools(batch: list[Pending], sender: Sender) -> dict[int, list[int]]:
    """Each of the batch's incidents with the schools whose rosters the sender may use in it
    (``service.schools_seen``, for a batch in one query); events on any other incident
    (closed, another district's, no school of theirs) are rejected."""
    user = sender.user
    links = IncidentSchool.filter(
        incident_id__in={p.payload.incident_id for p in batch},
        incident__organisation_id=user.organisation_id,
        incident__status__in=OPEN,
    )
    if not user.has_role(*MANAGERS):
        links = links.filter(school__members__id=user.id)
    allowed: dict[int, list[int]] = {}
    for incident_id, school_id in await links.values_list("incident_id", "school_id"):
        allowed.setdefault(incident_id, []).append(school_id)
    for p in batch:
        if p.payload.incident_id not in allowed:
            p.reject(_("This incident is closed, or its students are not yours to see."))
    return allowed


OPEN = (IncidentStatus.ACTIVE, IncidentStatus.STABILISED, IncidentStatus.RECOVERY)


class ClassSeen(NamedTuple):
    """A class the sender may account for in an incident: its school, its active students, and
    the school's sites (where the class may say it is)."""

    school: int
    students: frozenset[int]
    sites: frozenset[int]


async def _classes(batch: list[Pending], sender: Sender) -> dict[tuple[int, int], ClassSeen]:
    """The batch's (incident, class) pairs the sender may account for: an open incident of the
    sender's district that asks for accounting, a class at one of its schools that is the
    sender's (any, for the safety team and admins). Events on any other pair are rejected. A pair
    is looked up once a batch (its taps and its report ask alike)."""
    known: dict[tuple[int, int], ClassSeen | None] = sender.looked_up.setdefault("accounting", {})
    pairs = {(p.payload.incident_id, p.payload.class_id) for p in batch}
    missing = pairs - known.keys()
    if missing:
        known |= await _look_up(missing, sender.user)
    allowed: dict[tuple[int, int], ClassSeen] = {}
    for p in batch:
        pair = (p.payload.incident_id, p.payload.class_id)
        seen = known.get(pair)
        if seen is not None:
            allowed[pair] = seen
        else:
            p.reject(_("This incident is closed, or this class is not yours to account for."))
    return allowed


async def _look_up(
    pairs: set[tuple[int, int]], user: User
) -> dict[tuple[int, int], ClassSeen | None]:
    """Each (incident, class) pair with the class's school, active students and the school's
    sites, or None where it may not be used: the classes joined to the open incidents at their
    schools that ask, and to their enrollments, then the sites of their schools. One statement
    written by hand, one round trip: every batch of taps asks it, and the ORM took longer to
    build this join than the database to run it (bench/accounting)."""
    sql = Sql()
    classes = {klass for _incident, klass in pairs}
    member = ""
    if not user.has_role(*MANAGERS):
        member = (
            f"AND EXISTS (SELECT 1 FROM membership m WHERE m.school_id = c.school_id"
            f" AND m.user_id = {sql.value(user.id)})"
        )
    rows = await sql.rows(
        f"SELECT c.id AS class_id, c.school_id, l.incident_id, e.student_id, s.active,"
        f" NULL AS site_id FROM {sql.table(RosterClass)} c"
        f" JOIN {sql.table(IncidentSchool)} l ON l.school_id = c.school_id"
        f" JOIN {sql.table(Incident)} i ON i.id = l.incident_id"
        f" LEFT JOIN {sql.table(Enrollment)} e ON e.roster_class_id = c.id"
        f" LEFT JOIN {sql.table(Student)} s ON s.id = e.student_id"
        f" WHERE c.id IN {sql.among(classes)}"
        f" AND l.incident_id IN {sql.among({incident for incident, _class in pairs})}"
        f" AND i.organisation_id = {sql.value(user.organisation_id)}"
        f" AND i.status IN {sql.among(status.value for status in OPEN)}"
        f" AND EXISTS (SELECT 1 FROM {sql.table(AccountingCall)} a WHERE a.incident_id = i.id)"
        f" {member}"
        f" UNION ALL SELECT NULL, st.school_id, NULL, NULL, NULL, st.id"
        f" FROM {sql.table(Site)} st WHERE st.school_id IN"
        f" (SELECT c.school_id FROM {sql.table(RosterClass)} c WHERE c.id IN {sql.among(classes)})"
    )
    schools: dict[tuple[int, int], int] = {}
    students: dict[tuple[int, int], set[int]] = {}
    sites: dict[int, set[int]] = {}
    for row in rows:
        if row["site_id"] is not None:
            sites.setdefault(row["school_id"], set()).add(row["site_id"])
            continue
        pair = (row["incident_id"], row["class_id"])
        schools[pair] = row["school_id"]
        if row["student_id"] is not None and row["active"]:
            students.setdefault(pair, set()).add(row["student_id"])
    seen = {
        pair: ClassSeen(school, frozenset(students.get(pair, ())), frozenset(sites.get(school, ())))
        for pair, school in schools.items()
    }
    return {pair: seen.get(pair) for pair in pairs}


@event_type("accounting.marked", StudentMarked)
async def student_marked(batch: list[Pending], sender: Sender) -> None:
    allowed = await _classes(batch, sender)
    classes = {klass: seen.school for (_incident, klass), seen in allowed.items()}
    wanted = {p.payload.student_id for p in batch if not p.rejected}
    pairs = {
        (klass, student)
        for (_incident, klass), seen in allowed.items()
        for student in seen.students & wanted
    }
    students = {sid: classes[cid] for cid, sid in pairs}  # a class's students are at its school
    others = wanted - set(students)  # extras, or students not in the class named
    if others:
        students |= dict(
            await Student.filter(id__in=others, active=True).values_list("id", "school_id")
        )
    rows: list[dict[str, Any]] = []
    for p in batch:
        if p.rejected:
            continue
        m: StudentMarked = p.payload
        if students.get(m.student_id) != classes[m.class_id]:
            p.reject(_("This student is not at this class's school."))
        elif m.mark != Mark.EXTRA and (m.class_id, m.student_id) not in pairs:
            p.reject(_("This student is not in this class: add them as an extra."))
        elif m.mark == Mark.EXTRA and (m.class_id, m.student_id) in pairs:
            p.reject(_("This student is in this class already."))
        else:
            rows.append(
                {
                    "id": m.mark_id,
                    "incident_id": m.incident_id,
                    "roster_class_id": m.class_id,
                    "student_id": m.student_id,
                    "mark": m.mark,
                    "note": m.note.strip() if m.mark == Mark.INJURED else "",
                    "user_id": sender.user.id,
                    "at": p.occurred_at,
                }
            )
    await insert_many(StudentMark, rows)


@event_type("accounting.reported", ClassReported)
async def class_reported(batch: list[Pending], sender: Sender) -> None:
    allowed = await _classes(batch, sender)
    rows: list[dict[str, Any]] = []
    for p in batch:
        if p.rejected:
            continue
        r: ClassReported = p.payload
        if r.site_id is not None and r.site_id not in allowed[(r.incident_id, r.class_id)].sites:
            p.reject(_("Choose one of the school's places."))
        else:
            rows.append(
                {
                    "id": r.report_id,
                    "incident_id": r.incident_id,
                    "roster_class_id": r.class_id,
                    "user_id": sender.user.id,
                    "site_id": r.site_id,
                    "place": r.place.strip(),
                    "position": r.position.model_dump() if r.position else None,
                    "at": p.occurred_at,
                }
            )
    await insert_many(ClassReport, rows)


def _taken(release: Release, tz: ZoneInfo) -> str:
    return _("%(student)s was already released to %(to)s by %(staff)s at %(time)s.") % {
        "student": release.student.name,
        "to": release.released_to,
        "staff": release.staff.name,
        "time": shown(release.at, tz, HM),
    }


@event_type("reunification.released", StudentReleased)
async def student_released(batch: list[Pending], sender: Sender) -> None:
    """One at a time, each checked against the releases already made: the first to reach the
    server stands. The table's unique (incident, student) holds it against two phones' batches
    arriving together: the loser's batch is replayed and meets the winner's release here."""
    allowed = await _schools(batch, sender)
    tz = ZoneInfo(sender.app_state.settings.timezone)
    for p in batch:
        if p.rejected:
            continue
        r: StudentReleased = p.payload
        student = await Student.get_or_none(
            id=r.student_id, school_id__in=allowed[r.incident_id], active=True
        )
        if student is None:
            p.reject(_("This student is not at one of this incident's schools."))
            continue
        earlier = await Release.get_or_none(
            incident_id=r.incident_id, student_id=r.student_id
        ).prefetch_related("student", "staff")
        if earlier is not None:
            p.reject(_taken(earlier, tz))
            continue
        guardian = await Guardian.get_or_none(id=r.guardian_id, student_id=student.id)
        if guardian is None or not guardian.may_pick_up:
            p.reject(_("This adult is not on the student's pick-up list."))
            continue
        await Release.create(
            id=r.release_id,
            incident_id=r.incident_id,
            student_id=student.id,
            guardian_id=guardian.id,
            released_to=guardian.name,
            id_checked=r.id_checked.strip(),
            staff_id=sender.user.id,
            at=p.occurred_at,
        )
