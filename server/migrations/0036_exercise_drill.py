from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from tortoise import fields


class Migration(migrations.Migration):
    dependencies = [("models", "0035_drill_scenario")]

    initial = False

    operations = [
        ops.AddField(
            model_name="Exercise",
            name="drill",
            field=fields.ForeignKeyField(
                "models.Drill",
                source_field="drill_id",
                null=True,
                db_constraint=True,
                to_field="id",
                related_name="exercises",
                on_delete=OnDelete.SET_NULL,
            ),
        ),
    ]
