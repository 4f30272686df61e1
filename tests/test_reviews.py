"""After-action reviews and the improvement plan: the hot wash's figures measured from an
incident's real records, near misses, actions with owners of the same organisation and due days
on the district's calendar, who may move an action on, and what the home screen shows."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from server.alerts.audience import Audience
from server.alerts.models import Alert, AlertRecipient
from server.alerts.service import raise_alert
from server.checklists.models import ChecklistRun
from server.incidents.models import Incident, IncidentLink, IncidentSchool, LinkKind
from server.models import AuditLog
from server.reviews.models import ActionStatus, ImprovementAction, Review, ReviewKind
from server.reviews.queries import Figures, measured, p90
from server.trips.models import LostStudent
from tests.helpers import configured, html

T0 = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)  # the incident's first alert


def at(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


async def _answer(alert: Alert, *seconds: float) -> None:
    """The alert's recipients (by id) answer, each first at ``T0 + seconds``."""
    recipients = await AlertRecipient.filter(alert_id=alert.id).order_by("id")
    assert len(recipients) >= len(seconds)
    for recipient, s in zip(recipients, seconds, strict=False):
        await AlertRecipient.filter(id=recipient.id).update(
            response="safe", responded_at=at(s + 1), first_responded_at=at(s)
        )


async def _lockdown(org, seconds: float, **extra) -> Alert:
    return await raise_alert(
        organisation_id=org.organisation.id,
        raised_by_id=org.users["office"].id,
        kind="lockdown",
        audience=Audience(school_ids=[org.school.id]),
        raised_at=at(seconds),
        **extra,
    )


async def _seed_incident(org) -> None:
    """Into org.incident (an active lockdown at org.school): two lockdown alerts answered at known
    times, one undone alert answered sooner (it must not count), a missing student found after
    12 min 34 s, a completed run with two skipped steps that raised an alert, and a recovery
    run naming the incident with one skipped."""
    first = await _lockdown(org, 0)
    await _answer(first, 10, 20, 30, 40, 50, 300)
    second = await _lockdown(org, 100)
    await _answer(second, 105)  # 5 s after its own alert
    undone = await _lockdown(org, -60)  # earlier, but taken back: nobody got it
    await Alert.filter(id=undone.id).update(cancelled_at=at(-59))
    await _answer(undone, -58)

    lost = await LostStudent.create(
        id=uuid.uuid4(),
        trip=org.trip,
        student=org.student,
        user=org.users["staff"],
        started_at=at(60),
        ends_at=at(60 + 600),
        found_at=at(60 + 754),
    )
    await raise_alert(
        organisation_id=org.organisation.id,
        raised_by_id=org.users["staff"].id,
        kind="lost-student",
        audience=Audience(trip_id=org.trip.id, user_ids=[org.users["admin"].id]),
        raised_at=at(61),
        source={"school_id": org.school.id, "lost_id": str(lost.id), "stage": "started"},
    )
    run = await ChecklistRun.create(
        id=uuid.uuid4(),
        organisation=org.organisation,
        user=org.users["staff"],
        school=org.school,
        checklist_id="bleeding-control",
        checklist_version=1,
        started_at=at(70),
        completed_at=at(400),
        skipped=[
            {"item_id": "pack-wound", "reason": "No gauze"},
            {"item_id": "tourniquet", "reason": "Bleeding stopped"},
        ],
    )
    await raise_alert(
        organisation_id=org.organisation.id,
        raised_by_id=org.users["staff"].id,
        kind="medical",
        audience=Audience(school_ids=[org.school.id]),
        raised_at=at(80),
        source={"run_id": str(run.id), "checklist_id": "bleeding-control"},
    )
    # A recovery run the incident links (it names it); a practice one, linked, does not count.
    for practice in (False, True):
        recovery = await ChecklistRun.create(
            id=uuid.uuid4(),
            organisation=org.organisation,
            user=org.users["safety"],
            checklist_id="recovery",
            checklist_version=1,
            context={"incident": org.incident.reference.lower()},  # as typed
            started_at=datetime.now(UTC),
            completed_at=datetime.now(UTC),
            skipped=[{"item_id": "media-statement", "reason": "No press came"}],
            practice=practice,
        )
        await IncidentLink.create(
            incident_id=org.incident.id,
            kind=LinkKind.RUN,
            record_id=str(recovery.id),
            at=recovery.started_at,
        )


