"""Rosters in from a school information system: the OneRoster 1.1 and 1.2 sample sets in
tests/rosters/ (written for these tests) and a plain CSV; checked whole first, imported whole or
not at all, the same file again changes nothing, a later file updates by the source's ids."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from server.accounting.models import ClassTeacher, Enrollment, Guardian, RosterClass, Student
from server.models import AuditLog, School, User

HERE = Path(__file__).parent / "rosters"
V11, V12 = HERE / "oneroster-1.1", HERE / "oneroster-1.2"


def files_of(folder: Path, **changed: str) -> list[tuple[str, tuple[str, bytes, str]]]:
    out = []
    for path in sorted(folder.glob("*.csv")):
        body = changed.get(path.name, path.read_text(encoding="utf-8"))
        out.append(("files", (path.name, body.encode(), "text/csv")))
    return out


def zipped(folder: Path) -> list[tuple[str, tuple[str, bytes, str]]]:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for path in sorted(folder.glob("*.csv")):
            archive.write(path, f"export/{path.name}")
    return [("files", ("oneroster.zip", buffer.getvalue(), "application/zip"))]


async def post(client, files, school: int | str = ""):
    if not client.csrf:
        await client.get("/")
    return await client.http.post(
        "/admin/rosters", data={"csrf_token": client.csrf, "school": str(school)}, files=files
    )


@pytest.fixture
async def maple(org):
    """The sample set's school in the test district, and its two teachers as Muster people."""
    school = await School.create(organisation=org.organisation, name="Maple Grove Elementary")
    tag = org.school.name.split()[-1]
    teachers = []
    for letter in ("a", "b"):
        person = await User.create(
            organisation=org.organisation,
            name=f"Teacher {letter.upper()} {tag}",
            email=f"teacher-{letter}-{tag}@maple.example",
            password_hash=org.users["staff"].password_hash,
            roles=["staff"],
        )
        await person.schools.add(school)
        teachers.append(person)
    return school, teachers, tag


def with_emails(folder: Path, tag: str) -> dict[str, str]:
    users = (folder / "users.csv").read_text(encoding="utf-8")
    for letter in ("a", "b"):
        users = users.replace(f"teacher-{letter}@", f"teacher-{letter}-{tag}@")
    return {"users.csv": users}


def errors_of(response) -> list[str]:
    page = BeautifulSoup(response.text, "html.parser")
    return [li.get_text(" ", strip=True) for li in page.select("#import-errors li")]


async def snapshot(org_id: int) -> list:
    students = (
        await Student.filter(organisation_id=org_id)
        .order_by("source_id")
        .values_list("source_id", "name", "grade", "school_id", "custody_notes", "active")
    )
    guardians = (
        await Guardian.filter(student__organisation_id=org_id)
        .order_by("student_id", "source_id")
        .values_list("id", "student__source_id", "source_id", "name", "phone", "may_pick_up")
    )
    classes = (
        await RosterClass.filter(organisation_id=org_id)
        .order_by("source_id")
        .values_list("id", "source_id", "name", "period")
    )
    enrolled = (
        await Enrollment.filter(student__organisation_id=org_id)
        .order_by("id")
        .values_list("id", "roster_class__source_id", "student__source_id")
    )
    teachers = (
        await ClassTeacher.filter(roster_class__organisation_id=org_id)
        .order_by("id")
        .values_list("roster_class__source_id", "teacher__email")
    )
    return [students, guardians, classes, enrolled, teachers]


