"""Accounting's arithmetic: from every tap of an incident (the latest for a class and a student
stands), each school's figures for the live page: classes reported of all, students accounted of
enrolled, the missing and injured by name, and extras matched against their own class's missing
list (missing in their class, extra in another: found). Reads the incident's marks once, so the
page costs one query a table whatever the school's size."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from server.accounting.models import (
    ClassReport,
    Enrollment,
    Mark,
    Release,
    RosterClass,
    Student,
    StudentMark,
)
from server.incidents.models import Incident
from server.models import School
from server.sql import Sql

# (class, student) -> mark, note, and the time as the database keeps it (``marks_of`` reads it)
Latest = dict[tuple[int, int], tuple[Mark, str, Any]]
HERE = (Mark.PRESENT, Mark.INJURED, Mark.EXTRA)  # at the site with a teacher
ACCOUNTED = (*HERE, Mark.ABSENT)


async def latest_marks(incident_id: int) -> Latest:
    """Each class's standing mark for each student: its latest tap. Read raw, as the live page's
    students and classes are: the page reads a whole school's rows at every refresh, and the
    ORM's conversion of each row took longer than the query (bench/accounting.py)."""
    sql = Sql()
    rows = await sql.rows(
        f"SELECT roster_class_id, student_id, mark, note, at FROM {sql.table(StudentMark)}"
        f" WHERE incident_id = {sql.value(incident_id)} ORDER BY at"
    )
    latest: dict[tuple[int, int], tuple[str, str, Any]] = {}
    for row in rows:  # the latest tap last
        latest[(row["roster_class_id"], row["student_id"])] = (row["mark"], row["note"], row["at"])
    return {
        key: (Mark(mark), note, at)
        for key, (mark, note, at) in latest.items()
        if mark != Mark.CLEARED.value
    }


async def marks_of(incident_id: int) -> list[dict[str, Any]]:
    """The server's marks of the incident, for the accounting page's phone to start from."""
    stored_time = StudentMark._meta.fields_map["at"].to_python_value
    return [
        {
            "class": c,
            "student": s,
            "mark": mark.value,
            "note": note,
            "at": stored_time(at).isoformat(),
        }
        for (c, s), (mark, note, at) in (await latest_marks(incident_id)).items()
    ]


@dataclass
class SchoolFigures:
    school: School
    classes: int = 0
    reported: int = 0
    enrolled: int = 0
    accounted: int = 0
    missing: list[str] = field(default_factory=list)
    injured: list[tuple[str, str]] = field(default_factory=list)  # name, note
    found: list[tuple[str, str]] = field(default_factory=list)  # name, the class they are with
    extras: list[tuple[str, str, str]] = field(default_factory=list)  # name, own class, with

    @property
    def complete(self) -> bool:
        return self.classes > 0 and self.reported == self.classes and not self.missing


async def panel(incident: Incident, schools: list[int]) -> list[SchoolFigures]:
    latest = await latest_marks(incident.id)
    class_rows = await RosterClass.filter(school_id__in=schools).values_list(
        "id", "name", "school_id"
    )
    class_name = {cid: name for cid, name, _school in class_rows}
    reported = set(
        await ClassReport.filter(incident_id=incident.id).values_list("roster_class_id", flat=True)
    )
    sql = Sql()  # the schools' active students: name and school
    students = {
        row["id"]: (row["name"], row["school_id"])
        for row in await sql.rows(
            f"SELECT id, name, school_id FROM {sql.table(Student)}"
            f" WHERE school_id IN {sql.among(schools)} AND active = {sql.value(True)}"
        )
    }
    sql = Sql()  # each student's own classes
    own: dict[int, set[int]] = {}
    for row in await sql.rows(
        f"SELECT roster_class_id, student_id FROM {sql.table(Enrollment)}"
        f" WHERE roster_class_id IN {sql.among(class_name)}"
    ):
        own.setdefault(row["student_id"], set()).add(row["roster_class_id"])
    by_student: dict[int, list[tuple[int, Mark, str]]] = {}
    for (cid, sid), (mark, note, _at) in latest.items():
        by_student.setdefault(sid, []).append((cid, mark, note))
    figures = {s.id: SchoolFigures(s) for s in await School.filter(id__in=schools)}
    for _cid, _name, school in class_rows:
        figures[school].classes += 1
    for c, _name, school in class_rows:
        if c in reported:
            figures[school].reported += 1
    for sid, (name, school) in students.items():
        f = figures[school]
        f.enrolled += 1
        mine = own.get(sid, set())
        marks = by_student.get(sid, [])
        in_own = [(c, m, n) for c, m, n in marks if c in mine]
        elsewhere = [(c, m, n) for c, m, n in marks if c not in mine and m == Mark.EXTRA]
        own_classes = ", ".join(sorted(class_name.get(c, "") for c in mine))
        if any(m in ACCOUNTED for _c, m, _n in in_own) or elsewhere:
            f.accounted += 1
        for _c, m, note in in_own:
            if m == Mark.INJURED:
                f.injured.append((name, note))
        missing_here = any(m == Mark.MISSING for _c, m, _n in in_own)
        seen_here = any(m in HERE for _c, m, _n in in_own)
        if missing_here and elsewhere:
            f.found.append((name, class_name.get(elsewhere[0][0], "")))
        elif missing_here and not seen_here:
            f.missing.append(name)
        for c, _m, _n in elsewhere:
            f.extras.append((name, own_classes, class_name.get(c, "")))
    return list(figures.values())


async def all_reported(incident_id: int, schools: list[int]) -> tuple[int, int, datetime | None]:
    """The schools' classes, how many reported in the incident, and when the last of them first
    reported (on the server's clock): None until every class has (a drill's figure)."""
    classes = set(await RosterClass.filter(school_id__in=schools).values_list("id", flat=True))
    first: dict[int, datetime] = {}
    for class_id, at in await ClassReport.filter(
        incident_id=incident_id, roster_class_id__in=list(classes)
    ).values_list("roster_class_id", "at"):
        if class_id not in first or at < first[class_id]:
            first[class_id] = at
    done = bool(classes) and len(first) == len(classes)
    return len(classes), len(first), max(first.values()) if done else None


async def reunification_counts(incident_id: int) -> dict[str, int]:
    """At the site (accounted by a teacher as here, injured or extra), released (a student is
    released once), and waiting (at the site, not released yet)."""
    latest = await latest_marks(incident_id)
    at_site = {sid for (_c, sid), (mark, _n, _at) in latest.items() if mark in HERE}
    gone = set(await Release.filter(incident_id=incident_id).values_list("student_id", flat=True))
    return {"at_site": len(at_site | gone), "released": len(gone), "waiting": len(at_site - gone)}