def test_the_90th_percentile_is_the_nearest_rank():
    assert p90([]) is None
    assert p90([7]) == 7
    assert p90([5, 10, 20, 30, 40, 50, 300]) == 300  # rank ceil(6.3) = 7th of 7
    assert p90(list(range(1, 11))) == 9  # rank 9 of 10
    assert p90(list(range(1, 21))) == 18


async def test_the_figures_are_measured_from_the_incidents_records(org, other_org):
    await _seed_incident(org)
    await _seed_incident(other_org)  # its incident has the same reference, in its own district
    figures = await measured(org.incident)
    # Answers: 10, 20, 30, 40, 50, 300 s to the first alert, 5 s to the second; the medical
    # alert's and the missing student's alerts went unanswered; the undone alert is not counted.
    assert figures == Figures(
        first_answer_s=10,
        p90_answer_s=300,
        answers=7,
        lost_found_s=754,
        lost=1,
        lost_not_found=0,
        skipped=3,
        runs=2,
    )


async def test_the_hot_wash_is_prefilled_with_the_figures_and_keeps_them(org, as_role):
    await _seed_incident(org)
    safety = await as_role("safety")
    live = html(await safety.get(f"/incidents/{org.incident.id}"))
    link = live.find("a", string="Write the review")
    assert link["href"] == f"/reviews/new?incident={org.incident.id}"
    form = html(await safety.get(link["href"]))
    shown = {dd["id"]: " ".join(dd.get_text().split()) for dd in form.select(".figures dd")}
    assert shown == {
        "figure-first-answer": "10 s",
        "figure-p90": "5 min 00 s (7 answers)",
        "figure-lost": "12 min 34 s",
        "figure-skipped": "3 (in 2 runs)",
    }
    response = await safety.post(
        link["href"],
        {
            "what_happened": "Lockdown at 09:00; a student missing on the trip.",
            "went_well": "Answers came fast.",
            "to_improve": "Gauze in every kit.",
        },
    )
    assert response.status_code == 303
    review = await Review.get(subject_id=str(org.incident.id))
    assert review.kind == ReviewKind.HOT_WASH and review.title == org.incident.reference
    assert review.figures["first_answer_s"] == 10 and review.figures["skipped"] == 3
    page = html(await safety.get(response.headers["location"]))
    assert page.select_one("#figure-lost").get_text(strip=True) == "12 min 34 s"
    assert "Gauze in every kit." in page.get_text()
    assert await AuditLog.exists(action="review.written", record_id=str(review.id))
    # One review an incident: writing it again opens the one written.
    again = await safety.get(link["href"])
    assert again.status_code == 303 and again.headers["location"].endswith(
        f"/reviews/{review.id}/edit"
    )
    edited = await safety.post(
        f"/reviews/{review.id}/edit", {"what_happened": "Lockdown at 09:00.", "title": ""}
    )
    assert edited.status_code == 303
    # A second hot wash posted for the incident (two people at once) edits the one written.
    late = await safety.post(link["href"], {"what_happened": "Typed on a second phone."})
    assert late.status_code == 303 and late.headers["location"].endswith(f"/reviews/{review.id}")
    await review.refresh_from_db()
    assert review.what_happened == "Typed on a second phone."
    assert await Review.filter(subject_id=str(org.incident.id)).count() == 1
    first_edit = (
        await AuditLog.filter(action="review.edited", record_id=str(review.id)).order_by("id")
    )[0]
    assert first_edit.detail["fields"] == ["what_happened", "went_well", "to_improve"]


async def test_with_nothing_to_measure_it_says_not_measured(org, as_role):
    incident = await Incident.create(
        organisation=org.organisation, year=2026, number=9, kind="fire", opened_at=T0
    )
    await IncidentSchool.create(incident=incident, school=org.other_school)
    assert await measured(incident) == Figures(None, None, 0, None, 0, 0, None, 0)
    form = html(await (await as_role("admin")).get(f"/reviews/new?incident={incident.id}"))
    shown = [" ".join(dd.get_text().split()) for dd in form.select(".figures dd")]
    assert shown == ["not measured"] * 4


async def test_a_missing_student_not_yet_found_is_not_a_time(org):
    lost = await LostStudent.create(
        id=uuid.uuid4(),
        trip=org.trip,
        user=org.users["staff"],
        started_at=at(0),
        ends_at=at(600),
    )
    await raise_alert(
        organisation_id=org.organisation.id,
        raised_by_id=org.users["staff"].id,
        kind="lost-student",
        audience=Audience(trip_id=org.trip.id, user_ids=[org.users["admin"].id]),
        raised_at=at(1),
        source={"lost_id": str(lost.id)},
    )
    figures = await measured(org.incident)
    assert (figures.lost, figures.lost_not_found, figures.lost_found_s) == (1, 1, None)


