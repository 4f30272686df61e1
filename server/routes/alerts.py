"""The safety team's alerts: the list, the composer (preview, press-and-hold to send, five
seconds to undo), and each alert's live page: who is safe, who needs help (and where), who has not
answered, a re-send to those, and the acknowledgment figures."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from pydantic import ValidationError
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route
from tortoise.queryset import QuerySet

from server import audit
from server.alerts import queries as alert_list
from server.alerts.facts import Facts, audience_words, counted, gather, gather_many, is_desk
from server.alerts.kinds import KINDS, Severity, kind_of
from server.alerts.models import Alert, AlertRecipient
from server.alerts.service import (
    audience_of,
    end_with_all_clear,
    queue_deliveries,
    raise_alert,
    resolve_audience,
)
from server.auth import requires_role, signed_in_user
from server.district_time import zone
from server.forms import AlertForm, from_form, messages
from server.i18n import gettext as _
from server.listing import export_of, page_of
from server.maps import map_config, map_headers, sites_json
from server.models import Role, School, Site, User
from server.places.nearest import describe, nearest
from server.push.models import Delivery, DeliveryStatus, PushSubscription
from server.push.payload import added_message, instructions, title
from server.push.payload import name as alert_heading
from server.push.worker import wake
from server.settings import Settings
from server.spreadsheet import csv_response
from server.templating import render
from server.tenancy import get_by_uuid_or_404, scoped
from server.trips.models import Trip

UNDO_SECONDS = 5
TRIPS_AROUND = timedelta(hours=24)  # the composer offers the trips on within a day of now


def _trips_now(user: User) -> QuerySet[Trip]:
    now = datetime.now(UTC)
    return scoped(Trip, user).filter(
        starts_at__lte=now + TRIPS_AROUND, ends_at__gte=now - TRIPS_AROUND
    )


async def facts_context(request: Request, alert: Alert) -> tuple[dict[str, Any], dict[str, str]]:
    """An alert's facts and what its small map needs; with the headers that let tiles load."""
    user = signed_in_user(request)
    settings: Settings = request.app.state.settings
    facts: Facts = await gather(alert)
    sites = sites_json(await scoped(Site, user)) if facts.position else []
    context = {
        "facts": facts,
        "desk": is_desk(user.roles),
        "map_sites": sites,
        "map_config": map_config(settings),
    }
    return context, map_headers(settings) if facts.position else {}


@requires_role(Role.ADMIN, Role.SAFETY)
async def alerts_list(request: Request) -> Response:
    user = signed_in_user(request)
    filters = alert_list.read(request.query_params)
    found = alert_list.found(user, filters, zone(request), datetime.now(UTC))
    page = await page_of(found, filters, "raised_by")
    context = {
        "alerts": page.items,
        "page": page,
        "filters": filters,
        "kinds": list(KINDS.values()),
        "facts": await gather_many(page.items),
        "audience_words": audience_words,
        "counted": counted,
    }
    return render(request, "admin/alerts.html", context, fragment="admin/_alerts_list.html")


