"""The anonymous tip line: one per district (its short code is the public link), the tips sent
to it, and the two-way thread between the threat assessment team and the tipster.

Nothing here says who the tipster is: no address, no device, no account. The tipster's way back
is a follow-up code of which only a hash is kept (server/tips/codes.py), so the database alone
can't open a tip's thread. Who may read tips: the same readers as concerns, for now."""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING

from tortoise import fields

from server.concerns.models import READERS as CONCERN_READERS
from server.i18n import N_
from server.models import TenantModel

if TYPE_CHECKING:
    from uuid import UUID

    from server.models import Organisation, School, User

READERS = CONCERN_READERS  # who read every tip and print the poster (concerns.service.reach)


class Reporter(StrEnum):
    SELF = "self"  # the tipster is telling about themselves
    FRIEND = "friend"  # for a friend
    SOMEONE = "someone"  # about someone else
    UNSAID = "unsaid"


REPORTER_LABELS = {
    Reporter.SELF: N_("For myself"),
    Reporter.FRIEND: N_("For a friend"),
    Reporter.SOMEONE: N_("About someone else"),
    Reporter.UNSAID: N_("I'd rather not say"),
}


# A district's tip line: its public short link and the account its urgent alerts are raised
# under (an alert names who raised it; a tipster is nobody, so the line itself is). The account
# is inactive, has no roles and no usable password: it can't sign in or receive anything.
class TipLine(TenantModel):
    id = fields.IntField(primary_key=True)
    organisation: fields.OneToOneRelation[Organisation] = fields.OneToOneField(
        "models.Organisation", related_name="tip_line"
    )
    organisation_id: int
    code = fields.CharField(max_length=16, unique=True)  # /tip/<code>
    account: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="tip_lines"
    )
    account_id: int
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "tip_line"


class Tip(TenantModel):
    id = fields.UUIDField(primary_key=True)
    organisation: fields.ForeignKeyRelation[Organisation] = fields.ForeignKeyField(
        "models.Organisation", related_name="tips"
    )
    organisation_id: int
    school: fields.ForeignKeyNullableRelation[School] = fields.ForeignKeyField(
        "models.School", related_name="tips", null=True, on_delete=fields.SET_NULL
    )
    school_id: int | None
    urgent = fields.BooleanField()  # "someone could be hurt today"
    what = fields.TextField()  # what was said or done
    exact_words = fields.TextField(default="")
    place = fields.CharField(max_length=300, default="")
    happened = fields.CharField(max_length=200, default="")  # when, in the tipster's words
    involved = fields.TextField(default="")  # who is involved
    others_know = fields.TextField(default="")  # who else knows
    reporter = fields.CharEnumField(Reporter, max_length=16)
    code_hash = fields.CharField(max_length=64, unique=True)  # SHA-256 of the follow-up code
    team_alert = fields.UUIDField(null=True)  # the team's alert, when urgent
    received_at = fields.DatetimeField(auto_now_add=True)
    messages: fields.ReverseRelation[TipMessage]  # filled by TipMessage.tip

    class Meta:
        table = "tip"
        ordering = ["-received_at"]
        indexes = [("organisation_id", "received_at")]


# One message in a tip's thread: the team's question (its author the reader who asked) or the
# tipster's answer (no author, ever).
class TipMessage(TenantModel):
    org_path = "tip__organisation_id"

    id = fields.BigIntField(primary_key=True)
    tip: fields.ForeignKeyRelation[Tip] = fields.ForeignKeyField(
        "models.Tip", related_name="messages"
    )
    tip_id: UUID
    from_team = fields.BooleanField()
    author: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="tip_messages", null=True, on_delete=fields.SET_NULL
    )
    author_id: int | None
    body = fields.TextField()
    at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "tip_message"
        ordering = ["at", "id"]
        indexes = [("tip_id", "at")]