async def test_records_the_incident_links_count_without_an_alert(org):
    """A missing student and a run the incident links itself (the timeline's links) count."""
    lost = await LostStudent.create(
        id=uuid.uuid4(),
        trip=org.trip,
        user=org.users["staff"],
        started_at=at(0),
        ends_at=at(600),
        found_at=at(90),
    )
    run = await ChecklistRun.create(
        id=uuid.uuid4(),
        organisation=org.organisation,
        user=org.users["staff"],
        checklist_id="bleeding-control",
        checklist_version=1,
        started_at=at(5),
        completed_at=at(50),
        skipped=[{"item_id": "tourniquet", "reason": "Not needed"}],
    )
    for kind, record in ((LinkKind.LOST, lost.id), (LinkKind.RUN, run.id)):
        await IncidentLink.create(
            incident_id=org.incident.id, kind=kind, record_id=str(record), at=at(0)
        )
    figures = await measured(org.incident)
    assert (figures.lost_found_s, figures.lost, figures.skipped, figures.runs) == (90, 1, 1, 1)
    assert figures.first_answer_s is None and figures.answers == 0


async def test_a_near_miss_is_logged_and_gets_actions(org, as_role):
    safety = await as_role("safety")
    form = html(await safety.get("/reviews/new"))
    assert form.select_one("h1").get_text() == "Log a near miss"
    assert not form.select(".figures")
    missing = await safety.post("/reviews/new", {"title": "Bus door"})
    assert missing.status_code == 422
    assert html(missing).select_one("#what_happened-error").get_text() == "Please fill this in."
    response = await safety.post(
        "/reviews/new",
        {"title": "Bus door", "what_happened": "The rear door opened while moving."},
    )
    assert response.status_code == 303
    review = await Review.get(title="Bus door", organisation_id=org.organisation.id)
    assert review.kind == ReviewKind.NEAR_MISS and review.subject_id is None
    due = (datetime.now(UTC) + timedelta(days=14)).date().isoformat()
    added = await safety.post(
        f"/reviews/{review.id}/actions",
        {
            "description": "Check rear door latches weekly",
            "review": review.id,
            "owner": org.users["driver"].id,
            "due_on": due,
            "checklist": "bleeding-control",
        },
    )
    assert added.status_code == 303
    action = await ImprovementAction.get(review_id=review.id)
    assert action.owner_id == org.users["driver"].id and action.due_on.isoformat() == due
    assert action.checklist_id == "bleeding-control" and action.status == ActionStatus.OPEN
    entry = await AuditLog.get(action="action.added", record_id=str(action.id))
    assert entry.detail == {"owner": org.users["driver"].id, "due_on": due, "review": review.id}
    page = html(await safety.get(f"/reviews/{review.id}"))
    assert "Check rear door latches weekly" in page.select_one(".actions-list").get_text()


async def test_an_action_prompted_by_words_alone_on_the_plan(org, as_role):
    admin = await as_role("admin")
    due = (datetime.now(UTC) + timedelta(days=3)).date().isoformat()
    base = {"description": "Radio check at 8", "owner": org.users["office"].id, "due_on": due}
    unprompted = await admin.post("/reviews/actions", base)
    assert unprompted.status_code == 422
    message = html(unprompted).select_one("#prompted_by-error").get_text()
    assert message == "Say what prompted it, or choose the review."
    ok = await admin.post("/reviews/actions", {**base, "prompted_by": "Radios were flat"})
    assert ok.status_code == 303
    action = await ImprovementAction.get(description="Radio check at 8")
    assert action.review_id is None and action.prompted_by == "Radios were flat"
    by_review = await admin.post("/reviews/actions", {**base, "review": org.review.id})
    assert by_review.status_code == 303


