"""Forms at the edge: every multi-line field takes the line breaks browsers send (CR LF), and CR
alone, and stores LF; other control characters are still refused."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from server.alerts.forms import AlertForm
from server.alerts.models import Alert
from server.risk.models import Hazard, PlanStatus, RiskPlan
from server.trips.models import Trip, TripStop, TripStudent
from tests.helpers import html

TWO_LINES = "Stay in rooms.\r\nWait for the police at the door."
STORED = "Stay in rooms.\nWait for the police at the door."


@pytest.mark.parametrize("breaks", ["\r\n", "\r", "\n"])
def test_any_line_break_is_stored_as_lf(breaks):
    form = AlertForm.model_validate(
        {"kind": "lockdown", "message": f"one{breaks}two{breaks}{breaks}three"}
    )
    assert form.message == "one\ntwo\n\nthree"


def test_other_control_characters_are_still_refused_and_single_lines_keep_refusing_cr():
    for text in ("bell\x07", "nul\x00", "escape\x1b[2J"):
        with pytest.raises(ValidationError) as refused:
            AlertForm.model_validate({"kind": "lockdown", "message": text})
        assert refused.value.errors()[0]["type"] == "control_chars"
    with pytest.raises(ValidationError) as refused:
        AlertForm.model_validate({"kind": "custom", "title": "Two\r\nlines"})
    assert refused.value.errors()[0]["type"] == "control_chars"


def test_the_limit_counts_a_line_break_once_as_the_browser_does():
    # The textarea's maxlength counts CR LF as one character; so does the server.
    text = ("x" * 9 + "\r\n") * 50  # 500 characters in the browser, 550 as sent
    assert len(AlertForm.model_validate({"kind": "lockdown", "message": text}).message) == 499


async def test_a_two_line_alert_message(org, as_role):
    safety = await as_role("safety")
    form = {"kind": "lockdown", "scope": "school", "school": org.school.id, "message": TWO_LINES}
    preview = await safety.post("/admin/alerts/new", form)
    assert preview.status_code == 200, html(preview).select_one(".error-summary")
    assert (await safety.post("/admin/alerts/send", {**form, "held": "yes"})).status_code == 303
    alert = await Alert.get(organisation_id=org.organisation.id, kind="lockdown")
    assert alert.message == STORED


async def test_a_trip_itinerary_of_several_stops(org, as_role):
    admin = await as_role("admin")
    form = {
        "school": org.school.id,
        "name": "Aquarium day",
        "starts_at": "2031-05-04T09:00",
        "ends_at": "2031-05-04T15:00",
        "latitude": "38.54",
        "longitude": "-121.5",
        "itinerary": "10:15 Zoo entrance\r\n12:00 Lunch\r\n\r\n14:30 Bus back",
    }
    response = await admin.post("/admin/trips/new", form)
    assert response.status_code == 303, html(response).select_one(".error-summary")
    trip = await Trip.get(name="Aquarium day", organisation_id=org.organisation.id)
    names = await TripStop.filter(trip=trip).order_by("position").values_list("name", flat=True)
    assert names == ["Zoo entrance", "Lunch", "Bus back"]


async def test_the_real_error_beside_a_line_break_is_shown(org, as_role):
    admin = await as_role("admin")
    form = {
        "school": org.school.id,
        "name": "Aquarium day",
        "starts_at": "2031-05-04T09:00",
        "ends_at": "2031-05-04T08:00",
        "latitude": "38.54",
        "longitude": "-121.5",
        "itinerary": "10:15 Zoo entrance\r\n12:00 Lunch",
    }
    page = html(await admin.post("/admin/trips/new", form))
    assert page.select_one("#ends_at-error").text == "The trip must end after it starts."
    assert "control characters" not in page.get_text()


async def test_a_students_contacts_one_a_line_and_medical_notes(org, as_role):
    admin = await as_role("admin")
    form = {
        "name": "Ben Ortiz",
        "contacts": "Maria Ortiz (mother) 916-555-0101\r\nLuis Ortiz (father) 916-555-0102",
        "medical": "Asthma.\r\nInhaler in the blue bag.",
        "allergies": "Peanuts\r\nBees",
        "medication": "Albuterol\r\nEpiPen",
    }
    response = await admin.post(f"/admin/trips/{org.trip.id}/students", form)
    assert response.status_code == 303, html(response).select(".field-error")
    student = await TripStudent.get(trip_id=org.trip.id, name="Ben Ortiz")
    assert student.contacts.splitlines() == [
        "Maria Ortiz (mother) 916-555-0101",
        "Luis Ortiz (father) 916-555-0102",
    ]
    assert "\r" not in student.contacts + student.medical + student.allergies + student.medication
    assert student.medical == "Asthma.\nInhaler in the blue bag."

    edit = {**form, "medical": "Asthma.\r\nInhaler in the red bag."}
    response = await admin.post(f"/admin/trips/{org.trip.id}/students/{student.id}", edit)
    assert response.status_code == 303
    assert (await TripStudent.get(id=student.id)).medical == "Asthma.\nInhaler in the red bag."


async def test_a_risk_plans_weather_plan_mitigation_and_send_back_reason(org, as_role):
    staff = await as_role("staff")
    plan_url = f"/risk-plans/{org.plan.id}"
    form = {
        "school": org.school.id,
        "title": "Museum",
        "kind": "trip",
        "trip": org.trip.id,
        "weather_plan": "Rain: the indoor galleries.\r\nThunder: everyone inside 30 min.",
    }
    assert (await staff.post(f"{plan_url}/edit", form)).status_code == 303
    plan = await RiskPlan.get(id=org.plan.id)
    assert plan.weather_plan == "Rain: the indoor galleries.\nThunder: everyone inside 30 min."

    hazard = {
        "description": "River bank",
        "likelihood": "2",
        "impact": "4",
        "mitigation": "Stay on the path.\r\nTwo adults at the rail.",
        "residual_likelihood": "1",
        "residual_impact": "3",
    }
    assert (await staff.post(f"{plan_url}/hazards", hazard)).status_code == 303
    stored = await Hazard.get(plan_id=plan.id, description="River bank")
    assert stored.mitigation == "Stay on the path.\nTwo adults at the rail."

    assert (await staff.post(f"{plan_url}/submit", {})).status_code == 303
    admin = await as_role("admin")
    reason = {"decision": "send_back", "reason": "Name the two adults.\r\nAdd the bus times."}
    assert (await admin.post(f"{plan_url}/decide", reason)).status_code == 303
    plan = await RiskPlan.get(id=org.plan.id)
    assert plan.status == PlanStatus.RETURNED
    assert plan.send_back_reason == "Name the two adults.\nAdd the bus times."
