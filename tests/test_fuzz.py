"""Our own fuzz suite: every registered event type, every form and every query-string filter,
fed values made from their schemas and then broken, through the real app on the test database
(SQLite, or PostgreSQL in CI's second run).

Asserted: never a 5xx, never ``retry`` (no fault here is a passing one), every answer is
accepted/duplicate/rejected, a replay is ``duplicate``, the same id with other content is
rejected, another organisation's records are untouched, and afterwards every page that shows
what was stored answers 200. A new event type is fuzzed from its payload model with no new
test; a new form fails ``test_every_form_is_fuzzed`` until it is given its URL here.

Bounded by count, not time: ``MUSTER_FUZZ_EXAMPLES`` (default 25) examples per event type, form
and filter page. ``MUSTER_FUZZ_SEED`` replays a run; the seed is printed with the counts.
"""

from __future__ import annotations

import json
import os
import random
import uuid
from collections import Counter
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote_plus

from hypothesis import HealthCheck, Phase, given, seed, settings
from hypothesis import strategies as st

from server.accounting.forms import RosterImportForm
from server.alerts.forms import AlertForm
from server.alerts.models import Alert, AlertRecipient
from server.cases import forms as case_forms
from server.channels import forms as channel_forms
from server.checklists.forms import ContentSettingsForm
from server.checklists.models import ChecklistAnswer, ChecklistRun
from server.drills.forms import HeldForm, PlanForm, RequirementsForm
from server.events.registry import REGISTRY
from server.exercises import forms as exercise_forms
from server.forms import (
    ActionNamesForm,
    DistrictForm,
    Form,
    LanguageForm,
    PersonForm,
    RecordSchoolForm,
    SignInForm,
)
from server.incidents.forms import CallOutForm, OpenForm, RoleForm, StatusForm
from server.places.forms import SchoolForm, SiteForm
from server.reports.forms import FollowUpForm
from server.reports.models import Report
from server.reviews.forms import ActionForm, ActionStatusForm, ReviewForm
from server.risk.forms import DecisionForm, HazardForm, RiskPlanForm
from server.risk.models import RiskPlan
from server.team.forms import SeatsForm
from server.team.models import TeamFunction, TeamSeat
from server.tips.forms import CodeForm, MessageForm, TipForm
from server.training.forms import TrainerForm, TrainingSettingsForm
from server.trips.forms import PolicyForm, StudentForm, TripForm
from server.trips.models import CheckIn, Headcount, LostStudent
from tests.fuzz import FromSchema, hostile, moments, mutated, raw_json
from tests.helpers import html, unlinked_errors

EXAMPLES = int(os.environ.get("MUSTER_FUZZ_EXAMPLES", "25"))
SEED = int(os.environ.get("MUSTER_FUZZ_SEED", str(random.randrange(2**32))))
BATCH = 25
ROLES = ["admin", "safety", "staff", "driver", "office"]
ANSWERS = {"accepted", "duplicate", "rejected"}