@pytest.mark.parametrize("folder", [V11, V12], ids=["1.1", "1.2"])
async def test_a_oneroster_set_imports_and_again_changes_nothing(org, as_role, maple, folder):
    school, teachers, tag = maple
    admin = await as_role("admin")
    response = await post(admin, files_of(folder, **with_emails(folder, tag)))
    assert response.status_code == 303, errors_of(response)
    students = {s.source_id: s for s in await Student.filter(organisation_id=org.organisation.id)}
    assert sorted(students) == ["s-1", "s-2", "s-3", "s-4", "s-5", "s-6"]
    assert students["s-1"].name == "Amara Osei" and students["s-1"].grade == "03"
    assert {s.school_id for s in students.values()} == {school.id}
    tran = await Guardian.filter(student_id=students["s-2"].id).order_by("source_id")
    # a parent and a guardian may pick up; a relative only when the school says so
    assert [(g.name, g.phone, g.may_pick_up) for g in tran] == [
        ("Linh Tran", "555-0102", True),
        ("Quang Tran", "555-0103", False),
    ]
    assert (
        await Guardian.filter(source_id="p-5", student__organisation_id=org.organisation.id).count()
        == 2
    )  # one parent of two siblings
    room4 = await RosterClass.get(organisation_id=org.organisation.id, source_id="c-3a")
    assert room4.name == "Grade 3 Room 4"
    assert await ClassTeacher.filter(roster_class=room4).values_list("teacher_id", flat=True) == [
        teachers[0].id
    ]
    assert sorted(
        await Enrollment.filter(roster_class=room4).values_list("student__source_id", flat=True)
    ) == ["s-1", "s-2", "s-3"]
    before = await snapshot(org.organisation.id)
    again = await post(admin, files_of(folder, **with_emails(folder, tag)))
    assert again.status_code == 303
    page = await admin.get("/admin/rosters")
    shown = BeautifulSoup(page.text, "html.parser").select("[role=status]")
    flashes = [p.get_text() for p in shown if "Roster imported" in p.get_text()]
    assert len(flashes) == 1, "the flash, shown once"
    assert "0 added, 0 updated, 0 removed" in flashes[0]
    assert await snapshot(org.organisation.id) == before
    entries = await AuditLog.filter(
        organisation_id=org.organisation.id, action="roster.imported"
    ).count()
    assert entries == 2


async def test_a_zip_of_the_set_imports_too(org, as_role, maple):
    admin = await as_role("admin")
    response = await post(admin, zipped(V11))
    assert response.status_code == 303
    assert await Student.filter(organisation_id=org.organisation.id).count() == 6
    # teacher-a@maple.example is nobody in Muster: the class has no teacher, the flash says so
    page = await admin.get("/admin/rosters")
    assert "teacher-a@maple.example" in page.text
    assert not await ClassTeacher.filter(roster_class__organisation_id=org.organisation.id).exists()


async def test_a_later_file_updates_by_the_source_ids(org, as_role, maple):
    _school, _teachers, tag = maple
    admin = await as_role("admin")
    changed = with_emails(V11, tag)
    assert (await post(admin, files_of(V11, **changed))).status_code == 303
    first = await Student.get(organisation_id=org.organisation.id, source_id="s-1")
    users = changed["users.csv"].replace("Amara,Osei", "Amara,Osei-Bonsu")
    users = users.replace("p-3,,,true,org-s1,relative", "p-3,,,true,org-s1,guardian")
    moved = (V11 / "enrollments.csv").read_text().replace("e-4,,,c-3a", "e-4,,,c-4b")
    assert (
        await post(admin, files_of(V11, **{"users.csv": users, "enrollments.csv": moved}))
    ).status_code == 303
    again = await Student.get(organisation_id=org.organisation.id, source_id="s-1")
    assert again.id == first.id and again.name == "Amara Osei-Bonsu"
    assert (
        await Guardian.get(source_id="p-3", student__organisation_id=org.organisation.id)
    ).may_pick_up is True
    carla = await Student.get(organisation_id=org.organisation.id, source_id="s-3")
    classes = await Enrollment.filter(student=carla).values_list(
        "roster_class__source_id", flat=True
    )
    assert classes == ["c-4b"]
    assert await Student.filter(organisation_id=org.organisation.id).count() == 6


