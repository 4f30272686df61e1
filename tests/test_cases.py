"""Threat assessment cases: intake from a concern (its words carried over) or by hand, the four
stages in order with what each records, the classification rules ("when in doubt,
substantive"), the triage clock at its boundary, closure, retention and the purge's audit entry,
and the figures (counts only)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from server.cases import queries
from server.cases.models import Case, CaseMember, CasePolicy, CaseSupport, Level, Stage
from server.cases.rules import Answer, classify, overdue, past_retention
from server.models import AuditLog
from server.team.models import TeamFunction, TeamSeat
from tests.helpers import html


async def seat(org, person, function=TeamFunction.THREAT_ASSESSMENT, school=True, rank=0):
    await TeamSeat.create(
        organisation=org.organisation,
        school=org.school if school else None,
        function=function,
        rank=rank,
        person=person,
    )


@pytest.mark.parametrize(
    ("resolved", "lasting", "weapon", "level"),
    [
        ("yes", "no", "no", Level.TRANSIENT),
        ("yes", "no", "yes", Level.TRANSIENT),  # a joke about a weapon, clearly resolved
        ("yes", "unsure", "no", Level.SERIOUS),  # in doubt: substantive
        ("unsure", "no", "no", Level.SERIOUS),
        ("no", "no", "no", Level.SERIOUS),
        ("yes", "yes", "no", Level.SERIOUS),
        ("no", "yes", "yes", Level.VERY_SERIOUS),
        ("unsure", "unsure", "unsure", Level.VERY_SERIOUS),  # doubt protects at each step
    ],
)
def test_the_guided_questions_lead_to_a_level(resolved, lasting, weapon, level):
    assert classify(Answer(resolved), Answer(lasting), Answer(weapon)) == level


def test_the_triage_clock_is_due_at_its_moment_and_overdue_after():
    opened = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)
    due = opened + timedelta(hours=24)
    assert not overdue(opened, None, Stage.IDENTIFICATION, 24, due - timedelta(seconds=1))
    assert not overdue(opened, None, Stage.IDENTIFICATION, 24, due)
    assert overdue(opened, None, Stage.IDENTIFICATION, 24, due + timedelta(seconds=1))
    assert not overdue(opened, due, Stage.INQUIRY, 24, due + timedelta(days=3))  # screened
    assert not overdue(opened, None, Stage.CLOSED, 24, due + timedelta(days=3))
    assert overdue(opened, None, Stage.IDENTIFICATION, 2, opened + timedelta(hours=2, seconds=1))


def test_retention_counts_from_closure():
    closed = datetime(2020, 1, 1, tzinfo=UTC)
    assert not past_retention(None, 1, closed + timedelta(days=4000))
    assert not past_retention(closed, 1, closed + timedelta(days=365))
    assert past_retention(closed, 1, closed + timedelta(days=365, seconds=1))


async def test_a_lead_opens_a_case_from_a_concern_and_walks_the_four_stages(org, as_role):
    lead = org.users["safety"]
    await seat(org, lead, school=False)  # district-wide: a lead
    await seat(org, org.spare, function=TeamFunction.SPECIAL_EDUCATION)
    client = await as_role("safety")
    form = html(await client.get(f"/cases/new?from=concern&id={org.concern.id}"))
    assert form.select_one("#summary").text.strip() == org.concern.what
    assert org.concern.place in form.select_one("#sources").text
    response = await client.post(
        "/cases/new",
        {
            "school": org.school.id,
            "source_kind": "concern",
            "source_id": str(org.concern.id),
            "subject": "Sam Doe, grade 8",
            "summary": org.concern.what,
            "iep": "true",
        },
    )
    assert response.status_code == 303, response.text
    case = await Case.filter(organisation_id=org.organisation.id).order_by("-id").first()
    assert case.source_kind == "concern" and case.subject == "Sam Doe, grade 8"
    team = set(await CaseMember.filter(case=case).values_list("person_id", flat=True))
    assert team == {lead.id, org.spare.id}  # the IEP flag brought the special-education lead
    url = f"/cases/{case.id}"

    # management waits for a classification; stages move one at a time
    assert (await client.post(f"{url}/stage", {"to": "assessment"})).status_code == 422
    assert (await client.post(f"{url}/stage", {"to": "inquiry"})).status_code == 303
    await case.refresh_from_db()
    assert case.stage == Stage.INQUIRY and case.screened_at is not None
    entry = {"kind": "interview", "source": "Bus driver", "done_by": lead.id}
    entry["done_at"] = "2026-01-05T10:30"
    assert (await client.post(f"{url}/inquiry", entry)).status_code == 303
    assert (await client.post(f"{url}/stage", {"to": "assessment"})).status_code == 303
    assert (await client.post(f"{url}/stage", {"to": "management"})).status_code == 422
    answers = {"resolved": "no", "lasting": "yes", "weapon": "no", "notes": "Repeated it"}
    assert (await client.post(f"{url}/assessment", answers)).status_code == 303
    for marker in ("grievance", "ideation"):
        marker_form = {"marker": marker, "behaviour": f"Seen: {marker}"}
        assert (await client.post(f"{url}/markers", marker_form)).status_code == 303
    assert (await client.post(f"{url}/stage", {"to": "management"})).status_code == 303
    due = (datetime.now(UTC) + timedelta(days=7)).date().isoformat()
    for kind in ("counselling", "parent_meeting", "safety_plan"):
        support = {"kind": kind, "owner": lead.id, "due_on": due}
        assert (await client.post(f"{url}/plan", support)).status_code == 303
    assert await CaseSupport.filter(case=case).count() == 3
    # an owner off the team is refused, with its reason
    off = {"kind": "mentoring", "owner": org.users["admin"].id, "due_on": due}
    assert (await client.post(f"{url}/plan", off)).status_code == 422
    closing = {"reason": "Plan in place, no further threat", "follow_up_on": due}
    assert (await client.post(f"{url}/close", closing)).status_code == 303
    await case.refresh_from_db()
    assert case.stage == Stage.CLOSED and case.level == Level.SERIOUS
    page = html(await client.get(url))
    assert page.select_one("#case-level").text.strip() == "Substantive: serious"
    assert "Plan in place" in page.text
    # a closed case takes no more writing
    assert (await client.post(f"{url}/inquiry", entry)).status_code == 422
    actions = await AuditLog.filter(record_type="Case", record_id=str(case.id)).values_list(
        "action", flat=True
    )
    assert {"case.opened", "case.stage", "case.edited", "case.closed", "case.viewed"} <= set(
        actions
    )


async def test_the_case_list_flags_the_overdue_and_the_home_counts_them(org, as_role):
    await seat(org, org.users["safety"], school=False)
    await CasePolicy.create(organisation=org.organisation, triage_hours=2)
    now = datetime.now(UTC)
    late = await Case.create(
        organisation=org.organisation,
        school=org.school,
        source_kind="hand",
        subject="Late one",
        summary="x",
        opened_at=now - timedelta(hours=2, minutes=1),
    )
    client = await as_role("safety")
    page = html(await client.get("/cases"))
    flagged = [card for card in page.select("#cases-list li") if "Overdue" in card.text]
    assert [f"/cases/{late.id}"] == [c.select_one("a")["href"] for c in flagged]
    assert await queries.overdue_count(org.users["safety"], now) == 1
    home = html(await client.get("/"))
    assert "1 case is overdue" in home.select_one("#cases-overdue").text


async def test_retention_lists_old_closed_cases_and_a_purge_leaves_an_audit_entry(org, as_role):
    await seat(org, org.users["safety"], school=False)
    await CasePolicy.create(organisation=org.organisation, retention_years=1)
    now = datetime.now(UTC)
    old, recent = [
        await Case.create(
            organisation=org.organisation,
            school=org.school,
            source_kind="hand",
            subject=name,
            summary="x",
            stage=Stage.CLOSED,
            opened_at=closed - timedelta(days=3),
            closed_at=closed,
        )
        for name, closed in (("Old", now - timedelta(days=400)), ("Recent", now))
    ]
    client = await as_role("safety")
    listed = html(await client.get("/cases/retention")).select("#retention-list a")
    assert [a["href"] for a in listed] == [f"/cases/{old.id}"]
    refused = await client.post(f"/cases/{recent.id}/purge", {"confirm": "yes"})
    assert refused.status_code == 409 and await Case.exists(id=recent.id)
    response = await client.post(f"/cases/{old.id}/purge", {"confirm": "yes"})
    assert response.status_code == 303
    assert not await Case.exists(id=old.id)
    entry = await AuditLog.get(action="case.purged", record_id=str(old.id))
    assert entry.actor_id == org.users["safety"].id and "Old" not in str(entry.detail)


async def test_the_figures_are_counts_only(org):
    now = datetime.now(UTC)
    await Case.create(
        organisation=org.organisation,
        school=org.school,
        source_kind="hand",
        subject="A",
        summary="x",
        stage=Stage.ASSESSMENT,
        level=Level.SERIOUS,
        opened_at=now - timedelta(hours=5),
        screened_at=now - timedelta(hours=2),
    )
    figures = await queries.figures(org.organisation.id)
    assert figures.by_stage == {"identification": 1, "assessment": 1}  # and the fixture's case
    assert figures.by_level == {"unclassified": 1, "substantive_serious": 1}
    assert figures.screened == 1 and figures.median_screening_s == 3 * 3600
    assert figures.within_clock == 1
    assert "A" not in repr(figures)


async def test_a_tip_carries_its_words_into_the_intake_form(org, as_role):
    await seat(org, org.users["safety"])
    client = await as_role("safety")
    tip_page = html(await client.get(f"/tips/{org.tip.id}"))
    start = tip_page.select_one("#start-case")["href"]
    assert start == f"/cases/new?from=tip&id={org.tip.id}"
    form = html(await client.get(start))
    assert form.select_one("#summary").text.strip() == org.tip.what
    assert form.select_one("input[name=source_kind]")["value"] == "tip"
    assert form.select_one("input[name=source_id]")["value"] == str(org.tip.id)


async def test_start_a_threat_assessment_is_offered_only_to_the_threat_team(org, as_role):
    client = await as_role("safety")  # reads concerns, but is on no threat assessment team
    assert html(await client.get(f"/concerns/{org.concern.id}")).select_one("#start-case") is None
    await seat(org, org.users["safety"])
    page = html(await client.get(f"/concerns/{org.concern.id}"))
    assert page.select_one("#start-case")["href"] == f"/cases/new?from=concern&id={org.concern.id}"
