from tortoise import migrations
from tortoise.migrations import operations as ops
from orjson import loads
from tortoise.fields.base import OnDelete
from tortoise.fields.data import JSON_DUMPS
from tortoise import fields


class Migration(migrations.Migration):
    dependencies = [("models", "0017_concerns")]

    initial = False

    operations = [
        ops.CreateModel(
            name="AlertFallback",
            fields=[
                (
                    "id",
                    fields.BigIntField(
                        generated=True, primary_key=True, unique=True, db_index=True
                    ),
                ),
                (
                    "alert",
                    fields.OneToOneField(
                        "models.Alert",
                        source_field="alert_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="fallback",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("primary_id", fields.IntField()),
                ("people", fields.JSONField(encoder=JSON_DUMPS, decoder=loads)),
                ("due_at", fields.DatetimeField(db_index=True, auto_now=False, auto_now_add=False)),
                ("done_at", fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ("fell_back", fields.BooleanField(default=False)),
            ],
            options={"table": "alert_fallback", "app": "models", "pk_attr": "id"},
            bases=["Model"],
        ),
    ]
