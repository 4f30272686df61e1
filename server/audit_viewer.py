"""What the admins' audit-log viewer reads: the district's entries, newest first, filtered by
person, kind (the action) and day (the district's days), a page at a time (server/listing.py).

Every filter is one the indexes on ``audit_log`` answer in order: (organisation, time),
(organisation, person, time) and (organisation, action, time). A filter that can't be used is
dropped, the list still shows, and the field says what was wrong (a 200, never a 500)."""

from __future__ import annotations

import re
import uuid
from collections.abc import Mapping
from typing import Any
from zoneinfo import ZoneInfo

from tortoise.queryset import QuerySet

from server.edge import query_day
from server.i18n import N_
from server.i18n import gettext as _
from server.listing import Listing, Sort, Spec, page_of
from server.models import AuditLog, User
from server.tenancy import MAX_ID, scoped

ACTION = re.compile(r"[a-z][a-z_]{0,31}(\.[a-z][a-z_]{0,31})?")  # "incident.viewed"


def _id(raw: str) -> int | None:
    return int(raw) if raw.isdecimal() and 0 < int(raw) <= MAX_ID else None


def _action(raw: str) -> str | None:
    return raw if ACTION.fullmatch(raw) else None


SPEC = Spec(
    day_field="at",
    sorts={
        "newest": Sort(N_("Newest first"), ("-at",)),
        "oldest": Sort(N_("Oldest first"), ("at",)),
    },
    extra={"person": _id, "action": _action},
)

# What each action is, in words; an action not listed here shows as its own name.
ACTION_LABELS = {
    "action.added": N_("Improvement action added"),
    "action.edited": N_("Improvement action changed"),
    "action.status": N_("Improvement action status changed"),
    "action_names.saved": N_("Names of the actions saved"),
    "alert.ended": N_("Alert ended with an all clear"),
    "alert.sent": N_("Alert sent"),
    "alert.undone": N_("Alert undone"),
    "alerts.exported": N_("Alerts exported"),
    "concern.refused": N_("Concern asked for by someone who may not read it"),
    "concern.viewed": N_("Concern viewed"),
    "concerns.listed": N_("Concerns listed"),
    "concerns.refused": N_("Concerns asked for by someone who may not read them"),
    "district.settings": N_("Who may raise alerts saved"),
    "district.content_settings": N_("Checklist content settings saved"),
    "incident.called_out": N_("Crisis team called out"),
    "incident.escalated": N_("Report escalated to an incident"),
    "incident.exported": N_("Incident timeline exported"),
    "incident.opened": N_("Incident opened"),
    "incident.printed": N_("Incident timeline printed"),
    "incident.role": N_("Incident role filled"),
    "incident.status": N_("Incident status changed"),
    "incident.viewed": N_("Incident viewed"),
    "trainer.certified": N_("Trainer certified"),
    "trainer.removed": N_("Trainer certification taken away"),
    "training.settings": N_("Training settings saved"),
    "person.created": N_("Person added"),
    "person.password_reset": N_("Password reset"),
    "person.updated": N_("Person saved"),
    "report.followed_up": N_("Report followed up"),
    "report.viewed": N_("Report viewed"),
    "reports.exported": N_("Reports exported"),
    "reports.listed": N_("Reports searched"),
    "review.edited": N_("Review edited"),
    "review.written": N_("Review written"),
    "risk_plan.approve": N_("Risk plan approved"),
    "risk_plan.hazard_added": N_("Hazard added to a risk plan"),
    "risk_plan.hazard_removed": N_("Hazard removed from a risk plan"),
    "risk_plan.hazard_saved": N_("Hazard saved in a risk plan"),
    "risk_plan.saved": N_("Risk plan saved"),
    "risk_plan.send_back": N_("Risk plan sent back"),
    "risk_plan.submitted": N_("Risk plan submitted"),
    "run.school_changed": N_("Checklist run's school corrected"),
    "run.viewed": N_("Checklist run viewed"),
    "runs.exported": N_("Checklist runs exported"),
    "school.saved": N_("School saved"),
    "site.saved": N_("Site saved"),
    "team.changed": N_("Crisis team changed"),
    "tip.asked": N_("Question asked of an anonymous tipster"),
    "tip.refused": N_("Tip asked for by someone who may not read it"),
    "tip.viewed": N_("Anonymous tip viewed"),
    "tips.listed": N_("Anonymous tips listed"),
    "tips.refused": N_("Tips asked for by someone who may not read them"),
    "trip.lost_screen_viewed": N_("Missing-student screen viewed"),
    "trip.photo_viewed_in_emergency": N_("Student photo viewed in an emergency"),
    "trip.ready": N_("Trip marked ready"),
    "trip.roster_imported": N_("Trip roster imported"),
    "trip.roster_viewed": N_("Trip roster viewed"),
    "trip.roster_viewed_in_emergency": N_("Trip roster viewed in an emergency"),
    "trip.saved": N_("Trip saved"),
    "trip.student_added": N_("Student added to a trip"),
    "trip.student_removed": N_("Student removed from a trip"),
    "trip.student_saved": N_("Student saved on a trip"),
    "trip_policy.saved": N_("Trip rules saved"),
}

