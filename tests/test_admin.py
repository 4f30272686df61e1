"""Admin pages: people, schools and sites, and what they do with bad input."""

from __future__ import annotations

import pytest

from server.models import AuditLog, School, Site, User
from tests.helpers import html


async def test_create_a_person_with_roles_and_schools(as_role, make_client, org):
    admin = await as_role("admin")
    response = await admin.post(
        "/admin/people/new",
        {
            "name": "Rosa Ruiz",
            "email": "Rosa.Ruiz@Example.org",
            "roles": ["driver", "staff"],
            "schools": [str(org.school.id), str(org.other_school.id)],
            "active": "on",
        },
    )
    assert response.status_code == 303
    person = await User.get(email="rosa.ruiz@example.org").prefetch_related("schools")
    assert sorted(person.roles) == ["driver", "staff"]
    assert {s.id for s in person.schools} == {org.school.id, org.other_school.id}
    assert person.organisation_id == org.organisation.id
    page = html(await admin.get("/admin/people"))
    flash = page.select_one(".flash").get_text()
    assert "Temporary password:" in flash
    temporary = flash.rsplit(": ", 1)[1].strip()
    newcomer = make_client()
    assert (await newcomer.sign_in(person, temporary)).status_code == 303
    assert await AuditLog.filter(action="person.created", record_id=str(person.id)).exists()


async def test_a_background_refresh_leaves_the_flash_for_the_page_the_person_opens(as_role):
    # The service worker refreshes kept pages while the person works; one landing between a form
    # and its redirect must not take the form's "saved" (CI saw "Action added." go missing).
    admin = await as_role("admin")
    details = {"name": "Rosa Ruiz", "email": "rosa@example.org", "roles": ["staff"]}
    assert (await admin.post("/admin/people/new", details | {"active": "on"})).status_code == 303
    background = await admin.get("/admin/people", headers={"Muster-Background": "1"})
    assert background.status_code == 200
    assert html(background).select_one(".flash") is None
    flash = html(await admin.get("/admin/people")).select_one(".flash")
    assert flash is not None and "Temporary password:" in flash.get_text()
    assert html(await admin.get("/admin/people")).select_one(".flash") is None  # shown once


async def test_edit_roles_and_deactivate(as_role, org):
    admin = await as_role("admin")
    staff_client = await as_role("staff")
    person = org.users["staff"]
    response = await admin.post(
        f"/admin/people/{person.id}",
        {"name": person.name, "email": person.email, "roles": ["staff", "office"]},
    )
    assert response.status_code == 303
    await person.refresh_from_db()
    assert sorted(person.roles) == ["office", "staff"] and person.active is False
    assert (await staff_client.get("/")).status_code == 303  # signed out everywhere


async def test_admin_cannot_lock_themselves_out(as_role, org):
    admin = await as_role("admin")
    me = org.users["admin"]
    response = await admin.post(
        f"/admin/people/{me.id}",
        {"name": me.name, "email": me.email, "roles": ["staff"], "active": "on"},
    )
    assert response.status_code == 422
    assert "your own admin role" in html(response).select_one("#roles-error").get_text()


async def test_email_must_be_unique(as_role, org):
    admin = await as_role("admin")
    response = await admin.post(
        "/admin/people/new",
        {"name": "Copy", "email": org.users["driver"].email, "roles": "driver", "active": "on"},
    )
    assert response.status_code == 422
    assert (
        html(response).select_one("#email-error").get_text() == "Someone already uses this email."
    )


async def test_schools_from_another_organisation_are_refused(as_role, other_org):
    admin = await as_role("admin")
    response = await admin.post(
        "/admin/people/new",
        {
            "name": "X",
            "email": "x-school@example.org",
            "roles": "staff",
            "schools": str(other_org.school.id),
        },
    )
    assert response.status_code == 422
    assert html(response).select_one("#schools-error")


async def test_create_school_and_site_with_coordinates(as_role, org):
    admin = await as_role("admin")
    assert (await admin.post("/admin/schools/new", {"name": "Jefferson High"})).status_code == 303
    school = await School.get(name="Jefferson High", organisation_id=org.organisation.id)
    response = await admin.post(
        "/admin/sites/new",
        {
            "name": "Jefferson stadium",
            "kind": "venue",
            "school": str(school.id),
            "latitude": "38.601",
            "longitude": "-121.44",
        },
    )
    assert response.status_code == 303
    site = await Site.get(name="Jefferson stadium")
    assert (site.latitude, site.longitude, site.school_id) == (38.601, -121.44, school.id)
    far = {"name": "North depot", "kind": "depot", "school": "", "latitude": "0", "longitude": "0"}
    warned = await admin.post("/admin/sites/new", far)  # far from every other site: asked first
    assert warned.status_code == 422 and not await Site.filter(name="North depot").exists()
    depot = await admin.post("/admin/sites/new", {**far, "far_ok": "yes"})
    assert depot.status_code == 303
    assert (await Site.get(name="North depot")).school_id is None


