"""Reading a school information system's rosters: the OneRoster 1.1/1.2 CSV bulk files (orgs,
users, classes, enrollments, and 1.2's roles; guardians are the students' agents), as a zip or
as the files themselves, or a plain CSV of one school (a row a student in a class). Every row of
every file is checked first; a roster comes back only when every row is right, else every bad
row, each named by its file and line. No database here: ``service.import_roster`` applies it."""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass, field

from server.edge import text_problem
from server.i18n import gettext as _

MAX_BYTES = 20_000_000  # a whole district's files, unpacked
MAX_ROWS = 200_000
GUARDIAN_ROLES = {"guardian", "parent", "relative"}
PICKS_UP = {"guardian", "parent"}  # a relative may pick up only when the school says so
TEACHER_ROLES = {"teacher", "aide"}
USER_ROLES = {"student", "teacher", "aide", "administrator", "proctor"} | GUARDIAN_ROLES
USER_ROLES |= {"counselor", "districtAdministrator", "principal", "siteAdministrator", "sysAdmin"}
USER_ROLES |= {"systemAdministrator", "teacher", "parent", "guardian", "relative"}
DELETED = "tobedeleted"


@dataclass(frozen=True)
class RowError:
    file: str
    row: int  # the line in the file, the header being line 1 (0: the file as a whole)
    message: str


@dataclass
class StudentRow:
    source_id: str
    name: str
    grade: str
    school_id: int
    custody_notes: str | None = None  # None: the source says nothing (keep what is there)
    active: bool = True


@dataclass
class GuardianRow:
    source_id: str
    student: str  # the student's source id
    name: str
    phone: str
    relationship: str
    may_pick_up: bool


@dataclass
class ClassRow:
    source_id: str
    name: str
    period: str
    school_id: int
    teacher_emails: list[str] = field(default_factory=list)


@dataclass
class Roster:
    students: dict[str, StudentRow] = field(default_factory=dict)
    guardians: list[GuardianRow] = field(default_factory=list)
    classes: dict[str, ClassRow] = field(default_factory=dict)
    enrollments: set[tuple[str, str]] = field(default_factory=set)  # (class, student) source ids


@dataclass
class Parsed:
    roster: Roster | None
    errors: list[RowError]


Table = tuple[list[str], list[dict[str, str]], list[RowError]]


