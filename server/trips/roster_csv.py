"""Roster import from a CSV file: every row checked first, and nothing imported unless every row
is right, so a bad row never leaves half a roster behind."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from pydantic import ValidationError

from server.forms import messages
from server.i18n import gettext as _
from server.trips.forms import StudentForm

MAX_BYTES = 1_000_000
MAX_ROWS = 2000
COLUMNS = list(StudentForm.model_fields)  # name, grade, contacts, medical, allergies, ...
HEADER_NAMES = {
    "name": "name",
    "student": "name",
    "grade": "grade",
    "contacts": "contacts",
    "emergency contacts": "contacts",
    "medical": "medical",
    "medical notes": "medical",
    "allergies": "allergies",
    "medication": "medication",
    "medication carrier": "medication_carrier",
    "medication_carrier": "medication_carrier",
    "who carries the medication": "medication_carrier",
}


@dataclass(frozen=True)
class RowError:
    row: int  # the line in the file, the header being line 1
    field: str
    message: str


@dataclass(frozen=True)
class Parsed:
    students: list[StudentForm]
    errors: list[RowError]


def parse_roster(data: bytes) -> Parsed:
    """Every row as a student, or every error found, each naming its row and column."""
    if len(data) > MAX_BYTES:
        return Parsed([], [RowError(0, "", _("The file is larger than 1 MB."))])
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return Parsed([], [RowError(0, "", _("Save the file as CSV UTF-8 and try again."))])
    try:
        rows = list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as error:
        return Parsed([], [RowError(0, "", _("This is not a CSV file (%(e)s).") % {"e": error})])
    rows = [row for row in rows if any(cell.strip() for cell in row)]
    if not rows:
        return Parsed([], [RowError(0, "", _("The file is empty."))])
    header = [HEADER_NAMES.get(cell.strip().lower()) for cell in rows[0]]
    unknown = [cell for cell, known in zip(rows[0], header, strict=True) if known is None]
    if unknown:
        return Parsed(
            [],
            [
                RowError(
                    1,
                    cell,
                    _("Unknown column “%(c)s”. Columns: %(all)s.")
                    % {"c": cell, "all": ", ".join(COLUMNS)},
                )
                for cell in unknown
            ],
        )
    if "name" not in header:
        return Parsed([], [RowError(1, "name", _("The first row must name a “name” column."))])
    if len(rows) == 1:
        return Parsed([], [RowError(0, "", _("The file has no students under its header row."))])
    if len(rows) - 1 > MAX_ROWS:
        return Parsed([], [RowError(0, "", _("At most %(n)s students a file.") % {"n": MAX_ROWS})])
    students, errors = [], []
    for line, row in enumerate(rows[1:], start=2):
        if len(row) > len(header):
            errors.append(RowError(line, "", _("This row has more cells than the header.")))
            continue
        values = {field: cell for field, cell in zip(header, row, strict=False) if field}
        try:
            students.append(StudentForm.model_validate(values))
        except ValidationError as error:
            for field, message in messages(error).items():
                errors.append(RowError(line, field, message))
    return Parsed([] if errors else students, errors)
