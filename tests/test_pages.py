"""The shell: home per role, security headers, error pages, static files."""

from __future__ import annotations

import posixpath
import re
from pathlib import Path

import httpx
import pytest
from starlette.routing import Route

from server.app import create_app
from server.journeys import JOURNEYS
from tests.helpers import html

# Everyone may call an action and take a threatening call (until the district narrows it).
# An attack, and the reference cards (one journey for them all), are for everyone too.
EVERYONE = {
    "call-action",
    "threat-call",
    "bleeding-control",
    "report",
    "concern",
    "active-threat",
    "reference-cards",
}
# Whoever may find a weapon at school or on a bus (dispatch works at the depot).
AT_SCHOOL = EVERYONE | {"weapon-found"}
EXPECTED_HOME = {
    "driver": AT_SCHOOL | {"bus-pre-route", "bus-en-route", "bus-post-route"},
    "office": AT_SCHOOL | {"bomb-threat-management"},
    "staff": AT_SCHOOL | {"field-trip"},
    "safety": AT_SCHOOL
    | {"bomb-threat-management", "desk", "alerts", "reports-map", "recovery", "metrics", "drills"},
    "admin": AT_SCHOOL
    | {"bomb-threat-management", "desk", "alerts", "reports-map", "recovery", "metrics", "drills"},
    "dispatch": EVERYONE,
}


@pytest.mark.parametrize("role", sorted(EXPECTED_HOME))
async def test_home_shows_the_roles_journeys(role, as_role):
    page = html(await (await as_role(role)).get("/"))
    keys = {a["data-journey"] for a in page.select(".journeys a")}
    assert keys == EXPECTED_HOME[role]
    # Emergencies first: the panic button, then calling an action and the call script.
    assert page.select_one("main [data-hold]")["data-alert"] == "panic"
    first = [a["data-journey"] for a in page.select(".journeys a")[:2]]
    assert first == ["call-action", "threat-call"]


@pytest.mark.parametrize("role", ["admin", "safety", "office"])
async def test_bomb_threat_management_is_one_tap_from_the_home_of_those_who_decide(role, as_role):
    page = html(await (await as_role(role)).get("/"))
    [link] = page.select(".journeys a[data-journey='bomb-threat-management']")
    assert link["href"] == "/checklists/bomb-threat-management"
    runner = html(await (await as_role(role)).get(link["href"]))
    assert runner.select_one("#runner")["data-checklist"] == "bomb-threat-management"
    # the end of the call script leads there too
    script = html(await (await as_role(role)).get("/checklists/threat-call"))
    [follow_on] = script.select("#run-done .next-journeys a")
    assert follow_on["href"] == "/checklists/bomb-threat-management"


@pytest.mark.parametrize("role", ["staff", "driver", "dispatch"])
async def test_bomb_threat_management_is_not_for_the_others(role, as_role):
    client = await as_role(role)
    page = html(await client.get("/"))
    assert not page.select(".journeys a[data-journey='bomb-threat-management']")
    assert (await client.get("/checklists/bomb-threat-management")).status_code == 404
    script = html(await client.get("/checklists/threat-call"))
    assert not script.select(".next-journeys")


async def test_a_person_with_several_roles_sees_each_once(as_role, org):
    user = org.users["driver"]
    user.roles = ["driver", "office", "staff"]
    await user.save()
    keys = [
        a["data-journey"]
        for a in html(await (await as_role("driver")).get("/")).select(".journeys a")
    ]
    assert len(keys) == len(set(keys))
    assert {"threat-call", "bus-pre-route", "field-trip"} <= set(keys)


async def test_a_journey_not_for_your_role_is_not_found(as_role):
    driver = await as_role("driver")
    assert (await driver.get("/journeys/field-trip")).status_code == 404
    assert (await driver.get("/journeys/no-such-thing")).status_code == 404
    to_checklist = await driver.get("/journeys/bus-pre-route")
    assert to_checklist.status_code == 303
    assert to_checklist.headers["location"] == "/checklists/bus-pre-route"
    to_form = await driver.get("/journeys/report")
    assert to_form.status_code == 303 and to_form.headers["location"] == "/reports/new"
    assert (await driver.get("/journeys/drills")).status_code == 404  # the safety team's only