def _table(name: str, data: bytes) -> Table:
    """The header, each row by the header's cells (an empty dict for an empty line), and what
    is wrong with the file or its rows."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return [], [], [RowError(name, 0, _("Save the file as CSV UTF-8 and try again."))]
    try:
        rows = list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as error:
        return [], [], [RowError(name, 0, _("This is not a CSV file (%(e)s).") % {"e": error})]
    if not rows:
        return [], [], [RowError(name, 0, _("The file is empty."))]
    header = [cell.strip() for cell in rows[0]]
    out: list[dict[str, str]] = []
    errors: list[RowError] = []
    for line, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            out.append({})
            continue
        if len(row) > len(header):
            errors.append(RowError(name, line, _("This row has more cells than the header.")))
        bad = next((p for p in (text_problem(cell) for cell in row) if p), None)
        if bad:
            errors.append(RowError(name, line, _(bad)))
        out.append({key: cell.strip() for key, cell in zip(header, row, strict=False)})
    return header, out, errors


def files_of(uploads: dict[str, bytes]) -> tuple[dict[str, bytes], list[RowError]]:
    """The CSV files by their lower-case base name, from the files chosen or a zip of them."""
    found: dict[str, bytes] = {}
    total = 0
    for name, data in uploads.items():
        if name.lower().endswith(".zip"):
            try:
                with zipfile.ZipFile(io.BytesIO(data)) as archive:
                    for info in archive.infolist():
                        base = info.filename.rsplit("/", 1)[-1].lower()
                        if not base.endswith(".csv"):
                            continue
                        total += info.file_size
                        if total > MAX_BYTES:
                            return {}, [RowError(name, 0, _("The files are larger than 20 MB."))]
                        found[base] = archive.read(info)
            except (zipfile.BadZipFile, OSError, RuntimeError):
                return {}, [RowError(name, 0, _("This is not a zip file Muster can open."))]
        else:
            total += len(data)
            found[name.rsplit("/", 1)[-1].lower()] = data
    if total > MAX_BYTES:
        return {}, [RowError("", 0, _("The files are larger than 20 MB."))]
    return found, []


def is_oneroster(files: dict[str, bytes]) -> bool:
    return "users.csv" in files or "orgs.csv" in files


def _name(row: dict[str, str]) -> str:
    return " ".join(p for p in (row.get("givenName", ""), row.get("familyName", "")) if p)


def _ids(cell: str) -> list[str]:
    return [part.strip() for part in cell.split(",") if part.strip()]


def _unique(
    rows: list[dict[str, str]], file: str, errors: list[RowError]
) -> dict[str, tuple[int, dict[str, str]]]:
    seen: dict[str, tuple[int, dict[str, str]]] = {}
    for line, row in enumerate(rows, start=2):
        if not row:
            continue
        source = row.get("sourcedId", "")
        if not source:
            errors.append(RowError(file, line, _("This row has no sourcedId.")))
        elif len(source) > 64:
            errors.append(RowError(file, line, _("A sourcedId is at most 64 characters.")))
        elif source in seen:
            errors.append(
                RowError(file, line, _("sourcedId “%(id)s” is used twice.") % {"id": source})
            )
        else:
            seen[source] = (line, row)
    return seen


def _long(value: str, limit: int, file: str, line: int, what: str, errors: list[RowError]) -> None:
    if len(value) > limit:
        errors.append(
            RowError(
                file,
                line,
                _("%(what)s is longer than %(n)s characters.") % {"what": what, "n": limit},
            )
        )


def parse_oneroster(files: dict[str, bytes], schools: dict[str, int]) -> Parsed:
    """``schools``: the district's schools by lower-case name; an org of type school must be
    one of them."""
    errors: list[RowError] = []
    for needed in ("orgs.csv", "users.csv", "classes.csv", "enrollments.csv"):
        if needed not in files:
            errors.append(RowError(needed, 0, _("This file is missing from the set.")))
    if errors:
        return Parsed(None, errors)
    tables: dict[str, list[dict[str, str]]] = {}
    for name in ("orgs.csv", "users.csv", "classes.csv", "enrollments.csv", "roles.csv"):
        if name in files:
            _header, tables[name], found = _table(name, files[name])
            errors += found
    if sum(len(rows) for rows in tables.values()) > MAX_ROWS:
        return Parsed(None, [RowError("", 0, _("At most %(n)s rows.") % {"n": MAX_ROWS})])
    orgs = _unique(tables["orgs.csv"], "orgs.csv", errors)
    school_of: dict[str, int] = {}  # org sourcedId -> Muster school
    unmatched: set[str] = set()  # named in orgs.csv, said once there
    for source, (line, row) in orgs.items():
        if row.get("type", "") != "school":
            continue
        school = schools.get(row.get("name", "").strip().lower())
        if school is None:
            unmatched.add(source)
            errors.append(
                RowError(
                    "orgs.csv",
                    line,
                    _("No school named “%(name)s” in Muster: add it, or fix the name.")
                    % {"name": row.get("name", "")},
                )
            )
        else:
            school_of[source] = school
    users = _unique(tables["users.csv"], "users.csv", errors)
    roles: dict[str, tuple[str, list[str]]] = {}  # 1.2: a user's primary role and its orgs
    for line, row in enumerate(tables.get("roles.csv", []), start=2):
        if not row:
            continue
        who = row.get("userSourcedId", "")
        if who not in users:
            errors.append(
                RowError("roles.csv", line, _("User “%(id)s” is not in users.csv.") % {"id": who})
            )
            continue
        if row.get("roleType", "primary") == "primary" or who not in roles:
            role, orgs_of = roles.get(who, ("", []))
            roles[who] = (row.get("role", ""), [*orgs_of, row.get("orgSourcedId", "")])
    roster = Roster()
    role_of: dict[str, str] = {}
    email_of: dict[str, str] = {}
    for source, (line, row) in users.items():
        role, user_orgs = roles.get(
            source, (row.get("role", ""), _ids(row.get("orgSourcedIds", "")))
        )
        if row.get("primaryOrgSourcedId"):
            user_orgs = [row["primaryOrgSourcedId"], *user_orgs]
        role_of[source] = role
        email_of[source] = row.get("email", "").strip().lower()
        if role not in USER_ROLES:
            errors.append(RowError("users.csv", line, _("Unknown role “%(r)s”.") % {"r": role}))
            continue
        if role != "student":
            continue
        name = _name(row)
        if not name:
            errors.append(RowError("users.csv", line, _("A student needs a given or family name.")))
            continue
        _long(name, 200, "users.csv", line, _("The name"), errors)
        school = next((school_of[o] for o in user_orgs if o in school_of), None)
        if school is None and unmatched & set(user_orgs):
            continue
        if school is None:
            errors.append(
                RowError("users.csv", line, _("This student's school is not in orgs.csv."))
            )
            continue
        grade = _ids(row.get("grades", ""))
        roster.students[source] = StudentRow(
            source,
            name,
            grade[0][:16] if grade else "",
            school,
            active=row.get("status", "") != DELETED,
        )
    for source in roster.students:
        line, row = users[source]
        for agent in _ids(row.get("agentSourcedIds", "")):
            if agent not in users:
                errors.append(
                    RowError(
                        "users.csv", line, _("Agent “%(id)s” is not in users.csv.") % {"id": agent}
                    )
                )
                continue
            role = role_of.get(agent, "")
            if role not in GUARDIAN_ROLES:
                continue  # an agent who is not family (a case worker): not someone who picks up
            _agent_line, adult = users[agent]
            phone = adult.get("phone", "") or adult.get("sms", "")
            _long(phone, 40, "users.csv", _agent_line, _("The phone number"), errors)
            roster.guardians.append(
                GuardianRow(agent, source, _name(adult) or agent, phone, role, role in PICKS_UP)
            )
    classes = _unique(tables["classes.csv"], "classes.csv", errors)
    for source, (line, row) in classes.items():
        school = school_of.get(row.get("schoolSourcedId", ""))
        if school is None and row.get("schoolSourcedId", "") in unmatched:
            continue
        if school is None:
            errors.append(
                RowError("classes.csv", line, _("This class's school is not in orgs.csv."))
            )
            continue
        title = row.get("title", "")
        if not title:
            errors.append(RowError("classes.csv", line, _("A class needs a title.")))
            continue
        _long(title, 200, "classes.csv", line, _("The title"), errors)
        roster.classes[source] = ClassRow(source, title, row.get("periods", "")[:64], school)
    for line, row in enumerate(tables["enrollments.csv"], start=2):
        if not row or row.get("status", "") == DELETED:
            continue
        klass, who = row.get("classSourcedId", ""), row.get("userSourcedId", "")
        if klass not in classes:
            errors.append(
                RowError(
                    "enrollments.csv",
                    line,
                    _("Class “%(id)s” is not in classes.csv.") % {"id": klass},
                )
            )
        elif who not in users:
            errors.append(
                RowError(
                    "enrollments.csv", line, _("User “%(id)s” is not in users.csv.") % {"id": who}
                )
            )
        elif klass not in roster.classes:
            continue  # its class's own row is wrong, and says so
        elif row.get("role", "") == "student" and who in roster.students:
            roster.enrollments.add((klass, who))
        elif row.get("role", "") in TEACHER_ROLES and email_of.get(who):
            roster.classes[klass].teacher_emails.append(email_of[who])
    return Parsed(None if errors else roster, errors)


PLAIN_COLUMNS = {
    "student id": "student_id",
    "id": "student_id",
    "student": "student",
    "name": "student",
    "grade": "grade",
    "class": "class",
    "period": "period",
    "teacher email": "teacher_email",
    "custody notes": "custody_notes",
    "custody": "custody_notes",
}
for _n in (1, 2, 3):
    PLAIN_COLUMNS |= {
        f"guardian {_n}": f"guardian{_n}",
        f"guardian {_n} phone": f"guardian{_n}_phone",
        f"guardian {_n} may pick up": f"guardian{_n}_pickup",
    }
YES = {"yes", "y", "true", "1", "sí", "si", "x"}
NO = {"no", "n", "false", "0", ""}
PLAIN = "plain"


def _column(cell: str) -> str | None:
    return PLAIN_COLUMNS.get(" ".join(cell.strip().lower().replace("_", " ").split()))


def parse_plain(name: str, data: bytes, school_id: int) -> Parsed:
    """One school's file: student id, student, grade, class, period, teacher email, guardian 1
    (its phone, whether they may pick up) to guardian 3, custody notes. A student in two
    classes is two rows, their guardians and notes on either."""
    raw_header, rows, errors = _table(name, data)
    if errors or not rows:
        return Parsed(
            None, errors or [RowError(name, 0, _("The file has no rows under its header."))]
        )
    header = [_column(cell) for cell in raw_header]
    unknown = [key for key, known in zip(raw_header, header, strict=True) if known is None]
    if unknown:
        return Parsed(
            None,
            [RowError(name, 1, _("Unknown column “%(c)s”.") % {"c": cell}) for cell in unknown],
        )
    for needed in ("student_id", "student", "class"):
        if needed not in header:
            return Parsed(
                None,
                [
                    RowError(
                        name,
                        1,
                        _("The file needs a “%(c)s” column.") % {"c": needed.replace("_", " ")},
                    )
                ],
            )
    roster = Roster()
    for line, raw in enumerate(rows, start=2):
        if not raw:
            continue
        row = {column: value for key, value in raw.items() if (column := _column(key))}
        bad = len(errors)
        source, student, klass = (
            row.get("student_id", ""),
            row.get("student", ""),
            row.get("class", ""),
        )
        if not source or not student or not klass:
            errors.append(
                RowError(name, line, _("Each row needs a student id, a student and a class."))
            )
        if len(source) > 64:
            errors.append(RowError(name, line, _("A student id is at most 64 characters.")))
        _long(student, 200, name, line, _("The student's name"), errors)
        _long(klass, 200, name, line, _("The class"), errors)
        _long(row.get("grade", ""), 16, name, line, _("The grade"), errors)
        guardians = []
        for n in (1, 2, 3):
            adult = row.get(f"guardian{n}", "")
            pickup = row.get(f"guardian{n}_pickup", "").lower()
            if pickup not in YES | NO:
                errors.append(RowError(name, line, _("“May pick up” is yes or no.")))
            phone = row.get(f"guardian{n}_phone", "")
            if phone and not adult:
                errors.append(RowError(name, line, _("A guardian's phone needs their name.")))
            _long(adult, 200, name, line, _("A guardian's name"), errors)
            _long(phone, 40, name, line, _("The phone number"), errors)
            if adult:
                guardians.append(
                    GuardianRow(f"{source}:{n}", source, adult, phone, "guardian", pickup in YES)
                )
        if len(errors) > bad:
            continue
        known = roster.students.get(source)
        if known is not None and known.name != student:
            errors.append(
                RowError(
                    name,
                    line,
                    _("Student id “%(id)s” has another name on an earlier row.") % {"id": source},
                )
            )
            continue
        if known is None:
            roster.students[source] = StudentRow(
                source, student, row.get("grade", ""), school_id, row.get("custody_notes", "")
            )
            roster.guardians += guardians
        elif guardians and not any(g.student == source for g in roster.guardians):
            roster.guardians += guardians
        if row.get("custody_notes") and known is not None:
            known.custody_notes = row["custody_notes"]
        class_id = f"{school_id}:{klass.lower()}"
        entry = roster.classes.setdefault(
            class_id, ClassRow(class_id, klass, row.get("period", "")[:64], school_id)
        )
        email = row.get("teacher_email", "").lower()
        if email and email not in entry.teacher_emails:
            entry.teacher_emails.append(email)
        roster.enrollments.add((class_id, source))
    return Parsed(None if errors else roster, errors)
