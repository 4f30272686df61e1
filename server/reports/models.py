"""A report as stored, and the links between reports that are probably about the same thing."""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING, Any
from uuid import UUID

from tortoise import fields

from server.models import TenantModel

if TYPE_CHECKING:
    from server.models import Organisation, School, Site, User


class ReportKind(StrEnum):
    PERSON = "person"
    VEHICLE = "vehicle"
    BOTH = "both"  # a person with a vehicle
    ITEM = "item"
    BEHAVIOUR = "behaviour"


class PositionSource(StrEnum):
    DEVICE = "device"  # the phone's own fix
    PIN = "pin"  # the person moved the pin
    SITE = "site"  # location unavailable: the person picked a site


class ReportStatus(StrEnum):
    NEW = "new"
    REVIEWING = "reviewing"
    CLOSED = "closed"


# One report. ``person`` and ``vehicle`` hold the structured descriptions as given; ``plate_key``
# is the plate normalised for matching. The nearest site, distance and bearing are worked out when
# the report arrives, so lists and exports never recompute them.
class Report(TenantModel):
    id = fields.UUIDField(primary_key=True)  # made on the phone: filing works offline
    organisation: fields.ForeignKeyRelation[Organisation] = fields.ForeignKeyField(
        "models.Organisation", related_name="reports"
    )
    organisation_id: int
    reported_by: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="reports"
    )
    reported_by_id: int
    kind = fields.CharEnumField(ReportKind, max_length=16)
    person: fields.JSONField[dict[str, Any]] = fields.JSONField(default=dict)
    vehicle: fields.JSONField[dict[str, Any]] = fields.JSONField(default=dict)
    item = fields.TextField(default="")
    activity = fields.TextField()
    concern = fields.TextField(default="")
    plate_key = fields.CharField(max_length=16, null=True)
    seen_at = fields.DatetimeField()
    latitude = fields.FloatField()
    longitude = fields.FloatField()
    accuracy = fields.FloatField(null=True)  # metres; empty when placed at a picked site
    position_source = fields.CharEnumField(PositionSource, max_length=8)
    nearest_site: fields.ForeignKeyNullableRelation[Site] = fields.ForeignKeyField(
        "models.Site", related_name="nearby_reports", null=True, on_delete=fields.SET_NULL
    )
    nearest_site_id: int | None
    distance_m = fields.FloatField(null=True)
    bearing = fields.CharField(max_length=2, default="")  # compass point from the site: N, NE...
    school: fields.ForeignKeyNullableRelation[School] = fields.ForeignKeyField(
        "models.School", related_name="reports", null=True, on_delete=fields.SET_NULL
    )
    school_id: int | None
    place_name = fields.CharField(max_length=300, default="")  # from the district's geocoder
    place_checked = fields.BooleanField(default=False)  # the geocoder was asked (once)
    photos: fields.JSONField[list[Any]] = fields.JSONField(
        default=list
    )  # upload ids, in the order taken
    context: fields.JSONField[dict[str, Any]] = fields.JSONField(
        default=dict
    )  # e.g. the checklist run and bus it was filed from
    received_at = fields.DatetimeField(auto_now_add=True)
    # The safety team's follow-up: where it stands, who has it, what was done, the police case.
    # Changed only through server/reports/service.py, which audits every change.
    status = fields.CharEnumField(
        ReportStatus, max_length=16, default=ReportStatus.NEW, db_default="new", db_index=True
    )
    owner: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="reports_owned", null=True, on_delete=fields.SET_NULL
    )
    owner_id: int | None
    notes = fields.TextField(default="", db_default="")
    case_number = fields.CharField(max_length=60, default="", db_default="")

    class Meta:
        table = "report"
        ordering = ["-seen_at"]
        indexes = [
            ("organisation_id", "plate_key", "seen_at"),
            ("organisation_id", "seen_at", "latitude"),
            # The metrics dashboard counts a kind (at a school) in a time range, by index alone.
            ("organisation_id", "kind", "seen_at"),
            ("organisation_id", "school_id", "kind", "seen_at"),
        ]


# "Possibly related": stored both ways round, so either report finds the other with one filter.
class ReportLink(TenantModel):
    id = fields.IntField(primary_key=True)
    organisation: fields.ForeignKeyRelation[Organisation] = fields.ForeignKeyField(
        "models.Organisation", related_name="report_links"
    )
    organisation_id: int
    report: fields.ForeignKeyRelation[Report] = fields.ForeignKeyField(
        "models.Report", related_name="links"
    )
    report_id: UUID
    other: fields.ForeignKeyRelation[Report] = fields.ForeignKeyField(
        "models.Report", related_name="linked_from"
    )
    other_id: UUID
    reason = fields.CharField(max_length=8)  # "plate" or "nearby"
    distance_m = fields.FloatField()
    hours_apart = fields.FloatField()

    class Meta:
        table = "report_link"
        unique_together = [("report", "other")]
