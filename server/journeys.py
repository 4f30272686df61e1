"""What each role's home screen offers, most urgent first."""

from __future__ import annotations

from dataclasses import dataclass

from starlette.requests import Request

from server.alerts.rules import allowed_roles
from server.i18n import N_
from server.models import Role, User

EVERYONE = tuple(Role)


@dataclass(frozen=True)
class Journey:
    key: str
    title: str
    hint: str
    roles: tuple[Role, ...]
    urgent: bool = False
    checklist: str | None = None  # the checklist this journey runs, once its file exists
    route: str | None = None  # else the page that is the journey
    setting: str | None = None  # a district setting that narrows ``roles`` (alerts.rules)
    follows: str | None = None  # a checklist whose finished screen offers this journey next


JOURNEYS = [
    Journey(
        "call-action",
        N_("Call an action"),
        N_("Lockdown, evacuate, shelter, secure or hold"),
        EVERYONE,
        urgent=True,
        route="call_action",
        setting="action_roles",
    ),
    Journey(
        "threat-call",
        N_("Threatening call"),
        N_("Script for a caller on the line now"),
        EVERYONE,  # whoever picks up a phone may take the call
        urgent=True,
        checklist="threat-call",
        setting="call_script_roles",
    ),
    Journey(
        "bleeding-control",
        N_("Bleeding control"),
        N_("Steps and a tourniquet clock"),
        EVERYONE,
        urgent=True,
        checklist="bleeding-control",
    ),
    Journey(
        "active-threat",
        N_("Active threat"),
        N_("Someone attacking: the five actions, 911, when police arrive"),
        EVERYONE,
        checklist="active-threat",
    ),
    Journey(
        "weapon-found",
        N_("Weapon found"),
        N_("Don't touch it, keep people away, call for help"),
        (Role.ADMIN, Role.SAFETY, Role.STAFF, Role.DRIVER, Role.OFFICE),
        checklist="weapon-found",
    ),
    Journey(
        "bomb-threat-management",
        N_("Bomb threat: after the call"),
        N_("How serious, what to do, search and evacuate"),
        (Role.ADMIN, Role.SAFETY, Role.OFFICE),  # the person in charge and who helps them decide
        checklist="bomb-threat-management",
        follows="threat-call",
    ),
    Journey(
        "bus-pre-route",
        N_("Pre-route bus check"),
        N_("Security walkaround and equipment"),
        (Role.DRIVER,),
        checklist="bus-pre-route",
    ),
    Journey(
        "bus-en-route",
        N_("Trouble on the route"),
        N_("Followed, a stranger at a stop, someone got on, an item left"),
        (Role.DRIVER,),
        checklist="bus-en-route",
    ),
    Journey(
        "bus-post-route",
        N_("Post-route child check"),
        N_("Walk the bus front to back"),
        (Role.DRIVER,),
        checklist="bus-post-route",
    ),
    Journey(
        "field-trip",
        N_("Field trip"),
        N_("Roster, headcounts and check-ins"),
        (Role.STAFF,),
        checklist="field-trip-departure",
    ),
    Journey(
        "report",
        N_("Report something suspicious"),
        N_("A person, vehicle or item"),
        EVERYONE,
        route="report_form",
    ),
    Journey(
        "concern",
        N_("I'm worried about someone"),
        N_("Something said or done that could lead to harm"),
        EVERYONE,
        route="concern_form",
    ),
    Journey(
        "reference-cards",
        N_("Reference cards"),
        N_("How people react, suspicious people and vehicles, calming someone down"),
        EVERYONE,
        route="reference_cards",
    ),
    Journey(
        "desk",
        N_("Active now"),
        N_("Alerts not ended, trips out, reports near a campus today"),
        (Role.SAFETY, Role.ADMIN),
        route="desk",
    ),
    Journey(
        "alerts",
        N_("Live alerts"),
        N_("Who has answered, who needs help"),
        (Role.SAFETY, Role.ADMIN),
        route="alerts",
    ),
    Journey(
        "reports-map",
        N_("Reports on the map"),
        N_("What staff have seen, and where"),
        (Role.SAFETY, Role.ADMIN),
        route="reports_map",
    ),
    Journey(
        "recovery",
        N_("Recovery"),
        N_("Care for people, families, the media, what next"),
        (Role.SAFETY, Role.ADMIN),
        checklist="recovery",
    ),
    Journey(
        "metrics",
        N_("Safety figures"),
        N_("Reports, drills, checklists, trips and actions over time"),
        (Role.SAFETY, Role.ADMIN),
        route="metrics",
    ),
    Journey(
        "drills",
        N_("Drills"),
        N_("Plan drills and see their figures"),
        (Role.SAFETY, Role.ADMIN),
        route="drills",
    ),
]


def may_take(user: User, journey: Journey) -> bool:
    """The person holds one of its roles, and the district's setting (if any) lets them."""
    if not user.has_role(*journey.roles):
        return False
    return journey.setting is None or user.has_role(
        *allowed_roles(user.organisation, journey.setting)
    )


def journeys_for(user: User) -> list[Journey]:
    return [j for j in JOURNEYS if may_take(user, j)]


def checklist_allowed(user: User, checklist_id: str) -> bool:
    """False when a journey runs this checklist and the person may not take it."""
    return all(may_take(user, j) for j in JOURNEYS if j.checklist == checklist_id)


def journey_url(request: Request, journey: Journey) -> str:
    """The checklist runner when the journey's checklist exists, else the journey's own page.
    A field trip opens the person's trips, whose pages lead to the departure checklist."""
    if journey.key == "field-trip":
        return request.url_for("my_trips").path
    if journey.checklist and request.app.state.checklists.get(journey.checklist):
        return request.url_for("checklist", id=journey.checklist).path
    if journey.route:
        return request.url_for(journey.route).path
    return request.url_for("journey", key=journey.key).path


def follow_ons(request: Request, user: User, checklist_id: str) -> list[tuple[Journey, str]]:
    """What this person may do next once a run of this checklist is finished (the call script
    leads the people who manage a bomb threat to its checklist), with each one's URL."""
    return [
        (journey, journey_url(request, journey))
        for journey in journeys_for(user)
        if journey.follows == checklist_id
    ]


def find(key: str) -> Journey | None:
    return next((j for j in JOURNEYS if j.key == key), None)


def offline_urls(request: Request, user: User) -> list[str]:
    """The pages this person needs with no signal; the service worker keeps them."""
    urls = ["/", request.url_for("outbox").path]
    urls += [journey_url(request, journey) for journey in journeys_for(user)]
    library = request.app.state.checklists
    for journey in journeys_for(user):
        if journey.checklist and library.get(journey.checklist):
            page = request.url_for("checklist", id=journey.checklist).path
            # and the earlier versions kept for runs still in progress on a phone
            urls += [page, *(f"{page}?v={v}" for v in library.older(journey.checklist))]
        if journey.route == "reference_cards":  # the cards its page leads to
            urls += [
                request.url_for("checklist", id=card.id).path
                for card in library.for_roles(user.roles)
                if card.reference
            ]
    return list(dict.fromkeys(urls))
