"""Tabletop exercises: started from the list, stepped through on the facilitator's screen (who
took part, a decision at each inject), finished into its review prefilled with the decisions
taken beside those expected; each change audited; another district's exercise out of reach; a
finished one takes no more decisions; the lesson and drill pages link the exercises."""

from __future__ import annotations

import re
from datetime import timedelta

from server.exercises.models import Exercise, ExerciseDecision, ExerciseStatus
from server.models import AuditLog
from server.reviews.models import Review, ReviewKind, SubjectKind
from tests.helpers import html


async def _start(client, org, scenario: str = "bomb-threat-call") -> Exercise:
    response = await client.post("/exercises", {"scenario": scenario, "school": org.school.id})
    assert response.status_code == 303, response.text
    found = re.fullmatch(r"/exercises/(\d+)", response.headers["location"])
    assert found, response.headers["location"]
    return await Exercise.get(id=int(found.group(1)))


async def test_an_exercise_runs_through_its_injects_into_a_prefilled_review(org, as_role):
    safety = await as_role("safety")
    exercise = await _start(safety, org)
    assert exercise.scenario_version == 1 and exercise.status == ExerciseStatus.RUNNING
    first = html(await safety.get(f"/exercises/{exercise.id}"))
    assert "9:40" in first.select_one(".facilitator-text").text  # the situation
    said = await safety.post(
        f"/exercises/{exercise.id}/participants",
        {"participants": "Ana Ruiz, office\n\n  Ben Cole, principal  \n"},
    )
    assert said.headers["location"].endswith("?step=1")
    await exercise.refresh_from_db()
    assert exercise.participants == ["Ana Ruiz, office", "Ben Cole, principal"]

    page = html(await safety.get(f"/exercises/{exercise.id}?step=1"))
    assert page.select_one("h1").text == "The phone rings"
    assert page.select_one("input[name=inject]")["value"] == "the-call"
    links = [a["href"] for a in page.select(".lesson-links a")]
    assert links == ["/checklists/threat-call?practice=1"]  # opened in practice mode

    saved = await safety.post(
        f"/exercises/{exercise.id}/decisions",
        {"inject": "the-call", "decision": "Kept the caller talking; Ben called 911"},
    )
    assert saved.headers["location"].endswith("?step=2")
    again = await safety.post(
        f"/exercises/{exercise.id}/decisions",
        {"inject": "the-call", "decision": "Kept the caller talking; Ben signalled and called 911"},
    )
    assert again.status_code == 303
    await safety.post(
        f"/exercises/{exercise.id}/decisions", {"inject": "found", "decision": "Evacuated away"}
    )
    rows = await ExerciseDecision.filter(exercise_id=exercise.id).order_by("inject")
    assert [(r.inject, r.text) for r in rows] == [
        ("found", "Evacuated away"),
        ("the-call", "Kept the caller talking; Ben signalled and called 911"),
    ]

    wrap = html(await safety.get(f"/exercises/{exercise.id}?step=7"))
    assert wrap.select_one("h1").text == "Wrap-up"
    finished = await safety.post(f"/exercises/{exercise.id}/finish")
    review = await Review.get(subject_kind=SubjectKind.EXERCISE, subject_id=str(exercise.id))
    assert finished.headers["location"].endswith(f"/reviews/{review.id}/edit")
    assert review.kind == ReviewKind.HOT_WASH
    assert review.title.startswith("A bomb threat by phone at the front office")
    text = review.what_happened
    assert "Who took part: Ana Ruiz, office, Ben Cole, principal" in text
    assert "Decided: Kept the caller talking; Ben signalled and called 911" in text
    assert "Expected: Stay calm and polite" in text
    assert "Minute 4, The caller hangs up\nDecided: nothing recorded" in text
    form = html(await safety.get(f"/reviews/{review.id}/edit"))
    assert "Decided: Evacuated away" in form.select_one("textarea#what_happened").text
    assert form.select_one(f"a[href='/exercises/{exercise.id}?step=0']")

    await exercise.refresh_from_db()
    assert exercise.status == ExerciseStatus.FINISHED and exercise.finished_at is not None
    # Finishing again opens the same review; a finished exercise takes no more decisions.
    await safety.post(f"/exercises/{exercise.id}/finish")
    reviews = Review.filter(subject_kind=SubjectKind.EXERCISE, subject_id=str(exercise.id))
    assert await reviews.count() == 1
    late = await safety.post(
        f"/exercises/{exercise.id}/decisions", {"inject": "search", "decision": "Searched"}
    )
    assert late.status_code == 303
    assert not await ExerciseDecision.filter(exercise_id=exercise.id, inject="search").exists()

    actions = await AuditLog.filter(record_type="Exercise", record_id=str(exercise.id))
    assert sorted(a.action for a in actions) == [
        "exercise.decision",
        "exercise.decision",
        "exercise.decision",
        "exercise.finished",
        "exercise.participants",
        "exercise.started",
    ]


async def test_start_refuses_an_unknown_scenario_or_another_districts_school(
    org, other_org, as_role
):
    admin = await as_role("admin")
    before = await Exercise.filter(organisation_id=org.organisation.id).count()
    bad = await admin.post("/exercises", {"scenario": "alien-landing", "school": org.school.id})
    assert bad.status_code == 422
    assert html(bad).select_one("#scenario-error")
    theirs = await admin.post(
        "/exercises", {"scenario": "bomb-threat-call", "school": other_org.school.id}
    )
    assert theirs.status_code == 422
    assert html(theirs).select_one("#school-error")
    assert await Exercise.filter(organisation_id=org.organisation.id).count() == before


