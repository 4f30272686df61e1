"""What alert pages read: the safety team's list (the alerts the filters on screen find) and its
export, the composer's choices and preview, an alert's live page, and an alert's facts with
what its small map needs."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from tortoise.queryset import QuerySet

from server.alerts.audience import Audience, resolve_audience
from server.alerts.facts import Facts, audience_words, counted, gather, gather_many, is_desk
from server.alerts.kinds import KINDS, Severity, kind_of
from server.alerts.models import Alert, AlertRecipient
from server.channels import queries as channel_queries
from server.db import column
from server.desk import ACTIVE_FOR
from server.i18n import N_
from server.i18n import gettext as _
from server.listing import Listing, Sort, Spec, page_of
from server.maps import map_config, map_headers, sites_json
from server.models import Role, School, Site, User
from server.places.nearest import describe, nearest
from server.push.models import Delivery, PushSubscription
from server.push.payload import added_message, instructions, title
from server.push.payload import name as alert_heading
from server.settings import Settings
from server.team.models import FUNCTION_LABELS
from server.tenancy import scoped
from server.trips.models import Trip

TRIPS_AROUND = timedelta(hours=24)  # the composer offers the trips on within a day of now
RECENT_ALERTS = timedelta(hours=24)  # a person's home screen lists their alerts of the last day

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


async def list_page(user: User, filters: Listing, tz: ZoneInfo, now: datetime) -> dict[str, Any]:
    """The safety team's list: a page of the alerts the filters find, with their facts."""
    page = await page_of(found(user, filters, tz, now), filters, "raised_by")
    return {
        "alerts": page.items,
        "page": page,
        "filters": filters,
        "kinds": list(KINDS.values()),
        "facts": await gather_many(page.items),
        "audience_words": audience_words,
        "counted": counted,
    }


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


def export(alerts: list[Alert], facts: dict[Any, Facts], tz: ZoneInfo) -> list[list[Any]]:
    """The rows of the list's export, under ``EXPORT_HEADER``, on the district's clock."""

    def at(moment: datetime | None) -> str:
        return moment.astimezone(tz).isoformat() if moment else ""

    return [
        [
            a.id,
            at(a.raised_at),
            a.kind,
            alert_heading(a),
            "yes" if a.drill else "",
            a.raised_by.name,
            audience_words(facts[a.id]),
            ", ".join(facts[a.id].schools),
            facts[a.id].place_words(),
            a.message,
            at(a.cancelled_at),
            at(a.ended_at),
        ]
        for a in alerts
    ]


EXPORT_HEADER = [
    "alert",
    "raised at",
    "kind",
    "title",
    "drill",
    "raised by",
    "to",
    "schools",
    "where",
    "message",
    "undone at",
    "ended at",
]


def trips_now(user: User) -> QuerySet[Trip]:
    """The trips on within a day of now: those the composer offers."""
    now = datetime.now(UTC)
    return scoped(Trip, user).filter(
        starts_at__lte=now + TRIPS_AROUND, ends_at__gte=now - TRIPS_AROUND
    )


async def composer_choices(user: User) -> dict[str, Any]:
    """What the composer offers: the kinds, severities, places, trips, people and roles."""
    return {
        "kinds": [k for k in KINDS.values() if k.composable],
        "severities": list(Severity),
        "schools": await scoped(School, user),
        "sites": await scoped(Site, user),
        "trips": await trips_now(user).order_by("starts_at").limit(50),
        "people": await scoped(User, user).filter(active=True),
        "roles": list(Role),
        "functions": list(FUNCTION_LABELS.items()),  # a team function, for "Who gets it"
    }


@dataclass
class Preview:
    facts: Facts  # the draft's
    people: int  # how many it reaches
    phones: int  # their phones that take alerts
    names: list[str]  # the first few of them


async def previewed(user: User, draft: Alert, audience: Audience) -> Preview:
    """Whom an unsaved alert would reach, and its facts."""
    people = await resolve_audience(user.organisation_id, audience, exclude=user.id)
    names = await column(User.filter(id__in=people[:12]), "name")
    phones = await PushSubscription.filter(user_id__in=people).count() if people else 0
    return Preview(await gather(draft), len(people), phones, list(names))


async def preview_page(user: User, draft: Alert, audience: Audience) -> dict[str, Any]:
    """The composer's preview of an unsaved alert: what people will see, and whom it reaches."""
    preview = await previewed(user, draft, audience)
    # "Lockdown to Roosevelt Middle: 48 people, 41 phones": the preview and the button say it.
    sending = _("%(what)s to %(whom)s: %(counted)s") % {
        "what": title(draft),
        "whom": audience_words(preview.facts),
        "counted": counted(preview.people, preview.phones),
    }
    return {
        "alert": draft,
        "title": title(draft),
        "body": instructions(draft),
        "message": added_message(draft),
        "kind": kind_of(draft.kind),
        "count": preview.people,
        "phones": preview.phones,
        "sending": sending,
        "names": preview.names,
    }


