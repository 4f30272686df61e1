"""Push delivery against a local push service that checks what a real one checks (VAPID JWT
signature and claims, headers) and decrypts every message with the phone's own keys."""

from __future__ import annotations

import asyncio
import os
import uuid
from datetime import UTC, datetime, timedelta

import pytest

from server.alerts.audience import Audience
from server.alerts.service import raise_alert
from server.push.models import Delivery, PushSubscription
from server.push.vapid import VapidSigner
from server.push.worker import DeliveryWorker
from tests.conftest import POSTGRES_SERVER
from tests.helpers import html, subscribe
from tests.push_receiver import PushService

WHO = ("notify", "school_ids", "site_id", "trip_id", "user_ids")  # Audience's fields


async def alert(org, kind="lockdown", sender="admin", **kwargs):
    return await raise_alert(
        organisation_id=org.organisation.id,
        raised_by_id=org.users[sender].id,
        kind=kind,
        audience=Audience(**{k: kwargs.pop(k) for k in WHO if k in kwargs}),
        raised_at=datetime.now(UTC),
        **kwargs,
    )


async def test_a_phone_subscribes_and_unsubscribes(as_role, org, service):
    staff = await as_role("staff")
    phone = service.device()
    response = await subscribe(staff, phone)
    assert response.status_code == 201
    stored = await PushSubscription.get(endpoint=phone.endpoint)
    assert (stored.user_id, stored.p256dh, stored.user_agent) == (
        org.users["staff"].id,
        phone.p256dh,
        "Phone/1.0",
    )
    # The same phone, signed in as someone else, follows its new person.
    driver = await as_role("driver")
    assert (await subscribe(driver, phone)).json() == {"status": "updated"}
    assert (await PushSubscription.get(endpoint=phone.endpoint)).user_id == org.users["driver"].id
    removed = await driver.http.post(
        "/api/push/subscriptions/delete",
        json={"endpoint": phone.endpoint},
        headers={"X-CSRF-Token": driver.csrf},
    )
    assert removed.json() == {"status": "removed"}
    assert not await PushSubscription.filter(endpoint=phone.endpoint).exists()


@pytest.mark.parametrize(
    "body",
    [
        b"not json",
        b'{"endpoint": "http://push.example.com/x", "keys": {"p256dh": "a", "auth": "b"}}',
        b'{"endpoint": "https://push.example.com/x"}',
        b'{"endpoint": "https://push.example.com/x", "keys": {"p256dh": "' + b"A" * 87 + b'!"}}',
    ],
)
async def test_a_bad_subscription_is_refused_with_a_reason(as_role, body):
    staff = await as_role("staff")
    response = await staff.http.post(
        "/api/push/subscriptions",
        content=body,
        headers={"X-CSRF-Token": staff.csrf, "Content-Type": "application/json"},
    )
    assert response.status_code in (400, 422)
    assert "subscription" in response.text