@requires_role(Role.ADMIN, Role.SAFETY)
async def alerts_csv(request: Request) -> Response:
    """The alerts the filters on screen find, on the district's clock."""
    user = signed_in_user(request)
    filters = alert_list.read(request.query_params)
    tz = zone(request)
    found = await export_of(alert_list.found(user, filters, tz, datetime.now(UTC)), "raised_by")
    facts = await gather_many(found)

    def at(moment: datetime | None) -> str:
        return moment.astimezone(tz).isoformat() if moment else ""

    header = [
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
    rows = [
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
        for a in found
    ]
    await audit.record(
        user, "alerts.exported", user, count=len(found), filters=filters.query_string()
    )
    return csv_response("alerts.csv", header, rows)


async def _composer(
    request: Request, values: dict[str, Any], errors: dict[str, str], status: int = 200
) -> Response:
    user = signed_in_user(request)
    context = {
        "values": values,
        "errors": errors,
        "kinds": [k for k in KINDS.values() if k.composable],
        "severities": list(Severity),
        "schools": await scoped(School, user),
        "sites": await scoped(Site, user),
        "trips": await _trips_now(user).order_by("starts_at").limit(50),
        "people": await scoped(User, user).filter(active=True),
        "roles": list(Role),
    }
    return render(request, "admin/alert_new.html", context, status_code=status)


def _values(form: Any) -> dict[str, Any]:
    return {
        key: form.getlist(key) if key in ("people", "roles") else form.get(key)
        for key in AlertForm.model_fields
    }


async def _audience(user: User, data: AlertForm) -> dict[str, Any]:
    """The form's audience as raise_alert's arguments; another organisation's ids are refused."""
    if data.scope == "school":
        if not await scoped(School, user).filter(id=data.school).exists():
            raise ValueError("school")
        return {"school_ids": [data.school]}
    if data.scope == "site":
        if not await scoped(Site, user).filter(id=data.site).exists():
            raise ValueError("site")
        return {"site_id": data.site}
    if data.scope == "trip":
        trip = await _trips_now(user).filter(id=data.trip).prefetch_related("chaperones").first()
        if trip is None:
            raise ValueError("trip")
        chaperones = sorted(c.id for c in trip.chaperones if c.active)
        return {"trip_id": trip.id, "user_ids": chaperones}
    if data.scope == "people":
        found = await scoped(User, user).filter(id__in=data.people).count()
        if found != len(set(data.people)):
            raise ValueError("people")
        return {"user_ids": sorted(set(data.people))}
    return {}


async def _checked(request: Request) -> tuple[AlertForm, dict[str, Any], dict[str, Any]]:
    """The form, its values to re-show, and the audience; raises _Invalid with its errors."""
    form = await request.form()
    values = _values(form)
    try:
        data = from_form(AlertForm, form)
    except ValidationError as error:
        raise _Invalid(values, messages(error)) from None
    try:
        audience = await _audience(signed_in_user(request), data)
    except ValueError as error:
        raise _Invalid(values, {str(error): _("Choose one of the options.")}) from None
    return data, values, audience


class _Invalid(Exception):
    def __init__(self, values: dict[str, Any], errors: dict[str, str]) -> None:
        self.values, self.errors = values, errors


def _draft(user: User, data: AlertForm) -> Alert:
    """An unsaved alert, to preview exactly what people will see."""
    return Alert(
        id=uuid.uuid4(),
        organisation_id=user.organisation_id,
        raised_by_id=user.id,
        kind=data.kind,
        severity=data.severity or kind_of(data.kind).severity.value,
        title=data.title if data.kind == "custom" else "",
        message=data.message,
        drill=data.drill,
        raised_at=datetime.now(UTC),
    )


@requires_role(Role.ADMIN, Role.SAFETY)
async def alert_new(request: Request) -> Response:
    """GET: the composer. POST: the preview, with the press-and-hold button that sends."""
    if request.method == "GET":
        kind = request.query_params.get("kind", "")
        return await _composer(request, {"kind": kind if kind in KINDS else "lockdown"}, {})
    user = signed_in_user(request)
    try:
        data, values, audience = await _checked(request)
    except _Invalid as invalid:
        return await _composer(request, invalid.values, invalid.errors, status=422)
    return await _preview(request, user, data, values, audience)


async def _preview(
    request: Request,
    user: User,
    data: AlertForm,
    values: dict[str, Any],
    audience: dict[str, Any],
    error: str = "",
    status: int = 200,
) -> Response:
    draft = _draft(user, data)
    where = {k: v for k, v in audience.items() if k != "trip_id"}  # the trip's people are named
    people = await resolve_audience(
        user.organisation_id, [r.value for r in data.roles], exclude=user.id, **where
    )
    names = await User.filter(id__in=people[:12]).values_list("name", flat=True)
    phones = await PushSubscription.filter(user_id__in=people).count() if people else 0
    draft.audience = audience_of(**audience)
    draft.notify = [r.value for r in data.roles]
    draft.trip_id = audience.get("trip_id")
    facts = await gather(draft)
    # "Lockdown to Roosevelt Middle: 48 people, 41 phones": the preview and the button say it.
    sending = _("%(what)s to %(whom)s: %(counted)s") % {
        "what": title(draft),
        "whom": audience_words(facts),
        "counted": counted(len(people), phones),
    }
    context = {
        "alert": draft,
        "title": title(draft),
        "body": instructions(draft),
        "message": added_message(draft),
        "kind": kind_of(draft.kind),
        "values": values,
        "count": len(people),
        "phones": phones,
        "sending": sending,
        "names": names,
        "error": error,
    }
    return render(request, "admin/alert_preview.html", context, status_code=status)


@requires_role(Role.ADMIN, Role.SAFETY)
async def alert_send(request: Request) -> Response:
    user = signed_in_user(request)
    try:
        data, values, audience = await _checked(request)
    except _Invalid as invalid:
        return await _composer(request, invalid.values, invalid.errors, status=422)
    if data.held != "yes":  # only the press-and-hold button sets it: no sending by a stray tap
        message = _("Nothing was sent. Press and hold the button for 2 seconds to send.")
        return await _preview(request, user, data, values, audience, message, status=422)
    alert = await raise_alert(
        organisation_id=user.organisation_id,
        raised_by_id=user.id,
        kind=data.kind,
        notify=[r.value for r in data.roles],
        raised_at=datetime.now(UTC),
        drill=data.drill,
        severity=data.severity,
        title=data.title if data.kind == "custom" else "",
        message=data.message,
        source={"composer": True},
        undo_seconds=UNDO_SECONDS,
        **audience,
    )
    await audit.record(user, "alert.sent", alert, drill=alert.drill)
    return RedirectResponse(request.url_for("alert_live", id=str(alert.id)), status_code=303)


async def _alert_or_404(request: Request) -> Alert:
    return await get_by_uuid_or_404(Alert, signed_in_user(request), request.path_params["id"])


async def live_context(alert: Alert) -> dict[str, Any]:
    await alert.fetch_related("raised_by")
    rows = await AlertRecipient.filter(alert_id=alert.id).prefetch_related("user")
    rows = sorted(rows, key=lambda r: r.user.name)
    counts: dict[str, int] = {}
    for status in await Delivery.filter(alert_id=alert.id).values_list("status", flat=True):
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
    # People it reaches by no phone at all: the sender must tell them another way.
    reached = set(await Delivery.filter(alert_id=alert.id).values_list("user_id", flat=True))
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
        "undo_left": max(0, round(undo_left)),
        "ended_by": ended_by,
        "ends": ends,
        "ends_title": title(ends) if ends else "",
    }