async def test_bad_owners_dates_and_choices_are_refused_at_their_fields(org, other_org, as_role):
    safety = await as_role("safety")
    url = f"/reviews/{org.review.id}/actions"
    tomorrow = (datetime.now(UTC) + timedelta(days=2)).date().isoformat()
    good = {
        "description": "Fix it",
        "owner": org.users["staff"].id,
        "due_on": tomorrow,
        "review": org.review.id,
    }
    cases = [
        (
            {"owner": other_org.users["staff"].id},
            "owner",
            "Choose the owner from the list of people.",
        ),
        ({"owner": "0"}, "owner", "This value is not valid."),
        ({"due_on": "2026-02-30"}, "due_on", "Enter a date like 2026-12-31."),
        ({"due_on": "next week"}, "due_on", "Enter a date like 2026-12-31."),
        ({"due_on": ""}, "due_on", "Enter a date like 2026-12-31."),
        ({"due_on": "1999-12-31"}, "due_on", "Enter a date between 2000 and 2200."),
        ({"due_on": "2020-01-01"}, "due_on", "Choose a due date from today on."),
        ({"checklist": "no-such-list"}, "checklist", "Choose a checklist from the list."),
        ({"description": ""}, "description", "Please fill this in."),
    ]
    for change, field, message in cases:
        response = await safety.post(url, {**good, **change})
        assert response.status_code == 422, change
        page = html(response)
        assert page.select_one(f"#{field}-error").get_text() == message, change
        assert page.select_one(f"[name={field}]")["aria-invalid"] == "true", change
    refused = await safety.post(
        "/reviews/actions", {**good, "review": other_org.review.id, "prompted_by": "x"}
    )
    assert refused.status_code == 422
    assert html(refused).select_one("#review-error").get_text() == "Choose a review from the list."
    assert await ImprovementAction.filter(review_id=org.review.id).count() == 1  # the fixture's
    assert not await ImprovementAction.exists(
        organisation_id=other_org.organisation.id, description="Fix it"
    )


async def test_the_due_day_is_the_districts(org, as_role, app):
    """Due days are on the district's calendar: its today is a valid due day, its yesterday is
    not, in a zone whose date differs from UTC's right now (so a UTC calendar would fail)."""
    now = datetime.now(UTC)
    zones = ("Pacific/Kiritimati", "Pacific/Pago_Pago")  # UTC+14 and UTC-11
    name = next(z for z in zones if now.astimezone(ZoneInfo(z)).date() != now.date())
    today = now.astimezone(ZoneInfo(name)).date()
    safety = await as_role("safety")
    url = f"/reviews/{org.review.id}/actions"
    base = {"description": "Today", "owner": org.users["staff"].id, "review": org.review.id}
    with configured(app, timezone=name):
        accepted = await safety.post(url, {**base, "due_on": today.isoformat()})
        yesterday = (today - timedelta(days=1)).isoformat()
        refused = await safety.post(url, {**base, "due_on": yesterday})
    assert accepted.status_code == 303
    assert refused.status_code == 422


async def _action(org, owner: str, due: date, text: str = "Replace the radio") -> ImprovementAction:
    return await ImprovementAction.create(
        organisation=org.organisation,
        review=org.review,
        description=text,
        owner=org.users[owner],
        due_on=due,
        created_at=datetime.now(UTC),
    )


async def test_owners_mark_their_own_done_and_only_that(org, as_role):
    mine = await _action(org, "staff", date.today() + timedelta(days=5))
    staff = await as_role("staff")
    url = f"/reviews/actions/{mine.id}/status"
    assert (await staff.post(url, {"status": "dropped"})).status_code == 403
    done = await staff.post(url, {"status": "done", "back": "home"})
    assert done.status_code == 303 and done.headers["location"].endswith("/#my-actions-title")
    await mine.refresh_from_db()
    assert mine.status == ActionStatus.DONE and mine.closed_at is not None
    entry = await AuditLog.get(action="action.status", record_id=str(mine.id))
    assert entry.actor_id == org.users["staff"].id and entry.detail == {
        "before": "open",
        "after": "done",
    }
    # Someone else's: as if it did not exist. The safety team may set any status.
    driver = await as_role("driver")
    assert (await driver.post(url, {"status": "done"})).status_code == 404
    safety = await as_role("safety")
    assert (await safety.post(url, {"status": "open"})).status_code == 303
    assert (await safety.post(url, {"status": "dropped"})).status_code == 303
    await mine.refresh_from_db()
    assert mine.status == ActionStatus.DROPPED
    assert await AuditLog.filter(action="action.status", record_id=str(mine.id)).count() == 3
    assert (await safety.post(url, {"status": "later"})).status_code == 422