async def test_an_alert_reaches_every_phone_of_its_audience_decrypted(
    as_role, org, service, worker, settings
):
    phones = {role: service.device() for role in ("staff", "driver", "office")}
    second_staff_phone = service.device()
    for role, phone in phones.items():
        assert (await subscribe(await as_role(role), phone)).status_code == 201
    assert (await subscribe(await as_role("staff"), second_staff_phone)).status_code == 201
    admin_phone = service.device()
    await subscribe(await as_role("admin"), admin_phone)  # the sender's own phone

    sent = await alert(org, notify=["staff", "office"], message="Intruder near the gym")
    assert await Delivery.filter(alert_id=sent.id).count() == 3  # written with the alert
    await worker.run_until_idle([sent.id])

    assert service.refused == []
    for phone in (phones["staff"], second_staff_phone, phones["office"]):
        [message] = service.received[phone.token]
        assert message.payload["title"] == "Lockdown"
        assert message.payload["body"] == (
            "Lock the door, lights off, everyone out of sight and silent. Open for no one."
            "\nMessage: Intruder near the gym"
            f"\nRaised by {org.users['admin'].name}"
        )
        assert message.payload["alert"] == str(sent.id)
        assert [a["action"] for a in message.payload["actions"]] == ["safe", "help"]
        assert message.payload["vibrate"] == [600, 200, 600, 200, 600]
        assert message.payload["icon"].endswith("/icons/alert-lockdown.png")
        assert message.payload["colour"] == "#b3001b"
        assert message.payload["drill"] is False and not message.payload["title"].startswith(
            "DRILL"
        )
        assert (message.urgency, message.ttl) == ("high", 4 * 3600)
        assert message.claims["sub"] == settings.vapid_contact
        assert message.claims["aud"] == service.origin  # the port included
    assert service.received[phones["staff"].token][0].payload["user"] == org.users["staff"].id
    assert service.received[phones["driver"].token] == []  # not a role it was for
    assert service.received[admin_phone.token] == []  # never to the sender
    statuses = await Delivery.filter(alert_id=sent.id).values_list("status", flat=True)
    assert statuses == ["sent"] * 3
    stored = await PushSubscription.get(endpoint=phones["office"].endpoint)
    assert stored.last_success_at is not None


async def test_a_spanish_speaker_gets_the_alert_in_spanish(as_role, org, service, worker):
    office = org.users["office"]
    office.locale = "es"
    await office.save()
    phone = service.device()
    await subscribe(await as_role("office"), phone)
    sent = await alert(org, kind="evacuate", notify=["office"], drill=True)
    await worker.run_until_idle([sent.id])
    [message] = service.payloads(phone)
    assert message["title"] == "SIMULACRO: Evacuar (Evacuate)"
    assert message["body"].startswith("Esto es un simulacro.")


async def test_a_message_in_english_comes_after_the_spanish_instructions(
    as_role, org, service, worker
):
    office = org.users["office"]
    office.locale = "es"
    await office.save()
    phone = service.device()
    await subscribe(await as_role("office"), phone)
    sent = await alert(org, kind="lockdown", notify=["office"], message="Intruder near the gym")
    await worker.run_until_idle([sent.id])
    [message] = service.payloads(phone)
    assert message["title"] == "Cierre de emergencia (Lockdown)"
    assert message["body"] == (
        "Cierre con llave, apague las luces, todos fuera de la vista y en silencio. "
        "No abra a nadie.\nMensaje: Intruder near the gym"
        f"\nEnviada por {org.users['admin'].name}"  # the facts follow
    )


@pytest.mark.parametrize(
    ("kind", "severity", "urgency", "ttl"),
    [
        ("hold", None, "high", 12 * 3600),  # a warning: kept 12 hours
        ("all-clear", None, "normal", 24 * 3600),  # information: kept a day
        ("custom", "emergency", "high", 4 * 3600),  # the composer's "How urgent" wins
    ],
)
async def test_ttl_and_urgency_follow_the_severity(
    as_role, org, service, worker, kind, severity, urgency, ttl
):
    phone = service.device()
    await subscribe(await as_role("driver"), phone)
    sent = await alert(org, kind=kind, notify=["driver"], severity=severity, title="Bus 4")
    await worker.run_until_idle([sent.id])
    [message] = service.received[phone.token]
    assert (message.urgency, message.ttl) == (urgency, ttl)
    assert message.payload["severity"] == (severity or sent.info.severity.value)


async def test_429_and_500_are_retried_until_delivered(as_role, org, service, worker):
    phone = service.device()
    await subscribe(await as_role("driver"), phone)
    service.answer_first(phone, 429, 500, 503)
    sent = await alert(org, kind="secure", notify=["driver"])
    await worker.run_until_idle([sent.id])
    assert service.attempts[phone.token] == 4
    assert len(service.payloads(phone)) == 1
    delivery = await Delivery.get(alert_id=sent.id)
    assert (delivery.status, delivery.attempts, delivery.response_code) == ("sent", 4, 201)


