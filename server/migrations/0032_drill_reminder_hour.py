from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields


class Migration(migrations.Migration):
    dependencies = [("models", "0031_audit_by_record")]

    initial = False

    operations = [
        ops.AddField(
            model_name="Organisation",
            name="drill_reminder_minutes",
            field=fields.SmallIntField(default=540, db_default=540),
        ),
    ]
