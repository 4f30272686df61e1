"""Verifying a phone number and an email address with a code (issue 21): the code goes through
the delivery path to a local SMS gateway and SMTP server and is entered in the app; and the
district's settings for SMS and email."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from server.alerts.audience import Audience
from server.alerts.service import raise_alert
from server.channels.models import Channel, ContactCode, Escalation, Message
from server.models import AuditLog, Organisation, User
from tests.helpers import html, sender


async def test_a_phone_is_verified_with_the_code_sent_to_it(as_role, org, on, gateway):
    staff = await as_role("staff")
    asked = await staff.post("/account/contact/phone", {"phone": "(916) 555-0199"})
    assert asked.status_code == 303
    page = html(await staff.get("/account/contact"))
    assert "A code is on its way to +19165550199" in page.select_one(".flash").text
    row = await Message.get(user_id=org.users["staff"].id, why="code")
    assert (row.channel, row.address, row.alert_id) == ("sms", "+19165550199", None)
    async with sender(Channel.SMS, on) as running:
        await running.run_until_idle(user_ids=[org.users["staff"].id])
    [sms] = [m for m in gateway.to("+19165550199") if "Muster code" in m.body]
    code = re.search(r"\b(\d{6})\b", sms.body).group(1)
    assert (await Message.get(id=row.id)).body == ""  # the code is not kept once sent

    wrong = "000000" if code != "000000" else "111111"
    refused = await staff.post("/account/contact/code", {"channel": "sms", "code": wrong})
    assert refused.status_code == 422
    assert "That code is not right." in html(refused).select_one("#code-error").text
    taken = await staff.post("/account/contact/code", {"channel": "sms", "code": f" {code} "})
    assert taken.status_code == 303
    person = await User.get(id=org.users["staff"].id)
    assert person.verified_phone == "+19165550199"
    page = html(await staff.get("/account/contact"))
    assert page.select_one("#verified-phone").text == "Verified: +19165550199"
    assert not await ContactCode.filter(user_id=person.id).exists()


async def test_an_email_is_verified_and_a_code_allows_five_wrong_tries(as_role, org, on, mail):
    driver = await as_role("driver")
    address = f"driver-home-{org.organisation.id}@example.org"
    await driver.post("/account/contact/email", {"email": address})
    async with sender(Channel.EMAIL, on) as running:
        await running.run_until_idle(user_ids=[org.users["driver"].id])
    [message] = mail.to(address)
    assert message["Subject"] == "Your Muster code"
    code = re.search(r"\b(\d{6})\b", message.get_content()).group(1)
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(5):
        await driver.post("/account/contact/code", {"channel": "email", "code": wrong})
    late = await driver.post("/account/contact/code", {"channel": "email", "code": code})
    assert "That code has expired. Ask for a new one." in html(late).select_one("#code-error").text
    assert (await User.get(id=org.users["driver"].id)).verified_email == ""


async def test_a_number_that_is_not_one_is_refused(as_role):
    staff = await as_role("staff")
    refused = await staff.post("/account/contact/phone", {"phone": "555-01"})
    assert refused.status_code == 422
    assert html(refused).select_one("#phone-error") is not None


async def test_a_code_asked_for_too_often_is_refused(as_role, org):
    office = await as_role("office")
    for n in range(5):
        await office.post("/account/contact/phone", {"phone": f"916555{n:04d}"})
    await office.post("/account/contact/phone", {"phone": "9165550999"})
    page = html(await office.get("/account/contact"))
    assert "Too many codes this hour" in page.select_one(".flash").text
    codes = await Message.filter(user_id=org.users["office"].id, why="code").count()
    assert codes == 5


async def test_the_district_sets_sms_to_all_the_cap_and_the_escalation_time(as_role, org):
    admin = await as_role("admin")
    saved = await admin.post(
        "/admin/messages", {"sms_to_all": "on", "sms_daily_cap": "50", "escalate_minutes": "5"}
    )
    assert saved.status_code == 303
    district = await Organisation.get(id=org.organisation.id)
    assert (district.sms_to_all, district.sms_daily_cap, district.escalate_seconds) == (
        True,
        50,
        300,
    )
    page = html(await admin.get("/admin/messages"))
    assert page.select_one("#sms-used").text == "SMS sent today: 0 of 50."
    now = datetime.now(UTC)
    sent = await raise_alert(
        organisation_id=org.organisation.id,
        raised_by_id=org.users["admin"].id,
        kind="lockdown",
        audience=Audience(["staff"]),
        raised_at=now,
    )
    assert (await Escalation.get(alert_id=sent.id)).due_at == now + timedelta(minutes=5)
    refused = await admin.post("/admin/messages", {"sms_daily_cap": "-1", "escalate_minutes": "0"})
    assert refused.status_code == 422


async def test_a_verified_number_is_removed_after_asking_again_and_gets_no_more_alerts(
    as_role, org, on, gateway
):
    driver = org.users["driver"]
    driver.verified_phone = f"+1916555{org.organisation.id % 10000:04d}"
    await driver.save()
    number = driver.verified_phone
    client = await as_role("driver")
    page = html(await client.get("/account/contact"))
    assert page.select_one("#remove-sms") is None
    asked = await client.post("/account/contact/remove", {"channel": "sms"})
    assert asked.status_code == 200  # the question, asked on its own: nothing removed yet
    question = html(asked).select_one("#remove-sms")
    assert question.select_one("[role=alert]").text == (
        f"Remove {number}? Alerts will no longer come to it by SMS."
    )
    assert question.select_one("input[name=confirm]")["value"] == "true"
    assert (await User.get(id=driver.id)).verified_phone == number

    # An emergency's SMS is waiting, and another already claimed by a worker, when it goes.
    waiting = await _emergency(org, ["driver"])
    claimed = await _emergency(org, ["driver"])
    await Message.filter(alert_id=waiting.id).update(due_at=datetime.now(UTC) + timedelta(hours=1))
    async with sender(Channel.SMS, on) as running:
        token = await running.claim()
        assert await Message.filter(alert_id=claimed.id, claim=token).exists()
        removed = await client.post(
            "/account/contact/remove", {"channel": "sms", "confirm": "true"}
        )
        assert removed.status_code == 303
        await running.send_claimed(token)
    assert gateway.to(number) == []
    for alert in (waiting, claimed):
        assert (await Message.get(alert_id=alert.id)).status == "cancelled"
    page = html(await client.get("/account/contact"))
    assert page.select_one(".flash").text == f"Removed {number}. Alerts no longer go to it."
    assert page.select_one("#verified-phone").text == "No number verified yet."
    assert (await User.get(id=driver.id)).verified_phone == ""
    [entry] = await AuditLog.filter(actor_id=driver.id, action="contact.removed")
    assert entry.detail == {"channel": "sms"}
    later = await _emergency(org, ["driver"])
    assert not await Message.filter(alert_id=later.id).exists()


async def test_a_verified_email_is_removed_in_spanish(as_role, org):
    office = org.users["office"]
    office.verified_email, office.locale = f"office-{org.organisation.id}@example.org", "es"
    await office.save()
    client = await as_role("office")
    asked = html(await client.post("/account/contact/remove", {"channel": "email"}))
    assert asked.select_one("#remove-email [role=alert]").text == (
        f"¿Quitar {office.verified_email}? Las alertas ya no le llegarán por correo electrónico."
    )
    await client.post("/account/contact/remove", {"channel": "email", "confirm": "true"})
    assert (await User.get(id=office.id)).verified_email == ""
    assert (await User.get(id=office.id)).verified_phone == office.verified_phone


async def _emergency(org, notify):
    return await raise_alert(
        organisation_id=org.organisation.id,
        raised_by_id=org.users["admin"].id,
        kind="lockdown",
        audience=Audience(notify),
        raised_at=datetime.now(UTC),
    )
