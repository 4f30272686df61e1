"""What the safety team's alerts list reads: the alerts the filters on screen find."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from tortoise.queryset import QuerySet

from server.alerts.kinds import KINDS
from server.alerts.models import Alert
from server.desk import ACTIVE_FOR
from server.i18n import N_
from server.listing import Listing, Sort, Spec
from server.models import User
from server.tenancy import scoped

STATES = ("active", "ended", "drill", "real")

SPEC = Spec(
    day_field="raised_at",
    sorts={
        "newest": Sort(N_("Newest first"), ("-raised_at",)),
        "oldest": Sort(N_("Oldest first"), ("raised_at",)),
        "kind": Sort(N_("Kind"), ("kind", "-raised_at")),
    },
    text_fields=("title", "message", "raised_by__name"),
    # where it was raised, the schools, the caller's words, the student: the alert's facts
    json_fields=("where", "source"),
    extra={
        "kind": lambda raw: raw if raw in KINDS else None,
        "state": lambda raw: raw if raw in STATES else None,
    },
)


def read(query) -> Listing:
    return Listing.read(SPEC, query)


def found(user: User, listing: Listing, tz: ZoneInfo, now: datetime) -> QuerySet[Alert]:
    # Practice alerts reached nobody and count nowhere: not on the list.
    alerts = listing.apply(scoped(Alert, user).filter(practice=False), tz)
    if kind := listing.extra.get("kind"):
        alerts = alerts.filter(kind=kind)
    state = listing.extra.get("state")
    if state == "active":  # as the desk home counts them
        alerts = alerts.filter(
            ended_at__isnull=True, cancelled_at__isnull=True, raised_at__gte=now - ACTIVE_FOR
        ).exclude(kind="all-clear")
    elif state == "ended":
        alerts = alerts.filter(ended_at__isnull=False)
    elif state in ("drill", "real"):
        alerts = alerts.filter(drill=state == "drill")
    return alerts
