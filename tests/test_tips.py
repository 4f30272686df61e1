"""The anonymous tip line: a public page per district, no sign-in. A tip is kept with nothing that
says who sent it (no address: checked across every table and the logs); an urgent one alerts the
school's threat assessment team at once and tells the tipster to call 911. The follow-up code is
shown once and only its hash is kept; with it the tipster reads the team's questions and answers.
Abuse limits (in memory, by address), size limits and a honeypot; the team's side is for the
concern readers only (404 for anyone else), every look audited."""

from __future__ import annotations

import hashlib
import logging
import re

import httpx
import pytest
from tortoise import connections

from server.alerts.models import Alert, AlertRecipient
from server.models import AuditLog, Role, User
from server.team.models import TeamFunction, TeamSeat
from server.tips import codes, limits
from server.tips.models import Tip, TipLine, TipMessage
from tests.helpers import html

ADDRESS = "203.0.113.77"  # TEST-NET-3: an address no other test uses
TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


class Tipster:
    """A browser with no account, at one address, that keeps its CSRF token at hand."""

    def __init__(self, app, address: str) -> None:
        transport = httpx.ASGITransport(app=app, client=(address, 1234))
        self.http = httpx.AsyncClient(transport=transport, base_url="http://testserver")
        self.csrf = ""

    async def get(self, url: str) -> httpx.Response:
        response = await self.http.get(url)
        if found := TOKEN.search(response.text):
            self.csrf = found.group(1)
        return response

    async def post(self, url: str, data: dict, **kwargs) -> httpx.Response:
        if not self.csrf:
            await self.get(url)
        return await self.http.post(url, data={**data, "csrf_token": self.csrf}, **kwargs)


@pytest.fixture
async def tipster(app):
    made: list[Tipster] = []
    count = iter(range(1, 250))

    def at(address: str | None = None) -> Tipster:
        one = Tipster(app, address or f"198.51.100.{next(count)}")
        made.append(one)
        return one

    yield at
    for one in made:
        await one.http.aclose()
    for limit in (limits.TIPS, limits.CODES, limits.ANSWERS):
        limit.forget()


def tip(**fields) -> dict:
    data = {
        "urgent": "no",
        "what": "He showed a gun in a video and said the people who laughed will pay",
        "exact_words": "Y'all will pay tomorrow",
        "place": "Snapchat, and the bus stop on 5th",
        "happened": "Last night",
        "involved": "A boy in 10th grade, Mr Lee's class",
        "others_know": "Two friends saw the video",
        "reporter": "friend",
    }
    return data | fields


def code_on(response: httpx.Response) -> str:
    return html(response).select_one("#tip-code").get_text(strip=True)


async def send(tipster, org, **fields) -> tuple[httpx.Response, Tip | None]:
    before = set(await Tip.filter(organisation_id=org.organisation.id).values_list("id", flat=True))
    url = f"/tip/{org.tip_line.code}"
    response = await tipster.post(url, tip(**fields))
    after = await Tip.filter(organisation_id=org.organisation.id).exclude(id__in=before)
    assert len(after) <= 1
    return response, (after[0] if after else None)


async def test_the_page_needs_no_sign_in_and_says_what_matters(tipster, org):
    response = await tipster().get(f"/tip/{org.tip_line.code.lower()}")  # typed by hand
    assert response.status_code == 200
    page = html(response)
    assert page.select_one("h1").get_text() == "Worried about someone? Tell us"
    first = page.select_one("main").find(["div", "p", "h1"])
    assert first["id"] == "tip-911" and "call 911" in first.get_text()  # first, before all else
    assert "not snitching" in page.select_one("#tip-not-snitching").get_text()
    assert "race" in page.select_one("#tip-guidance").get_text()
    assert page.select_one("input[name=csrf_token]")
    assert not page.select("script")  # nothing installed, nothing left on a shared device
    assert "no-store" in response.headers["cache-control"]
    names = {c["name"] for c in page.select("form#tip-form [name]")}
    assert {"urgent", "what", "exact_words", "place", "happened", "involved"} <= names
    assert {"others_know", "reporter", "school", "website"} <= names
    assert (await tipster().get("/tip/NOSUCH")).status_code == 404
    assert (await tipster().get("/tip/x")).status_code == 404


async def test_the_page_in_spanish(tipster, org):
    response = await tipster().http.get(
        f"/tip/{org.tip_line.code}", headers={"Accept-Language": "es"}
    )
    page = html(response)
    assert page.select_one("html")["lang"] == "es"
    assert "911" in page.select_one("#tip-911").get_text()
    assert page.select_one("h1").get_text() != "Worried about someone? Tell us"


