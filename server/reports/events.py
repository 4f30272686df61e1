"""``report.filed``: a report made on a phone, perhaps hours before it had signal.

The handler checks what a schema can't (the site and photos belong to the sender's district, the
time seen is not after the report was made), puts it on the server's clock, places the report
against the district's sites, links it to reports probably about the same thing, and raises an
alert when it is close to a campus.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Annotated, Any
from uuid import UUID

from pydantic import Field, model_validator

from server.alerts.audience import Audience
from server.alerts.service import raise_alert
from server.contexts import ReportContext
from server.db import column
from server.edge import EventTime, Latitude, Longitude, Text
from server.events.models import Upload
from server.events.registry import Payload, Pending, Sender, event_type
from server.i18n import gettext as _
from server.incidents.service import after_report
from server.models import Role, Site, SiteKind
from server.places.nearest import field_school, nearest
from server.reports import correlate
from server.reports.models import PositionSource, Report, ReportKind
from server.settings import Settings
from server.tenancy import RecordId

MAX_PHOTOS = 4
FUTURE_SLACK = timedelta(minutes=10)  # a time seen typed later than now: a mistake to fix


class PersonDescription(Payload):
    weapon: Annotated[str, Text(200, min_length=0, lines=True)] = ""  # what, and where on them
    apparent_age: Annotated[str, Text(40, min_length=0, lines=True)] = ""
    height: Annotated[str, Text(40, min_length=0, lines=True)] = ""
    weight: Annotated[str, Text(40, min_length=0, lines=True)] = ""
    build: Annotated[str, Text(60, min_length=0, lines=True)] = ""
    hair: Annotated[str, Text(120, min_length=0, lines=True)] = ""  # and facial hair
    clothing: Annotated[str, Text(500, min_length=0, lines=True)] = ""  # top to bottom
    marks: Annotated[str, Text(300, min_length=0, lines=True)] = (
        ""  # scars, tattoos, glasses, anything that stands out
    )
    leaving: Annotated[str, Text(300, min_length=0, lines=True)] = (
        ""  # direction and means of leaving
    )
    voice: Annotated[str, Text(120, min_length=0, lines=True)] = (
        ""  # accent, anything about how they spoke
    )


class VehicleDescription(Payload):
    colour: Annotated[str, Text(60, min_length=0, lines=True)] = ""
    year: Annotated[str, Text(20, min_length=0, lines=True)] = ""
    make_model: Annotated[str, Text(120, min_length=0, lines=True)] = ""
    body_style: Annotated[str, Text(40, min_length=0, lines=True)] = ""
    features: Annotated[str, Text(500, min_length=0, lines=True)] = (
        ""  # damage, stickers, rims, tint
    )
    plate: Annotated[str, Text(16, min_length=0, lines=True)] = ""
    plate_state: Annotated[str, Text(40, min_length=0, lines=True)] = ""
    occupants: Annotated[str, Text(200, min_length=0, lines=True)] = ""
    direction: Annotated[str, Text(300, min_length=0, lines=True)] = ""


class ReportPosition(Payload):
    latitude: Latitude
    longitude: Longitude
    accuracy: Annotated[float, Field(ge=0, le=100_000, allow_inf_nan=False)]
    moved: bool = False  # the person dragged the pin


class ReportFiled(Payload):
    report_id: UUID
    kind: ReportKind
    person: PersonDescription | None = None
    vehicle: VehicleDescription | None = None
    item: Annotated[str, Text(1000, min_length=0, lines=True)] = ""
    activity: Annotated[str, Text(2000, lines=True)]
    concern: Annotated[str, Text(2000, min_length=0, lines=True)] = ""
    seen_at: EventTime
    position: ReportPosition | None = None
    site_id: RecordId | None = None
    photos: Annotated[list[UUID], Field(max_length=MAX_PHOTOS)] = []
    context: ReportContext = ReportContext()

    @model_validator(mode="after")
    def placed(self) -> ReportFiled:
        if self.position is None and self.site_id is None:
            raise ValueError("give a position or a site")
        return self


@event_type("report.filed", ReportFiled)
async def report_filed(batch: list[Pending], sender: Sender) -> None:
    user = sender.user
    settings: Settings = sender.app_state.settings
    sites = await Site.filter(organisation_id=user.organisation_id).prefetch_related("school")
    by_id = {s.id: s for s in sites}
    known = set(await column(Report.filter(id__in=[p.payload.report_id for p in batch]), "id"))
    photo_ids = [photo for p in batch for photo in p.payload.photos]
    foreign = set(  # a phone sends its own photos: anyone else's (a roster's, say) is refused
        await column(Upload.filter(id__in=photo_ids).exclude(user_id=user.id), "id")
    )
    my_schools = await user.schools.all().order_by("id")
    for p in batch:
        f: ReportFiled = p.payload
        seen_at = p.on_server_clock(f.seen_at)  # the phone's clock may be off
        if f.report_id in known:
            p.reject(_("This report was already filed."))
        elif seen_at > p.occurred_at + FUTURE_SLACK:
            p.reject(_("The time seen is in the future. Check the phone's clock."))
        elif f.site_id is not None and f.site_id not in by_id:
            p.reject(_("That site is not one of your district's."))
        elif foreign.intersection(f.photos):
            p.reject(_("A photo on this report belongs to someone else."))
        else:
            known.add(f.report_id)
            report = await _store(p, seen_at, user, by_id, sites, my_schools)
            matches = await correlate.find_related(
                report, settings.correlate_metres, settings.correlate_hours
            )
            await correlate.link(report, matches)
            await _alert_if_near_campus(report, sites, settings, user)
            await after_report(report)  # filed during its school's open incident: joins it


async def _store(
    p: Pending,
    seen_at: datetime,
    user: Any,
    by_id: dict,
    sites: list[Site],
    my_schools: list,
) -> Report:
    f: ReportFiled = p.payload
    context = f.context.given()
    if abs(p.skew) >= timedelta(minutes=1):  # kept so a reader knows the times were moved
        context["phone_clock_fast_minutes"] = str(round(p.skew.total_seconds() / 60))
    if f.position is not None:
        lat, lon, accuracy = f.position.latitude, f.position.longitude, f.position.accuracy
        source = PositionSource.PIN if f.position.moved else PositionSource.DEVICE
    else:
        site = by_id[f.site_id]
        lat, lon, accuracy, source = site.latitude, site.longitude, None, PositionSource.SITE
    near = nearest((lat, lon), sites)
    # the campus it was at (the phone's position, or the campus picked), else their school
    school_id = field_school((lat, lon), sites, [s.id for s in my_schools])
    vehicle = f.vehicle.model_dump() if f.vehicle else {}
    return await Report.create(
        id=f.report_id,
        organisation_id=user.organisation_id,
        reported_by=user,
        kind=f.kind,
        person=f.person.model_dump() if f.person else {},
        vehicle=vehicle,
        item=f.item,
        activity=f.activity,
        concern=f.concern,
        plate_key=correlate.plate_key(vehicle.get("plate", "")),
        seen_at=seen_at,
        latitude=lat,
        longitude=lon,
        accuracy=accuracy,
        position_source=source,
        nearest_site=near.site if near else None,
        distance_m=near.distance_m if near else None,
        bearing=near.bearing if near else "",
        school_id=school_id,
        photos=[str(photo) for photo in f.photos],
        context=context,
    )


async def _alert_if_near_campus(
    report: Report, sites: list[Site], settings: Settings, user: Any
) -> None:
    if settings.report_alert_metres <= 0:
        return
    campus = nearest((report.latitude, report.longitude), sites, SiteKind.CAMPUS)
    if campus is None or campus.distance_m > settings.report_alert_metres:
        return
    school = campus.site.school
    await raise_alert(
        organisation_id=report.organisation_id,
        raised_by_id=user.id,
        kind="suspicious-report",
        audience=Audience(
            [Role.SAFETY.value, Role.ADMIN.value], school_ids=[school.id] if school else None
        ),
        raised_at=report.seen_at,
        source={"report_id": str(report.id)},
        where={
            "schools": [school.name] if school else [],
            "site": campus.site.name,
            "distance_m": round(campus.distance_m),
            "bearing": campus.bearing,
            "position": {"latitude": report.latitude, "longitude": report.longitude},
        },
    )