async def test_one_bad_row_imports_nothing_and_names_it(org, as_role, maple):
    admin = await as_role("admin")
    users = (
        (V11 / "users.csv")
        .read_text()
        .replace("s-4,,,true,org-s1,student,s4,,Dev,Iyer", "s-4,,,true,org-s1,student,s4,,,")
    )
    enrollments = (V11 / "enrollments.csv").read_text() + "e-9,,,c-9z,org-s1,s-5,student,false,,\n"
    response = await post(
        admin, files_of(V11, **{"users.csv": users, "enrollments.csv": enrollments})
    )
    assert response.status_code == 422
    assert errors_of(response) == [
        "users.csv, row 8: A student needs a given or family name.",
        "enrollments.csv, row 10: Class “c-9z” is not in classes.csv.",
    ]
    assert not await Student.filter(organisation_id=org.organisation.id).exists()
    assert not await RosterClass.filter(organisation_id=org.organisation.id).exists()


async def test_a_school_not_in_muster_is_named(org, as_role):
    admin = await as_role("admin")  # no "Maple Grove Elementary" in this district
    response = await post(admin, files_of(V11))
    assert response.status_code == 422
    assert errors_of(response) == [
        "orgs.csv, row 3: No school named “Maple Grove Elementary” in Muster:"
        " add it, or fix the name."
    ]


async def test_a_plain_csv_imports_again_changes_nothing_and_a_bad_row_imports_nothing(
    org, as_role, maple
):
    school, teachers, tag = maple
    admin = await as_role("admin")
    body = (HERE / "plain.csv").read_text().replace("teacher-a@", f"teacher-a-{tag}@")
    body = body.replace("teacher-b@", f"teacher-b-{tag}@")
    files = [("files", ("classes.csv", body.encode(), "text/csv"))]
    response = await post(admin, files, school.id)
    assert response.status_code == 303, errors_of(response)
    omar = await Student.get(organisation_id=org.organisation.id, source_id="P-12")
    assert omar.custody_notes.startswith("Court order")
    adults = await Guardian.filter(student=omar).order_by("name").values_list("name", "may_pick_up")
    assert adults == [("Hana Farouk", True), ("Yusuf Farouk", False)]
    room14 = await RosterClass.get(organisation_id=org.organisation.id, name="Room 14")
    assert await ClassTeacher.filter(roster_class=room14).values_list("teacher_id", flat=True) == [
        teachers[1].id
    ]
    before = await snapshot(org.organisation.id)
    assert (await post(admin, files, school.id)).status_code == 303
    assert await snapshot(org.organisation.id) == before
    bad = body.replace("P-14,Quinn Baker,5,Room 14,1", "P-14,Quinn Baker,5,,1")
    bad = bad.replace("Samir Haddad,555-0111,yes", "Samir Haddad,555-0111,maybe")
    bad = bad.replace("Nadia Haddad", "Nadia Haddad-Sayed")
    response = await post(admin, [("files", ("classes.csv", bad.encode(), "text/csv"))], school.id)
    assert response.status_code == 422
    assert errors_of(response) == [
        "classes.csv, row 2: “May pick up” is yes or no.",
        "classes.csv, row 5: Each row needs a student id, a student and a class.",
    ]
    assert await snapshot(org.organisation.id) == before  # nothing of it, not even row 2's new name


async def test_a_plain_csv_needs_one_of_the_districts_schools(as_role, other_org):
    admin = await as_role("admin")
    body = (HERE / "plain.csv").read_bytes()
    files = [("files", ("classes.csv", body, "text/csv"))]
    for school in ("", other_org.school.id):
        response = await post(admin, files, school)
        assert response.status_code == 422
        assert errors_of(response) == ["Choose the school this file is for."]


async def test_only_admins_and_the_safety_team_import(as_role):
    for role in ("staff", "office", "driver"):
        client = await as_role(role)
        assert (await client.get("/admin/rosters")).status_code in (403, 404)
    assert (await (await as_role("safety")).get("/admin/rosters")).status_code == 200