async def test_a_tip_is_kept_and_its_code_shown_once(tipster, org):
    t = tipster()
    response, sent = await send(t, org, school=str(org.school.id))
    assert response.status_code == 200
    code = code_on(response)
    assert re.fullmatch(r"([A-Z2-9]{4}-){3}[A-Z2-9]{4}", code)
    assert not set(code) & set("01OIL")
    assert sent is not None and not sent.urgent and sent.team_alert is None
    assert sent.school_id == org.school.id and sent.reporter == "friend"
    assert sent.exact_words == "Y'all will pay tomorrow"
    # only the code's hash is kept; the code is nowhere in the database or the session
    signs = code.replace("-", "")
    assert sent.code_hash == hashlib.sha256(signs.encode()).hexdigest()
    assert not await _rows_containing(signs) and not await _rows_containing(code)
    assert code not in str(t.http.cookies) and signs not in str(t.http.cookies)
    # shown once: the follow-up page asks for it, it doesn't show it
    again = await t.get(f"/tip/{org.tip_line.code}/follow-up")
    assert code not in again.text
    # nothing about the tipster: the tip has no column for it
    columns = set(Tip._meta.fields_map)
    assert not columns & {"address", "ip", "user_agent", "device", "raised_by", "user"}


async def test_a_school_of_another_district_is_dropped_not_trusted(tipster, org, other_org):
    _response, sent = await send(tipster(), org, school=str(other_org.school.id))
    assert sent is not None and sent.school_id is None


async def _recipients(alert_id) -> set[int]:
    return set(await AlertRecipient.filter(alert_id=alert_id).values_list("user_id", flat=True))


async def test_an_urgent_tip_says_call_911_and_alerts_the_team_at_once(tipster, org, as_role):
    lead, backup = org.spare, org.users["office"]
    for rank, person in enumerate([lead, backup]):
        await TeamSeat.create(
            organisation=org.organisation,
            school=org.school,
            function=TeamFunction.THREAT_ASSESSMENT,
            rank=rank,
            person=person,
        )
    response, sent = await send(
        tipster(), org, urgent="yes", school=str(org.school.id), place="Gym, after school"
    )
    page = html(response)
    first = page.select_one("main").find(["div", "p", "h1"])
    assert first["id"] == "tip-sent-911"
    assert "Call 911 now" in first.get_text()
    assert page.select_one("#tip-sent-911 a[href='tel:911']")
    assert sent is not None and sent.urgent
    alert = await Alert.get(id=sent.team_alert)
    assert alert.kind == "threat-tip"
    assert alert.source == {"tip_id": str(sent.id)}
    assert alert.audience["team"] == {"school_id": org.school.id, "function": "threat_assessment"}
    assert await _recipients(alert.id) == {lead.id, backup.id}
    # raised by the district's tip line: an account that can't sign in and is nobody
    line = await TipLine.get(organisation_id=org.organisation.id).prefetch_related("account")
    assert alert.raised_by_id == line.account_id
    assert not line.account.active and line.account.roles == []
    # where, so the team can act; not what was said, which stays with the tip's readers
    assert alert.where["site"] == "Gym, after school"
    said = alert.message + alert.title + str(alert.where)
    assert "pay" not in said and "gun" not in said
    # the alert's live page leads the team to the tip, whose page says what it is
    safety = await as_role("safety")
    page = html(await safety.get(f"/admin/alerts/{alert.id}"))
    link = page.select_one("#fact-tip")
    assert link is not None and link["href"] == f"/tips/{sent.id}"
    # and the backup it reached, an office worker with no safety role, reads it there
    office = await as_role("office")
    tip_page = await office.get(f"/tips/{sent.id}")
    assert tip_page.status_code == 200 and "Gym, after school" in tip_page.text
    assert "Gym, after school" in (await office.get("/tips")).text
    assert (await office.get("/tips/poster")).status_code == 404  # the district's to print


async def test_an_urgent_tip_with_nobody_in_the_function_reaches_the_safety_team(tipster, org):
    _response, sent = await send(tipster(), org, urgent="yes", school=str(org.school.id))
    assert sent is not None
    assert await _recipients(sent.team_alert) == {org.users["safety"].id, org.users["admin"].id}


