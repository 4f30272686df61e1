"""Admin: plan a trip (destination, itinerary, chaperones), its roster (one by one or from a CSV
file), whether it is ready to depart, and each school's trip rules."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from pydantic import ValidationError
from starlette.datastructures import FormData
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route
from tortoise.transactions import in_transaction

from server import audit
from server.auth import requires_role, signed_in_user
from server.district_time import zone
from server.events.models import Upload
from server.forms import from_form, messages
from server.i18n import gettext as _
from server.images import ImageRejected
from server.maps import map_config, map_headers, sites_json
from server.models import Role, School, Site, SiteKind, User
from server.places.geocode import find_place
from server.risk.models import PlanStatus, RiskPlan
from server.settings import Settings
from server.templating import render
from server.tenancy import MAX_ID, get_or_404, scoped
from server.trips.forms import (
    PolicyForm,
    StudentForm,
    TripForm,
    itinerary_text,
    local,
    parse_itinerary,
    trip_errors,
)
from server.trips.models import Trip, TripStop, TripStudent
from server.trips.photos import MAX_BYTES as PHOTO_MAX_BYTES
from server.trips.photos import save_photo
from server.trips.roster_csv import parse_roster
from server.trips.rules import Ratio
from server.trips.service import policy_for

ADMIN = Role.ADMIN


async def _trip_form(
    request: Request, trip: Trip | None, values: dict, errors: dict, status: int = 200
) -> Response:
    admin = signed_in_user(request)
    settings: Settings = request.app.state.settings
    venues = await scoped(Site, admin).filter(kind=SiteKind.VENUE)
    context = {
        "trip": trip,
        "values": values,
        "errors": errors,
        "schools": await scoped(School, admin),
        "venues": venues,
        "people": await scoped(User, admin).filter(active=True),
        "sites_json": sites_json(await scoped(Site, admin)),
        "map": map_config(settings),
    }
    if trip is not None:
        context |= await _readiness(trip)
        context["students"] = await TripStudent.filter(trip_id=trip.id).count()
    context["flash"] = request.session.pop("flash", None)
    response = render(request, "trips/trip_form.html", context, status_code=status)
    response.headers.update(map_headers(settings))  # the tile server, for the map
    return response


async def _readiness(trip: Trip) -> dict:
    """The ratio and the risk plan, as the trip page and the ready button see them."""
    policy = await policy_for(trip.school_id)
    ratio = Ratio(
        await TripStudent.filter(trip_id=trip.id).count(),
        await trip.chaperones.all().count(),
        policy.students_per_adult,
    )
    plan = await RiskPlan.get_or_none(trip_id=trip.id)
    return {"ratio": ratio, "policy": policy, "plan": plan}


async def _values(request: Request, trip: Trip) -> dict:
    tz = zone(request)
    await trip.fetch_related("chaperones", "stops")
    return {
        "school": trip.school_id,
        "name": trip.name,
        "starts_at": trip.starts_at.astimezone(tz).strftime("%Y-%m-%dT%H:%M"),
        "ends_at": trip.ends_at.astimezone(tz).strftime("%Y-%m-%dT%H:%M"),
        "venue": trip.venue_id,
        "destination": trip.destination,
        "latitude": trip.latitude,
        "longitude": trip.longitude,
        "chaperones": [u.id for u in trip.chaperones],
        "itinerary": itinerary_text(list(trip.stops), trip.starts_at, tz),
    }


async def _save_trip(request: Request, trip: Trip | None) -> Response:
    admin = signed_in_user(request)
    raw = await request.form()
    values = {**raw, "chaperones": raw.getlist("chaperones")}
    try:
        form = from_form(TripForm, raw)
    except ValidationError as error:
        return await _trip_form(request, trip, values, messages(error), 422)
    tz = zone(request)
    starts_at, ends_at = local(form.starts_at, tz), local(form.ends_at, tz)
    if form.venue is None and form.latitude is None and form.longitude is None and form.destination:
        found = await find_place(request.app.state.settings.geocoder_url, form.destination)
        if found is not None:
            form = form.model_copy(update={"latitude": found[0], "longitude": found[1]})
    errors = trip_errors(form)
    if not await scoped(School, admin).filter(id=form.school).exists():
        errors["school"] = _("Choose a school from the list.")
    venue = await scoped(Site, admin).get_or_none(id=form.venue, kind=SiteKind.VENUE)
    if form.venue is not None and venue is None:
        errors["venue"] = _("Choose a venue from the list.")
    people = set(
        await scoped(User, admin).filter(id__in=form.chaperones).values_list("id", flat=True)
    )
    if people != set(form.chaperones):
        errors["chaperones"] = _("Choose people from the list.")
    stops, stop_error = parse_itinerary(form.itinerary, starts_at, ends_at, tz)
    if stop_error:
        errors["itinerary"] = stop_error
    if errors:
        return await _trip_form(request, trip, values, errors, 422)
    fields = {
        "school_id": form.school,
        "name": form.name,
        "starts_at": starts_at,
        "ends_at": ends_at,
        "venue_id": venue.id if venue else None,
        "destination": form.destination or (venue.name if venue else ""),
        "latitude": venue.latitude if venue else form.latitude,
        "longitude": venue.longitude if venue else form.longitude,
    }
    async with in_transaction():
        if trip is None:
            trip = await Trip.create(
                organisation_id=admin.organisation_id, created_by_id=admin.id, **fields
            )
        else:
            await trip.update_from_dict(fields).save()
        await trip.chaperones.clear()
        if form.chaperones:
            await trip.chaperones.add(*await User.filter(id__in=form.chaperones))
        await _replace_stops(trip, stops)
    await audit.record(admin, "trip.saved", trip, name=trip.name)
    request.session["flash"] = _("Saved %(name)s.") % {"name": trip.name}
    return RedirectResponse(request.url_for("trip_edit", id=trip.id), status_code=303)


async def _replace_stops(trip: Trip, stops: list[tuple[str, datetime]]) -> None:
    """Keep stops that are unchanged (check-ins refer to them), replace the rest."""
    existing = await TripStop.filter(trip_id=trip.id)
    wanted = list(enumerate(stops, start=1))
    keep = set()
    for position, (name, at) in wanted:
        same = next((s for s in existing if s.name == name and s.expected_at == at), None)
        if same is not None and same.id not in keep:
            keep.add(same.id)
            if same.position != position:
                same.position = position
                await same.save(update_fields=["position"])
        else:
            await TripStop.create(trip_id=trip.id, position=position, name=name, expected_at=at)
    gone = [s.id for s in existing if s.id not in keep]
    if gone:
        await TripStop.filter(id__in=gone).delete()


@requires_role(ADMIN)
async def trip_new(request: Request) -> Response:
    if request.method == "POST":
        return await _save_trip(request, None)
    return await _trip_form(request, None, {"chaperones": []}, {})


@requires_role(ADMIN)
async def trip_edit(request: Request) -> Response:
    trip = await get_or_404(Trip, signed_in_user(request), request.path_params["id"])
    if request.method == "POST":
        return await _save_trip(request, trip)
    return await _trip_form(request, trip, await _values(request, trip), {})


@requires_role(ADMIN)
async def trip_ready(request: Request) -> Response:
    """Mark the trip ready to depart: only with enough adults, and (if the school requires it)
    an approved risk plan."""
    admin = signed_in_user(request)
    trip = await get_or_404(Trip, admin, request.path_params["id"])
    facts = await _readiness(trip)
    problems = []
    if not facts["ratio"].ok:
        problems.append(
            _("This trip needs %(n)s adults for its students; it has %(m)s.")
            % {"n": facts["ratio"].needed, "m": facts["ratio"].adults}
        )
    if facts["policy"].plan_required and (
        facts["plan"] is None or facts["plan"].status != PlanStatus.APPROVED
    ):
        problems.append(_("The trip's risk plan must be approved before it can depart."))
    if problems:
        values = await _values(request, trip)
        return await _trip_form(request, trip, values, {"ready": " ".join(problems)}, 422)
    trip.ready_at = datetime.now(UTC)
    await trip.save(update_fields=["ready_at"])
    await audit.record(admin, "trip.ready", trip)
    request.session["flash"] = _("%(name)s is ready to depart.") % {"name": trip.name}
    return RedirectResponse(request.url_for("trip_edit", id=trip.id), status_code=303)


async def _students_page(
    request: Request,
    trip: Trip,
    values: dict | None = None,
    errors: dict | None = None,
    import_errors: list | None = None,
    status: int = 200,
) -> Response:
    context = {
        "trip": trip,
        "students": await TripStudent.filter(trip_id=trip.id),
        "values": values or {},
        "errors": errors or {},
        "import_errors": import_errors,
        "flash": request.session.pop("flash", None),
    }
    return render(request, "trips/students.html", context, status_code=status)


@dataclass
class Posted:
    """A student form as posted: its fields (without the photo), the validated form (None when
    it has errors), the errors, the photo's bytes if one was chosen, and whether it asks to
    remove the student."""

    values: dict
    form: StudentForm | None
    errors: dict
    photo: bytes | None
    delete: bool


async def _student_form(request: Request) -> Posted:
    async with request.form(max_files=1, max_fields=20) as raw:
        photo = raw.get("photo")
        body = await photo.read() if photo is not None and not isinstance(photo, str) else None
        delete = raw.get("delete") == "yes"
        fields = FormData([(k, v) for k, v in raw.multi_items() if k not in ("photo", "delete")])
    values = {k: v for k, v in fields.items() if k != "csrf_token"}
    errors: dict = {}
    form = None
    if not delete:
        try:
            form = from_form(StudentForm, fields)
        except ValidationError as error:
            errors = messages(error)
        if body and len(body) > PHOTO_MAX_BYTES:
            errors["photo"] = _("Choose a smaller photo (under 900 KB).")
    return Posted(values, None if errors else form, errors, body or None, delete)


async def _with_photo(request: Request, body: bytes | None, errors: dict) -> Upload | None:
    if not body:
        return None
    try:
        return await save_photo(request.app.state.settings, signed_in_user(request), body)
    except ImageRejected as error:
        errors["photo"] = _(str(error))
        return None


@requires_role(ADMIN)
async def trip_students(request: Request) -> Response:
    admin = signed_in_user(request)
    trip = await get_or_404(Trip, admin, request.path_params["id"])
    if request.method == "GET":
        return await _students_page(request, trip)
    posted = await _student_form(request)
    errors = posted.errors
    photo = await _with_photo(request, posted.photo, errors) if posted.form else None
    if posted.form is None or errors:
        return await _students_page(request, trip, posted.values, errors, status=422)
    student = await TripStudent.create(
        trip_id=trip.id, photo_id=photo.id if photo else None, **posted.form.model_dump()
    )
    await audit.record(admin, "trip.student_added", trip, student=student.id)
    request.session["flash"] = _("Added %(name)s.") % {"name": student.name}
    return RedirectResponse(request.url_for("trip_students", id=trip.id), status_code=303)


@requires_role(ADMIN)
async def roster_import(request: Request) -> Response:
    admin = signed_in_user(request)
    trip = await get_or_404(Trip, admin, request.path_params["id"])
    async with request.form(max_files=1, max_fields=10) as form:  # CSRF caps the size
        upload = form.get("file")
        data = None
        if upload is not None and not isinstance(upload, str) and upload.filename:
            data = await upload.read()
    if data is None:
        errors = [(0, "", _("Choose a CSV file to import."))]
        return await _students_page(request, trip, import_errors=errors, status=422)
    parsed = parse_roster(data)
    if parsed.errors:
        errors = [(e.row, e.field, e.message) for e in parsed.errors]
        return await _students_page(request, trip, import_errors=errors, status=422)
    async with in_transaction():
        for student in parsed.students:
            await TripStudent.create(trip_id=trip.id, **student.model_dump())
    await audit.record(admin, "trip.roster_imported", trip, count=len(parsed.students))
    request.session["flash"] = _("Imported %(n)s students.") % {"n": len(parsed.students)}
    return RedirectResponse(request.url_for("trip_students", id=trip.id), status_code=303)


@requires_role(ADMIN)
async def student_edit(request: Request) -> Response:
    admin = signed_in_user(request)
    trip = await get_or_404(Trip, admin, request.path_params["id"])
    student_id = request.path_params["sid"]
    student = (
        await TripStudent.get_or_none(id=student_id, trip_id=trip.id)
        if student_id <= MAX_ID
        else None
    )
    if student is None:
        raise HTTPException(status_code=404)
    values = {name: getattr(student, name) for name in StudentForm.model_fields}
    errors: dict = {}
    if request.method == "POST":
        posted = await _student_form(request)
        if posted.delete:
            await student.delete()
            await audit.record(admin, "trip.student_removed", trip, student=student.id)
            request.session["flash"] = _("Removed %(name)s.") % {"name": student.name}
            return RedirectResponse(request.url_for("trip_students", id=trip.id), status_code=303)
        values, errors = posted.values, posted.errors
        photo = await _with_photo(request, posted.photo, errors) if posted.form else None
        if posted.form is not None and not errors:
            changes = posted.form.model_dump() | ({"photo_id": photo.id} if photo else {})
            await student.update_from_dict(changes).save()
            await audit.record(admin, "trip.student_saved", trip, student=student.id)
            request.session["flash"] = _("Saved %(name)s.") % {"name": student.name}
            return RedirectResponse(request.url_for("trip_students", id=trip.id), status_code=303)
    context = {"trip": trip, "student": student, "values": values, "errors": errors}
    return render(request, "trips/student_form.html", context, status_code=422 if errors else 200)


@requires_role(ADMIN)
async def trip_policy(request: Request) -> Response:
    admin = signed_in_user(request)
    school = await get_or_404(School, admin, request.path_params["id"])
    policy = await policy_for(school.id)
    names = list(PolicyForm.model_fields)
    values = {name: getattr(policy, name) for name in names}
    errors: dict = {}
    if request.method == "POST":
        raw = await request.form()
        try:
            form = from_form(PolicyForm, raw)
        except ValidationError as error:
            values, errors = dict(raw), messages(error)
        else:
            problem = form.bands_error()
            if problem:
                values, errors = form.model_dump(), {"band_low": problem}
            else:
                await policy.update_from_dict(form.model_dump()).save()
                await audit.record(admin, "trip_policy.saved", school, **form.model_dump())
                request.session["flash"] = _("Saved %(name)s.") % {"name": school.name}
                return RedirectResponse(request.url_for("places"), status_code=303)
    context = {"school": school, "values": values, "errors": errors}
    return render(request, "trips/policy_form.html", context, status_code=422 if errors else 200)


routes = [
    Route("/admin/trips/new", trip_new, methods=["GET", "POST"], name="trip_new"),
    Route("/admin/trips/{id:int}", trip_edit, methods=["GET", "POST"], name="trip_edit"),
    Route("/admin/trips/{id:int}/ready", trip_ready, methods=["POST"], name="trip_ready"),
    Route(
        "/admin/trips/{id:int}/students",
        trip_students,
        methods=["GET", "POST"],
        name="trip_students",
    ),
    Route(
        "/admin/trips/{id:int}/students.csv",
        roster_import,
        methods=["POST"],
        name="roster_import",
    ),
    Route(
        "/admin/trips/{id:int}/students/{sid:int}",
        student_edit,
        methods=["GET", "POST"],
        name="student_edit",
    ),
    Route(
        "/admin/schools/{id:int}/trip-rules",
        trip_policy,
        methods=["GET", "POST"],
        name="trip_policy",
    ),
]
