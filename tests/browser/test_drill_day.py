"""A drill on a phone (390x844): the safety lead sets what the district requires, plans a
lockdown drill at Lincoln Elementary led by the teacher, and the teacher finds it on the home
screen, starts it with a press and hold (a DRILL alert to the school), the front office
answers it, and she ends it; the drill's page shows the answer measured, and the calendar
counts it. Axe finds nothing on the calendar, the requirements or the drill page, and none
scrolls sideways.

Then a drill run in full: started with class accounting, two teachers answer it and account for
their classes (one with the server stopped, sent when it is back), an observer fails one room
on the observers' checklist, offline too (with its time to secure), the lead ends it; the drill's
page shows figures that match the answers' and reports' times on the server's clock and the
observer's time to secure, its review opens prefilled, and the dashboard shows the drill with
the same figures."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from statistics import median

import pytest
from playwright.sync_api import expect

from server.reviews.queries import p90
from tests.browser.axe import axe_violations
from tests.browser.helpers import (
    OLGA,
    PHONE,
    ROSTER,
    TESS,
    accounting_phone,
    hold,
    query,
    settled,
    shot,
    sign_in,
    wait_for_offline_cache,
)

pytestmark = pytest.mark.browser


def _fits(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert axe_violations(page) == []


def test_a_lockdown_drill_planned_started_answered_and_ended_on_phones(browser, live_server):
    lead = browser.new_context(**PHONE)
    page = lead.new_page()
    sign_in(page, live_server, "safety@demo.muster.test")
    page.get_by_role("link", name=re.compile("^Drills")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Drills")
    page.get_by_role("link", name="What the district requires").click()
    _fits(page)
    lockdown = page.get_by_role("group", name="Lockdown")
    lockdown.get_by_label("How many each school year").fill("2")
    lockdown.get_by_label("Of them, early in the year (optional)").fill("1")
    lockdown.get_by_label("Early: within this many days of the year's start").fill("366")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".flash")).to_have_text("Requirements saved.")
    row = page.locator("table.drill-standing tr", has_text="Lincoln Elementary").filter(
        has_text="Lockdown"
    )
    expect(row.locator("td").nth(2)).to_contain_text(re.compile(r"^\s*\d+ of 2"))
    held_before = int(row.locator("td").nth(2).inner_text().split()[0])

    page.get_by_label("School", exact=True).select_option(label="Lincoln Elementary")
    page.get_by_label("Drill", exact=True).select_option(label="Lockdown")
    page.get_by_label("Day").fill((date.today() + timedelta(days=1)).isoformat())
    page.get_by_label("Who leads it (optional)").select_option(label="Tess Teacher")
    page.get_by_role("button", name="Plan the drill").click()
    expect(page.locator(".flash")).to_have_text("Drill planned.")
    drill_id = int(page.url.rstrip("/").split("/")[-1])
    _fits(page)

    teacher = browser.new_context(**PHONE)
    mine = teacher.new_page()
    sign_in(mine, live_server, "staff@demo.muster.test")
    drill = mine.locator("#my-drills a", has_text="Lockdown")
    expect(drill).to_contain_text("Lincoln Elementary")
    drill.click()
    start = mine.get_by_role("button", name=re.compile("^Press and hold to start the drill"))
    start.click()  # a tap sends nothing
    assert query(live_server, f"select status from drill where id = {drill_id}") == [("planned",)]
    hold(mine, start)
    expect(mine.locator(".flash")).to_have_text("The drill has started: its DRILL alert is out.")
    shot(mine, "drill-running")
    _fits(mine)
    alert = query(live_server, f"select cast(alert_id as text) from drill where id = {drill_id}")
    alert_id = alert[0][0]
    assert query(live_server, f"select drill from alert where id = '{alert_id}'")[0][0] in (1, True)

    # The front office answers it from the alert's page, as everyone at the school would (the
    # teacher who started it is not sent her own alert).
    office = browser.new_context(**PHONE)
    front = office.new_page()
    sign_in(front, live_server, "office@demo.muster.test")
    front.goto(f"{live_server.url}/alerts/{alert_id}")
    expect(front.locator(".drill-flag").first).to_have_text("DRILL")
    front.get_by_role("button", name="I'm safe").click()
    answered = (
        "select count(*) from alert_recipient"
        f" where alert_id = '{alert_id}' and first_responded_at is not null"
    )
    for _ in range(50):
        if query(live_server, answered)[0][0]:
            break
        page.wait_for_timeout(200)

    mine.reload()
    hold(mine, mine.get_by_role("button", name=re.compile("^Press and hold to end the drill")))
    expect(mine.locator(".flash")).to_have_text("Drill ended: the all clear is out.")
    figures = mine.locator("#figures-title ~ table")
    expect(figures).to_contain_text(re.compile(r"Answered\s*1 of \d+"))
    expect(figures.locator("tr", has_text="First answer").locator("td")).to_have_text(
        re.compile(r"^\d+ seconds?$")
    )
    shot(mine, "drill-held")
    _fits(mine)

    page.goto(f"{live_server.url}/drills")
    expect(row.locator("td").nth(2)).to_contain_text(f"{held_before + 1} of 2")
    shot(page, "drill-calendar")
    _fits(page)
    for context in (lead, teacher, office):
        context.close()


def _when(value) -> datetime:
    """A time as the live server's database gives it (text on SQLite), in UTC."""
    found = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    return found if found.tzinfo else found.replace(tzinfo=UTC)