async def test_the_tip_line_stores_no_address(app, tipster, org, as_role, caplog):
    caplog.set_level(logging.DEBUG)
    t = tipster(ADDRESS)
    response, sent = await send(t, org, urgent="yes", school=str(org.school.id))
    assert sent is not None
    code = code_on(response)
    await t.post(f"/tip/{org.tip_line.code}/follow-up", {"code": "WRNG-WRNG-WRNG-WRNG"})
    await t.post(f"/tip/{org.tip_line.code}/follow-up", {"code": code})
    safety = await as_role("safety")
    await safety.post(f"/tips/{sent.id}/questions", {"body": "Which bus stop?"})
    await t.post(f"/tip/{org.tip_line.code}/follow-up/answer", {"body": "The one on 5th"})
    # behind a proxy the app is told the address in X-Forwarded-For: sent too, kept nowhere
    await t.http.get(f"/tip/{org.tip_line.code}", headers={"X-Forwarded-For": ADDRESS})
    assert await TipMessage.filter(tip_id=sent.id).count() == 2
    assert ADDRESS not in caplog.text  # (before the scan below, whose queries name it)
    assert await _rows_containing(ADDRESS) == []
    # and the access log (uvicorn's, in production) is told to leave it out on these pages
    record = logging.LogRecord(
        "uvicorn.access", logging.INFO, "", 0, '%s - "%s %s HTTP/%s" %d',
        (f"{ADDRESS}:1234", "POST", f"/tip/{org.tip_line.code}", "1.1", 200), None,
    )  # fmt: skip
    for handler_filter in logging.getLogger("uvicorn.access").filters:
        handler_filter.filter(record)
    assert ADDRESS not in record.getMessage()
    other = logging.LogRecord(
        "uvicorn.access", logging.INFO, "", 0, '%s - "%s %s HTTP/%s" %d',
        (f"{ADDRESS}:1234", "GET", "/sign-in", "1.1", 200), None,
    )  # fmt: skip
    for handler_filter in logging.getLogger("uvicorn.access").filters:
        handler_filter.filter(other)
    assert ADDRESS in other.getMessage()  # only the tip line's requests lose it


async def _rows_containing(text: str) -> list[tuple[str, str]]:
    """Every (table, column) of the database whose value, cast to text, contains ``text``."""
    db = connections.get("default")
    if db.capabilities.dialect == "sqlite":
        _n, tables = await db.execute_query("select name from sqlite_master where type='table'")
        found = []
        for (table,) in [tuple(t.values()) if isinstance(t, dict) else t for t in tables]:
            _n, cols = await db.execute_query(f'pragma table_info("{table}")')
            for col in cols:
                name = col["name"] if isinstance(col, dict) else col[1]
                sql = f'select count(*) as n from "{table}" where cast("{name}" as text) like ?'
                rows = await db.execute_query_dict(sql, [f"%{text}%"])
                if rows[0]["n"]:
                    found.append((table, name))
        return found
    cols = await db.execute_query_dict(
        "select table_name, column_name from information_schema.columns"
        " where table_schema = 'public'"
    )
    found = []
    for col in cols:
        table, name = col["table_name"], col["column_name"]
        sql = f'select count(*) as n from "{table}" where cast("{name}" as text) like $1'
        rows = await db.execute_query_dict(sql, [f"%{text}%"])
        if rows[0]["n"]:
            found.append((table, name))
    return found


async def test_the_honeypot_looks_accepted_and_keeps_nothing(tipster, org):
    before = await Tip.all().count()
    alerts = await Alert.all().count()
    response, sent = await send(tipster(), org, urgent="yes", website="http://cheap.example")
    assert response.status_code == 200
    assert re.fullmatch(r"([A-Z2-9]{4}-){3}[A-Z2-9]{4}", code_on(response))
    assert sent is None and await Tip.all().count() == before
    assert await Alert.all().count() == alerts


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"what": ""}, "what"),
        ({"what": "x" * 4001}, "what"),
        ({"exact_words": "x" * 2001}, "exact_words"),
        ({"place": "x" * 301}, "place"),
        ({"happened": "x" * 201}, "happened"),
        ({"involved": "x" * 1001}, "involved"),
        ({"others_know": "x" * 1001}, "others_know"),
        ({"urgent": ""}, "urgent"),
        ({"urgent": "perhaps"}, "urgent"),
        ({"reporter": "teacher"}, "reporter"),
        ({"school": "0"}, "school"),
    ],
)
async def test_bad_input_is_refused_at_its_field(change, field, tipster, org):
    response, sent = await send(tipster(), org, **change)
    assert response.status_code == 422
    assert sent is None
    page = html(response)
    assert page.select_one(f"#{field}-error"), response.text
    if change.get("what"):  # what was typed comes back, to fix
        assert page.select_one("#what").get_text() == change["what"]