async def test_the_owners_home_lists_their_open_actions_overdue_flagged(org, as_role):
    staff = await as_role("staff")
    home = html(await staff.get("/"))
    assert home.select_one("#my-actions") is None  # none yet: nothing on the field home
    tz_today = date.today()
    late = await _action(org, "staff", tz_today - timedelta(days=3), "Repaint the muster point")
    await _action(org, "staff", tz_today + timedelta(days=10), "Order tourniquets")
    await _action(org, "driver", tz_today + timedelta(days=10), "Not the teacher's")
    done = await _action(org, "staff", tz_today + timedelta(days=1), "Already done")
    await ImprovementAction.filter(id=done.id).update(status=ActionStatus.DONE)
    home = html(await staff.get("/"))
    cards = home.select("#my-actions li")
    texts = [" ".join(card.get_text().split()) for card in cards]
    assert len(texts) == 2
    assert texts[0].startswith("Repaint the muster point Overdue Due")
    assert texts[1].startswith("Order tourniquets Due") and "Overdue" not in texts[1]
    assert home.select_one("#overdue-actions") is None  # the team's flag, not the teacher's
    # The safety team sees how many of the district's actions are overdue.
    safety = html(await (await as_role("safety")).get("/"))
    flag = safety.select_one("#overdue-actions a")
    assert flag.get_text() == "1 improvement action is overdue." and flag["href"] == (
        "/reviews#plan-title"
    )
    plan = html(await (await as_role("safety")).get("/reviews"))
    overdue = plan.select(".actions-list li:has(.overdue)")
    assert [li["id"] for li in overdue] == [f"action-{late.id}"]
    assert plan.select_one("#overdue-count").get_text() == "1 action is overdue."


async def test_only_this_organisations_reviews_and_actions_are_listed(org, other_org, as_role):
    page = (await (await as_role("safety")).get("/reviews")).text
    assert org.action.description in page
    await ImprovementAction.filter(id=other_org.action.id).update(description="Other district's")
    page = (await (await as_role("safety")).get("/reviews")).text
    assert "Other district's" not in page
    owners = html(await (await as_role("safety")).get("/reviews")).select("select#owner option")
    offered = {option["value"] for option in owners}
    assert str(org.users["staff"].id) in offered  # owners: this district's people only
    assert str(other_org.users["staff"].id) not in offered


async def test_the_team_changes_an_action_and_it_is_audited(org, other_org, as_role):
    late = await _action(org, "staff", date.today() - timedelta(days=4), "Repaint the lines")
    safety = await as_role("safety")
    url = f"/reviews/actions/{late.id}"
    form = html(await safety.get(url))
    assert form.select_one("select#owner option[selected]")["value"] == str(org.users["staff"].id)
    assert form.select_one("input[name=review]")["value"] == str(org.review.id)
    kept = late.due_on.isoformat()
    base = {"description": "Repaint the muster lines", "review": org.review.id}
    # An overdue action keeps its due day when edited; a new due day must not be past.
    moved_back = await safety.post(
        url, {**base, "owner": org.users["office"].id, "due_on": "2020-01-01"}
    )
    assert moved_back.status_code == 422
    assert html(moved_back).select_one("#due_on-error").get_text() == (
        "Choose a due date from today on."
    )
    stranger = await safety.post(
        url, {**base, "owner": other_org.users["staff"].id, "due_on": kept}
    )
    assert stranger.status_code == 422
    assert html(stranger).select_one("#owner-error").get_text() == (
        "Choose the owner from the list of people."
    )
    saved = await safety.post(url, {**base, "owner": org.users["office"].id, "due_on": kept})
    assert saved.status_code == 303
    assert saved.headers["location"].endswith(f"/reviews/{org.review.id}#actions-title")
    await late.refresh_from_db()
    assert (late.description, late.owner_id) == (
        "Repaint the muster lines",
        org.users["office"].id,
    )
    assert late.review_id == org.review.id
    entry = await AuditLog.get(action="action.edited", record_id=str(late.id))
    assert entry.detail["fields"] == ["description", "owner_id"]
    # The teacher it was taken from no longer sees it; the new owner does.
    staff_home = html(await (await as_role("staff")).get("/"))
    assert "Repaint" not in staff_home.get_text()
    office_home = html(await (await as_role("office")).get("/"))
    assert "Repaint the muster lines" in office_home.select_one("#my-actions").get_text()
    # Only the team changes actions: the owner may not.
    refused = await (await as_role("office")).get(url)
    assert refused.status_code == 403