async def my_alerts(user_id: int, now: datetime) -> list[dict[str, Any]]:
    """The alerts of the last day sent to this person (out of their undo window, not undone):
    so an alert can be found and answered in the app without its notification."""
    rows = (
        await AlertRecipient.filter(
            user_id=user_id,
            alert__raised_at__gte=now - RECENT_ALERTS,
            alert__cancelled_at__isnull=True,
        )
        .prefetch_related("alert")
        .order_by("-alert__raised_at")
        .limit(10)
    )
    return [
        {"alert": r.alert, "name": alert_heading(r.alert), "response": r.response}
        for r in rows
        if r.alert.send_after is None or r.alert.send_after <= now
    ][:5]


async def live(alert: Alert) -> dict[str, Any]:
    """An alert's live page: who is safe, who needs help (and where), who has not answered,
    who it reaches by no phone, its deliveries, its undo time left and the all clear."""
    await alert.fetch_related("raised_by")
    rows = await AlertRecipient.filter(alert_id=alert.id).prefetch_related("user")
    rows = sorted(rows, key=lambda r: r.user.name)
    counts: dict[str, int] = {}
    for status in await column(Delivery.filter(alert_id=alert.id), "status"):
        counts[status] = counts.get(status, 0) + 1
    now = datetime.now(UTC)
    undo_left = (
        (alert.send_after - now).total_seconds()
        if alert.send_after and not alert.cancelled_at
        else 0
    )
    help_ = [r for r in rows if r.response == "help"]
    # Where each person asking for help is, in words a responder can use: "60 m NW of Lincoln".
    places: dict[int, str] = {}
    located = [r for r in help_ if r.position]
    if located:
        sites = await Site.filter(organisation_id=alert.organisation_id)
        for r in located:
            found = nearest((r.position["latitude"], r.position["longitude"]), sites)
            if found is not None:
                places[r.id] = describe(found.distance_m, found.bearing, found.site.name)
    ended_by = await Alert.filter(ends=alert.id).prefetch_related("raised_by").first()
    ends = (
        await Alert.get_or_none(id=alert.ends, organisation_id=alert.organisation_id)
        if alert.ends
        else None
    )
    # People it reaches by no phone, SMS or email: the sender must tell them another way.
    tried = await channel_queries.tried(alert)
    reached = set(tried)
    return {
        "alert": alert,
        "title": title(alert),
        "body": instructions(alert),
        "message": added_message(alert),
        "kind": alert.info,
        "safe": [r for r in rows if r.response == "safe"],
        "help": help_,
        "places": places,
        "waiting": [r for r in rows if r.response is None],
        "phoneless": [r for r in rows if r.user_id not in reached and r.response is None],
        "deliveries": counts,
        "tried": tried,
        "undo_left": max(0, round(undo_left)),
        "ended_by": ended_by,
        "ends": ends,
        "ends_title": title(ends) if ends else "",
    }


async def facts_page(
    user: User, settings: Settings, alert: Alert
) -> tuple[dict[str, Any], dict[str, str]]:
    """An alert's facts and what its small map needs; with the headers that let tiles load."""
    facts: Facts = await gather(alert)
    sites = sites_json(await scoped(Site, user)) if facts.position else []
    context = {
        "facts": facts,
        "desk": is_desk(user.roles),
        "map_sites": sites,
        "map_config": map_config(settings),
    }
    return context, map_headers(settings) if facts.position else {}


@dataclass
class Opened:
    recipient: AlertRecipient | None  # the reader's own row (their answer), if it went to them


async def opened_by(user: User, alert: Alert) -> Opened | None:
    """An alert for the people it went to, its sender, the safety team and admins; None for
    anyone else (the caller's 404)."""
    mine = await AlertRecipient.get_or_none(alert_id=alert.id, user_id=user.id)
    allowed = mine is not None or alert.raised_by_id == user.id
    if not (allowed or user.has_role(Role.ADMIN, Role.SAFETY)):
        return None
    await alert.fetch_related("raised_by")
    return Opened(mine)


async def recipient_page(
    user: User, settings: Settings, alert: Alert, opened: Opened
) -> tuple[dict[str, Any], dict[str, str]]:
    """The alert as the people it went to see it (what a notification's tap opens), with the
    headers its small map needs."""
    facts, headers = await facts_page(user, settings, alert)
    context = {
        "alert": alert,
        "title": title(alert),
        "body": instructions(alert),
        "message": added_message(alert),
        "kind": alert.info,
        # The safety team, told of a situation in the field, acts on it: not "are you safe?".
        "mine": None if facts["desk"] and facts["facts"].situation else opened.recipient,
        **facts,
    }
    return context, headers
