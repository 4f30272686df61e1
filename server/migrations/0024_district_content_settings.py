from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields


class Migration(migrations.Migration):
    dependencies = [("models", "0023_metrics_indexes")]

    initial = False

    operations = [
        ops.AddField(
            model_name="Organisation",
            name="weapon_handling",
            field=fields.BooleanField(default=False, db_default=False),
        ),
        ops.AddField(
            model_name="Organisation",
            name="checklist_review_months",
            field=fields.SmallIntField(default=12, db_default=12),
        ),
    ]