@requires_role(Role.ADMIN, Role.SAFETY)
async def alert_live(request: Request) -> Response:
    alert = await _alert_or_404(request)
    facts, headers = await facts_context(request, alert)
    context = {
        **await live_context(alert),
        **facts,
        "on_live_page": True,
        "whom": audience_words(facts["facts"]),
        "live_flash": request.session.pop("flash", None),
    }
    response = render(request, "admin/alert_live.html", context, fragment="admin/_alert_live.html")
    response.headers.update(headers)
    return response


@requires_role(Role.ADMIN, Role.SAFETY)
async def alert_undo(request: Request) -> Response:
    alert = await _alert_or_404(request)
    user = signed_in_user(request)
    now = datetime.now(UTC)
    if alert.cancelled_at is None and alert.send_after is not None and now < alert.send_after:
        alert.cancelled_at = now
        await alert.save(update_fields=["cancelled_at"])
        await Delivery.filter(alert_id=alert.id, status=DeliveryStatus.PENDING.value).update(
            status=DeliveryStatus.CANCELLED.value
        )
        await audit.record(user, "alert.undone", alert)
        request.session["flash"] = _("Undone. Nobody was alerted.")
    elif alert.cancelled_at is not None:
        request.session["flash"] = _("This alert was already undone.")
    else:
        request.session["flash"] = _(
            "Too late to undo: the alert has gone out. Send an all clear or a correction."
        )
    return RedirectResponse(request.url_for("alert_live", id=str(alert.id)), status_code=303)


