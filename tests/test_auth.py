"""Sign-in, sign-out, throttling, CSRF and sessions."""

from __future__ import annotations

import dataclasses

import httpx

from server import throttle
from server.app import create_app
from tests.conftest import PASSWORD
from tests.helpers import html


async def test_sign_in_then_out(client, org):
    response = await client.sign_in(org.users["driver"])
    assert response.status_code == 303 and response.headers["location"] == "/"
    assert (await client.get("/")).status_code == 200
    cookie = response.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=lax" in cookie and "secure" not in cookie
    response = await client.post("/sign-out")
    assert response.status_code == 303
    assert (await client.get("/")).status_code == 303


async def test_wrong_password_is_refused_with_a_clear_message(client, org):
    response = await client.post("/sign-in", {"email": org.users["staff"].email, "password": "no"})
    assert response.status_code == 400
    assert html(response).select_one("[role=alert]").get_text() == (
        "That email and password don't match."
    )
    assert (await client.get("/")).status_code == 303


async def test_unknown_email_gets_the_same_answer(client):
    response = await client.post("/sign-in", {"email": "nobody@example.org", "password": "x"})
    assert response.status_code == 400
    assert "don't match" in html(response).select_one("[role=alert]").get_text()


async def test_deactivated_person_cannot_sign_in(client, org):
    user = org.users["staff"]
    user.active = False
    await user.save()
    response = await client.post("/sign-in", {"email": user.email, "password": PASSWORD})
    assert response.status_code == 400


async def test_email_is_case_insensitive(client, org):
    user = org.users["office"]
    response = await client.post("/sign-in", {"email": user.email.upper(), "password": PASSWORD})
    assert response.status_code == 303


async def test_next_goes_back_but_never_off_site(client, org):
    user = org.users["admin"]
    for target, expected in [
        ("/admin/people", "/admin/people"),
        ("//evil.example", "/"),
        ("https://evil.example/", "/"),
        ("/\\evil.example", "/"),
    ]:
        response = await client.post(
            "/sign-in", {"email": user.email, "password": PASSWORD, "next": target}
        )
        assert response.headers["location"] == expected


async def test_anonymous_is_sent_to_sign_in_with_the_page_to_return_to(client):
    response = await client.get("/admin/people")
    assert response.status_code == 303
    assert response.headers["location"].endswith("/sign-in?next=%2Fadmin%2Fpeople")


async def test_account_throttle_says_how_long_to_wait(make_client, org, app):
    user = org.users["driver"]
    limit = app.state.settings.throttle_account
    for _ in range(limit):
        response = await make_client().post("/sign-in", {"email": user.email, "password": "x"})
        assert response.status_code == 400
    # Right password, fresh address: the account is still locked for the window.
    response = await make_client().post("/sign-in", {"email": user.email, "password": PASSWORD})
    assert response.status_code == 429
    assert "Try again in 15 minutes" in html(response).select_one("[role=alert]").get_text()
    assert 800 < int(response.headers["retry-after"]) <= 900


async def test_address_throttle_spans_accounts(client, app):
    limit = app.state.settings.throttle_address
    for n in range(limit):
        response = await client.post(
            "/sign-in", {"email": f"guess{n}@example.org", "password": "x"}
        )
        assert response.status_code == 400
    response = await client.post("/sign-in", {"email": "another@example.org", "password": "x"})
    assert response.status_code == 429


async def test_a_good_sign_in_clears_the_account_count(make_client, org, app):
    user = org.users["safety"]
    for _ in range(app.state.settings.throttle_account - 1):
        await make_client().post("/sign-in", {"email": user.email, "password": "x"})
    assert (await make_client().sign_in(user)).status_code == 303
    settings = dataclasses.replace(app.state.settings)
    assert await throttle.seconds_to_wait(settings, user.email, "10.255.255.255") == 0


async def test_unsafe_requests_need_the_csrf_token(client, org):
    await client.sign_in(org.users["admin"])
    no_token = await client.post("/admin/schools/new", {"name": "Sneaky"}, csrf=False)
    assert no_token.status_code == 403
    wrong = await client.post(
        "/admin/schools/new", {"name": "Sneaky", "csrf_token": "forged"}, csrf=False
    )
    assert wrong.status_code == 403
    sign_out = await client.http.post("/sign-out")
    assert sign_out.status_code == 403
    # htmx sends the token as a header instead of a form field.
    header = await client.http.post(
        "/admin/schools/new", data={"name": "Via header"}, headers={"X-CSRF-Token": client.csrf}
    )
    assert header.status_code == 303


async def test_sign_in_form_itself_needs_the_token(client, org):
    response = await client.http.post(
        "/sign-in", data={"email": org.users["staff"].email, "password": PASSWORD}
    )
    assert response.status_code == 403


async def test_sign_out_ends_the_session_even_for_a_copy_of_its_cookie(make_client, org, app):
    phone = make_client()
    await phone.sign_in(org.users["driver"])
    copied = dict(phone.http.cookies)
    laptop = make_client()
    await laptop.sign_in(org.users["driver"])  # the same person elsewhere stays signed in
    assert (await phone.post("/sign-out")).status_code == 303
    thief = make_client()
    thief.http.cookies.update(copied)
    assert (await thief.get("/")).status_code == 303
    assert (await thief.get("/api/session")).json()["signed_in"] is False
    assert (await laptop.get("/")).status_code == 200
    # ... also in another web process: the revocation is in the shared database
    other = create_app(app.state.settings)
    transport = httpx.ASGITransport(app=other)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
        http.cookies.update(copied)
        assert (await http.get("/api/session")).json()["signed_in"] is False


async def test_password_reset_ends_the_persons_other_sessions(as_role, org):
    driver = await as_role("driver")
    admin = await as_role("admin")
    response = await admin.post(f"/admin/people/{org.users['driver'].id}/password")
    assert response.status_code == 303
    assert (await driver.get("/")).status_code == 303


async def test_session_cookie_is_secure_over_https(make_client, org):
    c = make_client()
    c.http.base_url = "https://testserver"
    response = await c.sign_in(org.users["staff"])
    assert "secure" in response.headers["set-cookie"].lower()