async def test_a_site_far_from_the_districts_others_is_questioned(as_role, org):
    admin = await as_role("admin")
    slip = {
        "name": "Roosevelt annex",
        "kind": "campus",
        "latitude": "38.5641",
        "longitude": "121.471",
    }
    warned = html(await admin.post("/admin/sites/new", slip))  # +121: China, for a -121 district
    message = warned.select_one("#longitude-error").get_text()
    assert "km from the district's nearest other site" in message and "minus sign" in message
    assert warned.select_one('input[name="far_ok"]') is not None
    assert not await Site.filter(name="Roosevelt annex").exists()
    fixed = await admin.post("/admin/sites/new", {**slip, "longitude": "-121.471"})
    assert fixed.status_code == 303  # 1 km from the campus: no question


BAD_SITES = [
    ({"latitude": "90.5"}, "latitude", "Must be 90 or less."),
    ({"latitude": "-91"}, "latitude", "Must be -90 or more."),
    ({"longitude": "180.01"}, "longitude", "Must be 180 or less."),
    ({"longitude": "east"}, "longitude", "Enter a number."),
    ({"latitude": "nan"}, "latitude", "Enter a number."),
    ({"latitude": "inf"}, "latitude", "Enter a number."),
    ({"latitude": ""}, "latitude", "Enter a number."),
    ({"name": ""}, "name", "Please fill this in."),
    ({"name": "   "}, "name", "Please fill this in."),
    ({"name": "x" * 201}, "name", "Keep this under 200 characters."),
    ({"name": "x" * 100_000}, "name", "Keep this under 200 characters."),
    ({"name": "Null\x00byte"}, "name", "Remove the hidden control characters from this text."),
    ({"kind": "castle"}, "kind", "Choose one of the options."),
    ({"school": "abc"}, "school", "Enter a number."),
    ({"school": "99999"}, "school", "Choose a school from the list."),
]


@pytest.mark.parametrize(("change", "field", "message"), BAD_SITES)
async def test_bad_site_input_gets_a_clear_422(change, field, message, as_role):
    admin = await as_role("admin")
    form = {"name": "Field", "kind": "campus", "latitude": "38.5", "longitude": "-121.4", **change}
    before = await Site.all().count()
    response = await admin.post("/admin/sites/new", form)
    assert response.status_code == 422
    assert html(response).select_one(f"#{field}-error").get_text() == message
    assert await Site.all().count() == before


async def test_odd_but_valid_unicode_is_kept(as_role):
    admin = await as_role("admin")
    name = "Escuela Niño 🚌 ١٢ שלום"
    assert (await admin.post("/admin/schools/new", {"name": name})).status_code == 303
    assert await School.filter(name=name).exists()
    page = html(await admin.get("/admin/places"))
    assert name in [a.get_text() for a in page.select(".card a")]


async def test_unexpected_fields_and_wrong_types(as_role, org):
    admin = await as_role("admin")
    extra = await admin.post("/admin/schools/new", {"name": "Ok", "is_admin": "1"})
    assert extra.status_code == 422
    bad_role = await admin.post(
        "/admin/people/new", {"name": "Y", "email": "y@example.org", "roles": "superuser"}
    )
    assert bad_role.status_code == 422
    assert html(bad_role).select_one("#roles-error").get_text() == "Choose one of the options."
    bad_email = await admin.post(
        "/admin/people/new", {"name": "Y", "email": "not an email", "roles": "staff"}
    )
    assert html(bad_email).select_one("#email-error")


async def test_a_huge_form_is_refused_before_parsing(as_role):
    admin = await as_role("admin")
    response = await admin.http.post(
        "/admin/schools/new",
        content=b"name=" + b"x" * 2_000_000,
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    assert response.status_code == 413


async def test_people_search_is_a_page_or_an_htmx_fragment(as_role, org):
    admin = await as_role("admin")
    driver = org.users["driver"]
    page = await admin.get("/admin/people", params={"q": "driver"})
    assert html(page).select_one("h1").get_text() == "People"
    fragment = await admin.get(
        "/admin/people", params={"q": "DRIVER"}, headers={"HX-Request": "true"}
    )
    assert fragment.headers["vary"].lower().count("hx-request") == 1
    parsed = html(fragment)
    assert parsed.select_one("h1") is None and parsed.select_one("#people-list")
    assert [a.get_text() for a in parsed.select("#people-list h2 a")] == [driver.name]
    restore = await admin.get(
        "/admin/people", headers={"HX-Request": "true", "HX-History-Restore-Request": "true"}
    )
    assert html(restore).select_one("h1")
    nobody = html(
        await admin.get("/admin/people", params={"q": "zzzz"}, headers={"HX-Request": "true"})
    )
    assert (
        nobody.select_one("#people-list li").get_text(strip=True) == "Nobody matches that search."
    )
