"""Rosters, class accounting and reunification: the admins' roster import, the incident asking
teachers to account for their classes, the teacher's accounting page, the live page's figures,
and the reunification page with its printable release log. Taps and releases arrive as outbox
events (server/accounting/events.py). Parse, call server/accounting/, render."""

from __future__ import annotations

from datetime import UTC, datetime

from starlette.datastructures import FormData
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from server.accounting import queries, rosters, service, tally
from server.accounting.forms import RosterImportForm
from server.accounting.models import MARK_LABELS
from server.auth import requires_role, signed_in_user
from server.district_time import zone
from server.forms import parsed
from server.i18n import gettext as _
from server.incidents.models import MANAGERS, Incident, IncidentStatus
from server.models import Role
from server.pages import flash, flashed
from server.templating import render
from server.tenancy import get_or_404

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


async def _incident(request: Request, kept: bool = False) -> tuple[Incident, list[int]]:
    """The incident and the schools whose rosters this person may see in it; a 404 when none
    (another district's incident, a closed one for staff, a school not theirs). ``kept``: a
    page the phone keeps, a 404 for everyone once the incident closes, so phones drop it."""
    user = signed_in_user(request)
    incident = await get_or_404(Incident, user, request.path_params["id"])
    schools = await service.schools_seen(user, incident)
    if not schools or (kept and incident.status == IncidentStatus.CLOSED):
        raise HTTPException(status_code=404)
    return incident, schools


@requires_role(*MANAGERS)
async def accounting_ask(request: Request) -> Response:
    user = signed_in_user(request)
    incident = await get_or_404(Incident, user, request.path_params["id"])
    if not await service.ask_for_accounting(user, incident, datetime.now(UTC)):
        return flashed(request, _("This incident is closed."), "incident", id=incident.id)
    message = _("Teachers at this incident's schools are asked to account for their classes.")
    return flashed(request, message, "incident", id=incident.id)


NO_STORE = {"Cache-Control": "no-store"}


@requires_role()
async def accounting_page(request: Request) -> Response:
    """A teacher's phone: account for a class (this page is kept on the phone while the
    incident is open; once it closes the page is a 404 and the phone drops its copy)."""
    incident, schools = await _incident(request, kept=True)
    if not await service.accounting_asked(incident):
        raise HTTPException(status_code=404)
    user = signed_in_user(request)
    students = await queries.students_of(schools)
    context = {
        "incident": incident,
        "classes": await queries.classes_for(user, schools),
        "students": students,
        "students_by_id": {s["id"]: s for s in students},
        "sites": await queries.sites_of(schools),
        "marks": await tally.marks_of(incident.id),
        "mark_labels": MARK_LABELS,
    }
    return render(request, "accounting/account.html", context)


@requires_role()
async def accounting_panel(request: Request) -> Response:
    """The live page's figures per school, refreshed by htmx."""
    user = signed_in_user(request)
    incident = await get_or_404(Incident, user, request.path_params["id"])
    schools = await service.schools_seen(user, incident)
    if not schools:
        raise HTTPException(status_code=404)
    context = {"incident": incident, "panel": await tally.panel(incident, schools)}
    return render(request, "accounting/panel.html", context, fragment="accounting/_panel.html")


@requires_role()
async def reunification_page(request: Request) -> Response:
    """Staff at a reunification site: look a student up, check the adult, record the release.
    Every student's guardians are on the page (it works with no signal), so opening it is an
    audited look at guardian records."""
    incident, schools = await _incident(request, kept=True)
    user = signed_in_user(request)
    students = await queries.students_of(schools)
    guardians = await queries.guardians_of(schools)
    notes = await queries.custody_notes(schools)
    for student in students:
        student["guardians"] = guardians.get(student["id"], [])
        student["custody"] = notes.get(student["id"], "")
    releases = await queries.releases(incident.id)
    await service.guardians_viewed(user, incident, len(students), "reunification")
    context = {
        "incident": incident,
        "students": students,
        "released": [
            {
                "student": r.student_id,
                "to": r.released_to,
                "by": r.staff.name,
                "at": r.at.isoformat(),
            }
            for r in releases
        ],
        "counts": await tally.reunification_counts(incident.id),
    }
    return render(request, "accounting/reunification.html", context)


@requires_role()
async def reunification_counts(request: Request) -> Response:
    """The counts line of the reunification page, which asks for it every few seconds: releases
    made on other phones show without a reload. Never kept on a phone (a kept copy would show
    old counts as new ones with no signal)."""
    incident, _schools = await _incident(request, kept=True)
    context = {"incident": incident, "counts": await tally.reunification_counts(incident.id)}
    response = render(request, "accounting/_reunification_counts.html", context)
    response.headers.update(NO_STORE)
    return response


@requires_role()
async def release_log(request: Request) -> Response:
    """The printable release log: who, to whom, the ID checked, when, by whom. Audited; never
    kept on a phone."""
    incident, _schools = await _incident(request)
    user = signed_in_user(request)
    releases = await queries.releases(incident.id)
    await service.guardians_viewed(user, incident, len(releases), "release-log")
    context = {
        "incident": incident,
        "releases": releases,
        "counts": await tally.reunification_counts(incident.id),
        "printed_at": datetime.now(UTC),
        "zone_name": zone(request).key,
    }
    response = render(request, "accounting/release_log.html", context)
    response.headers.update(NO_STORE)
    return response


routes = [
    Route("/admin/rosters", roster_import, methods=["GET", "POST"], name="rosters"),
    Route(
        "/incidents/{id:int}/accounting/ask",
        accounting_ask,
        methods=["POST"],
        name="accounting_ask",
    ),
    Route("/incidents/{id:int}/account", accounting_page, name="accounting"),
    Route("/incidents/{id:int}/accounting", accounting_panel, name="accounting_panel"),
    Route("/incidents/{id:int}/reunification", reunification_page, name="reunification"),
    Route("/incidents/{id:int}/reunification/log", release_log, name="release_log"),
    Route(
        "/incidents/{id:int}/reunification/counts",
        reunification_counts,
        name="reunification_counts",
    ),
]
