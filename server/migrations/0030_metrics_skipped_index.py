"""The metrics dashboard's skipped critical steps: a partial index of the completed checklist runs
that skipped one, so counting them reads those few rows and not every completed run's list.

An index on an expression with a condition, which Tortoise's ``Index`` can't say: raw SQL, each
database's spelling (``skipped`` is JSON text on SQLite, jsonb on PostgreSQL)."""

from tortoise import migrations
from tortoise.migrations import operations as ops

NAME = "idx_checklist_run_skipped"
COLUMNS = "checklist_run (organisation_id, checklist_id, started_at)"


def _length(dialect: str) -> str:
    return "jsonb_array_length" if dialect == "postgres" else "json_array_length"


async def forward(apps, schema_editor) -> None:
    client = schema_editor.client
    length = _length(client.capabilities.dialect)
    await client.execute_script(
        f"CREATE INDEX IF NOT EXISTS {NAME} ON {COLUMNS} "
        f"WHERE completed_at IS NOT NULL AND {length}(skipped) > 0"
    )


async def backward(apps, schema_editor) -> None:
    await schema_editor.client.execute_script(f"DROP INDEX IF EXISTS {NAME}")


class Migration(migrations.Migration):
    dependencies = [("models", "0029_drill_reminders")]

    initial = False

    operations = [ops.RunPython(forward, backward)]