@requires_role(Role.ADMIN, Role.SAFETY)
async def alert_resend(request: Request) -> Response:
    """Send again, now, to everyone who has not answered."""
    alert = await _alert_or_404(request)
    if alert.cancelled_at is not None:
        request.session["flash"] = _("This alert was undone; there is nothing to send again.")
    elif alert.send_after is not None and datetime.now(UTC) < alert.send_after:
        # Sending now would go round the undo the sender still has.
        request.session["flash"] = _(
            "It has not gone out yet: it goes to everyone when the undo ends."
        )
    else:
        waiting = await AlertRecipient.filter(alert_id=alert.id, response__isnull=True).values_list(
            "user_id", flat=True
        )
        phones = await queue_deliveries(alert, list(waiting), due_at=datetime.now(UTC))
        wake()
        reached = (
            await PushSubscription.filter(user_id__in=list(waiting))
            .distinct()
            .values_list("user_id", flat=True)
        )
        # Say plainly who a resend can't reach: people with no phone that takes alerts.
        unreachable = len(set(waiting) - set(reached))
        if phones == 0:
            request.session["flash"] = _(
                "Nobody was reached: none of the %(people)s people who have not answered has a"
                " phone with alerts on. Tell them another way."
            ) % {"people": len(waiting)}
        else:
            request.session["flash"] = _(
                "Sent again: %(reached)s of the %(people)s people who have not answered have a"
                " phone with alerts on (%(phones)s in all); %(none)s have none: tell them"
                " another way."
            ) % {
                "phones": phones,
                "reached": len(set(reached)),
                "people": len(waiting),
                "none": unreachable,
            }
    return RedirectResponse(request.url_for("alert_live", id=str(alert.id)), status_code=303)


@requires_role(Role.ADMIN, Role.SAFETY)
async def alert_end(request: Request) -> Response:
    """End an alert that went out with an all clear tied to it, to the same people."""
    alert = await _alert_or_404(request)
    user = signed_in_user(request)
    now = datetime.now(UTC)
    form = await request.form()
    if alert.kind == "all-clear" or alert.cancelled_at is not None:
        request.session["flash"] = _("There is nothing to end: this alert was not sent.")
    elif alert.send_after is not None and now < alert.send_after:
        request.session["flash"] = _("It has not gone out yet: undo it instead.")
    elif form.get("held") != "yes":  # the press-and-hold button, as for any alert sent
        request.session["flash"] = _("Nothing was sent. Press and hold the button for 2 seconds.")
    else:
        clear = await end_with_all_clear(alert, user.id, now)
        if clear is None:
            request.session["flash"] = _("This alert had already ended.")
        else:
            wake()
            await audit.record(user, "alert.ended", alert, all_clear=str(clear.id))
            request.session["flash"] = _("Ended. The all clear went to the same people.")
    return RedirectResponse(request.url_for("alert_live", id=str(alert.id)), status_code=303)


routes = [
    Route("/admin/alerts", alerts_list, name="alerts"),
    Route("/admin/alerts.csv", alerts_csv, name="alerts_csv"),
    Route("/admin/alerts/new", alert_new, methods=["GET", "POST"], name="alert_new"),
    Route("/admin/alerts/send", alert_send, methods=["POST"], name="alert_send"),
    Route("/admin/alerts/{id:str}", alert_live, name="alert_live"),
    Route("/admin/alerts/{id:str}/undo", alert_undo, methods=["POST"], name="alert_undo"),
    Route("/admin/alerts/{id:str}/resend", alert_resend, methods=["POST"], name="alert_resend"),
    Route("/admin/alerts/{id:str}/end", alert_end, methods=["POST"], name="alert_end"),
]