def _seconds(value: int) -> str:
    return f"{value} second" if value == 1 else f"{value} seconds"


def test_a_drill_run_in_full_accounted_observed_measured_and_reviewed(browser, live_server):
    lead_context = browser.new_context(**PHONE)
    lead = lead_context.new_page()
    sign_in(lead, live_server, "safety@demo.muster.test")
    # The school's roster (the accounting walk's: importing it again changes nothing).
    lead.goto(f"{live_server.url}/admin/rosters")
    lead.get_by_label("School (for a plain CSV file)").select_option(label="Lincoln Elementary")
    lead.get_by_label("Roster files").set_input_files(
        [{"name": "lincoln.csv", "mimeType": "text/csv", "buffer": ROSTER.encode()}]
    )
    lead.get_by_role("button", name="Import").click()
    expect(lead.locator("#flash")).to_contain_text("Roster imported: 5 students, 2 classes")

    lead.goto(f"{live_server.url}/drills")
    lead.get_by_label("School", exact=True).select_option(label="Lincoln Elementary")
    lead.get_by_label("Drill", exact=True).select_option(label="Lockdown")
    lead.get_by_label("Day").fill(date.today().isoformat())
    lead.get_by_role("button", name="Plan the drill").click()
    expect(lead.locator(".flash")).to_have_text("Drill planned.")
    drill_id = int(lead.url.rstrip("/").split("/")[-1])
    expect(lead.get_by_label("Teachers account for their classes")).to_be_checked()
    hold(lead, lead.get_by_role("button", name=re.compile("^Press and hold to start the drill")))
    expect(lead.locator(".flash")).to_have_text("The drill has started: its DRILL alert is out.")
    # (the reference made here, not in SQL: PostgreSQL's substr takes no negative start)
    (alert_id, incident, year, number), *_ = query(
        live_server,
        "select cast(d.alert_id as text), d.incident_id, i.year, i.number "
        f"from drill d join incident i on i.id = d.incident_id where d.id = {drill_id}",
    )
    reference = f"INC-{year}-{int(number):04d}"
    expect(lead.locator("#accounting-figures")).to_contain_text("Classes reported: 0 of 2")
    _fits(lead)

    # Two teachers: the drill's incident asks them to account, as an incident does.
    tess_context, tess = accounting_phone(browser, live_server, TESS, incident)
    olga_context, olga = accounting_phone(browser, live_server, OLGA, incident)
    expect(tess.locator("#account-for-class a").first).to_contain_text("DRILL")
    for page in (tess, olga):
        page.goto(f"{live_server.url}/alerts/{alert_id}")
        expect(page.locator(".drill-flag").first).to_have_text("DRILL")
        page.get_by_role("button", name="I'm safe").click()
    answered = (
        "select count(*) from alert_recipient"
        f" where alert_id = '{alert_id}' and first_responded_at is not null"
    )
    for _ in range(100):
        if query(live_server, answered)[0][0] >= 2:
            break
        lead.wait_for_timeout(200)
    assert query(live_server, answered)[0][0] == 2

    tess.goto(f"{live_server.url}/incidents/{incident}/account")
    expect(tess.locator("#accounting")).to_have_attribute("data-ready", "true")
    for name in ("Ana Walker", "Ben Walker", "Maya Lopez"):
        tess.get_by_role("button", name=name).click()
    tess.get_by_role("button", name="Send: this is my class").click()
    settled(tess)
    expect(tess.locator("#sync-status")).to_have_attribute("data-state", "ok")

    # An observer's phone keeps the observers' checklist while the drill runs.
    observer_context = browser.new_context(**PHONE)
    observer = observer_context.new_page()
    sign_in(observer, live_server, "admin@demo.muster.test")
    observer.goto(f"{live_server.url}/drills/{drill_id}")
    observe = observer.get_by_role("link", name="Observe a room or area")
    expect(observe).to_have_attribute("href", f"/checklists/drill-observation?incident={reference}")
    observer.goto(f"{live_server.url}/")
    wait_for_offline_cache(observer, paths=("/checklists/drill-observation",))

    live_server.stop()  # the second teacher's room, and the hall the observer walks, have no signal
    olga.goto(f"{live_server.url}/incidents/{incident}/account")
    expect(olga.locator("#accounting")).to_have_attribute("data-ready", "true")
    olga.get_by_role("button", name="Cleo Park").click()
    olga.get_by_role("button", name="Leo Grant").click()
    olga.get_by_role("button", name="Send: this is my class").click()
    expect(olga.locator("#acc-saved")).to_contain_text("Saved on this phone")

    # The observer checks the gym from the hall, offline: its door was open and it was heard.
    observer.goto(f"{live_server.url}/checklists/drill-observation?incident={reference}")
    expect(observer.get_by_role("heading", level=1)).to_have_text(
        "Observe a drill, one room at a time"
    )
    expect(observer.get_by_label("Incident")).to_have_value(reference)
    observer.get_by_role("button", name="Start", exact=True).click()
    observer.locator("#item-room input").fill("Gym")
    observer.locator("#item-room input").press("Tab")
    for item, answer in (
        ("door-locked", "No"),
        ("lights-off", "Yes"),
        ("windows-covered", "Yes"),
        ("out-of-sight", "Yes"),
        ("silent", "No"),
    ):
        observer.locator(f"#item-{item}").get_by_role("button", name=answer, exact=True).click()
    observer.locator("#item-time-to-secure input").fill("75")
    observer.locator("#item-time-to-secure input").press("Tab")
    _fits(observer)
    observer.get_by_role("button", name="Finish and save").click()
    live_server.start()
    settled(olga)
    expect(olga.locator("#sync-status")).to_have_attribute("data-state", "ok")
    settled(observer)

    failed = (
        "select count(*) from checklist_answer a join incident_link l on l.record_id = "
        "cast(a.run_id as text) where l.kind = 'run' and a.item_id = 'silent' "
        f"and l.incident_id = {incident}"
    )
    for _ in range(100):
        if query(live_server, failed)[0][0]:
            break
        lead.wait_for_timeout(200)

    lead.goto(f"{live_server.url}/drills/{drill_id}")
    expect(lead.locator("#accounting-figures")).to_contain_text("Classes reported: 2 of 2")
    hold(lead, lead.get_by_role("button", name=re.compile("^Press and hold to end the drill")))
    expect(lead.locator(".flash")).to_have_text("Drill ended: the all clear is out.")

    # The figures are the server's times: each first answer, each class's first report.
    ((raised, after),) = query(
        live_server, f"select raised_at, send_after from alert where id = '{alert_id}'"
    )
    out = _when(after or raised)
    times = sorted(
        max(0, round((_when(at) - out).total_seconds()))
        for (at,) in query(
            live_server,
            f"select first_responded_at from alert_recipient where alert_id = '{alert_id}'"
            " and first_responded_at is not null",
        )
    )
    reports: dict[int, datetime] = {}
    for klass, at in query(
        live_server,
        f"select roster_class_id, at from accounting_class_report where incident_id = {incident}",
    ):
        reports[klass] = min(reports.get(klass, _when(at)), _when(at))
    assert len(reports) == 2
    accounted = max(0, round((max(reports.values()) - out).total_seconds()))
    figures = lead.locator("#figures-title ~ table")
    shown = {
        label: figures.locator("tr", has_text=label).locator("td")
        for label in (
            "First answer",
            "Half had answered by",
            "Nine in ten had answered by",
            "Every class accounted for by",
            "Rooms that failed a check",
        )
    }
    expect(shown["First answer"]).to_have_text(_seconds(times[0]))
    expect(shown["Half had answered by"]).to_have_text(_seconds(round(median(times))))
    expect(shown["Nine in ten had answered by"]).to_have_text(_seconds(p90(times) or 0))
    expect(shown["Every class accounted for by"]).to_have_text(_seconds(accounted))
    expect(shown["Rooms that failed a check"]).to_have_text("1")
    expect(lead.locator("#rooms-failed")).to_have_text(re.compile(r"Gym\s*: Door locked, Silent"))
    # The observer's time for the gym, the one room timed: the middle and the slowest.
    expect(
        figures.locator("tr", has_text="Half the rooms were secure by").locator("td")
    ).to_have_text("75 seconds")
    expect(figures.locator("tr", has_text="Slowest room to be secure").locator("td")).to_have_text(
        "Gym: 75 seconds"
    )
    shot(lead, "drill-measured")
    _fits(lead)

    # The review opens with the drill's figures in its words.
    lead.get_by_role("link", name="Review the drill").click()
    expect(lead.get_by_role("heading", level=1)).to_have_text("Review of the drill")
    expect(lead.get_by_label("What happened")).to_have_value(
        re.compile(f"every class accounted for by {_seconds(accounted)}")
    )
    expect(lead.get_by_label("What to improve")).to_have_value("Gym: Door locked, Silent")
    _fits(lead)
    lead.get_by_role("button", name="Save the review").click()
    expect(lead.locator(".flash")).to_have_text("Review saved.")

    # The dashboard shows the drill: the latest at its school, with its page's figures.
    ((school,),) = query(live_server, f"select school_id from drill where id = {drill_id}")
    lead.goto(f"{live_server.url}/metrics?school={school}")
    latest = lead.locator("#table-drills-latest")
    header = latest.locator("thead th").all_inner_texts()
    row = latest.locator("tbody tr").first.evaluate(
        "(tr) => [...tr.cells].map((c) => c.textContent.trim())"
    )
    shown_on_dashboard = dict(zip(header, row, strict=True))
    assert shown_on_dashboard["School"] == "Lincoln Elementary"
    assert shown_on_dashboard["Drill"] == "Lockdown"
    assert shown_on_dashboard["Answers"] == str(len(times))
    assert shown_on_dashboard["First answer (s)"] == str(times[0])
    assert shown_on_dashboard["Median (s)"] == str(round(median(times)))
    assert shown_on_dashboard["90th percentile (s)"] == str(p90(times))
    assert shown_on_dashboard["Time to secure, median room (s)"] == "75"
    assert shown_on_dashboard["Time to secure, slowest room (s)"] == "75"
    assert shown_on_dashboard["Rooms that failed a check"] == "1"
    shot(lead, "drill-on-the-dashboard")
    _fits(lead)
    for context in (lead_context, tess_context, olga_context, observer_context):
        context.close()
