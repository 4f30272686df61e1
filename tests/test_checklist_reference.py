"""Reference cards (read, never run), the new checklists on the homes of the roles who need them,
and the district's checklist content settings: the review age and its reminder, and the weapon
policy (issue 18, parts 1 and 4)."""

from __future__ import annotations

import json
import uuid
from datetime import date, timedelta

import pytest

from server.checklists.library import Library
from server.checklists.queries import due_reviews, months_after, reviews
from server.models import AuditLog, Organisation
from tests.helpers import event, html, send

CARDS = {"human-reaction", "suspicious-people-vehicles", "de-escalation"}


async def test_a_reference_card_is_a_page_of_cards_with_nothing_to_answer(as_role, app):
    driver = await as_role("driver")
    response = await driver.get("/checklists/human-reaction")
    assert response.status_code == 200
    page = html(response)
    checklist = app.state.checklists.get("human-reaction")
    cards = page.select("[data-card]")
    assert [c["data-card"] for c in cards] == [i.id for i in checklist.items()]
    assert page.select_one("h1").get_text(strip=True) == "How people react in an emergency"
    # no runner, no answers, no start: the card script only
    scripts = [s["src"] for s in page.select("script[src]")]
    assert any("reference" in s for s in scripts) and not any("runner" in s for s in scripts)
    assert not page.select("#runner, .run-item, #reference button[data-answer], #reference input")
    assert "Version 1, reviewed 2026-12-02." in page.select_one(".sources").get_text()


async def test_a_reference_card_reads_in_spanish(as_role, org):
    org.users["staff"].locale = "es"
    await org.users["staff"].save(update_fields=["locale"])
    page = html(await (await as_role("staff")).get("/checklists/de-escalation"))
    assert page.select_one("h1").get_text(strip=True) == "Cómo calmar a alguien"
    assert "Tarjeta %(n)s de %(total)s" in page.select_one("#reference")["data-msg-card"]


async def test_a_reference_card_never_starts_a_run(as_role):
    staff = await as_role("staff")
    started = event(
        "checklist.started", run_id=str(uuid.uuid4()), checklist_id="de-escalation", version=1
    )
    [result] = (await send(staff, [started])).json()["results"]
    assert result["status"] == "rejected"
    assert result["reason"] == "A reference card is read, never run."


@pytest.mark.parametrize("role", ["admin", "safety", "staff", "driver", "office", "dispatch"])
async def test_every_role_reads_the_reference_cards_from_one_journey(as_role, role):
    client = await as_role(role)
    home = html(await client.get("/"))
    journeys = [a["data-journey"] for a in home.select("a[data-journey]")]
    assert journeys.count("reference-cards") == 1
    listing = html(await client.get("/reference"))
    assert {a["data-card-link"] for a in listing.select("[data-card-link]")} == CARDS
    # kept on the phone for no signal: the list and every card
    offline = json.loads(home.select_one("[data-offline-pages]")["data-offline-pages"])
    assert "/reference" in offline
    assert {f"/checklists/{card}" for card in CARDS} <= set(offline)


@pytest.mark.parametrize(
    ("role", "wanted", "not_wanted"),
    [
        ("driver", {"active-threat", "weapon-found", "bus-en-route"}, set()),
        ("staff", {"active-threat", "weapon-found"}, {"bus-en-route"}),
        ("dispatch", {"active-threat"}, {"weapon-found", "bus-en-route"}),
    ],
)
async def test_the_new_checklists_are_one_tap_from_the_homes_that_need_them(
    as_role, role, wanted, not_wanted
):
    client = await as_role(role)
    home = html(await client.get("/"))
    links = {a["data-journey"]: a["href"] for a in home.select("a[data-journey]")}
    for key in wanted:
        assert links[key] == f"/checklists/{key}"
        assert (await client.get(links[key])).status_code == 200
    assert not_wanted.isdisjoint(links)
    offline = json.loads(home.select_one("[data-offline-pages]")["data-offline-pages"])
    assert {f"/checklists/{key}" for key in wanted} <= set(offline)