async def test_a_decision_for_an_inject_the_scenario_lacks_is_refused(org, as_role):
    safety = await as_role("safety")
    exercise = await _start(safety, org, "vehicle-following-bus")
    response = await safety.post(
        f"/exercises/{exercise.id}/decisions", {"inject": "the-call", "decision": "Hmm"}
    )
    assert response.status_code == 422  # not an inject of this scenario
    empty = await safety.post(
        f"/exercises/{exercise.id}/decisions", {"inject": "the-van", "decision": ""}
    )
    assert empty.status_code == 422
    assert html(empty).select_one("#decision-error")
    assert not await ExerciseDecision.filter(exercise_id=exercise.id).exists()


async def test_another_districts_exercise_is_not_found(org, other_org, as_role):
    theirs = await _start(await as_role("safety", other_org), other_org)
    safety = await as_role("safety")
    for method, url, data in (
        ("GET", f"/exercises/{theirs.id}", {}),
        ("POST", f"/exercises/{theirs.id}/participants", {"participants": "Taken"}),
        ("POST", f"/exercises/{theirs.id}/decisions", {"inject": "the-call", "decision": "x"}),
        ("POST", f"/exercises/{theirs.id}/finish", {}),
    ):
        response = await (safety.get(url) if method == "GET" else safety.post(url, data))
        assert response.status_code == 404, url
    await theirs.refresh_from_db()
    assert theirs.participants == [] and theirs.status == ExerciseStatus.RUNNING
    listed = html(await safety.get("/exercises"))
    assert not listed.select(f"a[href='/exercises/{theirs.id}']")


async def test_the_drills_and_the_lessons_lead_to_the_exercises(org, as_role):
    safety = await as_role("safety")
    calendar = html(await safety.get("/drills"))
    assert calendar.select_one("a[href='/exercises']")
    lesson = html(await safety.get("/lessons/planning-exercises"))
    linked = [a["href"] for a in lesson.select("a[href^='/exercises']")]
    assert len(linked) == 3
    bus = html(await safety.get("/lessons/bus-security"))
    assert [a["href"] for a in bus.select("a[href^='/exercises']")] == [
        "/exercises?scenario=vehicle-following-bus#start-title"
    ]
    # Someone who does not run exercises is not sent to a page they can't open.
    staff_page = html(await (await as_role("staff")).get("/lessons/planning-exercises"))
    assert not staff_page.select("a[href^='/exercises']")
    chosen = html(await safety.get("/exercises?scenario=student-missing-museum"))
    assert chosen.select_one("#scenario option[selected]")["value"] == "student-missing-museum"


async def test_the_facilitator_opens_any_linked_checklist_in_practice_mode_only(org, as_role):
    safety = await as_role("safety")
    exercise = await _start(safety, org, "vehicle-following-bus")
    page = html(await safety.get(f"/exercises/{exercise.id}?step=1"))
    links = [a["href"] for a in page.select(".lesson-links a")]
    assert links == [
        "/checklists/bus-en-route?practice=1",  # the driver's, opened for the group
        "/checklists/suspicious-people-vehicles?practice=1",
    ]
    assert (await safety.get("/checklists/bus-en-route?practice=1")).status_code == 200
    assert (await safety.get("/checklists/bus-en-route")).status_code == 404  # never for real
    staff = await as_role("staff")  # who runs no exercises: the checklist's roles, as before
    assert (await staff.get("/checklists/bus-en-route?practice=1")).status_code == 404
    driver = await as_role("driver")
    assert (await driver.get("/checklists/bus-en-route")).status_code == 200


async def test_the_facilitators_clock_runs_from_the_start_and_times_each_inject(org, as_role):
    """As the page is made: the time since the start, and each inject's minute to come or past
    (its script keeps both going); a finished exercise has no clock."""
    safety = await as_role("safety")
    exercise = await _start(safety, org)
    started = exercise.started_at - timedelta(minutes=10, seconds=5)
    await Exercise.filter(id=exercise.id).update(started_at=started)
    page = html(await safety.get(f"/exercises/{exercise.id}"))
    clock = page.select_one("#exercise-clock")
    assert clock["data-server-now"] and clock.select_one("[role=timer]")["data-clock-since"]
    assert re.fullmatch(r"10:0\d", clock.select_one("[role=timer]").text)
    assert page.select("[aria-live] #exercise-clock") == []
    assert page.select_one('script[src*="exercise-clock"]') is not None
    past = html(await safety.get(f"/exercises/{exercise.id}?step=3")).select_one("#inject-clock")
    assert re.fullmatch(r"2:0\d ago", past.text)  # minute 8
    assert past["data-before"] == "in %(time)s" and past["data-after"] == "%(time)s ago"
    to_come = html(await safety.get(f"/exercises/{exercise.id}?step=5")).select_one("#inject-clock")
    assert re.fullmatch(r"in 14:5\d", to_come.text)  # minute 25
    await Exercise.filter(id=exercise.id).update(status=ExerciseStatus.FINISHED)
    done = html(await safety.get(f"/exercises/{exercise.id}?step=3"))
    assert done.select_one("#exercise-clock") is None and done.select_one("#inject-clock") is None
