"""A concern: what a member of staff saw or heard that worries them about someone, raised from a
phone (offline through the outbox). These are records about children: only admins and the safety
team read them (server/concerns/service.py), every read audited; the sender sees only "sent"."""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING

from tortoise import fields

from server.i18n import N_
from server.models import Role, TenantModel

if TYPE_CHECKING:
    from server.models import Organisation, School, User

READERS = (Role.ADMIN, Role.SAFETY)  # who may list and read concerns (the case team: later)


class HowKnown(StrEnum):
    SAW = "saw"  # saw it happen
    HEARD = "heard"  # heard it said
    TOLD = "told"  # someone told them
    ONLINE = "online"  # a post, a message, something written
    OTHER = "other"


HOW_KNOWN_LABELS = {
    HowKnown.SAW: N_("I saw it"),
    HowKnown.HEARD: N_("I heard it"),
    HowKnown.TOLD: N_("Someone told me"),
    HowKnown.ONLINE: N_("A post, message or something written"),
    HowKnown.OTHER: N_("Another way"),
}


class Concern(TenantModel):
    id = fields.UUIDField(primary_key=True)  # made on the phone: raising works offline
    organisation: fields.ForeignKeyRelation[Organisation] = fields.ForeignKeyField(
        "models.Organisation", related_name="concerns"
    )
    organisation_id: int
    raised_by: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="concerns_raised"
    )
    raised_by_id: int
    school: fields.ForeignKeyNullableRelation[School] = fields.ForeignKeyField(
        "models.School", related_name="concerns", null=True, on_delete=fields.SET_NULL
    )
    school_id: int | None
    what = fields.TextField()  # what was said or done
    exact_words = fields.TextField(default="")
    place = fields.CharField(max_length=300)  # where it happened
    happened_at = fields.DatetimeField()  # when, on the server's clock
    witnesses = fields.TextField(default="")  # who else saw or heard
    how_known = fields.CharEnumField(HowKnown, max_length=16)
    how_known_detail = fields.TextField(default="")
    danger_now = fields.BooleanField()
    team_alert = fields.UUIDField(null=True)  # the team's alert, when danger now
    raised_at = fields.DatetimeField()  # the phone's moment, on the server's clock
    received_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "concern"
        ordering = ["-raised_at"]
        indexes = [("organisation_id", "raised_at")]