@pytest.mark.parametrize("status", [404, 410])
async def test_a_subscription_the_push_service_calls_gone_is_deleted(
    as_role, org, service, worker, status
):
    phone = service.device()
    await subscribe(await as_role("driver"), phone)
    if status == 410:
        service.forget(phone)  # the browser dropped it
    else:
        service.answer_first(phone, 404)
    sent = await alert(org, kind="hold", notify=["driver"])
    await worker.run_until_idle([sent.id])
    delivery = await Delivery.get(alert_id=sent.id)
    assert (delivery.status, delivery.response_code, delivery.subscription_id) == (
        "gone",
        status,
        None,
    )
    assert delivery.attempts == 1  # not retried
    assert not await PushSubscription.filter(endpoint=phone.endpoint).exists()


async def test_an_unreachable_push_service_is_retried_then_given_up(
    as_role, org, settings, service
):
    phone = service.device()
    await subscribe(await as_role("driver"), phone)
    service.stop()  # nothing listens on its port any more: connection refused
    sent = await alert(org, kind="shelter", notify=["driver"])
    async with DeliveryWorker(settings, retry_base=0.01, max_attempts=3) as worker:
        await worker.run_until_idle([sent.id])
    delivery = await Delivery.get(alert_id=sent.id)
    assert (delivery.status, delivery.attempts, delivery.response_code) == ("failed", 3, None)
    assert "ClientConnectorError" in delivery.error
    assert await PushSubscription.filter(endpoint=phone.endpoint).exists()  # not its fault
    service.start = lambda: service  # the fixture's stop() runs once more; harmless


async def test_two_workers_share_the_work_and_never_send_twice(
    as_role, org, settings, app, make_client
):
    """Two workers on one database (on PostgreSQL: two connections, FOR UPDATE SKIP LOCKED)."""
    service = PushService(vapid_public_key=app.state.vapid.public_key, delay=0.01).start()
    try:
        phones = [service.device() for _ in range(120)]
        staff = await as_role("staff")
        for phone in phones:
            await subscribe(staff, phone)
        sent = await alert(org, kind="lockdown", notify=["staff"])
        options = {"batch": 10, "concurrency": 8, "retry_base": 0.02}
        async with (
            DeliveryWorker(settings, **options) as first,
            DeliveryWorker(settings, **options) as second,
        ):
            await asyncio.gather(first.run_until_idle([sent.id]), second.run_until_idle([sent.id]))
        assert service.refused == []
        assert sorted(len(service.payloads(phone)) for phone in phones) == [1] * 120
        assert first.sent + second.sent == 120
        assert first.sent > 0 and second.sent > 0, (first.sent, second.sent)
        statuses = await Delivery.filter(alert_id=sent.id).values_list("status", flat=True)
        assert statuses == ["sent"] * 120
    finally:
        service.stop()


def test_the_vapid_token_is_signed_once_per_push_service_and_renewed_near_expiry(settings):
    signer = VapidSigner(settings.vapid_private_key, settings.vapid_contact)
    now = 1_800_000_000.0
    one = signer.authorization("https://fcm.example.com/send/abc", now)
    assert signer.authorization("https://fcm.example.com/send/def", now + 60) == one
    other = signer.authorization("https://push.example.net:8443/x", now + 60)
    assert other != one
    later = signer.authorization("https://fcm.example.com/send/abc", now + 11.5 * 3600)
    assert later != one  # under an hour left: signed afresh


