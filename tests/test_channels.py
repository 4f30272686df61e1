"""Email and SMS beside push (issue 21), against an SMTP server and an SMS gateway on 127.0.0.1:
who gets what, escalation at its time (the clock given, not slept), retries with the provider's
answer kept, one channel's outage holding no other, the daily SMS cap, and two workers on one
database sending nothing twice."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from xml.etree import ElementTree

import pytest

from server.alerts.audience import Audience
from server.alerts.models import AlertRecipient
from server.alerts.service import raise_alert
from server.channels.escalation import escalate_due
from server.channels.models import Channel, Escalation, Message
from server.incidents.models import IncidentLink, IncidentSchool, LinkKind
from server.push.models import Delivery
from server.push.worker import DeliveryWorker
from tests.conftest import PUBLIC
from tests.helpers import html, sender, subscribe


def mails(mail, person, alert):
    """What reached this person about this alert (an org's own first alert escalates too)."""
    return [m for m in mail.to(person.verified_email) if str(alert.id) in m.get_content()]


def texts(gateway, person, alert):
    return [m.body for m in gateway.to(person.verified_phone) if str(alert.id) in m.body]


async def send_all(on, *alerts):
    for channel in Channel:
        async with sender(channel, on) as running:
            await running.run_until_idle([alert.id for alert in alerts])


async def verify(user, n):
    user.verified_phone = f"+1555010{n:04d}"[-12:]
    user.verified_email = f"verified-{n}-{user.id}@example.org"
    await user.save()
    return user


async def emergency(org, at=None, notify=("staff", "driver", "office"), **kwargs):
    return await raise_alert(
        organisation_id=org.organisation.id,
        raised_by_id=org.users["admin"].id,
        kind=kwargs.pop("kind", "lockdown"),
        audience=Audience(list(notify)),
        raised_at=at or datetime.now(UTC),
        **kwargs,
    )


async def test_an_emergency_reaches_each_person_on_the_right_channels_and_escalates_once(
    as_role, org, service, worker, on, mail, gateway
):
    staff, driver, office = (org.users[r] for r in ("staff", "driver", "office"))
    for n, person in enumerate((staff, driver, office)):
        await verify(person, n)
    working, expired = service.device(), service.device()
    await subscribe(await as_role("staff"), working)  # push works
    await subscribe(await as_role("office"), expired)  # push answers 410
    service.forget(expired)
    # the driver has no phone with push at all
    now = datetime.now(UTC)
    sent = await emergency(org, at=now)

    # At once: SMS to the driver (no push), written with the alert; none to the others yet.
    first = await Message.filter(alert_id=sent.id).values_list("user_id", "channel", "why")
    assert first == [(driver.id, "sms", "no-push")]
    await worker.run_until_idle([sent.id])  # the office's push comes back 410
    assert len(service.payloads(working)) == 1
    await send_all(on, sent)
    # One segment: the instructions don't fit beside the link, so the title, answer and link.
    assert texts(gateway, driver, sent) == [
        f"Lockdown. Reply 1 safe, 2 need help. {PUBLIC}/alerts/{sent.id}"
    ]
    assert len(texts(gateway, office, sent)) == 1  # SMS once push failed for good
    assert texts(gateway, staff, sent) == []
    assert gateway.sent[0].sender == "+15550100"
    rows = {m.user_id: m for m in await Message.filter(alert_id=sent.id, channel="sms")}
    assert rows[driver.id].status == "sent" and rows[driver.id].response_code == 201
    assert rows[driver.id].provider_id.startswith("SM")

    # The staff member answers; the others don't. Nothing before its time, once at its time.
    await AlertRecipient.filter(alert_id=sent.id, user_id=staff.id).update(
        response="safe", responded_at=now, first_responded_at=now
    )
    # (escalate_due runs over every district's alerts: count this alert's rows)
    await escalate_due(now + timedelta(seconds=119))
    assert await Message.filter(alert_id=sent.id).count() == 2
    await escalate_due(now + timedelta(seconds=120))
    assert await Message.filter(alert_id=sent.id).count() == 4  # an email each (SMS had gone)
    await escalate_due(now + timedelta(seconds=600))
    assert await Message.filter(alert_id=sent.id).count() == 4
    await send_all(on, sent)
    # (the servers may also take other tests' leftovers: read by address)
    assert len(mails(mail, office, sent)) == 1
    [to_driver] = mails(mail, driver, sent)
    assert to_driver["Subject"] == "Lockdown"
    assert to_driver["From"] == "Muster <alerts@district.example>"
    assert f"{PUBLIC}/alerts/{sent.id}" in to_driver.get_content()
    assert "Lock the door" in to_driver.get_content()
    assert mails(mail, staff, sent) == []
    for person in (staff, driver, office):  # no second SMS to anyone
        assert len(texts(gateway, person, sent)) == (person != staff)
    escalation = await Escalation.get(alert_id=sent.id)
    assert escalation.people == 3  # the driver, the office and the spare (no address)


async def test_two_processes_taking_the_same_step_at_once_send_it_once_and_not_the_next(
    as_role, org, service, worker
):
    """Every web process runs the watch: two passes that both found the SMS step due take it
    once between them, and the one that lost doesn't take the email step early."""
    staff = await verify(org.users["staff"], 62)
    await subscribe(await as_role("staff"), service.device())
    org.organisation.escalate_seconds = 60
    await org.organisation.save()
    now = datetime.now(UTC)
    sent = await emergency(org, at=now, notify=["staff"])
    await worker.run_until_idle([sent.id])
    step = timedelta(seconds=60)
    await asyncio.gather(*(escalate_due(now + step) for _ in range(3)))
    assert await Message.filter(alert_id=sent.id, user_id=staff.id).values_list(
        "channel", flat=True
    ) == ["sms"]
    escalation = await Escalation.get(alert_id=sent.id)
    assert escalation.steps == 1 and escalation.done_at is None
    await asyncio.gather(*(escalate_due(now + 2 * step) for _ in range(3)))
    assert sorted(
        await Message.filter(alert_id=sent.id, user_id=staff.id).values_list("channel", flat=True)
    ) == ["email", "sms"]


async def test_escalation_goes_by_sms_then_by_email_a_step_later_each_once(
    as_role, org, service, worker, on, mail, gateway
):
    """SMS at the escalation time, email only if still unanswered a step later (the district's
    escalate_seconds again); each step taken once, however often the watch runs."""
    staff = await verify(org.users["staff"], 60)
    driver = await verify(org.users["driver"], 61)
    for role in ("staff", "driver"):  # both have a phone whose push works
        await subscribe(await as_role(role), service.device())
    org.organisation.escalate_seconds = 60
    await org.organisation.save()
    now = datetime.now(UTC)
    sent = await emergency(org, at=now, notify=["staff", "driver"])
    await worker.run_until_idle([sent.id])
    assert not await Message.filter(alert_id=sent.id).exists()  # push reached them both

    async def written():
        return sorted(
            await Message.filter(alert_id=sent.id, user_id__in=[staff.id, driver.id]).values_list(
                "user_id", "channel"
            )
        )

    step = timedelta(seconds=60)
    await escalate_due(now + step - timedelta(seconds=1))
    assert await written() == []
    await escalate_due(now + step)
    assert await written() == sorted([(staff.id, "sms"), (driver.id, "sms")])  # SMS, no email
    await escalate_due(now + step)
    await escalate_due(now + 2 * step - timedelta(seconds=1))
    assert len(await written()) == 2
    await send_all(on, sent)
    # The staff member answers after the SMS; the driver still doesn't.
    await AlertRecipient.filter(alert_id=sent.id, user_id=staff.id).update(
        response="safe", responded_at=now + step, first_responded_at=now + step
    )
    await escalate_due(now + 2 * step)
    assert await written() == sorted([(staff.id, "sms"), (driver.id, "sms"), (driver.id, "email")])
    await escalate_due(now + 10 * step)
    assert len(await written()) == 3
    escalation = await Escalation.get(alert_id=sent.id)
    assert escalation.steps == 2 and escalation.done_at is not None
    await send_all(on, sent)
    assert len(texts(gateway, staff, sent)) == 1 and len(texts(gateway, driver, sent)) == 1
    assert mails(mail, staff, sent) == [] and len(mails(mail, driver, sent)) == 1


async def test_an_escalated_person_with_push_gets_sms_then_email(org, worker, on, mail, gateway):
    office = await verify(org.users["office"], 7)
    now = datetime.now(UTC)
    sent = await emergency(org, at=now, notify=["office"])
    # the office has no push either: SMS at once; at escalation the email only
    await escalate_due(now + timedelta(minutes=2))
    await send_all(on, sent)
    kinds = await Message.filter(alert_id=sent.id).order_by("id").values_list("channel", "why")
    assert kinds == [("sms", "no-push"), ("email", "escalation")]
    assert len(texts(gateway, office, sent)) == 1 and len(mails(mail, office, sent)) == 1


async def test_an_answer_before_the_escalation_goes_out_skips_it(org, on, gateway, mail):
    driver = await verify(org.users["driver"], 3)
    now = datetime.now(UTC)
    sent = await emergency(org, at=now, notify=["driver"], drill=True)  # a drill: no SMS
    await escalate_due(now + timedelta(minutes=2))
    assert await Message.filter(alert_id=sent.id).count() == 1  # the email, written
    await AlertRecipient.filter(alert_id=sent.id, user_id=driver.id).update(
        response="safe", responded_at=now, first_responded_at=now
    )
    await send_all(on, sent)
    assert mails(mail, driver, sent) == [] and texts(gateway, driver, sent) == []
    [row] = await Message.filter(alert_id=sent.id)
    assert (row.channel, row.status) == ("email", "skipped")


async def test_an_answer_before_a_send_again_goes_out_skips_it(as_role, org, worker, on, gateway):
    driver = await verify(org.users["driver"], 4)  # no push: "Send again" texts them
    warning = await emergency(org, notify=["driver"], kind="secure")
    await worker.run_until_idle([warning.id])
    admin = await as_role("admin")
    assert (await admin.post(f"/admin/alerts/{warning.id}/resend", {})).status_code == 303
    assert await Message.filter(alert_id=warning.id, why="resend").count() == 1
    now = datetime.now(UTC)
    await AlertRecipient.filter(alert_id=warning.id, user_id=driver.id).update(
        response="safe", responded_at=now, first_responded_at=now
    )
    await send_all(on, warning)
    assert texts(gateway, driver, warning) == []
    [row] = await Message.filter(alert_id=warning.id)
    assert (row.channel, row.status) == ("sms", "skipped")


async def test_information_never_and_drills_only_when_asked_go_by_sms(org, on, gateway):
    driver = await verify(org.users["driver"], 4)
    info = await emergency(org, notify=["driver"], kind="all-clear")
    drill = await emergency(org, notify=["driver"], drill=True)
    asked = await emergency(org, notify=["driver"], drill=True, drill_sms=True)
    warning = await emergency(org, notify=["driver"], kind="secure")
    for alert in (info, drill, warning):
        assert not await Message.filter(alert_id=alert.id).exists(), alert.kind
    assert await Message.filter(alert_id=asked.id, channel="sms").count() == 1
    await send_all(on, asked)
    [text] = texts(gateway, driver, asked)
    assert text.startswith("DRILL: Lockdown.")
    assert not await Escalation.filter(alert_id=info.id).exists()


async def test_a_district_may_send_emergencies_by_sms_to_everyone(as_role, org, service, on):
    staff = await verify(org.users["staff"], 5)
    await subscribe(await as_role("staff"), service.device())
    org.organisation.sms_to_all = True
    await org.organisation.save()
    sent = await emergency(org, notify=["staff"])
    assert await Message.filter(alert_id=sent.id).values_list("user_id", "why") == [
        (staff.id, "everyone")
    ]


async def test_the_gateway_refusing_for_now_is_retried_and_its_answer_kept(org, on, gateway):
    driver = await verify(org.users["driver"], 6)
    gateway.answer_first(driver.verified_phone, 429, 500)
    sent = await emergency(org, notify=["driver"])
    async with sender(Channel.SMS, on) as running:
        await running.run_until_idle([sent.id])
    assert len(texts(gateway, driver, sent)) == 1
    row = await Message.get(alert_id=sent.id)
    assert (row.status, row.attempts, row.response_code, row.error) == ("sent", 3, 201, "")


async def test_a_gateway_refusal_fails_the_sms_for_good_with_its_words(org, on, gateway):
    driver = await verify(org.users["driver"], 8)
    gateway.answer_first(driver.verified_phone, 400)
    sent = await emergency(org, notify=["driver"])
    async with sender(Channel.SMS, on) as running:
        await running.run_until_idle([sent.id])
    row = await Message.get(alert_id=sent.id)
    assert (row.status, row.attempts, row.response_code) == ("failed", 1, 400)
    assert "try later" in row.error


async def test_a_hung_gateway_holds_back_neither_email_nor_push(
    as_role, org, service, worker, on, mail, gateway
):
    driver = await verify(org.users["driver"], 9)
    phone = service.device()
    await subscribe(await as_role("staff"), phone)
    now = datetime.now(UTC)
    sent = await emergency(org, at=now, notify=["driver", "staff"])
    await escalate_due(now + timedelta(minutes=2))  # the driver's email is due too
    gateway.held.clear()  # the gateway takes requests and never answers
    sms = sender(Channel.SMS, on)
    await sms.start()
    try:
        async with sender(Channel.EMAIL, on) as email:
            await email.run_until_idle([sent.id])
        await worker.run_until_idle([sent.id])
        assert len(mails(mail, driver, sent)) == 1
        assert len(service.payloads(phone)) == 1
        sms_row = await Message.get(alert_id=sent.id, channel="sms")
        assert sms_row.status in ("pending", "sending")
        assert texts(gateway, driver, sent) == []
    finally:
        gateway.held.set()
        await sms.stop()
        # Stopped mid-send, its claim would hold the row for the lease: later tests wait on none.
        await Message.filter(alert_id=sent.id, channel="sms").update(
            status="cancelled", claim=None, claimed_until=None
        )


async def test_the_daily_sms_cap_stops_sms_past_it(org, on, gateway):
    people = [
        await verify(org.users[role], 20 + n)
        for n, role in enumerate(("staff", "driver", "office"))
    ]
    org.organisation.sms_daily_cap = 2
    await org.organisation.save()
    sent = await emergency(org)
    await send_all(on, sent)
    assert sum(len(texts(gateway, p, sent)) for p in people) == 2
    statuses = sorted(await Message.filter(alert_id=sent.id).values_list("status", flat=True))
    assert statuses == ["failed", "sent", "sent"]
    assert await Message.filter(alert_id=sent.id, error__contains="daily SMS cap").count() == 1


async def staff_with_phones(org, count: int, tag: str, prefix: str, email: bool = False):
    """``count`` staff of the org with a verified number (``prefix`` and the org's id), and a
    verified email when ``email``."""
    from server.models import User

    people = []
    for n in range(count):
        address = f"{tag}-{n}-{org.organisation.id}@example.org"
        people.append(
            await User.create(
                organisation=org.organisation,
                name=f"{tag.title()} {n}",
                email=address,
                password_hash="x",
                roles=["staff"],
                verified_phone=f"{prefix}{org.organisation.id % 1000:03d}{n:04d}",
                verified_email=address if email else "",
            )
        )
    return people


async def test_two_workers_hold_the_daily_sms_cap_exactly(as_role, org, on, gateway):
    """Both claim a batch before either sends: each must see the places the other took."""
    cap = 4
    numbers = {p.verified_phone for p in await staff_with_phones(org, 10, "bus", "+1556")}
    org.organisation.sms_daily_cap = cap
    await org.organisation.save()
    sent = await emergency(org, notify=["staff"])
    assert await Message.filter(alert_id=sent.id, channel="sms").count() == 10
    async with sender(Channel.SMS, on, batch=cap) as first, sender(Channel.SMS, on) as second:
        second.batch = cap
        claims = [await first.claim(), await second.claim()]
        assert all(claims)
        await asyncio.gather(first.send_claimed(claims[0]), second.send_claimed(claims[1]))
        await asyncio.gather(first.run_until_idle([sent.id]), second.run_until_idle([sent.id]))
    assert len([m for m in gateway.sent if m.to in numbers]) == cap
    rows = await Message.filter(alert_id=sent.id).values_list("status", "error", "sent_at")
    assert sorted(status for status, _, _ in rows) == ["failed"] * 6 + ["sent"] * cap
    held = [(error, at) for status, error, at in rows if status == "failed"]
    assert all(error == "over the district's daily SMS cap" and at is None for error, at in held)
    page = html(await (await as_role("admin")).get("/admin/messages"))
    assert page.select_one("#sms-used").text == f"SMS sent today: {cap} of {cap}."
    assert f"Today's SMS limit is reached ({cap} of {cap})" in page.select_one("#sms-cap").text


async def test_an_undone_alert_sends_no_sms(org, on, gateway):
    driver = await verify(org.users["driver"], 30)
    now = datetime.now(UTC)
    sent = await emergency(org, at=now, notify=["driver"], undo_seconds=5)
    sent.cancelled_at = now
    await sent.save()
    await Message.filter(alert_id=sent.id).update(due_at=now)
    await send_all(on, sent)
    assert texts(gateway, driver, sent) == []
    assert await Message.filter(alert_id=sent.id).values_list("status", flat=True) == ["cancelled"]


async def test_two_workers_send_each_message_once(org, on, gateway, mail, settings):
    """Two delivery workers on one database (on PostgreSQL: FOR UPDATE SKIP LOCKED)."""
    people = await staff_with_phones(org, 40, "sub", "+1555", email=True)
    now = datetime.now(UTC)
    sent = await emergency(org, at=now, notify=["staff"])
    await escalate_due(now + timedelta(minutes=2))
    async with DeliveryWorker(on) as first, DeliveryWorker(on) as second:
        senders = first.channels + second.channels  # the delivery worker's own
        assert sorted(s.channel for s in senders) == ["email", "email", "sms", "sms"]
        for running in senders:
            running.batch, running.retry_base = 5, 0.01
        await asyncio.gather(*(running.run_until_idle([sent.id]) for running in senders))
        assert all(running.sent > 0 for running in senders), [r.sent for r in senders]
    ours = {p.verified_phone for p in people}
    numbers = [m.to for m in gateway.sent if m.to in ours]
    assert sorted(numbers) == sorted(ours)  # each once
    mine = {p.verified_email for p in people}
    addresses = [e[0] for e in mail.envelopes if e[0] in mine]
    assert sorted(addresses) == sorted(mine)
    assert not await Message.filter(alert_id=sent.id).exclude(status="sent").exists()
    assert await Delivery.filter(alert_id=sent.id).count() == 0


@pytest.fixture
def sms_app(app, on):
    """The app itself with SMS on (its gateway the local one), as the inbound webhook reads."""
    kept = app.state.settings
    app.state.settings = on
    yield app
    app.state.settings = kept


async def test_an_sms_reply_2_shows_as_need_help_and_a_bad_signature_changes_nothing(
    as_role, org, on, gateway, sms_app, make_client
):
    driver = await verify(org.users["driver"], 40)
    sent = await emergency(org, notify=["driver", "office"])
    await send_all(on, sent)
    assert len(texts(gateway, driver, sent)) == 1
    url = f"{PUBLIC}/api/sms/inbound"
    gateway_client = make_client()  # no session, no CSRF token: the gateway's own post

    headers, form = gateway.signed(url, driver.verified_phone, "2", valid=False)
    refused = await gateway_client.http.post("/api/sms/inbound", data=form, headers=headers)
    assert refused.status_code == 403
    mine = await AlertRecipient.get(alert_id=sent.id, user_id=driver.id)
    assert mine.response is None
    unsigned = await gateway_client.http.post("/api/sms/inbound", data=form)
    assert unsigned.status_code == 403

    assert not await IncidentLink.exists(kind=LinkKind.ALERT, record_id=str(sent.id))
    headers, form = gateway.signed(url, driver.verified_phone, " 2 ", valid=True)
    taken = await gateway_client.http.post("/api/sms/inbound", data=form, headers=headers)
    assert taken.status_code == 200 and taken.headers["content-type"].startswith("text/xml")
    assert ElementTree.fromstring(taken.text).findtext("Message") == (
        "Recorded: you need help. The safety team sees it now."
    )
    mine = await AlertRecipient.get(alert_id=sent.id, user_id=driver.id)
    assert mine.response == "help" and mine.first_responded_at is not None
    # As "Need help" in the app: the alert (for no school, so it opened nothing itself) joins
    # or opens the incident of the driver's school, the answer in its timeline.
    [link] = await IncidentLink.filter(kind=LinkKind.ALERT, record_id=str(sent.id))
    schools = await IncidentSchool.filter(incident_id=link.incident_id).values_list(
        "school_id", flat=True
    )
    assert schools == [org.school.id]

    page = html(await (await as_role("admin")).get(f"/admin/alerts/{sent.id}"))
    [helped] = page.select("#need-help li")
    assert driver.name in helped.text
    assert helped.select_one("[data-person-channels]").text == "SMS: sent"
    office = page.select_one("#not-answered li")
    assert org.users["office"].name in office.text
    assert office.select_one("[data-person-channels]") is None  # nothing reaches them
    assert org.users["office"].name in page.select_one("#no-phone").text


async def test_a_reply_that_is_neither_1_nor_2_is_told_how_to_answer(
    org, on, gateway, sms_app, make_client
):
    driver = await verify(org.users["driver"], 41)
    driver.locale = "es"
    await driver.save()
    sent = await emergency(org, notify=["driver"])
    await send_all(on, sent)
    [text] = texts(gateway, driver, sent)
    assert text.startswith("Cierre de emergencia (Lockdown).")  # in their language
    headers, form = gateway.signed(f"{PUBLIC}/api/sms/inbound", driver.verified_phone, "ok")
    said = await make_client().http.post("/api/sms/inbound", data=form, headers=headers)
    assert (
        ElementTree.fromstring(said.text).findtext("Message")
        == "Responda 1 si está a salvo, 2 si necesita ayuda."
    )
    assert (await AlertRecipient.get(alert_id=sent.id, user_id=driver.id)).response is None


async def test_the_live_page_shows_every_channel_tried_for_each_person(
    as_role, org, service, worker, on, gateway, mail
):
    office = await verify(org.users["office"], 42)
    phone = service.device()
    await subscribe(await as_role("office"), phone)
    service.forget(phone)  # its push comes back 410: SMS at once
    now = datetime.now(UTC)
    sent = await emergency(org, at=now, notify=["office"])
    await worker.run_until_idle([sent.id])
    await escalate_due(now + timedelta(minutes=2))
    await send_all(on, sent)
    page = html(await (await as_role("admin")).get(f"/admin/alerts/{sent.id}"))
    [card] = page.select("#not-answered li")
    assert office.name in card.text
    said = card.select_one("[data-person-channels]").text
    assert said == "Push: failed · SMS: sent · Email: sent"
    assert page.select_one("#no-phone") is None


async def test_send_again_reaches_those_push_cannot_by_sms_then_email_as_the_rules_allow(
    as_role, org, service, worker, on, mail, gateway
):
    """ "Send again" pushes again to those who have not answered, and sends each of them with no
    phone that takes alerts the next of SMS, email they have had nothing on: SMS only where the
    rules allow it (never for information, for a drill only when it asked), the cap held by the
    sender."""
    staff = await verify(org.users["staff"], 70)  # push works: pushed again, no SMS
    driver = await verify(org.users["driver"], 71)  # no push at all
    await subscribe(await as_role("staff"), service.device())
    org.organisation.sms_daily_cap = 1
    await org.organisation.save()
    admin = await as_role("admin")
    # A warning: no SMS at once (not an emergency), nothing escalates.
    warning = await emergency(org, notify=["staff", "driver"], kind="secure")
    info = await emergency(org, notify=["staff", "driver"], kind="all-clear")
    drill = await emergency(org, notify=["staff", "driver"], drill=True)
    for alert in (warning, info, drill):
        assert not await Message.filter(alert_id=alert.id).exists()
    await worker.run_until_idle([warning.id, info.id, drill.id])

    async def resend(alert):
        assert (await admin.post(f"/admin/alerts/{alert.id}/resend", {})).status_code == 303
        page = html(await admin.get(f"/admin/alerts/{alert.id}"))
        return page.select_one(".flash").text

    said = await resend(warning)
    assert said == (  # the spare staff member has no address: nothing reaches them
        "Sent again: 1 of the 3 people who have not answered have a phone with alerts on (1 in"
        " all); of the 2 who have none, 1 were sent an SMS or email. Tell the others another way."
    )
    assert await Message.filter(alert_id=warning.id).values_list("user_id", "channel", "why") == [
        (driver.id, "sms", "resend")
    ]
    await resend(warning)  # again: the email, the SMS having gone
    await resend(warning)  # and again: nothing left that is not sent already
    rows = (
        await Message.filter(alert_id=warning.id).order_by("id").values_list("channel", flat=True)
    )
    assert rows == ["sms", "email"]
    await resend(info)  # information never by SMS: the email
    await resend(drill)  # a drill that didn't ask for SMS: the email
    for alert in (info, drill):
        assert await Message.filter(alert_id=alert.id).values_list("user_id", "channel") == [
            (driver.id, "email")
        ]
    asked = await emergency(org, notify=["driver"], drill=True, drill_sms=True)  # SMS at once
    await send_all(on, warning, info, drill, asked)
    assert len(texts(gateway, driver, warning)) == 1 and len(mails(mail, driver, warning)) == 1
    assert len(mails(mail, driver, info)) == 1 and texts(gateway, driver, info) == []
    # The day's one SMS went with the warning: the drill's, asked for, is refused by the cap.
    assert texts(gateway, driver, asked) == []
    capped = await Message.get(alert_id=asked.id)
    assert capped.status == "failed" and "daily SMS cap" in capped.error
    assert texts(gateway, staff, warning) == [] and mails(mail, staff, warning) == []


async def test_admins_are_warned_near_the_daily_sms_cap(as_role, org, on, gateway):
    for n, role in enumerate(("staff", "driver", "office")):
        await verify(org.users[role], 50 + n)
    org.organisation.sms_daily_cap = 3
    await org.organisation.save()
    sent = await emergency(org)
    page = html(await (await as_role("admin")).get(f"/admin/alerts/{sent.id}"))
    assert page.select_one("#sms-cap") is None
    await send_all(on, sent)
    page = html(await (await as_role("admin")).get(f"/admin/alerts/{sent.id}"))
    assert "Today's SMS limit is reached (3 of 3)" in page.select_one("#sms-cap").text