def draw(strategy: st.SearchStrategy, count: int = EXAMPLES) -> list:
    """``count`` values of ``strategy`` (fewer when it has fewer): Hypothesis generating, without
    shrinking, so the requests can be sent in batches afterwards."""
    found: list = []

    @seed(SEED)
    @settings(
        max_examples=count,
        database=None,
        phases=[Phase.generate],
        deadline=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(strategy)
    def collect(value: Any) -> None:
        found.append(value)

    collect()
    return found


def report(capsys, line: str) -> None:
    with capsys.disabled():
        print(f"\nfuzz (seed {SEED}): {line}")


def body(device: str, events: list) -> bytes:
    return raw_json(json.dumps({"device_id": device, "events": events})).encode()


async def post_json(client, raw: bytes):
    headers = {"X-CSRF-Token": client.csrf, "Content-Type": "application/json"}
    return await client.http.post("/api/sync", content=raw, headers=headers)


def pools(org, other, library) -> dict[str, list]:
    """Ids worth drawing: this organisation's records (so events get into the handlers) and
    another organisation's (which must be refused)."""
    items = [i.id for c in library.checklists.values() for s in c.sections for i in s.items]
    return {
        "run_id": [str(org.run.id), str(other.run.id)],
        "trip_id": [org.trip.id, other.trip.id],
        "student_id": [org.student.id, other.student.id],
        "present": [[org.student.id], [other.student.id]],
        "plan_id": [org.plan.id, other.plan.id],
        "site_id": [org.site.id, other.site.id],
        "alert_id": [str(org.alert.id), str(other.alert.id)],
        "item_id": items,
        "checklist_id": [c.id for c in library.checklists.values()],
        "photos": [org.report.photos, other.report.photos],
    }


def event_strategy(name: str, ids: dict[str, list]) -> st.SearchStrategy:
    """(role, event) for one event type: a payload from its schema, maybe broken, in an
    envelope that may be broken too."""
    schema = REGISTRY[name].payload.model_json_schema()
    payloads = FromSchema(schema, ids).strategy().flatmap(mutated)
    fine = moments(datetime.now(UTC))
    when = st.one_of(fine, fine, fine, fine, hostile())
    kind = st.one_of(*[st.just(name)] * 7, hostile())

    def envelope(how_payload, occurred_at, type_, role):
        _how, payload = how_payload
        return role, {
            "id": str(uuid.uuid4()),
            "type": type_,
            "occurred_at": occurred_at,
            "payload": payload,
        }

    return st.builds(envelope, payloads, when, kind, st.sampled_from(ROLES))


async def test_every_event_type_through_sync(as_role, org, other_org, app, capsys):
    clients = {role: await as_role(role) for role in ROLES}
    ids = pools(org, other_org, app.state.checklists)
    sent: dict[str, list[dict]] = {role: [] for role in ROLES}
    per_type: Counter = Counter()
    for name in sorted(REGISTRY):
        for role, one in draw(event_strategy(name, ids)):
            sent[role].append(one)
            per_type[name] += 1
    assert set(per_type) == set(REGISTRY)  # every registered type, with no test of its own

    counts: Counter = Counter()
    accepted: dict[str, list[dict]] = {role: [] for role in ROLES}
    requests = 0
    for role, events in sent.items():
        for start in range(0, len(events), BATCH):
            batch = events[start : start + BATCH]
            response = await post_json(clients[role], body(f"fuzz-{role}", batch))
            requests += 1
            assert response.status_code == 200, (response.status_code, response.text[:300])
            results = response.json()["results"]
            assert len(results) == len(batch)
            for one, result in zip(batch, results, strict=True):
                counts[result["status"]] += 1
                assert result["status"] in ANSWERS, (one, result)
                if result["status"] == "rejected":
                    assert result["reason"], one
                if result["status"] == "accepted":
                    accepted[role].append(one)

    # the same batches again: whatever was stored is a duplicate now
    for role, events in accepted.items():
        for start in range(0, len(events), BATCH):
            batch = events[start : start + BATCH]
            response = await post_json(clients[role], body(f"fuzz-{role}", batch))
            requests += 1
            assert response.status_code == 200
            assert {r["status"] for r in response.json()["results"]} <= {"duplicate"}
            # ... and the same ids with other content are refused
            changed = [{**e, "payload": {**e["payload"], "fuzz": 1}} for e in batch]
            response = await post_json(clients[role], body(f"fuzz-{role}", changed))
            requests += 1
            assert {r["status"] for r in response.json()["results"]} <= {"rejected"}

    await _other_organisation_untouched(other_org)
    pages = await _pages_stand(clients, org)
    report(
        capsys,
        f"sync: {requests} requests, {sum(per_type.values())} events of {len(per_type)} types, "
        f"{counts['accepted']} accepted, {counts['rejected']} rejected, "
        f"{counts['duplicate']} duplicate, 0 retry, 0 5xx; {pages} pages re-checked",
    )
    assert counts["accepted"] > 0 and counts["retry"] == 0


async def _other_organisation_untouched(other) -> None:
    assert not await ChecklistAnswer.filter(run_id=other.run.id).exists()
    assert not await Headcount.filter(trip_id=other.trip.id).exists()
    assert not await CheckIn.filter(trip_id=other.trip.id).exists()
    assert not await LostStudent.filter(trip_id=other.trip.id).exists()
    assert (await RiskPlan.get(id=other.plan.id)).last_thunder_at is None
    assert not await AlertRecipient.filter(
        alert_id=other.alert.id, responded_at__isnull=False
    ).exists()


async def _pages_stand(clients: dict, org) -> int:
    """Every page that shows the organisation's records answers 200 (the alert page for the
    people it went to answers 200 or 404, never more)."""
    oid = org.organisation.id
    team, admin = clients["safety"], clients["admin"]
    urls = [
        "/",
        "/outbox",
        "/admin/alerts",
        "/reports",
        "/reports.csv",
        "/reports.geojson",
        "/reports/map",
        "/admin/runs",
        "/admin/runs.csv",
        "/trips",
        "/admin/trips",
        "/risk-plans",
        f"/trips/{org.trip.id}",
        f"/trips/{org.trip.id}/roster",
        f"/trips/{org.trip.id}/headcount",
        f"/risk-plans/{org.plan.id}",
        f"/incidents/{org.incident.id}",
        f"/incidents/{org.incident.id}/print",
        f"/incidents/{org.incident.id}/timeline.csv",
    ]
    urls += [
        f"/admin/alerts/{a}"
        for a in await Alert.filter(organisation_id=oid).values_list("id", flat=True)
    ]
    urls += [
        f"/reports/{r}"
        for r in await Report.filter(organisation_id=oid).values_list("id", flat=True)
    ]
    urls += [
        f"/admin/runs/{r}"
        for r in await ChecklistRun.filter(organisation_id=oid).values_list("id", flat=True)
    ]
    for url in urls:
        response = await team.get(url)
        assert response.status_code == 200, (url, response.status_code)
    admin_urls = [
        "/admin/audit",
        "/admin/places",
        "/admin/people",
        "/admin/actions",
        f"/admin/trips/{org.trip.id}",
    ]
    for url in admin_urls:
        assert (await admin.get(url)).status_code == 200, url
    for alert in await Alert.filter(organisation_id=oid).values_list("id", flat=True):
        for role in ("staff", "driver"):
            assert (await clients[role].get(f"/alerts/{alert}")).status_code in (200, 404)
    return len(urls) + len(admin_urls)


# -- forms ---------------------------------------------------------------------------------------


def form_table(org) -> list[tuple[str, str, type[Form]]]:
    """(role, URL, form) for every form the app reads."""
    trip, plan, school = org.trip.id, org.plan.id, org.school.id
    return [
        ("anonymous", "/sign-in", SignInForm),
        ("staff", "/language", LanguageForm),
        ("admin", f"/admin/people/{org.spare.id}", PersonForm),
        ("admin", "/admin/people/new", PersonForm),
        ("admin", "/admin/schools/new", SchoolForm),
        ("admin", f"/admin/schools/{school}", SchoolForm),
        ("admin", "/admin/sites/new", SiteForm),
        ("admin", f"/admin/sites/{org.site.id}", SiteForm),
        ("safety", "/admin/alerts/new", AlertForm),
        ("safety", "/admin/alerts/send", AlertForm),
        ("admin", "/admin/trips/new", TripForm),
        ("admin", f"/admin/trips/{trip}", TripForm),
        ("admin", f"/admin/trips/{trip}/students", StudentForm),
        ("admin", f"/admin/schools/{school}/trip-rules", PolicyForm),
        ("safety", "/risk-plans/new", RiskPlanForm),
        ("safety", f"/risk-plans/{plan}/edit", RiskPlanForm),
        ("safety", f"/risk-plans/{plan}/hazards", HazardForm),
        ("safety", f"/risk-plans/{plan}/hazards/{org.hazard.id}", HazardForm),
        ("admin", f"/risk-plans/{plan}/decide", DecisionForm),
        ("admin", "/admin/actions", ActionNamesForm),
        ("admin", "/admin/district", DistrictForm),
        ("admin", "/admin/checklists", ContentSettingsForm),
        ("admin", "/admin/messages", channel_forms.ChannelSettingsForm),
        ("staff", "/account/contact/phone", channel_forms.PhoneCodeForm),
        ("staff", "/account/contact/email", channel_forms.EmailCodeForm),
        ("staff", "/account/contact/code", channel_forms.CodeForm),
        ("staff", "/account/contact/remove", channel_forms.RemoveContactForm),
        ("safety", f"/reports/{org.report.id}/follow-up", FollowUpForm),
        ("safety", f"/admin/runs/{org.run.id}/school", RecordSchoolForm),
        ("safety", "/incidents/new", OpenForm),
        ("safety", f"/incidents/{org.incident.id}/status", StatusForm),
        ("safety", f"/incidents/{org.incident.id}/roles", RoleForm),
        ("safety", f"/incidents/{org.incident.id}/callout", CallOutForm),
        ("admin", f"/team/{school}/incident_commander", SeatsForm),
        ("safety", "/team/district/medical_lead", SeatsForm),
        ("safety", f"/reviews/new?incident={org.incident.id}", ReviewForm),
        ("admin", f"/reviews/{org.review.id}/edit", ReviewForm),
        ("safety", f"/reviews/{org.review.id}/actions", ActionForm),
        ("admin", "/reviews/actions", ActionForm),
        ("safety", f"/reviews/actions/{org.action.id}", ActionForm),
        ("staff", f"/reviews/actions/{org.action.id}/status", ActionStatusForm),
        ("safety", f"/reviews/actions/{org.action.id}/status", ActionStatusForm),
        ("admin", "/admin/rosters", RosterImportForm),
        ("anonymous", f"/tip/{org.tip_line.code}", TipForm),
        ("anonymous", f"/tip/{org.tip_line.code}/follow-up", CodeForm),
        ("safety", f"/tips/{org.tip.id}/questions", MessageForm),
        ("anonymous", f"/tip/{org.tip_line.code}/follow-up/answer", MessageForm),
        ("admin", "/training/trainers", TrainerForm),
        ("admin", "/training/settings", TrainingSettingsForm),
        ("safety", "/drills/requirements", RequirementsForm),
        ("safety", "/drills", PlanForm),
        ("safety", f"/drills/{org.drill.id}/held", HeldForm),
        ("safety", "/exercises", exercise_forms.StartForm),
        ("safety", f"/exercises/{org.exercise.id}/participants", exercise_forms.ParticipantsForm),
        ("admin", f"/exercises/{org.exercise.id}/decisions", exercise_forms.DecisionForm),
        *case_form_table(org),
    ]


def case_form_table(org) -> list[tuple[str, str, type[Form]]]:
    """A case's forms, posted by the safety person made a district lead (test_every_form)."""
    case = f"/cases/{org.case.id}"
    return [
        ("safety", "/cases/new", case_forms.IntakeForm),
        ("safety", f"{case}/identification", case_forms.IdentificationForm),
        ("safety", f"{case}/stage", case_forms.StageForm),
        ("safety", f"{case}/inquiry", case_forms.EntryForm),
        ("safety", f"{case}/assessment", case_forms.AssessmentForm),
        ("safety", f"{case}/markers", case_forms.MarkerForm),
        ("safety", f"{case}/plan", case_forms.SupportForm),
        ("safety", f"{case}/plan/1", case_forms.SupportStatusForm),
        ("safety", f"{case}/review", case_forms.ReviewForm),
        ("safety", f"{case}/team", case_forms.MemberForm),
        ("safety", f"{case}/close", case_forms.CloseForm),
        ("safety", "/cases/settings", case_forms.PolicyForm),
        ("safety", f"{case}/purge", case_forms.PurgeForm),
    ]


def _all_forms(cls: type = Form) -> set[type]:
    found = set()
    for sub in cls.__subclasses__():
        found |= {sub, *_all_forms(sub)}
    return found


async def test_every_form_is_fuzzed(org):
    assert {form for _role, _url, form in form_table(org)} == _all_forms()


def urlencoded(pairs: list[tuple[str, str]]) -> str:
    """As a browser encodes them, byte by byte: half an emoji goes as its invalid UTF-8 bytes
    (httpx would refuse to encode it at all)."""
    return "&".join(
        f"{quote_plus(k.encode('utf-8', 'surrogatepass'))}="
        f"{quote_plus(v.encode('utf-8', 'surrogatepass'))}"
        for k, v in pairs
    )


def form_fields(values: Any) -> list[tuple[str, str]]:
    """A generated value as a browser would post it: lists as repeated fields, all text."""
    if not isinstance(values, dict):
        return [("value", str(values))]
    pairs = []
    for key, value in values.items():
        for one in value if isinstance(value, list) else [value]:
            text = "" if one is None else str(one).lower() if isinstance(one, bool) else str(one)
            pairs.append((str(key), text))
    return pairs


async def test_every_form(as_role, make_client, org, other_org, capsys):
    clients = {role: await as_role(role) for role in ("admin", "safety", "staff")}
    lead = TeamSeat(organisation=org.organisation, function=TeamFunction.THREAT_ASSESSMENT, rank=0)
    lead.person = org.users["safety"]  # a district threat-assessment lead: every case's forms
    await lead.save()
    ids = {
        "school": [org.school.id, other_org.school.id],
        "schools": [[org.school.id], [other_org.school.id]],
        "site": [org.site.id, other_org.site.id],
        "venue": [org.site.id, other_org.site.id],
        "trip": [org.trip.id, other_org.trip.id],
        "owner": [org.users["staff"].id, other_org.users["staff"].id],
        "review": [org.review.id, other_org.review.id],
        "person": [org.users["staff"].id, other_org.users["staff"].id],
        "done_by": [org.users["safety"].id, org.spare.id, other_org.users["staff"].id],
        "primary": [org.users["staff"].id, other_org.users["staff"].id],
        "backups": [[org.users["safety"].id], [other_org.users["staff"].id]],
        "people": [[org.users["staff"].id], [other_org.users["staff"].id]],
        "chaperones": [[org.users["staff"].id], [other_org.users["staff"].id]],
        "held": ["yes"],
        "email": [org.spare.email, "new@example.org"],
    }
    posts, statuses = 0, Counter()
    for role, url, form in form_table(org):
        strategy = FromSchema(form.model_json_schema(), ids).strategy().flatmap(mutated)
        for _how, values in draw(strategy):
            client = clients.get(role) or make_client()
            pairs = [(k, v) for k, v in form_fields(values) if k != "csrf_token"]
            if role == "anonymous" or not client.csrf:
                await client.get("/sign-in")
            response = await client.http.post(
                url,
                content=urlencoded([*pairs, ("csrf_token", client.csrf)]),
                headers={"Content-Type": "application/x-www-form-urlencoded"},
                follow_redirects=False,
            )
            posts += 1
            statuses[response.status_code // 100] += 1
            assert response.status_code < 500, (url, pairs, response.status_code)
            if response.status_code == 422:  # each error is heard at its control
                assert unlinked_errors(html(response)) == [], (url, pairs)
    pages = await _pages_stand({**clients, "driver": await as_role("driver")}, org)
    report(
        capsys,
        f"forms: {posts} posts to {len(form_table(org))} forms, "
        f"{statuses[2] + statuses[3]} taken, {statuses[4]} refused (4xx), 0 5xx; "
        f"{pages} pages re-checked",
    )


# -- query-string filters ------------------------------------------------------------------------

LISTED = ["q", "sort", "page", "from", "to"]  # every desk list's (server/listing.py)
FILTERS = [
    ("safety", "/reports", [*LISTED, "school", "kind", "near", "within"]),
    ("safety", "/reports.csv", [*LISTED, "school", "kind", "near", "within"]),
    ("safety", "/reports.geojson", [*LISTED, "school", "kind", "near", "within"]),
    ("safety", "/reports/map", ["focus"]),
    ("safety", "/admin/runs", [*LISTED, "checklist", "school", "person", "day", "state"]),
    ("safety", "/admin/runs.csv", [*LISTED, "checklist", "school", "person", "day", "state"]),
    ("safety", "/admin/alerts", [*LISTED, "kind", "state"]),
    ("safety", "/admin/alerts.csv", [*LISTED, "kind", "state"]),
    ("admin", "/admin/people", ["q"]),
    ("admin", "/admin/audit", [*LISTED, "person", "action", "day"]),
    ("safety", "/metrics", ["school", "from", "to"]),
    ("admin", "/metrics/drills-by-school.csv", ["school", "from", "to"]),
    ("safety", "/admin/alerts/new", ["kind"]),
    ("safety", "/risk-plans/new", ["trip"]),
    ("anonymous", "/sign-in", ["next"]),
]


async def test_every_query_string_filter(as_role, make_client, capsys):
    clients = {role: await as_role(role) for role in ("admin", "safety")}
    clients["anonymous"] = make_client()
    text = st.one_of(
        hostile().map(str),
        st.sampled_from(["2026-01-31", "1", "2147483648", "vehicle", "bleeding-control"]),
    )
    requests = 0
    for role, path, names in FILTERS:
        for params in draw(st.fixed_dictionaries({}, optional=dict.fromkeys(names, text))):
            response = await clients[role].http.get(f"{path}?{urlencoded([*params.items()])}")
            requests += 1
            assert response.status_code < 500, (path, params, response.status_code)
    report(capsys, f"filters: {requests} requests to {len(FILTERS)} pages, 0 5xx")
