"""What the accounting pages read: the rosters held per school, a teacher's classes and the
school's students for the accounting page, the live page's figures per school (accounting.tally
decides them) and the reunification page's students and releases."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tortoise.functions import Count

from server.accounting.models import (
    ClassTeacher,
    Enrollment,
    Guardian,
    Release,
    RosterClass,
    Student,
)
from server.models import School, Site, User
from server.tenancy import scoped


@dataclass(frozen=True)
class Held:
    school: School
    students: int
    classes: int


async def rosters_held(user: User) -> list[Held]:
    schools = await scoped(School, user)
    students = dict(
        await Student.filter(organisation_id=user.organisation_id, active=True)
        .group_by("school_id")
        .annotate(n=Count("id"))
        .values_list("school_id", "n")
    )
    classes = dict(
        await RosterClass.filter(organisation_id=user.organisation_id)
        .group_by("school_id")
        .annotate(n=Count("id"))
        .values_list("school_id", "n")
    )
    return [Held(s, students.get(s.id, 0), classes.get(s.id, 0)) for s in schools]


async def school_names(user: User) -> dict[str, int]:
    return {s.name.strip().lower(): s.id for s in await scoped(School, user)}


async def school_ids(user: User) -> set[int]:
    return {s.id for s in await scoped(School, user)}


async def classes_for(user: User, schools: list[int]) -> list[dict[str, Any]]:
    """The schools' classes, the ones this person teaches first; each with its students' ids."""
    classes = await RosterClass.filter(school_id__in=schools).order_by("name")
    mine = set(
        await ClassTeacher.filter(
            teacher_id=user.id, roster_class__school_id__in=schools
        ).values_list("roster_class_id", flat=True)
    )
    members: dict[int, list[int]] = {c.id: [] for c in classes}
    for class_id, student_id in await Enrollment.filter(
        roster_class_id__in=list(members), student__active=True
    ).values_list("roster_class_id", "student_id"):
        members[class_id].append(student_id)
    rows = [
        {
            "id": c.id,
            "name": c.name,
            "period": c.period,
            "mine": c.id in mine,
            "school": c.school_id,
            "students": members[c.id],
        }
        for c in classes
    ]
    return sorted(rows, key=lambda r: (not r["mine"], r["name"]))


async def students_of(schools: list[int]) -> list[dict[str, Any]]:
    return [
        {"id": sid, "name": name, "grade": grade, "school": school}
        for sid, name, grade, school in await Student.filter(school_id__in=schools, active=True)
        .order_by("name")
        .values_list("id", "name", "grade", "school_id")
    ]


async def sites_of(schools: list[int]) -> list[Site]:
    return await Site.filter(school_id__in=schools).order_by("name")


async def guardians_of(schools: list[int]) -> dict[int, list[dict[str, Any]]]:
    found: dict[int, list[dict[str, Any]]] = {}
    for g in await Guardian.filter(student__school_id__in=schools, student__active=True).order_by(
        "-may_pick_up", "name"
    ):
        found.setdefault(g.student_id, []).append(
            {
                "id": g.id,
                "name": g.name,
                "phone": g.phone,
                "relationship": g.relationship,
                "may_pick_up": g.may_pick_up,
            }
        )
    return found


async def custody_notes(schools: list[int]) -> dict[int, str]:
    return dict(
        await Student.filter(school_id__in=schools, active=True)
        .exclude(custody_notes="")
        .values_list("id", "custody_notes")
    )


async def releases(incident_id: int) -> list[Release]:
    return await Release.filter(incident_id=incident_id).prefetch_related(
        "student", "staff", "guardian"
    )
