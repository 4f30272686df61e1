"""Every route x every role, and every object route across organisations.

Each route declares its roles with ``requires_role`` (or ``public``); this table says how to
call it.
A route missing from the table fails the first test, so no route goes unchecked.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from starlette.routing import Route

from server.auth import ALL_ROLES
from tests.conftest import Org

# route name -> (method, url in the given organisation)
ROUTE_CASES: dict[str, tuple[str, Callable[[Org], str]]] = {
    "home": ("GET", lambda o: "/"),
    "call_action": ("GET", lambda o: "/actions"),
    "district_settings": ("GET", lambda o: "/admin/district"),
    "checklist_settings": ("GET", lambda o: "/admin/checklists"),
    "contact": ("GET", lambda o: "/account/contact"),
    "contact_phone": ("POST", lambda o: "/account/contact/phone"),
    "contact_email": ("POST", lambda o: "/account/contact/email"),
    "contact_code": ("POST", lambda o: "/account/contact/code"),
    "contact_remove": ("POST", lambda o: "/account/contact/remove"),
    "channel_settings": ("GET", lambda o: "/admin/messages"),
    "reference_cards": ("GET", lambda o: "/reference"),
    "journey": ("GET", lambda o: "/journeys/bleeding-control"),
    "sign_out": ("POST", lambda o: "/sign-out"),
    "checklist": ("GET", lambda o: "/checklists/bleeding-control"),
    "lessons": ("GET", lambda o: "/lessons"),
    "lesson": ("GET", lambda o: "/lessons/bus-security"),
    "runs": ("GET", lambda o: "/admin/runs"),
    "alerts": ("GET", lambda o: "/admin/alerts"),
    "alerts_csv": ("GET", lambda o: "/admin/alerts.csv"),
    "report_follow_up": ("POST", lambda o: f"/reports/{o.report.id}/follow-up"),
    "run_school": ("POST", lambda o: f"/admin/runs/{o.run.id}/school"),
    "alert_new": ("GET", lambda o: "/admin/alerts/new"),
    "alert_send": ("POST", lambda o: "/admin/alerts/send"),
    "alert_live": ("GET", lambda o: f"/admin/alerts/{o.alert.id}"),
    "alert_undo": ("POST", lambda o: f"/admin/alerts/{o.alert.id}/undo"),
    "alert_resend": ("POST", lambda o: f"/admin/alerts/{o.alert.id}/resend"),
    "alert_end": ("POST", lambda o: f"/admin/alerts/{o.alert.id}/end"),
    "desk": ("GET", lambda o: "/admin/now"),
    "alert_view": ("GET", lambda o: f"/alerts/{o.alert.id}"),
    "push_setup": ("GET", lambda o: "/alerts/setup"),
    "outbox": ("GET", lambda o: "/outbox"),
    "runs_csv": ("GET", lambda o: "/admin/runs.csv"),
    "run_detail": ("GET", lambda o: f"/admin/runs/{o.run.id}"),
    "people": ("GET", lambda o: "/admin/people"),
    "person_new": ("GET", lambda o: "/admin/people/new"),
    "person_edit": ("GET", lambda o: f"/admin/people/{o.users['staff'].id}"),
    "person_reset_password": ("POST", lambda o: f"/admin/people/{o.spare.id}/password"),
    "places": ("GET", lambda o: "/admin/places"),
    "action_names": ("GET", lambda o: "/admin/actions"),
    "school_new": ("GET", lambda o: "/admin/schools/new"),
    "school_edit": ("GET", lambda o: f"/admin/schools/{o.school.id}"),
    "site_new": ("GET", lambda o: "/admin/sites/new"),
    "site_edit": ("GET", lambda o: f"/admin/sites/{o.site.id}"),
    "report_form": ("GET", lambda o: "/reports/new"),
    "reports": ("GET", lambda o: "/reports"),
    "reports_map": ("GET", lambda o: "/reports/map"),
    "reports_csv": ("GET", lambda o: "/reports.csv"),
    "reports_geojson": ("GET", lambda o: "/reports.geojson"),
    "report_detail": ("GET", lambda o: f"/reports/{o.report.id}"),
    "report_photo": ("GET", lambda o: f"/reports/{o.report.id}/photos/{o.report.photos[0]}"),
    "my_trips": ("GET", lambda o: "/trips"),
    "trip": ("GET", lambda o: f"/trips/{o.trip.id}"),
    "trip_lost": ("GET", lambda o: f"/trips/{o.trip.id}/lost"),
    "trip_headcount": ("GET", lambda o: f"/trips/{o.trip.id}/headcount"),
    "trip_roster": ("GET", lambda o: f"/trips/{o.trip.id}/roster"),
    "student_photo": ("GET", lambda o: f"/trips/{o.trip.id}/students/{o.student.id}/photo"),
    "trips_board": ("GET", lambda o: "/admin/trips"),
    "trip_new": ("GET", lambda o: "/admin/trips/new"),
    "trip_edit": ("GET", lambda o: f"/admin/trips/{o.trip.id}"),
    "trip_ready": ("POST", lambda o: f"/admin/trips/{o.trip.id}/ready"),
    "trip_students": ("GET", lambda o: f"/admin/trips/{o.trip.id}/students"),
    "roster_import": ("POST", lambda o: f"/admin/trips/{o.trip.id}/students.csv"),
    "student_edit": ("GET", lambda o: f"/admin/trips/{o.trip.id}/students/{o.student.id}"),
    "trip_policy": ("GET", lambda o: f"/admin/schools/{o.school.id}/trip-rules"),
    "risk_plans": ("GET", lambda o: "/risk-plans"),
    "risk_plan_new": ("GET", lambda o: "/risk-plans/new"),
    "risk_plan": ("GET", lambda o: f"/risk-plans/{o.plan.id}"),
    "risk_plan_edit": ("GET", lambda o: f"/risk-plans/{o.plan.id}/edit"),
    "hazard_add": ("POST", lambda o: f"/risk-plans/{o.plan.id}/hazards"),
    "hazard_edit": ("GET", lambda o: f"/risk-plans/{o.plan.id}/hazards/{o.hazard.id}"),
    "risk_plan_submit": ("POST", lambda o: f"/risk-plans/{o.plan.id}/submit"),
    "risk_plan_decide": ("POST", lambda o: f"/risk-plans/{o.plan.id}/decide"),
    "team": ("GET", lambda o: "/team"),
    "team_page": ("GET", lambda o: f"/team/{o.school.id}"),
    "team_seat": ("GET", lambda o: f"/team/{o.school.id}/medical_lead"),
    "incidents": ("GET", lambda o: "/incidents"),
    "incident_new": ("GET", lambda o: "/incidents/new"),
    "incident": ("GET", lambda o: f"/incidents/{o.incident.id}"),
    "incident_status": ("POST", lambda o: f"/incidents/{o.incident.id}/status"),
    "incident_role": ("POST", lambda o: f"/incidents/{o.incident.id}/roles"),
    "incident_print": ("GET", lambda o: f"/incidents/{o.incident.id}/print"),
    "incident_csv": ("GET", lambda o: f"/incidents/{o.incident.id}/timeline.csv"),
    "audit_log": ("GET", lambda o: "/admin/audit"),
    "incident_callout": ("POST", lambda o: f"/incidents/{o.incident.id}/callout"),
    "reviews": ("GET", lambda o: "/reviews"),
    "metrics": ("GET", lambda o: "/metrics"),
    "rosters": ("GET", lambda o: "/admin/rosters"),
    "accounting_ask": ("POST", lambda o: f"/incidents/{o.incident.id}/accounting/ask"),
    "accounting": ("GET", lambda o: f"/incidents/{o.incident.id}/account"),
    "accounting_panel": ("GET", lambda o: f"/incidents/{o.incident.id}/accounting"),
    "reunification": ("GET", lambda o: f"/incidents/{o.incident.id}/reunification"),
    "release_log": ("GET", lambda o: f"/incidents/{o.incident.id}/reunification/log"),
    "reunification_counts": (
        "GET",
        lambda o: f"/incidents/{o.incident.id}/reunification/counts",
    ),
    "metrics_csv": ("GET", lambda o: "/metrics/reports-over-time.csv"),
    "review_new": ("GET", lambda o: f"/reviews/new?incident={o.incident.id}"),
    "review": ("GET", lambda o: f"/reviews/{o.review.id}"),
    "review_edit": ("GET", lambda o: f"/reviews/{o.review.id}/edit"),
    "review_action": ("POST", lambda o: f"/reviews/{o.review.id}/actions"),
    "action_new": ("POST", lambda o: "/reviews/actions"),
    "action_status": ("POST", lambda o: f"/reviews/actions/{o.action.id}/status"),
    "report_escalate": ("POST", lambda o: f"/reports/{o.report.id}/escalate"),
    "action_edit": ("GET", lambda o: f"/reviews/actions/{o.action.id}"),
    "concern_form": ("GET", lambda o: "/concerns/new"),
    "concerns": ("GET", lambda o: "/concerns"),
    "concern_detail": ("GET", lambda o: f"/concerns/{o.concern.id}"),
    "tips": ("GET", lambda o: "/tips"),
    "tip_poster": ("GET", lambda o: "/tips/poster"),
    "tip_detail": ("GET", lambda o: f"/tips/{o.tip.id}"),
    "tip_ask": ("POST", lambda o: f"/tips/{o.tip.id}/questions"),
    "training": ("GET", lambda o: "/training"),
    "training_session_form": ("GET", lambda o: "/training/sessions/new"),
    "training_session": ("GET", lambda o: f"/training/sessions/{o.training.id}"),
    "training_coverage": ("GET", lambda o: "/training/coverage"),
    "training_coverage_csv": ("GET", lambda o: "/training/coverage.csv"),
    "training_coverage_cell": ("GET", lambda o: "/training/coverage/bus-security/bus_drivers"),
    "training_trainers": ("GET", lambda o: "/training/trainers"),
    "training_trainer_remove": ("POST", lambda o: f"/training/trainers/{o.trainer.id}/remove"),
    "training_settings": ("POST", lambda o: "/training/settings"),
    "drills": ("GET", lambda o: "/drills"),
    "drills_csv": ("GET", lambda o: "/drills.csv"),
    "drill_requirements": ("GET", lambda o: "/drills/requirements"),
    "drill": ("GET", lambda o: f"/drills/{o.drill.id}"),
    "drill_start": ("POST", lambda o: f"/drills/{o.drill.id}/start"),
    "drill_end": ("POST", lambda o: f"/drills/{o.drill.id}/end"),
    "drill_held": ("POST", lambda o: f"/drills/{o.drill.id}/held"),
    "drill_cancel": ("POST", lambda o: f"/drills/{o.drill.id}/cancel"),
    "cases": ("GET", lambda o: "/cases"),
    "case_new": ("GET", lambda o: f"/cases/new?from=concern&id={o.concern.id}"),
    "case_settings": ("GET", lambda o: "/cases/settings"),
    "case_retention": ("GET", lambda o: "/cases/retention"),
    "case": ("GET", lambda o: f"/cases/{o.case.id}"),
    "case_identify": ("POST", lambda o: f"/cases/{o.case.id}/identification"),
    "case_stage": ("POST", lambda o: f"/cases/{o.case.id}/stage"),
    "case_entry": ("POST", lambda o: f"/cases/{o.case.id}/inquiry"),
    "case_assess": ("POST", lambda o: f"/cases/{o.case.id}/assessment"),
    "case_marker": ("POST", lambda o: f"/cases/{o.case.id}/markers"),
    "case_support": ("POST", lambda o: f"/cases/{o.case.id}/plan"),
    "case_support_status": ("POST", lambda o: f"/cases/{o.case.id}/plan/1"),
    "case_review": ("POST", lambda o: f"/cases/{o.case.id}/review"),
    "case_close": ("POST", lambda o: f"/cases/{o.case.id}/close"),
    "case_team": ("POST", lambda o: f"/cases/{o.case.id}/team"),
    "case_print": ("GET", lambda o: f"/cases/{o.case.id}/print"),
    "case_purge": ("POST", lambda o: f"/cases/{o.case.id}/purge"),
    # Tabletop exercises: admins and the safety team run them (tests/test_exercises.py).
    "exercises": ("GET", lambda o: "/exercises"),
    "exercise": ("GET", lambda o: f"/exercises/{o.exercise.id}"),
    "exercise_participants": ("POST", lambda o: f"/exercises/{o.exercise.id}/participants"),
    "exercise_decision": ("POST", lambda o: f"/exercises/{o.exercise.id}/decisions"),
    "exercise_finish": ("POST", lambda o: f"/exercises/{o.exercise.id}/finish"),
}
# Routes open to everyone on purpose (sign-in page, health check, static files, language).
PUBLIC = {
    "sign_in",
    "families",  # the cards for parents and students
    "family_card",
    "health",
    "session",
    "static",
    "choose_language",
    "service_worker",
    "manifest",
    "offline",
    # The anonymous tip line (tests/test_tips.py): no sign-in, on purpose.
    "tip_form",
    "tip_follow_up",
    "tip_answer",
    "tip_close",
}
# JSON endpoints for the device, tested in test_sync.py.
API = {"sync", "upload", "push_subscribe", "push_unsubscribe"}  # and test_push.py
API |= {"sms_inbound"}  # the SMS gateway's, signed (test_channels.py)
# Object routes: (method, url, form) against another organisation's record.
OBJECT_ROUTES: list[tuple[str, Callable[[Org], str], dict]] = [
    ("GET", lambda o: f"/admin/people/{o.users['staff'].id}", {}),
    (
        "POST",
        lambda o: f"/admin/people/{o.users['staff'].id}",
        {"name": "Taken", "email": "taken@example.org", "roles": "admin", "active": "on"},
    ),
    ("POST", lambda o: f"/admin/people/{o.users['staff'].id}/password", {}),
    ("GET", lambda o: f"/admin/alerts/{o.alert.id}", {}),
    ("POST", lambda o: f"/admin/alerts/{o.alert.id}/undo", {}),
    ("POST", lambda o: f"/admin/alerts/{o.alert.id}/resend", {}),
    ("POST", lambda o: f"/admin/alerts/{o.alert.id}/end", {"held": "yes"}),
    ("GET", lambda o: f"/alerts/{o.alert.id}", {}),
    ("GET", lambda o: f"/admin/schools/{o.school.id}", {}),
    ("POST", lambda o: f"/admin/schools/{o.school.id}", {"name": "Taken"}),
    ("GET", lambda o: f"/admin/sites/{o.site.id}", {}),
    ("GET", lambda o: f"/reports/{o.report.id}", {}),
    ("GET", lambda o: f"/reports/{o.report.id}/photos/{o.report.photos[0]}", {}),
    (
        "POST",
        lambda o: f"/admin/sites/{o.site.id}",
        {"name": "Taken", "kind": "campus", "latitude": "1", "longitude": "1"},
    ),
    ("GET", lambda o: f"/trips/{o.trip.id}", {}),
    ("GET", lambda o: f"/trips/{o.trip.id}/roster", {}),
    ("GET", lambda o: f"/trips/{o.trip.id}/students/{o.student.id}/photo", {}),
    ("GET", lambda o: f"/admin/trips/{o.trip.id}", {}),
    ("POST", lambda o: f"/admin/trips/{o.trip.id}/ready", {}),
    ("GET", lambda o: f"/admin/trips/{o.trip.id}/students", {}),
    ("POST", lambda o: f"/admin/trips/{o.trip.id}/students", {"name": "Taken"}),
    ("GET", lambda o: f"/admin/trips/{o.trip.id}/students/{o.student.id}", {}),
    ("GET", lambda o: f"/admin/schools/{o.school.id}/trip-rules", {}),
    ("GET", lambda o: f"/risk-plans/{o.plan.id}", {}),
    ("POST", lambda o: f"/risk-plans/{o.plan.id}/submit", {}),
    ("POST", lambda o: f"/risk-plans/{o.plan.id}/decide", {"decision": "approve"}),
    ("GET", lambda o: f"/risk-plans/{o.plan.id}/hazards/{o.hazard.id}", {}),
    ("GET", lambda o: f"/team/{o.school.id}", {}),
    ("GET", lambda o: f"/team/{o.school.id}/medical_lead", {}),
    ("POST", lambda o: f"/team/{o.school.id}/medical_lead", {}),
    ("GET", lambda o: f"/incidents/{o.incident.id}", {}),
    ("POST", lambda o: f"/incidents/{o.incident.id}/status", {"status": "stabilised"}),
    ("POST", lambda o: f"/incidents/{o.incident.id}/roles", {"function": "deputy", "person": "1"}),
    ("GET", lambda o: f"/incidents/{o.incident.id}/print", {}),
    ("GET", lambda o: f"/incidents/{o.incident.id}/timeline.csv", {}),
    ("POST", lambda o: f"/incidents/{o.incident.id}/callout", {"callout": "", "confirm": "yes"}),
    ("GET", lambda o: f"/reviews/new?incident={o.incident.id}", {}),
    ("POST", lambda o: f"/reviews/new?incident={o.incident.id}", {"what_happened": "Taken"}),
    ("GET", lambda o: f"/reviews/new?drill={o.drill.id}", {}),
    ("POST", lambda o: f"/reviews/new?drill={o.drill.id}", {"what_happened": "Taken"}),
    ("GET", lambda o: f"/reviews/{o.review.id}", {}),
    ("GET", lambda o: f"/reviews/{o.review.id}/edit", {}),
    ("POST", lambda o: f"/reviews/{o.review.id}/edit", {"what_happened": "Taken"}),
    (
        "POST",
        lambda o: f"/reviews/{o.review.id}/actions",
        {"description": "Taken", "owner": "1", "due_on": "2199-01-01"},
    ),
    ("POST", lambda o: f"/reviews/actions/{o.action.id}/status", {"status": "dropped"}),
    ("POST", lambda o: f"/reports/{o.report.id}/escalate", {}),
    ("GET", lambda o: f"/reviews/actions/{o.action.id}", {}),
    (
        "POST",
        lambda o: f"/reviews/actions/{o.action.id}",
        {"description": "Taken", "owner": "1", "due_on": "2199-01-01", "prompted_by": "x"},
    ),
    ("GET", lambda o: f"/concerns/{o.concern.id}", {}),
    ("GET", lambda o: f"/tips/{o.tip.id}", {}),
    ("POST", lambda o: f"/tips/{o.tip.id}/questions", {"body": "Taken"}),
    ("GET", lambda o: f"/training/sessions/{o.training.id}", {}),
    ("POST", lambda o: f"/training/trainers/{o.trainer.id}/remove", {}),
    ("GET", lambda o: f"/drills/{o.drill.id}", {}),
    ("POST", lambda o: f"/drills/{o.drill.id}/start", {"held": "yes"}),
    ("POST", lambda o: f"/drills/{o.drill.id}/held", {"held_on": "2026-09-01"}),
    ("POST", lambda o: f"/drills/{o.drill.id}/cancel", {}),
    ("GET", lambda o: f"/cases/{o.case.id}", {}),
    ("GET", lambda o: f"/cases/{o.case.id}/print", {}),
    (
        "POST",
        lambda o: f"/cases/{o.case.id}/close",
        {"reason": "Taken", "follow_up_on": "2199-01-01"},
    ),
    ("GET", lambda o: f"/exercises/{o.exercise.id}", {}),
    ("POST", lambda o: f"/exercises/{o.exercise.id}/participants", {"participants": "Taken"}),
    (
        "POST",
        lambda o: f"/exercises/{o.exercise.id}/decisions",
        {"inject": "the-call", "decision": "Taken"},
    ),
    ("POST", lambda o: f"/exercises/{o.exercise.id}/finish", {}),
]
# Routes every signed-in person passes the guard of, where the record decides: who may call out
# an incident's team is the safety team, admins, and whoever is its commander of the day
# (tests/test_incident_callout.py); nobody is its commander in these cases.
BY_RECORD = {"incident_callout": ("admin", "safety")}
# Routes every signed-in person passes the guard of, where anyone outside these roles is told
# the records don't exist (a 404, never a 403): concerns are records about children.
NOT_FOUND_FOR_OTHERS = {
    "tips": ("admin", "safety"),
    "tip_poster": ("admin", "safety"),
    "tip_detail": ("admin", "safety"),
    "tip_ask": ("admin", "safety"),
    "concerns": ("admin", "safety"),
    "concern_detail": ("admin", "safety"),
    # An incident's live page: its team's too (tests/test_incidents.py); nobody here is on it.
    "incident": ("admin", "safety"),
    # Training: admins and the safety team; a trainer (a person an admin certified: nobody
    # signed in here) records sessions; who attended reads the session (the driver, here).
    "training": ("admin", "safety"),
    "training_session_form": (),
    "training_session": ("admin", "safety", "driver"),
    "training_coverage": ("admin", "safety"),
    "training_coverage_csv": ("admin", "safety"),
    "training_coverage_cell": ("admin", "safety"),
    # A drill: the planners', and its leader's (nobody leads the one here).
    "drill": ("admin", "safety"),
    "drill_start": ("admin", "safety"),
    "drill_end": ("admin", "safety"),
    "drill_held": ("admin", "safety"),
    # Threat assessment cases: their team and the district's leads only, whatever the role
    # (tests/test_case_access.py); nobody signed in here is on the fixture's case's team.
    **{name: () for name in ROUTE_CASES if name.startswith("case") and name != "case_settings"},
    "case_settings": ("admin",),  # the district's clock and retention, no case in it
    # Accounting for a class: only once the incident asks for it (this one has not).
    "accounting": (),
}


def _routes(app) -> dict[str, Route]:
    return {route.name: route for route in app.routes if isinstance(route, Route)}


async def test_every_route_is_in_the_table(app):
    names = set(_routes(app))
    assert names - PUBLIC - API - set(ROUTE_CASES) == set(), "add new routes to ROUTE_CASES"
    assert set(ROUTE_CASES) <= names, "the table lists a route that no longer exists"
    for name in PUBLIC:
        assert getattr(_routes(app)[name].endpoint, "allowed_roles", "unset") is None


async def _call(client, method: str, url: str, data: dict | None = None):
    if method == "GET":
        return await client.get(url)
    return await client.post(url, data or {})


@pytest.mark.parametrize("name", sorted(ROUTE_CASES))
async def test_route_by_role(name, app, org, as_role, client):
    method, url_for = ROUTE_CASES[name]
    allowed = _routes(app)[name].endpoint.allowed_roles
    assert allowed, f"{name} has no requires_role guard"
    allowed = BY_RECORD.get(name, allowed)
    hidden = name in NOT_FOUND_FOR_OTHERS
    allowed = NOT_FOUND_FOR_OTHERS.get(name, allowed)
    url = url_for(org)

    anonymous = await _call(client, method, url)
    if url.startswith("/api/"):
        assert anonymous.status_code == 401
    else:
        assert anonymous.status_code == 303
        assert "/sign-in" in anonymous.headers["location"]

    for role in ALL_ROLES:
        response = await _call(await as_role(role), method, url)
        if role in allowed:
            assert response.status_code < 400 or response.status_code == 422, (role, response)
        elif hidden:
            assert response.status_code == 404, (role, response.status_code)
            assert "not for your role" not in response.text
        else:
            assert response.status_code == 403, (role, response.status_code)
            assert "not for your role" in response.text


@pytest.mark.parametrize("case", range(len(OBJECT_ROUTES)))
async def test_another_organisations_records_are_not_found(case, org, other_org, as_role):
    method, url_for, data = OBJECT_ROUTES[case]
    admin = await as_role("admin", org)
    response = await _call(admin, method, url_for(other_org), data)
    assert response.status_code == 404
    await other_org.users["staff"].refresh_from_db()
    await other_org.school.refresh_from_db()
    await other_org.site.refresh_from_db()
    assert "Taken" not in (
        other_org.users["staff"].name,
        other_org.school.name,
        other_org.site.name,
    )


async def test_lists_show_only_this_organisations_records(org, other_org, as_role):
    admin = await as_role("admin", org)
    people = (await admin.get("/admin/people")).text
    places = (await admin.get("/admin/places")).text
    assert org.users["driver"].email in people
    assert other_org.users["driver"].email not in people
    assert org.school.name in places and other_org.school.name not in places


async def test_ids_beyond_the_database_range_are_not_found(as_role):
    admin = await as_role("admin")
    for url in ("/admin/people/99999999999999999999", "/admin/sites/2147483648"):
        assert (await admin.get(url)).status_code == 404


JUNK_FORMS = [
    {},
    {"name": ""},
    {"name": "x" * 100_000, "email": "y" * 100_000},
    {"name": "\x00\x01\x02", "email": "\u202eevil@example.org", "roles": "\U0001f4a9"},
    {"latitude": "1e309", "longitude": "-1e309", "kind": "[]", "school": "-1"},
    {"roles": ["admin"] * 50, "schools": ["1", "x", "99999999999999999999"]},
    {"active": "maybe", "next": "javascript:alert(1)", "locale": "../../etc"},
    # Otherwise valid, with ids past 32 bits: each must be refused, not reach the database.
    {
        "name": "Big ids",
        "email": "big@example.org",
        "roles": "staff",
        "kind": "campus",
        "latitude": "1",
        "longitude": "1",
        **dict.fromkeys(("school", "schools", "site", "venue", "trip", "people"), "2147483648"),
    },
]


@pytest.mark.parametrize("junk", range(len(JUNK_FORMS)))
async def test_junk_posted_to_every_form_never_crashes(junk, app, org, as_role):
    admin = await as_role("admin")
    urls = [
        "/sign-in",
        "/language",
        "/admin/people/new",
        f"/admin/people/{org.spare.id}",
        "/admin/schools/new",
        f"/admin/schools/{org.school.id}",
        "/admin/sites/new",
        f"/admin/sites/{org.site.id}",
        "/admin/trips/new",
        f"/admin/trips/{org.trip.id}",
        f"/admin/trips/{org.trip.id}/students",
        f"/admin/trips/{org.trip.id}/students/{org.student.id}",
        f"/admin/schools/{org.school.id}/trip-rules",
        "/risk-plans/new",
        f"/risk-plans/{org.plan.id}/edit",
        f"/risk-plans/{org.plan.id}/hazards",
        f"/risk-plans/{org.plan.id}/hazards/{org.hazard.id}",
        "/admin/alerts/new",
        "/admin/alerts/send",
        "/reviews/new",
        f"/reviews/{org.review.id}/edit",
        f"/reviews/{org.review.id}/actions",
        "/reviews/actions",
        f"/reviews/actions/{org.action.id}/status",
        f"/reviews/actions/{org.action.id}",
        "/exercises",
        f"/exercises/{org.exercise.id}/participants",
        f"/exercises/{org.exercise.id}/decisions",
    ]
    for url in urls:
        response = await admin.post(url, JUNK_FORMS[junk])
        assert response.status_code < 500, (url, response.status_code)
        assert response.status_code in (303, 400, 413, 422), (url, response.status_code)
