"""A district's own words for its five actions: set on one admin page, within a length limit,
and used on every surface (push, pages, the composer, a checklist's alert button)."""

from __future__ import annotations

from datetime import UTC, datetime

from server.action_names import DEFAULTS, MAX_NAME
from server.alerts.audience import Audience
from server.alerts.service import raise_alert
from server.models import AuditLog
from tests.helpers import html

LOCKOUT = {"secure_en": "Lockout", "secure_es": "Cierre exterior (Lockout)"}


def form(**names: str) -> dict[str, str]:
    """Every field as the district has it by default, with ``names`` changed."""
    defaults = {
        f"{a}_{lang}": name for a, words in DEFAULTS.items() for lang, name in words.items()
    }
    return {**defaults, **names}


async def secure_alert(org, **fields):
    return await raise_alert(
        organisation_id=org.organisation.id,
        raised_by_id=org.users["safety"].id,
        kind="secure",
        audience=Audience(["staff", "office"]),
        raised_at=datetime.now(UTC),
        **fields,
    )


async def test_the_page_shows_the_glossary_defaults(as_role):
    page = html(await (await as_role("admin")).get("/admin/actions"))
    values = {field["name"]: field["value"] for field in page.select("input[lang]")}
    assert values["lockdown_es"] == "Cierre de emergencia (Lockdown)"
    assert values == form()
    assert all(field["maxlength"] == str(MAX_NAME) for field in page.select("input[lang]"))


async def test_a_renamed_action_is_used_on_every_page(as_role, org, other_org):
    admin = await as_role("admin")
    saved = await admin.post("/admin/actions", form(**LOCKOUT))
    assert saved.status_code == 303
    page = html(await admin.get(saved.headers["location"]))
    assert "Saved." in page.select_one(".flash").get_text()
    assert page.select_one("#secure_es")["value"] == "Cierre exterior (Lockout)"
    saves = AuditLog.filter(organisation_id=org.organisation.id, action="action_names.saved")
    assert await saves.count() == 1

    # The composer offers it by the district's name.
    safety = await as_role("safety")
    composer = html(await safety.get("/admin/alerts/new"))
    choice = composer.select_one('input[name="kind"][value="secure"]').find_parent("label")
    assert choice.select_one("strong").get_text(strip=True) == "Lockout"
    # The alert itself: the list, the live page, and a Spanish-speaking teacher's page.
    alert = await secure_alert(org, message="Police activity on Elm Street")
    listed = html(await safety.get("/admin/alerts")).select_one("#alerts-list h2 a")
    assert listed.get_text(strip=True) == "Lockout"
    live = html(await safety.get(f"/admin/alerts/{alert.id}"))
    assert live.select_one(".alert-title").get_text(strip=True) == "Lockout"
    staff = org.users["staff"]
    staff.locale = "es"
    await staff.save()
    teacher = await as_role("staff")
    mine = html(await teacher.get(f"/alerts/{alert.id}"))
    assert mine.select_one(".alert-title").get_text(strip=True) == "Cierre exterior (Lockout)"
    home = html(await teacher.get("/"))
    assert "Cierre exterior (Lockout)" in home.select_one("#my-alerts").get_text()
    # The call script's alert button names it; the outbox knows it too.
    office = await as_role("office")
    script = html(await office.get("/checklists/threat-call"))
    button = script.select_one('[data-alert="secure"]')
    assert button.get_text(strip=True) == "Press and hold to send: Lockout"
    outbox = html(await office.get("/outbox")).select_one("#outbox-page")
    assert '"secure": "Lockout"' in outbox["data-alert-names"]

    # Another district keeps its own words.
    theirs = html(await (await as_role("safety", other_org)).get("/admin/alerts/new"))
    choice = theirs.select_one('input[name="kind"][value="secure"]').find_parent("label")
    assert choice.select_one("strong").get_text(strip=True) == "Secure"


async def test_names_are_checked(as_role):
    admin = await as_role("admin")
    too_long = await admin.post("/admin/actions", form(hold_es="x" * (MAX_NAME + 1)))
    assert too_long.status_code == 422
    page = html(too_long)
    assert page.select_one("#hold_es-error").get_text() == f"Keep this under {MAX_NAME} characters."
    assert page.select_one("#hold_es")["aria-invalid"] == "true"
    empty = await admin.post("/admin/actions", form(shelter_en="   "))
    assert html(empty).select_one("#shelter_en-error").get_text() == "Please fill this in."
    same = await admin.post("/admin/actions", form(secure_en="lockdown"))
    assert same.status_code == 422
    assert "a name of its own" in html(same).select_one(".error-summary").get_text()
    missing = await admin.post("/admin/actions", {"hold_en": "Hold"})
    assert missing.status_code == 422
    unknown = await admin.post("/admin/actions", form(colour="red"))
    assert unknown.status_code == 422
    # Nothing of it was kept.
    page = html(await admin.get("/admin/actions"))
    assert page.select_one("#hold_es")["value"] == DEFAULTS["hold"]["es"]
    assert page.select_one("#secure_en")["value"] == "Secure"


async def test_only_an_admin_names_the_actions(as_role):
    safety = await as_role("safety")
    refused = await safety.post("/admin/actions", form(**LOCKOUT))
    assert refused.status_code == 403
    page = html(await (await as_role("admin")).get("/admin/actions"))
    assert page.select_one("#secure_en")["value"] == "Secure"