async def test_a_body_too_large_is_refused_before_reading(tipster, org):
    response, sent = await send(tipster(), org, what="x" * 1_100_000)
    assert response.status_code == 413 and sent is None


async def test_tips_from_one_address_are_limited_for_minutes(tipster, org):
    t, other = tipster(), tipster()
    for _ in range(limits.TIPS.allowed):
        response, sent = await send(t, org)
        assert response.status_code == 200 and sent is not None
    response, sent = await send(t, org)
    assert response.status_code == 429 and sent is None
    assert 0 < int(response.headers["retry-after"]) <= 600
    assert "Too many tries" in response.text
    response, sent = await send(other, org)  # someone else is not held back
    assert response.status_code == 200 and sent is not None
    # a form with mistakes is not a tip: it doesn't count
    third = tipster()
    for _ in range(limits.TIPS.allowed + 2):
        assert (await send(third, org, what=""))[0].status_code == 422


async def test_the_tipster_reads_the_teams_question_and_answers_it(tipster, org, as_role):
    t = tipster()
    response, sent = await send(t, org, urgent="yes")
    code = code_on(response)
    safety = await as_role("safety")
    asked = await safety.post(f"/tips/{sent.id}/questions", {"body": "Which bus stop, and when?"})
    assert asked.status_code == 303
    # the tipster comes back later, on another browser, typing the code their own way
    back = tipster()
    url = f"/tip/{org.tip_line.code}/follow-up"
    page = html(await back.get(url))
    assert page.select_one("#code")
    opened = await back.post(url, {"code": code.lower().replace("-", " ")})
    assert opened.status_code == 303
    thread = await back.get(url)
    assert thread.status_code == 200 and "no-store" in thread.headers["cache-control"]
    messages = html(thread).select("#tip-thread li")
    assert [m.select_one(".report-text").get_text() for m in messages] == [
        "Which bus stop, and when?"
    ]
    assert org.users["safety"].name not in thread.text  # the team is "the team"
    answered = await back.post(
        f"/tip/{org.tip_line.code}/follow-up/answer", {"body": "The one on 5th, at 7:40"}
    )
    assert answered.status_code == 303
    thread = html(await back.get(url))
    said = [m.select_one(".report-text").get_text() for m in thread.select("#tip-thread li")]
    assert said == ["Which bus stop, and when?", "The one on 5th, at 7:40"]
    answer = await TipMessage.get(tip_id=sent.id, from_team=False)
    assert answer.author_id is None
    # the team sees it, marked as waiting for them
    listing = html(await safety.get("/tips"))
    assert "The tipster answered" in listing.select_one("#tips-list").get_text()
    page = html(await safety.get(f"/tips/{sent.id}"))
    said = [m.select_one(".report-text").get_text() for m in page.select("#tip-thread li")]
    assert said[-1] == "The one on 5th, at 7:40"
    # closing it on this browser: the code is needed again
    await back.post(f"/tip/{org.tip_line.code}/follow-up/close", {})
    assert html(await back.get(url)).select_one("#code")
    late = await back.post(f"/tip/{org.tip_line.code}/follow-up/answer", {"body": "More"})
    assert late.status_code == 303 and late.headers["location"].endswith("/follow-up")
    assert await TipMessage.filter(tip_id=sent.id).count() == 2


async def test_a_wrong_code_is_a_plain_404_and_is_throttled(tipster, org):
    t = tipster()
    url = f"/tip/{org.tip_line.code}/follow-up"
    for typed in ["", "nonsense", "ABCD-EFGH-JKMN-PQRS", "x" * 100, "ABCD\x00EFGH", "Ω" * 16]:
        response = await t.post(url, {"code": typed})
        assert response.status_code in (404, 422), (typed, response.status_code)
        if response.status_code == 404:
            assert (
                "There is no tip with that code"
                in html(response).select_one("#code-error").get_text()
            )
    for _ in range(limits.CODES.allowed):
        await t.post(url, {"code": "ABCD-EFGH-JKMN-PQRS"})
    blocked = await t.post(url, {"code": "ABCD-EFGH-JKMN-PQRS"})
    assert blocked.status_code == 429 and int(blocked.headers["retry-after"]) > 0