async def test_security_headers_on_every_kind_of_response(client, as_role):
    admin = await as_role("admin")
    for response in (
        await client.get("/sign-in"),
        await admin.get("/"),
        await admin.get("/nope"),
        await client.get("/api/health"),
    ):
        csp = response.headers["content-security-policy"]
        assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp
        assert "unsafe-inline" not in csp
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["referrer-policy"] == "same-origin"


async def test_pages_need_no_inline_script_or_style(as_role):
    admin = await as_role("admin")
    for url in ("/", "/admin/people", "/admin/places", "/admin/sites/new", "/journeys/report"):
        page = html(await admin.get(url))
        assert all(script.get("src") for script in page.select("script")), url
        assert not page.select("[style]") and not page.select("style"), url
        assert not [t for t in page.find_all(True) if any(a.startswith("on") for a in t.attrs)]


async def test_not_found_is_a_friendly_page(as_role):
    response = await (await as_role("staff")).get("/no/such/page")
    assert response.status_code == 404
    assert html(response).select_one("h1").get_text() == "We can't find that page"


async def test_method_not_allowed_is_a_friendly_page(as_role):
    response = await (await as_role("admin")).post("/admin/people")
    assert response.status_code == 405


async def test_a_crash_shows_no_stack_trace(app, settings):
    async def boom(request):
        raise RuntimeError("secret internals /etc/passwd")

    crashing = create_app(settings)
    crashing.router.routes.append(Route("/boom", boom))
    transport = httpx.ASGITransport(app=crashing, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as http:
        response = await http.get("/boom")
    assert response.status_code == 500
    assert "secret internals" not in response.text and "Traceback" not in response.text
    assert html(response).select_one("h1").get_text() == "Something went wrong on our side"


async def test_static_files_carry_a_content_hash_and_are_immutable(client, app):
    url = app.state.assets.url("css/app.css")
    response = await client.get(url)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/css")
    assert "immutable" in response.headers["cache-control"]
    stale = url.replace(url.split("/")[2], "000000000000")
    assert "immutable" not in (await client.get(stale)).headers["cache-control"]
    htmx = await client.get(app.state.assets.url("vendor/htmx.js"))
    assert htmx.status_code == 200 and b"htmx" in htmx.content
    for bad in ("/static/x/../../pyproject.toml", "/static/x/secret_key", "/static/x/nope.js"):
        assert (await client.get(bad)).status_code == 404


def test_a_module_imported_by_two_others_is_one_url(app):
    """Relative imports keep the importer's hash: every import must land on the module's own URL,
    or the browser runs it twice (two sync loops) or fetches a changed one under a stale URL."""
    assets = app.state.assets
    seen = 0
    for name in assets.names():
        if not name.endswith(".js") or name.startswith("vendor/"):
            continue
        source = assets.get(name).path.read_text()
        for target in re.findall(
            r"""^\s*(?:import|export)\b[^"']*["'](\./[^"']+)["']""", source, re.M
        ):
            imported = posixpath.normpath(posixpath.join(posixpath.dirname(name), target))
            resolved = posixpath.join(posixpath.dirname(assets.url(name)), target)
            assert posixpath.normpath(resolved) == assets.url(imported), (name, target)
            seen += 1
    assert seen > 10  # the pages' modules really do import each other


TEMPLATES = Path(__file__).resolve().parents[1] / "web" / "templates"
INCLUDES = re.compile(r"""{%-?\s*(?:include|import|from)\s+["']([^"']+)["']""")


def _with_includes(name: str, seen: set[str]) -> set[str]:
    if name not in seen and (TEMPLATES / name).exists():
        seen.add(name)
        for included in INCLUDES.findall((TEMPLATES / name).read_text()):
            _with_includes(included, seen)
    return seen


def test_every_page_with_hx_attributes_loads_htmx():
    """base.html loads htmx only for a page that sets uses_htmx: a page (with what it includes)
    that has hx- attributes and forgot would quietly fall back to plain links and forms."""
    pages = [
        p for p in TEMPLATES.rglob("*.html") if not p.name.startswith("_") and p.name != "base.html"
    ]
    using = set()
    for page in pages:
        name = str(page.relative_to(TEMPLATES))
        if any(" hx-" in (TEMPLATES / n).read_text() for n in _with_includes(name, set())):
            using.add(name)
            assert "{% set uses_htmx = true %}" in page.read_text(), name
    assert {"admin/desk.html", "reports/list.html"} <= using


async def test_field_pages_load_no_htmx(as_role, app):
    htmx = app.state.assets.url("vendor/htmx.js")
    driver = await as_role("driver")
    for url in ("/", "/checklists/threat-call", "/checklists/bus-pre-route", "/reports/new"):
        assert htmx not in [s.get("src") for s in html(await driver.get(url)).select("script")]
    desk = html(await (await as_role("safety")).get("/admin/now"))
    assert htmx in [s.get("src") for s in desk.select("script")]


async def test_practice_is_drawn_by_the_server_as_the_script_draws_it(as_role):
    """Drawn by the page's script alone, the practice link appeared after first paint and moved
    the checklist down 40 px (Lighthouse: layout shift 0.031 on bleeding control)."""
    staff = await as_role("staff")
    for url in ("/checklists/bleeding-control", "/"):
        real = html(await staff.get(url))
        assert real.select_one("#practice-offer").get("hidden") is None, url
        assert real.select_one("#practice-banner").get("hidden") is not None, url
        practice = html(await staff.get(f"{url}?practice=1"))
        assert practice.select_one("#practice-offer").get("hidden") is not None, url
        assert practice.select_one("#practice-banner").get("hidden") is None, url
        assert "practice" in practice.select_one("body")["class"], url


async def test_pages_are_compressed(as_role):
    response = await (await as_role("driver")).get("/", headers={"Accept-Encoding": "gzip"})
    assert response.headers.get("content-encoding") == "gzip"


async def test_every_journey_has_a_page(as_role, org):
    user = org.users["admin"]
    user.roles = ["admin", "safety", "staff", "driver", "office"]
    await user.save()
    admin = await as_role("admin")
    for journey in JOURNEYS:
        response = await admin.get(f"/journeys/{journey.key}", follow_redirects=True)
        assert response.status_code == 200


async def test_the_runner_is_told_which_items_ask_for_an_answer(as_role):
    """The phone learns per item from the server's one list (``schema.ASKED``): the clocks
    are started, not answered, so leaving one is never a skipped step."""
    driver = await as_role("driver")
    page = html(await driver.get("/checklists/bleeding-control"))
    assert "data-asked" not in str(page.select_one("#item-tourniquet-clock"))
    asked = page.select("[data-asked=true]")
    assert asked and all(item["data-kind"] not in ("stopwatch", "countdown") for item in asked)
    assert {item["data-kind"] for item in asked} >= {"yes_no", "action"}


def test_every_stylesheet_closes_each_block_it_opens():
    """A lost brace (say, in a merge) silently moves every rule after it into a print block."""
    for path in sorted((Path(__file__).resolve().parents[1] / "web" / "static").rglob("*.css")):
        depth = 0
        text = re.sub(r"/\*.*?\*/", "", path.read_text(encoding="utf-8"), flags=re.S)
        for number, line in enumerate(text.splitlines(), 1):
            depth += line.count("{") - line.count("}")
            assert depth >= 0, f"{path.name}:{number}: a }} closes nothing"
        assert depth == 0, f"{path.name}: {depth} block(s) never closed"
