"""Rosters: the admins' and safety team's roster import (OneRoster files or a plain CSV, checked
whole, imported whole or not at all). Parse, call server/accounting/, render."""

from __future__ import annotations

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from server.accounting import queries, rosters, service
from server.accounting.forms import RosterImportForm
from server.auth import requires_role, signed_in_user
from server.forms import parsed
from server.i18n import gettext as _
from server.models import Role
from server.pages import flash, flashed
from server.templating import render

IMPORTERS = (Role.ADMIN, Role.SAFETY)
MAX_FILES = 8


async def _rosters_page(
    request: Request, status: int = 200, errors: list | None = None, values: dict | None = None
) -> Response:
    context = {
        "held": await queries.rosters_held(signed_in_user(request)),
        "import_errors": errors or [],
        "values": values or {},
        "flash": flash(request),
    }
    return render(request, "accounting/rosters.html", context, status_code=status)


@requires_role(*IMPORTERS)
async def roster_import(request: Request) -> Response:
    """OneRoster files (or their zip), or one school's plain CSV: all checked, then imported
    whole or not at all."""
    if request.method == "GET":
        return await _rosters_page(request)
    user = signed_in_user(request)
    uploads: dict[str, bytes] = {}
    async with request.form(max_files=MAX_FILES, max_fields=10) as form:
        fields = FormData([(k, v) for k, v in form.multi_items() if isinstance(v, str)])
        for upload in form.getlist("files"):
            if not isinstance(upload, str) and upload.filename:
                uploads[upload.filename] = await upload.read()
        chosen, errors = parsed(RosterImportForm, fields)
    values = {"school": fields.get("school", "")}
    if chosen is None:
        problems = [rosters.RowError("", 0, message) for message in errors.values()]
        return await _rosters_page(request, 422, problems, values)
    if not uploads:
        return await _rosters_page(
            request, 422, [rosters.RowError("", 0, _("Choose the roster's files."))], values
        )
    files, problems = rosters.files_of(uploads)
    if problems:
        return await _rosters_page(request, 422, problems, values)
    if rosters.is_oneroster(files):
        result = rosters.parse_oneroster(files, await queries.school_names(user))
    elif len(files) != 1:
        message = _("Choose one plain CSV file, or OneRoster's files (orgs.csv, users.csv, ...).")
        return await _rosters_page(request, 422, [rosters.RowError("", 0, message)], values)
    elif chosen.school is None or chosen.school not in await queries.school_ids(user):
        message = _("Choose the school this file is for.")
        return await _rosters_page(request, 422, [rosters.RowError("", 0, message)], values)
    else:
        name, data = next(iter(files.items()))
        result = rosters.parse_plain(name, data, chosen.school)
    if result.roster is None:
        return await _rosters_page(request, 422, result.errors, values)
    counts = await service.import_roster(user, result.roster)
    message = _(
        "Roster imported: %(students)s students, %(classes)s classes. "
        "%(created)s added, %(updated)s updated, %(removed)s removed."
    ) % {
        "students": len(result.roster.students),
        "classes": len(result.roster.classes),
        "created": counts.created,
        "updated": counts.updated,
        "removed": counts.removed,
    }
    if counts.teachers_unknown:
        message += " " + _("Not in Muster (no class of theirs shows them): %(emails)s.") % {
            "emails": ", ".join(counts.teachers_unknown)
        }
    return flashed(request, message, "rosters")


routes = [
    Route("/admin/rosters", roster_import, methods=["GET", "POST"], name="rosters"),
]
