"""Indexes for the delivery worker's claim and for "has this person a phone with push".

The claim (``server/push/worker.py``) asks for the open rows (pending, or sending past their
lease) that are due, oldest first. Rows stay once sent, so the tables grow with every alert
while the open rows stay few: a partial index of the open rows alone, by channel and due time,
is what the claim reads on both databases. ``push_subscription.user_id`` had no index: every
"whose phones take push" read every subscription.

Partial indexes are not something Tortoise's ``Index`` says: raw SQL, the same on both."""

from tortoise import migrations
from tortoise.migrations import operations as ops

OPEN = "status IN ('pending', 'sending')"
INDEXES = {
    "idx_delivery_open": f"delivery (due_at, id) WHERE {OPEN}",
    "idx_channel_message_open": f"channel_message (channel, due_at, id) WHERE {OPEN}",
    "idx_push_subscription_user": "push_subscription (user_id)",
}


async def forward(apps, schema_editor) -> None:
    for name, on in INDEXES.items():
        await schema_editor.client.execute_script(f"CREATE INDEX IF NOT EXISTS {name} ON {on}")


async def backward(apps, schema_editor) -> None:
    for name in INDEXES:
        await schema_editor.client.execute_script(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("models", "0032_drill_reminder_hour")]

    initial = False

    operations = [ops.RunPython(forward, backward)]