async def test_a_subscription_with_unusable_keys_fails_alone(as_role, org, service, worker):
    good = service.device()
    await subscribe(await as_role("driver"), good)
    await PushSubscription.create(
        organisation_id=org.organisation.id,
        user=org.users["office"],
        endpoint=f"{service.origin}/push/not-a-browser",
        p256dh="B" * 87,  # not a point on the curve
        auth="A" * 22,
    )
    sent = await alert(org, kind="hold", notify=["driver", "office"])
    await worker.run_until_idle([sent.id])
    assert len(service.payloads(good)) == 1
    bad = await Delivery.get(alert_id=sent.id, user_id=org.users["office"].id)
    assert bad.status == "failed" and "unusable subscription keys" in bad.error


@pytest.mark.skipif(not POSTGRES_SERVER, reason="row locks: PostgreSQL only")
async def test_a_claim_skips_the_rows_another_worker_is_claiming(org, settings):
    """Deterministic: worker A's claim is held open in its own transaction (its rows locked, not
    yet committed) while worker B claims. B must neither wait for A nor take A's rows."""
    import asyncpg

    from server.push.worker import _CLAIM

    for n in range(20):
        await PushSubscription.create(
            organisation_id=org.organisation.id,
            user=org.users["staff"],
            endpoint=f"https://push.example.com/locked-{org.organisation.id}-{n}",
            p256dh="B" * 87,
            auth="A" * 22,
        )
    sent = await alert(org, kind="lockdown", notify=["staff"])
    mine = set(await Delivery.filter(alert_id=sent.id).values_list("id", flat=True))
    assert len(mine) == 20
    now = datetime.now(UTC)
    url = os.environ["DATABASE_URL"].replace("postgres://", "postgresql://", 1)
    a = await asyncpg.connect(url)
    token = None
    try:
        async with a.transaction():
            sql = _CLAIM.format(p1="$1", p2="$2", p3="$3", p4="$4", lock=" FOR UPDATE SKIP LOCKED")
            claimed_a = await a.fetch(sql, uuid.uuid4(), now + timedelta(minutes=2), now, 10)
            held = {row["id"] for row in claimed_a}
            async with DeliveryWorker(settings, batch=100_000) as b:
                # Without SKIP LOCKED this waits on A's row locks until A commits: a deadlock
                # here, so the timeout only turns a hang into a failure.
                token = await asyncio.wait_for(b.claim(), timeout=30)
        claimed_b = set(await Delivery.filter(claim=token).values_list("id", flat=True))
        assert len(held) == 10
        assert not held & claimed_b  # never the same row
        assert mine <= held | claimed_b  # and none left behind
    finally:
        await a.close()
        await Delivery.filter(id__in=mine).update(status="cancelled", claim=None)
        if token is not None:  # B's other rows (other tests' leftovers) go back as they were
            await Delivery.filter(claim=token).update(
                status="pending", claim=None, claimed_until=None
            )


async def test_a_districts_own_name_for_an_action_is_the_notifications_title(
    as_role, org, other_org, service, worker
):
    admin = await as_role("admin")
    page = html(await admin.get("/admin/actions"))
    names = {field["name"]: field["value"] for field in page.select("input[lang]")}
    lockout = {"secure_en": "Lockout", "secure_es": "Cierre exterior (Lockout)"}
    assert (await admin.post("/admin/actions", {**names, **lockout})).status_code == 303
    office = org.users["office"]
    office.locale = "es"
    await office.save()
    spanish, english = service.device(), service.device()
    await subscribe(await as_role("office"), spanish)
    await subscribe(await as_role("staff"), english)
    theirs = service.device()
    await subscribe(await as_role("staff", other_org), theirs)
    sent = await alert(org, kind="secure", notify=["office", "staff"], drill=True)
    elsewhere = await alert(other_org, kind="secure", notify=["staff"])
    await worker.run_until_idle([sent.id, elsewhere.id])
    assert service.payloads(spanish)[0]["title"] == "SIMULACRO: Cierre exterior (Lockout)"
    assert service.payloads(english)[0]["title"] == "DRILL: Lockout"
    assert service.payloads(theirs)[0]["title"] == "Secure"  # another district, its own words
