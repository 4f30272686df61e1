"""Every decision an admin's trip pages make: what a trip's save checks (the district's school,
venue and people, the itinerary within the trip, a destination found by the geocoder), its stops
kept or replaced, whether it is ready to depart, its roster (one student, a photo, a CSV file) and
each school's trip rules. Every change is audited. Returns the saved record or the errors to show;
takes no request and raises no HTTP error."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from tortoise.transactions import in_transaction

from server import audit
from server.i18n import gettext as _
from server.images import ImageRejected
from server.models import School, Site, SiteKind, User
from server.places.geocode import find_place
from server.risk.models import PlanStatus
from server.settings import Settings
from server.tenancy import scoped
from server.trips.forms import PolicyForm, StudentForm, TripForm, local, parse_itinerary
from server.trips.forms import trip_errors as form_errors
from server.trips.models import Trip, TripPolicy, TripStop, TripStudent
from server.trips.photos import MAX_BYTES as PHOTO_MAX_BYTES
from server.trips.photos import save_photo
from server.trips.queries import readiness
from server.trips.roster_csv import parse_roster

Errors = dict[str, str]


async def _located(form: TripForm, geocoder_url: str) -> TripForm:
    """A destination named but not placed: its position from the district's geocoder, if any."""
    if form.venue is None and form.latitude is None and form.longitude is None and form.destination:
        found = await find_place(geocoder_url, form.destination)
        if found is not None:
            return form.model_copy(update={"latitude": found[0], "longitude": found[1]})
    return form


async def save_trip(
    admin: User, trip: Trip | None, form: TripForm, tz: ZoneInfo, geocoder_url: str
) -> tuple[Trip | None, Errors]:
    """A new trip (``trip`` None) or changes to one, with its chaperones and itinerary: the
    saved trip, or the errors to show."""
    starts_at, ends_at = local(form.starts_at, tz), local(form.ends_at, tz)
    form = await _located(form, geocoder_url)
    errors = form_errors(form)
    if not await scoped(School, admin).filter(id=form.school).exists():
        errors["school"] = _("Choose a school from the list.")
    venue = await scoped(Site, admin).get_or_none(id=form.venue, kind=SiteKind.VENUE)
    if form.venue is not None and venue is None:
        errors["venue"] = _("Choose a venue from the list.")
    people = await scoped(User, admin).filter(id__in=form.chaperones).values_list("id", flat=True)
    if set(people) != set(form.chaperones):
        errors["chaperones"] = _("Choose people from the list.")
    stops, stop_error = parse_itinerary(form.itinerary, starts_at, ends_at, tz)
    if stop_error:
        errors["itinerary"] = stop_error
    if errors:
        return None, errors
    fields: dict[str, Any] = {
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
    return trip, {}


async def _replace_stops(trip: Trip, stops: list[tuple[str, datetime]]) -> None:
    """Keep stops that are unchanged (check-ins refer to them), replace the rest."""
    existing = await TripStop.filter(trip_id=trip.id)
    keep = set()
    for position, (name, at) in enumerate(stops, start=1):
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


async def mark_ready(admin: User, trip: Trip) -> str:
    """Marks the trip ready to depart: only with enough adults, and (if the school requires it)
    an approved risk plan. What stops it, or "" once it is marked."""
    facts = await readiness(trip)
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
        return " ".join(problems)
    trip.ready_at = datetime.now(UTC)
    await trip.save(update_fields=["ready_at"])
    await audit.record(admin, "trip.ready", trip)
    return ""


def photo_errors(photo: bytes | None) -> Errors:
    """What the edge can say of a chosen photo before it is read as an image."""
    if photo and len(photo) > PHOTO_MAX_BYTES:
        return {"photo": _("Choose a smaller photo (under 900 KB).")}
    return {}


async def _photo(admin: User, settings: Settings, photo: bytes | None, errors: Errors) -> Any:
    if not photo:
        return None
    try:
        return await save_photo(settings, admin, photo)
    except ImageRejected as error:
        errors["photo"] = _(str(error))
        return None


async def save_student(
    admin: User,
    trip: Trip,
    student: TripStudent | None,
    form: StudentForm | None,
    form_errors: Errors,
    photo: bytes | None,
    settings: Settings,
) -> tuple[TripStudent | None, Errors]:
    """A new student on the roster (``student`` None) or changes to one, with a photo if one was
    chosen: the saved student, or the errors to show (the form's, when it did not parse and
    ``form`` is None; a photo too large; a file that is not an image)."""
    errors = form_errors | photo_errors(photo)
    if form is None or errors:
        return None, errors
    upload = await _photo(admin, settings, photo, errors)
    if errors:
        return None, errors
    if student is None:
        student = await TripStudent.create(
            trip_id=trip.id, photo_id=upload.id if upload else None, **form.model_dump()
        )
        await audit.record(admin, "trip.student_added", trip, student=student.id)
        return student, {}
    changes = form.model_dump() | ({"photo_id": upload.id} if upload else {})
    await student.update_from_dict(changes).save()
    await audit.record(admin, "trip.student_saved", trip, student=student.id)
    return student, {}


async def remove_student(admin: User, trip: Trip, student: TripStudent) -> None:
    await student.delete()
    await audit.record(admin, "trip.student_removed", trip, student=student.id)


async def import_roster(
    admin: User, trip: Trip, data: bytes | None
) -> tuple[int, list[tuple[int, str, str]]]:
    """Adds the students of a CSV file, all or none: how many, or the errors (row, field,
    message) to show."""
    if data is None:
        return 0, [(0, "", _("Choose a CSV file to import."))]
    parsed = parse_roster(data)
    if parsed.errors:
        return 0, [(e.row, e.field, e.message) for e in parsed.errors]
    async with in_transaction():
        for student in parsed.students:
            await TripStudent.create(trip_id=trip.id, **student.model_dump())
    await audit.record(admin, "trip.roster_imported", trip, count=len(parsed.students))
    return len(parsed.students), []


async def save_policy(admin: User, school: School, policy: TripPolicy, form: PolicyForm) -> Errors:
    """A school's trip rules; the errors to show (risk bands out of order), if any."""
    problem = form.bands_error()
    if problem:
        return {"band_low": problem}
    await policy.update_from_dict(form.model_dump()).save()
    await audit.record(admin, "trip_policy.saved", school, **form.model_dump())
    return {}
