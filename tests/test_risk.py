"""Risk plans: scores and bands (custom ones too), the heat map, the hospital's distance and the
approval workflow's permissions."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from server.risk.models import Hazard, PlanStatus, RiskPlan
from server.risk.scoring import Band, Bands, heat_map, score
from server.trips.models import Trip
from server.trips.service import policy_for
from tests.helpers import configured, event, html, send


def test_scores_fall_into_the_default_bands():
    bands = Bands()
    assert score(1, 1) == 1 and score(5, 5) == 25
    assert [bands.of(s) for s in (1, 4, 5, 9, 10, 16, 20, 25)] == [
        Band.LOW,
        Band.LOW,
        Band.MEDIUM,
        Band.MEDIUM,
        Band.HIGH,
        Band.HIGH,
        Band.EXTREME,
        Band.EXTREME,
    ]


def test_custom_bands_move_the_boundaries():
    strict = Bands(low=2, medium=5, high=10)
    assert strict.of(score(2, 2)) == Band.MEDIUM  # 4: Low by default, Medium here
    assert strict.of(score(3, 4)) == Band.EXTREME  # 12: High by default
    with pytest.raises(ValueError):
        Bands(low=9, medium=5, high=10)
    with pytest.raises(ValueError):
        score(0, 3)
    with pytest.raises(ValueError):
        score(3, 6)


def test_the_heat_map_counts_hazards_before_and_after_mitigation():
    rows = heat_map(Bands(), [(3, 4), (3, 4), (5, 5)], [(2, 2), (1, 5), (1, 5)])
    assert [likelihood for likelihood, _ in rows] == [5, 4, 3, 2, 1]
    cells = {(c.likelihood, c.impact): c for _, row in rows for c in row}
    assert len(cells) == 25
    assert (cells[(3, 4)].before, cells[(3, 4)].after) == (2, 0)
    assert (cells[(1, 5)].before, cells[(1, 5)].after) == (0, 2)
    assert cells[(5, 5)].band == Band.EXTREME and cells[(1, 1)].band == Band.LOW


async def test_the_plan_page_bands_hazards_with_the_schools_bands(org, as_role):
    staff = await as_role("staff")
    page = html(await staff.get(f"/risk-plans/{org.plan.id}"))
    row = page.select_one(".register tbody tr")
    assert row.select_one("th").get_text(strip=True) == "Busy road outside"
    assert "band-high" in row.select("td")[0]["class"]  # 3 x 4 = 12
    assert "band-low" in row.select("td")[2]["class"]  # 2 x 2 = 4 after mitigation
    cell = page.select(".heat-map tbody tr")[2].select("td")[3]  # likelihood 3, impact 4
    assert cell.select_one(".cell-count").get_text(strip=True) == "1 → 0"

    policy = await policy_for(org.school.id)
    policy.band_low, policy.band_medium, policy.band_high = 2, 5, 10
    await policy.save()
    page = html(await staff.get(f"/risk-plans/{org.plan.id}"))
    row = page.select_one(".register tbody tr")
    assert "band-extreme" in row.select("td")[0]["class"]
    assert "band-medium" in row.select("td")[2]["class"]
    assert "Low up to 2, Medium up to 5, High up to 10" in page.select_one("#heat-map-note").text


async def test_bands_that_do_not_rise_are_refused(org, as_role):
    admin = await as_role("admin")
    form = {
        "students_per_adult": "10",
        "grace_minutes": "30",
        "band_low": "9",
        "band_medium": "5",
        "band_high": "16",
    }
    response = await admin.post(f"/admin/schools/{org.school.id}/trip-rules", form)
    assert response.status_code == 422
    assert "higher than the one before" in html(response).select_one("#band_low-error").text


async def test_the_nearest_hospital_shows_its_distance_from_the_venue(org, as_role):
    staff = await as_role("staff")
    form = {
        "school": org.school.id,
        "title": "Spring dance",
        "kind": "dance",
        "trip": org.trip.id,
        "crowd": "400",
        "hospital": "Mercy General",
        "hospital_latitude": "38.5714",
        "hospital_longitude": "-121.4676",
    }
    response = await staff.post(f"/risk-plans/{org.plan.id}/edit", form)
    assert response.status_code == 303
    text = html(await staff.get(f"/risk-plans/{org.plan.id}")).select_one("#hospital").text
    # The trip's destination (38.5844, -121.5051) to the hospital: about 3.6 km.
    assert "Mercy General · 3.6 km from the venue" in " ".join(text.split())

    half = {**form, "hospital_longitude": ""}
    refused = await staff.post(f"/risk-plans/{org.plan.id}/edit", half)
    assert refused.status_code == 422


async def test_staff_submit_and_only_an_admin_approves_or_sends_back(org, as_role):
    staff = await as_role("staff")
    plan_url = f"/risk-plans/{org.plan.id}"
    assert (await staff.post(f"{plan_url}/submit", {})).status_code == 303
    assert (await RiskPlan.get(id=org.plan.id)).status == PlanStatus.SUBMITTED

    # Waiting for approval: nobody changes it.
    hazard = {
        "description": "Ice",
        "likelihood": "2",
        "impact": "2",
        "residual_likelihood": "1",
        "residual_impact": "1",
    }
    assert (await staff.post(f"{plan_url}/hazards", hazard)).status_code == 409
    assert (await staff.get(f"{plan_url}/edit")).status_code == 409

    for role in ("staff", "safety", "driver"):
        refused = await (await as_role(role)).post(f"{plan_url}/decide", {"decision": "approve"})
        assert refused.status_code == 403
    assert (await RiskPlan.get(id=org.plan.id)).status == PlanStatus.SUBMITTED

    admin = await as_role("admin")
    await admin.post(f"{plan_url}/decide", {"decision": "send_back"})  # no reason: not sent back
    assert (await RiskPlan.get(id=org.plan.id)).status == PlanStatus.SUBMITTED
    reason = "Add the river crossing"
    await admin.post(f"{plan_url}/decide", {"decision": "send_back", "reason": reason})
    plan = await RiskPlan.get(id=org.plan.id)
    assert plan.status == PlanStatus.RETURNED and plan.send_back_reason == reason
    assert reason in html(await staff.get(plan_url)).select_one(".sent-back").text

    assert (await staff.post(f"{plan_url}/hazards", hazard)).status_code == 303
    assert await Hazard.filter(plan_id=plan.id).count() == 2
    await staff.post(f"{plan_url}/submit", {})
    assert (await admin.post(f"{plan_url}/decide", {"decision": "approve"})).status_code == 303
    plan = await RiskPlan.get(id=org.plan.id)
    assert plan.status == PlanStatus.APPROVED and plan.decided_by_id == org.users["admin"].id


async def test_a_plan_with_no_hazards_cannot_be_submitted(org, as_role):
    staff = await as_role("staff")
    await Hazard.filter(plan_id=org.plan.id).delete()
    await staff.post(f"/risk-plans/{org.plan.id}/submit", {})
    assert (await RiskPlan.get(id=org.plan.id)).status == PlanStatus.DRAFT


async def test_drivers_and_the_office_do_not_see_risk_plans(as_role):
    for role in ("driver", "office"):
        assert (await (await as_role(role)).get("/risk-plans")).status_code == 403


async def test_a_hazard_scored_off_the_grid_is_refused_and_marked(org, as_role):
    staff = await as_role("staff")
    hazard = {
        "description": "Crowd at the gate",
        "likelihood": "6",
        "impact": "2",
        "residual_likelihood": "1",
        "residual_impact": "0",
    }
    response = await staff.post(f"/risk-plans/{org.plan.id}/hazards", hazard)
    assert response.status_code == 422
    page = html(response)
    assert page.select_one("#likelihood-error") and page.select_one("#residual_impact-error")
    assert page.select_one("#impact-error") is None
    assert page.select_one("#description")["value"] == "Crowd at the gate"  # nothing typed is lost


async def test_a_hazard_edited_with_an_owner_is_saved(org, as_role):
    """Found by the fuzz suite: giving an edited hazard an owner answered 500."""
    staff = await as_role("staff")
    hazard = {
        "description": "Busy road outside",
        "likelihood": "3",
        "impact": "4",
        "residual_likelihood": "2",
        "residual_impact": "2",
        "owner": str(org.users["driver"].id),
    }
    response = await staff.post(f"/risk-plans/{org.plan.id}/hazards/{org.hazard.id}", hazard)
    assert response.status_code == 303
    await org.hazard.refresh_from_db()
    assert org.hazard.owner_id == org.users["driver"].id


async def test_thunder_heard_restarts_the_lightning_wait_and_an_older_one_changes_nothing(
    org, other_org, as_role
):
    staff = await as_role("staff")
    now = datetime.now(UTC).replace(microsecond=0)

    def thunder(plan_id: int, at: datetime) -> dict:
        return {**event("risk.thunder_heard", plan_id=plan_id), "occurred_at": at.isoformat()}

    first = thunder(org.plan.id, now - timedelta(minutes=10))
    assert (await send(staff, [first])).json()["results"][0]["status"] == "accepted"
    assert (await RiskPlan.get(id=org.plan.id)).last_thunder_at == now - timedelta(minutes=10)
    older = thunder(org.plan.id, now - timedelta(minutes=20))  # sent late, from another phone
    assert (await send(staff, [older])).json()["results"][0]["status"] == "accepted"
    assert (await RiskPlan.get(id=org.plan.id)).last_thunder_at == now - timedelta(minutes=10)
    page = html(await staff.get(f"/risk-plans/{org.plan.id}"))
    shown = datetime.fromisoformat(page.select_one("#risk-plan")["data-last-thunder"])
    assert shown == now - timedelta(minutes=10)  # the page's countdown starts from it

    refused = [
        (await as_role("staff", other_org), thunder(org.plan.id, now)),
        (await as_role("driver"), thunder(org.plan.id, now)),  # drivers don't open risk plans
        (staff, thunder(2**31 - 1, now)),
    ]
    for client, one in refused:
        [result] = (await send(client, [one])).json()["results"]
        assert result == {**result, "status": "rejected"}
        assert result["reason"] == "This risk plan is not known here."
    assert (await RiskPlan.get(id=org.plan.id)).last_thunder_at == now - timedelta(minutes=10)


async def test_an_admin_cannot_approve_her_own_plan(org, as_role):
    from server.risk.models import RiskPlan as Plan

    await Plan.filter(id=org.plan.id).update(author_id=org.users["admin"].id)
    admin = await as_role("admin")
    plan_url = f"/risk-plans/{org.plan.id}"
    assert (await admin.post(f"{plan_url}/submit", {})).status_code == 303
    page = html(await admin.get(plan_url))
    assert page.select_one("#own-plan") and not page.select('button[value="approve"]')
    refused = await admin.post(f"{plan_url}/decide", {"decision": "approve"})
    assert refused.status_code == 303
    assert (await Plan.get(id=org.plan.id)).status == PlanStatus.SUBMITTED
    flash = html(await admin.get(plan_url)).select_one(".flash").get_text()
    assert "Another admin must approve" in flash
    # She may still send it back to herself to change it.
    back = {"decision": "send_back", "reason": "Add the bus times"}
    assert (await admin.post(f"{plan_url}/decide", back)).status_code == 303
    assert (await Plan.get(id=org.plan.id)).status == PlanStatus.RETURNED


async def test_a_plan_for_an_evening_trip_is_dated_the_trip_s_day_in_the_district(
    app, org, as_role
):
    evening = datetime(2026, 12, 4, 20, 0, tzinfo=ZoneInfo("America/Los_Angeles"))  # Dec 5 UTC
    await Trip.filter(id=org.trip.id).update(
        starts_at=evening.astimezone(UTC), ends_at=(evening + timedelta(hours=2)).astimezone(UTC)
    )
    staff = await as_role("staff")
    with configured(app, timezone="America/Los_Angeles"):
        page = html(await staff.get("/risk-plans/new", params={"trip": org.trip.id}))
    assert page.select_one("[name=happens_on]")["value"] == "2026-12-04"
