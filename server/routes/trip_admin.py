"""Admin: plan a trip (destination, itinerary, chaperones), its roster (one by one or from a CSV
file), whether it is ready to depart, and each school's trip rules. Parses, calls one decision in
server/trips/admin.py, renders or redirects."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from starlette.datastructures import FormData
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from server.auth import requires_role, signed_in_user
from server.district_time import zone
from server.forms import parsed
from server.i18n import gettext as _
from server.models import Role, School
from server.pages import flash, flashed, with_map
from server.templating import render
from server.tenancy import get_or_404
from server.trips import admin as decide
from server.trips import queries
from server.trips.forms import PolicyForm, StudentForm, TripForm
from server.trips.models import Trip, TripStudent

ADMIN = Role.ADMIN


async def _trip_form(
    request: Request, trip: Trip | None, values: dict, errors: dict, status: int = 200
) -> Response:
    context: dict[str, Any] = {"trip": trip, "values": values, "errors": errors}
    context |= await queries.trip_form_choices(signed_in_user(request), trip)
    context["flash"] = flash(request)
    return with_map(request, "trips/trip_form.html", context, status)


async def _trip(request: Request, trip: Trip | None) -> Response:
    if request.method == "GET":
        values = await queries.trip_values(trip, zone(request)) if trip else {"chaperones": []}
        return await _trip_form(request, trip, values, {})
    raw = await request.form()
    values = {**raw, "chaperones": raw.getlist("chaperones")}
    form, errors = parsed(TripForm, raw)
    if form is None:
        return await _trip_form(request, trip, values, errors, 422)
    geocoder = request.app.state.settings.geocoder_url
    admin = signed_in_user(request)
    saved, errors = await decide.save_trip(admin, trip, form, zone(request), geocoder)
    if saved is None:
        return await _trip_form(request, trip, values, errors, 422)
    return flashed(request, _("Saved %(name)s.") % {"name": saved.name}, "trip_edit", id=saved.id)


@requires_role(ADMIN)
async def trip_new(request: Request) -> Response:
    return await _trip(request, None)


@requires_role(ADMIN)
async def trip_edit(request: Request) -> Response:
    return await _trip(
        request, await get_or_404(Trip, signed_in_user(request), request.path_params["id"])
    )


@requires_role(ADMIN)
async def trip_ready(request: Request) -> Response:
    """Mark the trip ready to depart: only with enough adults, and (if the school requires it)
    an approved risk plan."""
    trip = await get_or_404(Trip, signed_in_user(request), request.path_params["id"])
    problems = await decide.mark_ready(signed_in_user(request), trip)
    if problems:
        values = await queries.trip_values(trip, zone(request))
        return await _trip_form(request, trip, values, {"ready": problems}, 422)
    flash = _("%(name)s is ready to depart.") % {"name": trip.name}
    return flashed(request, flash, "trip_edit", id=trip.id)


async def _students_page(request: Request, trip: Trip, status: int = 200, **shown: Any) -> Response:
    context = {"trip": trip, "students": await queries.roster(trip), "values": {}, "errors": {}}
    context |= {"import_errors": None, "flash": flash(request), **shown}
    return render(request, "trips/students.html", context, status_code=status)


def _to_students(request: Request, trip: Trip, flash: str, name: str = "") -> Response:
    return flashed(request, flash % {"name": name, "n": name}, "trip_students", id=trip.id)


@dataclass
class Posted:
    """A student form as posted: its fields as typed, the errors, whether it asks to remove the
    student, and the student saved (None when it has errors or asks to remove)."""

    values: dict
    errors: dict
    delete: bool
    saved: TripStudent | None = None


async def _post_student(request: Request, trip: Trip, student: TripStudent | None) -> Posted:
    """Parses the student form (with its photo, if one was chosen) and saves it, unless it has
    errors or asks to remove the student."""
    async with request.form(max_files=1, max_fields=20) as raw:
        photo = raw.get("photo")
        body = await photo.read() if photo is not None and not isinstance(photo, str) else None
        delete = raw.get("delete") == "yes"
        fields = FormData([(k, v) for k, v in raw.multi_items() if k not in ("photo", "delete")])
    posted = Posted({k: v for k, v in fields.items() if k != "csrf_token"}, {}, delete)
    if delete:
        return posted
    form, errors = parsed(StudentForm, fields)
    admin, settings = signed_in_user(request), request.app.state.settings
    saved = await decide.save_student(admin, trip, student, form, errors, body or None, settings)
    posted.saved, posted.errors = saved
    return posted


@requires_role(ADMIN)
async def trip_students(request: Request) -> Response:
    trip = await get_or_404(Trip, signed_in_user(request), request.path_params["id"])
    if request.method == "GET":
        return await _students_page(request, trip)
    posted = await _post_student(request, trip, None)
    if posted.saved is None:
        return await _students_page(request, trip, 422, values=posted.values, errors=posted.errors)
    return _to_students(request, trip, _("Added %(name)s."), posted.saved.name)


@requires_role(ADMIN)
async def roster_import(request: Request) -> Response:
    trip = await get_or_404(Trip, signed_in_user(request), request.path_params["id"])
    async with request.form(max_files=1, max_fields=10) as form:  # CSRF caps the size
        upload = form.get("file")
        data = None
        if upload is not None and not isinstance(upload, str) and upload.filename:
            data = await upload.read()
    count, errors = await decide.import_roster(signed_in_user(request), trip, data)
    if errors:
        return await _students_page(request, trip, 422, import_errors=errors)
    return _to_students(request, trip, _("Imported %(n)s students."), str(count))


@requires_role(ADMIN)
async def student_edit(request: Request) -> Response:
    admin = signed_in_user(request)
    trip = await get_or_404(Trip, admin, request.path_params["id"])
    student = await queries.student(trip, request.path_params["sid"])
    if student is None:
        raise HTTPException(status_code=404)
    values, errors = queries.student_values(student), {}
    if request.method == "POST":
        posted = await _post_student(request, trip, student)
        if posted.delete:
            await decide.remove_student(admin, trip, student)
            return _to_students(request, trip, _("Removed %(name)s."), student.name)
        if posted.saved is not None:
            return _to_students(request, trip, _("Saved %(name)s."), student.name)
        values, errors = posted.values, posted.errors
    context = {"trip": trip, "student": student, "values": values, "errors": errors}
    return render(request, "trips/student_form.html", context, status_code=422 if errors else 200)


@requires_role(ADMIN)
async def trip_policy(request: Request) -> Response:
    admin = signed_in_user(request)
    school = await get_or_404(School, admin, request.path_params["id"])
    policy, values = await queries.policy_values(school)
    errors: dict = {}
    if request.method == "POST":
        raw = await request.form()
        form, errors = parsed(PolicyForm, raw)
        values = dict(raw)
        if form is not None:
            errors = await decide.save_policy(admin, school, policy, form)
            if not errors:
                return flashed(request, _("Saved %(name)s.") % {"name": school.name}, "places")
            values = form.model_dump()
    context = {"school": school, "values": values, "errors": errors}
    return render(request, "trips/policy_form.html", context, status_code=422 if errors else 200)


GP = ["GET", "POST"]
routes = [
    Route("/admin/trips/new", trip_new, methods=GP, name="trip_new"),
    Route("/admin/trips/{id:int}", trip_edit, methods=GP, name="trip_edit"),
    Route("/admin/trips/{id:int}/ready", trip_ready, methods=["POST"], name="trip_ready"),
    Route("/admin/trips/{id:int}/students", trip_students, methods=GP, name="trip_students"),
    Route(
        "/admin/trips/{id:int}/students.csv", roster_import, methods=["POST"], name="roster_import"
    ),
    Route(
        "/admin/trips/{id:int}/students/{sid:int}", student_edit, methods=GP, name="student_edit"
    ),
    Route("/admin/schools/{id:int}/trip-rules", trip_policy, methods=GP, name="trip_policy"),
]
