"""The anonymous tip line in Chromium at phone size (390x844): the safety lead prints the poster
(one page, its QR code and link), a student opens the link with no sign-in, files an urgent tip
and is told to call 911 and given a code, and the team is alerted; the lead reads the tip and
asks a question; the student comes back with the code, reads it and answers; the lead sees the
answer. The page in Spanish too. axe finds nothing on the tip form, the follow-up page, the
team's tip page or the poster; screenshots go to /tmp/muster-desk-shots."""

from __future__ import annotations

import re
import time
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Page, expect

from server.demo import DEMO_PASSWORD
from tests.browser.axe import axe_violations
from tests.browser.helpers import SHOTS, query, shot, sign_in

pytestmark = pytest.mark.browser
WHAT = "He posted a photo of a gun and wrote that the kids who laughed at him will see tomorrow"
QUESTION = "Which app was it on, and do you know his grade?"
ANSWER = "Instagram. He is in 7th grade, he rides bus 12"


def no_overflow(page: Page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_a_student_files_an_urgent_tip_and_answers_the_teams_question(
    page: Page, browser, browser_context_args, live_server
):
    # The poster on the wall: the lead prints it; its link is the tip line.
    sign_in(page, live_server, "safety@demo.muster.test")
    page.goto(f"{live_server.url}/tips/poster")
    link = page.locator("#tip-link").inner_text().strip()
    assert re.fullmatch(rf"{re.escape(live_server.url)}/tip/[A-Z2-9]{{6}}", link)
    expect(page.locator("#tip-poster svg")).to_be_visible()
    assert axe_violations(page) == []
    no_overflow(page)
    shot(page, "tip-poster-screen")
    page.emulate_media(media="print")
    page.set_viewport_size({"width": 726, "height": 966})  # Letter less its margins, at 96 dpi
    shot(page, "tip-poster-print")
    pdf = page.pdf(format="Letter", print_background=True)
    (SHOTS / "tip-poster.pdf").write_bytes(pdf)  # to look at
    assert len(re.findall(rb"/Type\s*/Page[^s]", pdf)) == 1  # the poster fits one page
    page.emulate_media(media="screen")
    page.set_viewport_size(browser_context_args["viewport"])

    # A student, on their own phone, no account: the link from the poster.
    student = browser.new_context(**browser_context_args).new_page()
    student.goto(link)
    expect(student.get_by_role("heading", level=1)).to_have_text("Worried about someone? Tell us")
    expect(student.locator("#tip-911")).to_contain_text("call 911")
    expect(student.locator("#tip-not-snitching")).to_contain_text("not snitching")
    call_now = student.locator("#tip-call-now")
    expect(call_now).to_be_hidden()
    assert axe_violations(student) == []
    student.get_by_label("Yes, someone could be hurt today").check()
    expect(call_now).to_be_visible()  # said at once, before anything is sent
    expect(call_now.get_by_role("link", name="Call 911")).to_have_attribute("href", "tel:911")
    student.get_by_label("What did the person say or do?").fill(WHAT)
    student.get_by_label("Their exact words, if you know them").fill("you'll all see tomorrow")
    student.get_by_label(re.compile("^Where did it happen")).fill("Instagram, and the bus stop")
    student.get_by_label("When did it happen?").fill("Last night")
    student.get_by_label("Which school is it about?").select_option(label="Lincoln Elementary")
    student.get_by_label("For a friend").check()
    assert axe_violations(student) == []
    no_overflow(student)
    shot(student, "tip-form-phone")
    student.get_by_role("button", name="Send my tip").click()

    warning = student.locator("#tip-sent-911")
    expect(warning).to_be_visible()
    expect(warning).to_contain_text("Call 911 now")
    box = warning.bounding_box()
    assert box is not None and box["y"] < 200  # big and first, above the fold
    code = student.locator("#tip-code").inner_text().strip()
    assert re.fullmatch(r"([A-Z2-9]{4}-){3}[A-Z2-9]{4}", code)
    assert axe_violations(student) == []
    no_overflow(student)
    shot(student, "tip-sent-phone")
    # nothing installed on the student's phone: no service worker, nothing kept for offline
    assert student.evaluate("navigator.serviceWorker.getRegistrations().then(r => r.length)") == 0

    rows = query(
        live_server,
        "select cast(id as text), cast(team_alert as text), urgent from tip"
        " where what like 'He posted a photo of a gun%'",
    )
    assert len(rows) == 1
    tip_id, alert_id, urgent = rows[0]
    assert bool(urgent)
    assert query(live_server, f"select kind from alert where id = '{alert_id}'") == [
        ("threat-tip",)
    ]
    reached = query(
        live_server,
        'select u.email from alert_recipient r join "user" u on u.id = r.user_id'
        f" where r.alert_id = '{alert_id}'",
    )
    # the school's threat assessment team (or, with nobody in it, its safety team and admins)
    assert reached and all(email.endswith("@demo.muster.test") for (email,) in reached)

    # The lead reads it and asks a question.
    page.goto(f"{live_server.url}/tips")
    card = page.locator("#tips-list li", has_text="He posted a photo")
    expect(card.locator(".tag")).to_contain_text("Urgent")
    card.get_by_role("link").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Anonymous tip")
    expect(page.locator("#tip-what")).to_have_text(WHAT)
    expect(page.locator("#tip-urgent")).to_be_visible()
    assert axe_violations(page) == []
    no_overflow(page)
    page.get_by_label("Ask the tipster a question").fill(QUESTION)
    page.get_by_role("button", name="Ask", exact=True).click()
    expect(page.locator("#tip-thread")).to_contain_text(QUESTION)
    shot(page, "tip-team-asked")

    # The student comes back later, in a new browser, with only the code.
    later = browser.new_context(**browser_context_args).new_page()
    later.goto(f"{link}/follow-up")
    expect(later.get_by_role("heading", level=1)).to_have_text("Come back to your tip")
    assert axe_violations(later) == []
    later.get_by_label("Your follow-up code").fill("ABCD-EFGH-JKMN-PQRS")  # a wrong one first
    later.get_by_role("button", name="Open my tip").click()
    expect(later.locator("#code-error")).to_contain_text("There is no tip with that code")
    assert axe_violations(later) == []
    later.get_by_label("Your follow-up code").fill(code.lower())
    later.get_by_role("button", name="Open my tip").click()
    expect(later.get_by_role("heading", level=1)).to_have_text("Your tip")
    expect(later.locator("#tip-thread")).to_contain_text(QUESTION)
    assert axe_violations(later) == []
    later.get_by_label(re.compile("^Your answer")).fill(ANSWER)
    later.get_by_role("button", name="Send my answer").click()
    expect(later.locator(".flash")).to_contain_text("Your answer was sent to the team.")
    expect(later.locator("#tip-thread")).to_contain_text(ANSWER)
    assert axe_violations(later) == []
    no_overflow(later)
    shot(later, "tip-follow-up-phone")
    later.get_by_role("button", name="Close my tip on this device").click()
    expect(later.get_by_role("heading", level=1)).to_have_text("Worried about someone? Tell us")

    # The lead sees the answer.
    page.reload()
    expect(page.locator("#tip-thread")).to_contain_text(ANSWER)
    assert axe_violations(page) == []
    shot(page, "tip-team-answered")
    viewed = query(
        live_server,
        f"select count(*) from audit_log where action = 'tip.viewed' and record_id = '{tip_id}'",
    )
    assert viewed[0][0] >= 2
    student.context.close()
    later.context.close()


def test_the_tip_line_in_spanish(page: Page, live_server, browser, browser_context_args):
    sign_in(page, live_server, "admin@demo.muster.test")
    page.goto(f"{live_server.url}/tips/poster")
    link = page.locator("#tip-link").inner_text().strip()
    # The student is nobody, on a phone of their own. (Clearing this page's cookies raced the
    # admin's service worker, still keeping pages: its fetch got a new session, whose token
    # was not the form's, and the switch was refused as forged.)
    student = browser.new_context(**browser_context_args)
    page = student.new_page()
    page.goto(link)
    page.locator("details.menu summary").click()
    page.get_by_role("button", name="Español").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("¿Le preocupa alguien? Díganoslo")
    expect(page.locator("html")).to_have_attribute("lang", "es")
    expect(page.locator("#tip-911")).to_contain_text("llame al 911")
    expect(page.locator("#tip-not-snitching")).to_contain_text("no es ser soplón")
    page.get_by_label("Sí, alguien podría salir herido hoy").check()
    expect(page.locator("#tip-call-now")).to_contain_text("Llame al 911 ahora.")
    assert axe_violations(page) == []
    no_overflow(page)
    shot(page, "tip-form-spanish")
    student.close()


def test_the_servers_log_keeps_no_tipster_address(live_server):
    """The real server's access log (uvicorn's, behind a proxy that names the address in
    X-Forwarded-For) writes "-" for the tip line's requests, the address for the rest."""
    tipster, other = "203.0.113.77", "203.0.113.78"
    with httpx.Client(base_url=live_server.url) as admin:  # the poster makes the line
        token = re.search(r'name="csrf_token" value="([^"]+)"', admin.get("/sign-in").text)[1]
        form = {"email": "admin@demo.muster.test", "password": DEMO_PASSWORD, "csrf_token": token}
        admin.post("/sign-in", data=form)
        poster = admin.get("/tips/poster")
        url = re.search(r'id="tip-link">([^<]+)<', poster.text)[1].strip()
    with httpx.Client() as http:
        page = http.get(url, headers={"X-Forwarded-For": tipster})
        token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)[1]
        sent = http.post(
            url,
            data={
                "urgent": "no",
                "what": "Log check: a threat in a group chat",
                "csrf_token": token,
            },
            headers={"X-Forwarded-For": tipster},
        )
        assert sent.status_code == 200
        http.get(f"{url}/follow-up", headers={"X-Forwarded-For": tipster})
        http.get(f"{live_server.url}/sign-in", headers={"X-Forwarded-For": other})
    deadline = time.monotonic() + 10
    log = ""
    while other not in log and time.monotonic() < deadline:
        log = Path(live_server.log.name).read_text(errors="replace")
        time.sleep(0.2)
    assert other in log  # the log is written, and names addresses elsewhere
    assert tipster not in log
    assert re.search(r'- - "POST /tip/[A-Z2-9]{6} HTTP/1.1" 200', log)
