"""Forms for trips, rosters and school trip rules; messages come from server.forms."""

from __future__ import annotations

import re
from datetime import date, datetime, time
from typing import Annotated
from zoneinfo import ZoneInfo

from pydantic import Field

from server.edge import Latitude, LocalMoment, Longitude
from server.forms import Form, Text
from server.i18n import gettext as _
from server.risk.scoring import Bands
from server.tenancy import RecordId


class TripForm(Form):
    school: RecordId
    name: Annotated[str, Text(200)]
    starts_at: LocalMoment
    ends_at: LocalMoment
    venue: RecordId | None = None
    destination: Annotated[str, Text(200, min_length=0)] = ""
    latitude: Latitude | None = None
    longitude: Longitude | None = None
    chaperones: list[RecordId] = []
    itinerary: Annotated[str, Text(4000, min_length=0, lines=True)] = ""


def trip_errors(form: TripForm) -> dict[str, str]:
    """Rules across fields, each named on the field a person must fix."""
    errors = {}
    if form.ends_at <= form.starts_at:
        errors["ends_at"] = _("The trip must end after it starts.")
    if form.venue is None and (form.latitude is None or form.longitude is None):
        errors["venue"] = _(
            "Choose a saved venue, or give the destination's latitude and longitude."
        )
    return errors


STOP_LINE = re.compile(r"^(?:(\d{4}-\d{2}-\d{2})\s+)?(\d{1,2}):(\d{2})\s+(.+)$")


def parse_itinerary(
    text: str, starts_at: datetime, ends_at: datetime, tz: ZoneInfo
) -> tuple[list[tuple[str, datetime]], str | None]:
    """One stop a line: "10:30 Science museum" (on the start day) or "2026-12-03 10:30 Zoo".
    Returns the stops and no error, or no stops and the first error, naming its line."""
    stops = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        found = STOP_LINE.match(line)
        if not found:
            return [], _("Line %(n)s: start with a time like 10:30, then the stop's name.") % {
                "n": number
            }
        day_text, hour, minute, name = found.groups()
        try:
            day = date.fromisoformat(day_text) if day_text else starts_at.astimezone(tz).date()
            at = datetime.combine(day, time(int(hour), int(minute)), tz)
        except ValueError:
            return [], _("Line %(n)s: that date or time does not exist.") % {"n": number}
        if not starts_at <= at <= ends_at:
            return [], _("Line %(n)s: the stop must be between the trip's start and end.") % {
                "n": number
            }
        if len(name) > 200:
            return [], _("Line %(n)s: keep the stop's name under 200 characters.") % {"n": number}
        stops.append((name.strip(), at))
    return stops, None


def itinerary_text(stops: list, starts_at: datetime, tz: ZoneInfo) -> str:
    first = starts_at.astimezone(tz).date()
    lines = []
    for stop in stops:
        local = stop.expected_at.astimezone(tz)
        prefix = "" if local.date() == first else f"{local.date().isoformat()} "
        lines.append(f"{prefix}{local:%H:%M} {stop.name}")
    return "\n".join(lines)


def local(naive: datetime, tz: ZoneInfo) -> datetime:
    return naive.replace(tzinfo=tz)


class StudentForm(Form):
    name: Annotated[str, Text(200)]
    grade: Annotated[str, Text(20, min_length=0)] = ""
    contacts: Annotated[str, Text(1000, min_length=0, lines=True)] = ""
    medical: Annotated[str, Text(2000, min_length=0, lines=True)] = ""
    allergies: Annotated[str, Text(1000, min_length=0, lines=True)] = ""
    medication: Annotated[str, Text(1000, min_length=0, lines=True)] = ""
    medication_carrier: Annotated[str, Text(200, min_length=0)] = ""


class PolicyForm(Form):
    students_per_adult: Annotated[int, Field(ge=1, le=100)]
    grace_minutes: Annotated[int, Field(ge=0, le=24 * 60)]
    # ten at most: a school may shorten the wait for the police, never lengthen it
    police_call_minutes: Annotated[int, Field(ge=1, le=10)] = 10
    plan_required: bool = False
    band_low: Annotated[int, Field(ge=1, le=24)]
    band_medium: Annotated[int, Field(ge=1, le=24)]
    band_high: Annotated[int, Field(ge=1, le=24)]

    def bands_error(self) -> str | None:
        try:
            Bands(self.band_low, self.band_medium, self.band_high)
        except ValueError:
            return _("Each band's top score must be higher than the one before it.")
        return None
