"""Need-to-know: every case route, against every role, a team member of another case of the
same school, and an admin of the district: each gets a 404 (never a 403), and each attempt is
in the audit log; the case's team and the district's threat-assessment leads can read it and
the case shows its own access log to them."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from server.auth import ALL_ROLES
from server.cases.models import Case, CaseMember, SourceKind
from server.models import AuditLog
from server.team.models import TeamFunction, TeamSeat
from tests.helpers import html

# Every route that names a case: (method, path after /cases/{id}, a form that would change it).
CASE_ROUTES = [
    ("GET", "", {}),
    ("GET", "/print", {}),
    ("POST", "/identification", {"subject": "Taken", "summary": "Taken"}),
    ("POST", "/stage", {"to": "inquiry"}),
    (
        "POST",
        "/inquiry",
        {"kind": "interview", "source": "Taken", "done_by": "1", "done_at": "2026-01-01T10:00"},
    ),
    ("POST", "/assessment", {"resolved": "no", "lasting": "no", "weapon": "no"}),
    ("POST", "/markers", {"marker": "grievance", "behaviour": "Taken"}),
    ("POST", "/plan", {"kind": "counselling", "owner": "1", "due_on": "2199-01-01"}),
    ("POST", "/plan/1", {"status": "done"}),
    ("POST", "/review", {"review_on": "2199-01-01"}),
    ("POST", "/team", {"person": "1"}),
    ("POST", "/close", {"reason": "Taken", "follow_up_on": "2199-01-01"}),
    ("POST", "/purge", {"confirm": "yes"}),
]
LISTS = ["/cases", "/cases/new", "/cases/retention"]


async def _call(client, method, url, data):
    return await client.get(url) if method == "GET" else await client.post(url, data)


async def _refusals(case: Case) -> int:
    return await AuditLog.filter(
        action="case.refused", record_type="Case", record_id=str(case.id)
    ).count()


async def _other_case(org) -> tuple[Case, object]:
    """A second case at the same school, its team the office person (on the school's threat
    assessment team): a team member, but not of the fixture's case."""
    member = org.users["office"]
    await TeamSeat.create(
        organisation=org.organisation,
        school=org.school,
        function=TeamFunction.THREAT_ASSESSMENT,
        rank=0,
        person=member,
    )
    other = await Case.create(
        organisation=org.organisation,
        school=org.school,
        source_kind=SourceKind.HAND,
        subject="Someone else",
        summary="x",
        opened_at=datetime.now(UTC),
    )
    await CaseMember.create(case=other, person=member, added_at=datetime.now(UTC))
    return other, member


@pytest.mark.parametrize(("method", "path", "data"), CASE_ROUTES)
async def test_outsiders_get_404_and_each_attempt_is_audited(method, path, data, org, as_role):
    await _other_case(org)  # the office person: on another case of the same school
    url = f"/cases/{org.case.id}{path}"
    for n, role in enumerate(ALL_ROLES, start=1):
        response = await _call(await as_role(role), method, url, data)
        assert response.status_code == 404, (role, url, response.status_code)
        assert "not for your role" not in response.text
        assert await _refusals(org.case) == n, (role, url)
    await org.case.refresh_from_db()
    assert org.case.subject == "Sam Doe, grade 8" and org.case.stage == "identification"
    assert not await CaseMember.filter(case=org.case).exclude(person=org.spare).exists()


async def test_another_districts_lead_gets_404(org, other_org, as_role):
    lead = other_org.users["safety"]
    await TeamSeat.create(
        organisation=other_org.organisation,
        function=TeamFunction.THREAT_ASSESSMENT,
        rank=0,
        person=lead,
    )
    client = await as_role("safety", other_org)
    for method, path, data in CASE_ROUTES:
        response = await _call(client, method, f"/cases/{org.case.id}{path}", data)
        assert response.status_code == 404, path


async def test_the_lists_are_404_for_those_with_no_case(org, as_role):
    for role in ALL_ROLES:
        client = await as_role(role)
        for url in LISTS:
            assert (await client.get(url)).status_code == 404, (role, url)
    refused = await AuditLog.filter(
        organisation_id=org.organisation.id, action="cases.refused"
    ).count()
    assert refused == len(ALL_ROLES) * len(LISTS)


async def test_a_member_of_another_case_does_not_see_this_one_in_the_list(org, as_role):
    other, _member = await _other_case(org)
    page = html(await (await as_role("office")).get("/cases"))
    links = {a["href"] for a in page.select("#cases-list a")}
    assert links == {f"/cases/{other.id}"}


async def test_the_team_and_the_leads_read_it_and_see_its_access_log(org, as_role, make_client):
    lead = org.users["safety"]
    await TeamSeat.create(
        organisation=org.organisation, function=TeamFunction.THREAT_ASSESSMENT, rank=0, person=lead
    )
    await CaseMember.create(case=org.case, person=org.users["staff"], added_at=datetime.now(UTC))
    outsider = await as_role("admin")
    assert (await outsider.get(f"/cases/{org.case.id}")).status_code == 404
    for role in ("safety", "staff"):  # the lead, and a named member of the team
        client = await as_role(role)
        response = await client.get(f"/cases/{org.case.id}")
        assert response.status_code == 200, role
        assert (await client.get(f"/cases/{org.case.id}/print")).status_code == 200
    page = html(await (await as_role("staff")).get(f"/cases/{org.case.id}"))
    assert page.select_one("#case-subject").text == "Sam Doe, grade 8"
    rows = [r.get_text(" ", strip=True) for r in page.select("#access-log ~ table tbody tr")]
    assert any(org.users["admin"].name in r and "case.refused" in r for r in rows)
    assert any(lead.name in r and "case.printed" in r for r in rows)
    assert any(lead.name in r and "case.viewed" in r for r in rows)