async def test_another_districts_code_opens_nothing_here(tipster, org, other_org):
    response, _sent = await send(tipster(), other_org)
    code = code_on(response)
    t = tipster()
    wrong = await t.post(f"/tip/{org.tip_line.code}/follow-up", {"code": code})
    assert wrong.status_code == 404
    right = await t.post(f"/tip/{other_org.tip_line.code}/follow-up", {"code": code})
    assert right.status_code == 303
    # opened on the other district's line: this district's follow-up still asks for a code
    assert html(await t.get(f"/tip/{org.tip_line.code}/follow-up")).select_one("#code")


async def test_readers_list_and_read_tips_every_look_audited(tipster, org, as_role):
    _response, sent = await send(tipster(), org, urgent="yes")
    safety = await as_role("safety")
    listing = await safety.get("/tips")
    assert listing.status_code == 200
    card = html(listing).select_one("#tips-list")
    assert "Urgent" in card.get_text()
    page = await safety.get(f"/tips/{sent.id}")
    assert page.status_code == 200
    assert html(page).select_one("#tip-what").get_text() == sent.what
    assert html(page).select_one("#tip-urgent")
    await safety.post(f"/tips/{sent.id}/questions", {"body": "Is he at school today?"})
    looks = AuditLog.filter(actor_id=org.users["safety"].id)
    assert await looks.filter(action="tips.listed").count() == 1
    assert await looks.filter(action="tip.viewed", record_id=str(sent.id)).count() == 1
    assert await looks.filter(action="tip.asked", record_id=str(sent.id)).count() == 1
    question = await TipMessage.get(tip_id=sent.id, from_team=True)
    assert question.author_id == org.users["safety"].id
    # a question with nothing in it, or too long, is refused at its field
    empty = await safety.post(f"/tips/{sent.id}/questions", {"body": ""})
    assert empty.status_code == 422 and html(empty).select_one("#body-error")
    long = await safety.post(f"/tips/{sent.id}/questions", {"body": "x" * 2001})
    assert long.status_code == 422


@pytest.mark.parametrize("role", [r.value for r in Role if r not in (Role.ADMIN, Role.SAFETY)])
async def test_anyone_else_is_told_nothing_and_the_look_is_audited(role, org, as_role):
    other = await as_role(role)
    for url in ("/tips", f"/tips/{org.tip.id}", "/tips/poster"):
        response = await other.get(url)
        assert response.status_code == 404, url
    asked = await other.post(f"/tips/{org.tip.id}/questions", {"body": "Who are you?"})
    assert asked.status_code == 404
    assert not await TipMessage.filter(tip_id=org.tip.id).exists()
    person = org.users[role]
    looks = AuditLog.filter(actor_id=person.id, record_id=str(org.tip.id))
    assert await looks.filter(action="tip.refused").count() == 2


async def test_another_districts_tip_is_not_found(org, other_org, as_role):
    admin = await as_role("admin")
    assert (await admin.get(f"/tips/{other_org.tip.id}")).status_code == 404
    assert (await admin.get("/tips/not-a-uuid")).status_code == 404
    listing = await admin.get("/tips")
    assert str(other_org.tip.id) not in listing.text


async def test_the_poster_has_the_link_and_its_qr_code_in_both_languages(org, as_role):
    admin = await as_role("admin")
    response = await admin.get("/tips/poster")
    assert response.status_code == 200
    page = html(response)
    link = page.select_one("#tip-link").get_text(strip=True)
    assert link == f"http://testserver/tip/{org.tip_line.code}"
    svg = page.select_one("#tip-poster svg")
    assert svg is not None and svg.select("path")
    assert {w["lang"] for w in page.select("#tip-poster .poster-words")} == {"en", "es"}
    assert page.select_one("[data-print]")
    # the link printed leads to the district's tip line
    assert (await admin.get(link.removeprefix("http://testserver"))).status_code == 200


async def test_a_district_has_one_tip_line_and_its_account_cant_sign_in(org, client):
    from server.tips.service import line_for

    again = await line_for(org.organisation.id)
    assert again.id == org.tip_line.id
    account = await User.get(id=again.account_id)
    response = await client.post("/sign-in", {"email": account.email, "password": "!"})
    assert response.status_code != 303


def test_follow_up_codes_are_read_back_however_typed():
    code = codes.follow_up_code()
    assert codes.digest(code) == codes.digest(code.lower().replace("-", " "))
    assert codes.normalised("ABCD-EFGH-JKMN-PQR0") is None  # 0 is not one of ours
    assert codes.normalised("ABCD") is None
    assert len({codes.follow_up_code() for _ in range(1000)}) == 1000