BAD_DAY = N_("Not a day we can search by: use a date such as 2026-12-01.")


def read(query: Mapping[str, str]) -> Listing:
    return Listing.read(SPEC, query)


def problems(query: Mapping[str, str], people: list[User]) -> dict[str, str]:
    """What was wrong with the filters as given (each was dropped), by field."""
    errors: dict[str, str] = {}
    for name in ("day", "from", "to"):
        if query.get(name) and query_day(query[name]) is None:
            errors[name] = _(BAD_DAY)
    raw = query.get("person", "")
    if raw and _id(raw[:200]) not in {p.id for p in people}:
        errors["person"] = _("Choose people from the list.")
    raw = query.get("action", "")
    if raw and _action(raw[:200]) is None:
        errors["action"] = _("Choose one of the options.")
    return errors


def found(user: User, listing: Listing, tz: ZoneInfo) -> QuerySet[AuditLog]:
    entries = listing.apply(scoped(AuditLog, user), tz)
    if person := listing.extra.get("person"):
        entries = entries.filter(actor_id=person)
    if action := listing.extra.get("action"):
        entries = entries.filter(action=action)
    return entries


# The page of each kind of record an entry can be about, and whether its id is a number or a
# UUID; a stored id that can't be one links nowhere (a URL is never built from it).
RECORD_PAGES = {
    "Alert": ("alert_live", "uuid"),
    "ChecklistRun": ("run_detail", "uuid"),
    "Concern": ("concern_detail", "uuid"),
    "Tip": ("tip_detail", "uuid"),
    "Incident": ("incident", "int"),
    "Report": ("report_detail", "uuid"),
    "Review": ("review", "int"),
    "RiskPlan": ("risk_plan", "int"),
    "School": ("school_edit", "int"),
    "Site": ("site_edit", "int"),
    "Trip": ("trip_edit", "int"),
    "User": ("person_edit", "int"),
}


def record_link(entry: AuditLog) -> tuple[str, dict[str, Any]] | None:
    """The route name and path parameters of the page of the record ``entry`` is about."""
    page = RECORD_PAGES.get(entry.record_type)
    if page is None:
        return None
    name, kind = page
    raw = entry.record_id
    if kind == "int":
        return (name, {"id": int(raw)}) if _id(raw) is not None else None
    try:
        return name, {"id": str(uuid.UUID(raw))}
    except ValueError:
        return None


def action_label(action: str) -> str:
    label = ACTION_LABELS.get(action)
    return _(label) if label else action


async def list_page(user: User, query: Mapping[str, str], tz: ZoneInfo) -> dict[str, Any]:
    """A page of the entries the filters find, the filters' choices and what was wrong."""
    listing = read(query)
    people = list(await scoped(User, user).order_by("name", "id"))
    if listing.extra.get("person") not in {p.id for p in people}:  # another district's: dropped
        listing.extra.pop("person", None)
    page = await page_of(found(user, listing, tz), listing, "actor")
    shown_day = listing.since if listing.since and listing.since == listing.until else None
    actions = sorted(ACTION_LABELS, key=lambda a: _(ACTION_LABELS[a]).casefold())
    return {
        "entries": page.items,
        "page": page,
        "filters": listing,
        "day": shown_day,
        "people": people,
        "actions": [(a, _(ACTION_LABELS[a])) for a in actions],
        "action_label": action_label,
        "record_link": record_link,
        "errors": problems(query, people),
    }