async def test_the_weapon_policy_is_a_district_setting_that_never_changes_the_steps(as_role, org):
    admin = await as_role("admin")
    before = html(await admin.get("/checklists/weapon-found"))
    organisation = await Organisation.get(id=org.organisation.id)
    assert organisation.weapon_handling is False  # the default: never
    saved = await admin.post("/admin/checklists", {"review_months": "12", "weapon_handling": "on"})
    assert saved.status_code == 303
    await organisation.refresh_from_db()
    assert organisation.weapon_handling is True
    after = html(await admin.get("/checklists/weapon-found"))
    assert [d.get_text() for d in after.select(".run-item")] == [
        d.get_text() for d in before.select(".run-item")
    ]
    assert "Don't touch it. Don't move it. Don't try to unload it." in after.get_text()
    entry = await AuditLog.get(
        organisation_id=org.organisation.id, action="district.content_settings"
    )
    assert entry.detail["weapon_handling"] is True


async def test_the_content_page_is_read_by_the_leads_and_set_by_admins(as_role, org):
    safety = await as_role("safety")
    page = html(await safety.get("/admin/checklists"))
    listed = [li["data-checklist"] for li in page.select("#content-reviews [data-checklist]")]
    assert {"weapon-found", "human-reaction", "bus-en-route"} <= set(listed)
    assert not page.select("form[action='/admin/checklists']")  # safety reads, admins set
    refused = await safety.post("/admin/checklists", {"review_months": "3"})
    assert refused.status_code == 403
    assert (await (await as_role("staff")).get("/admin/checklists")).status_code in (403, 404)

    admin = await as_role("admin")
    for bad in ("0", "61", "twelve", ""):
        response = await admin.post("/admin/checklists", {"review_months": bad})
        assert response.status_code == 422, bad
        error = html(response).select_one("#review_months-error")
        assert error is not None and error.get_text(strip=True), bad
    saved = await admin.post("/admin/checklists", {"review_months": "6"})
    assert saved.status_code == 303
    organisation = await Organisation.get(id=org.organisation.id)
    assert organisation.checklist_review_months == 6 and organisation.weapon_handling is False


def test_a_review_falls_due_the_districts_age_after_the_last_one(app):
    library: Library = app.state.checklists
    district = Organisation(name="D", checklist_review_months=12)
    assert months_after(date(2026, 12, 2), 12) == date(2027, 12, 2)
    assert months_after(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert months_after(date(2027, 12, 31), 2) == date(2028, 2, 29)
    found = reviews(library, district)
    assert len(found) == len(library.checklists)
    assert all(r.due_on == months_after(r.checklist.revised, 12) for r in found)
    first = min(r.due_on for r in found)  # each falls due on its own day, none before
    assert due_reviews(library, district, first - timedelta(days=1)) == []
    assert {r.checklist.id for r in due_reviews(library, district, first)} == {
        r.checklist.id for r in found if r.due_on == first
    }
    last = max(r.due_on for r in found)
    assert len(due_reviews(library, district, last)) == len(library.checklists)


async def test_the_leads_home_names_the_checklists_due_a_review(as_role, org, app):
    organisation = await Organisation.get(id=org.organisation.id)
    organisation.checklist_review_months = 1
    await organisation.save(update_fields=["checklist_review_months"])
    library: Library = app.state.checklists
    old = library.checklists["de-escalation"].model_copy(update={"revised": date(2025, 1, 6)})
    app.state.checklists = Library({**library.checklists, old.id: old}, library.kept)
    try:
        for role in ("admin", "safety"):
            home = html(await (await as_role(role)).get("/"))
            notice = home.select_one("#content-review-due a")
            assert notice.get_text(strip=True) == "1 checklist is due a content review."
            assert notice["href"] == "/admin/checklists"
        staff_home = html(await (await as_role("staff")).get("/"))
        assert staff_home.select_one("#content-review-due") is None
        page = html(await (await as_role("admin")).get("/admin/checklists"))
        due = page.select_one("[data-checklist='de-escalation']")
        assert "Due a review" in due.get_text() and "2025-02-06" in due.get_text()
        fresh = page.select_one("[data-checklist='weapon-found']")
        assert "Due a review" not in fresh.get_text()
    finally:
        app.state.checklists = library
