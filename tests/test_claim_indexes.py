"""The delivery worker's claim reads the open rows' partial index, not every row ever sent, and
"whose phones take push" reads push_subscription by person (migration 0033): each database's own
EXPLAIN, over a table that holds many more sent rows than open ones, as a district's does."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from uuid import uuid4

from tortoise import connections
from tortoise.transactions import in_transaction

from server.channels.models import Message
from server.push.models import Delivery, PushSubscription
from server.sending import claim_statement


async def _plan(sql: str, values: list) -> str:
    """The plan's text; on PostgreSQL inside one transaction, after ANALYZE of the table."""
    db = connections.get("default")
    if db.capabilities.dialect == "sqlite":
        rows = await db.execute_query_dict("EXPLAIN QUERY PLAN " + sql, values)
        return "\n".join(row["detail"] for row in rows)
    async with in_transaction() as conn:
        rows = await conn.execute_query_dict("EXPLAIN " + sql, values)
    return "\n".join(row["QUERY PLAN"] for row in rows)


def _claim_values(model, sqlite: bool) -> list:
    fields, now = model._meta.fields_map, datetime.now(UTC)
    values = [
        fields["claim"].to_db_value(uuid4(), model),
        fields["claimed_until"].to_db_value(now + timedelta(minutes=2), model),
        fields["due_at"].to_db_value(now, model),
        100,
    ]
    return values[:3] + values[2:] if sqlite else values


def _reads_only_open_rows(plan: str, table: str) -> None:
    """Through an index, never the whole table: the partial index of open rows, or (PostgreSQL's
    planner picks either, as its statistics say) an index searched by the status."""
    assert f"SCAN {table}\n" not in plan + "\n" and f"Seq Scan on {table}" not in plan, plan
    by_status = "status=?" in plan or "Index Cond: (((status)" in plan
    assert f"idx_{table}_open" in plan or by_status, plan


async def _analyze(*tables: str) -> None:
    db = connections.get("default")
    for table in tables:
        await db.execute_script(f"ANALYZE {table}")


async def test_the_claims_read_the_open_rows_index(org):
    db = connections.get("default")
    sqlite = db.capabilities.dialect == "sqlite"
    long_ago = datetime.now(UTC) - timedelta(days=30)
    staff = org.users["staff"]
    sent = [
        Message(
            organisation_id=org.organisation.id,
            user_id=staff.id,
            channel="email",
            address="history@example.org",
            why="code",
            status="sent",
            due_at=long_ago,
            sent_at=long_ago,
        )
        for _ in range(3000)
    ]
    delivered = [
        Delivery(alert_id=org.alert.id, user_id=staff.id, status="sent", due_at=long_ago)
        for _ in range(3000)
    ]
    await Message.bulk_create(sent, batch_size=500)
    await Delivery.bulk_create(delivered, batch_size=500)
    try:
        await _analyze("channel_message", "delivery")
        only = "channel = 'sms' AND "
        messages = await _plan(
            claim_statement("channel_message", only, sqlite), _claim_values(Message, sqlite)
        )
        _reads_only_open_rows(messages, "channel_message")
        deliveries = await _plan(
            claim_statement("delivery", "", sqlite), _claim_values(Delivery, sqlite)
        )
        _reads_only_open_rows(deliveries, "delivery")
    finally:
        await Message.filter(
            organisation_id=org.organisation.id, address="history@example.org"
        ).delete()
        await Delivery.filter(alert_id=org.alert.id, due_at=long_ago).delete()


async def test_a_persons_phones_are_read_by_person(org):
    staff = org.users["staff"]
    await PushSubscription.bulk_create(
        [
            PushSubscription(
                organisation_id=org.organisation.id,
                user_id=staff.id,
                endpoint=f"https://push.example.com/index-{org.organisation.id}-{n}",
                p256dh="B" * 87,
                auth="A" * 22,
            )
            for n in range(2000)
        ],
        batch_size=500,
    )
    try:
        await _analyze("push_subscription")
        sqlite = connections.get("default").capabilities.dialect == "sqlite"
        mark = "?" if sqlite else "$1"
        plan = await _plan(f"SELECT id FROM push_subscription WHERE user_id = {mark}", [-1])
        assert "idx_push_subscription_user" in plan, plan
    finally:
        await PushSubscription.filter(
            organisation_id=org.organisation.id,
            endpoint__startswith="https://push.example.com/index-",
        ).delete()
