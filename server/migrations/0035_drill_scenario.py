from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields


class Migration(migrations.Migration):
    dependencies = [("models", "0034_escalation_steps")]

    initial = False

    operations = [
        ops.AddField(
            model_name="Drill",
            name="scenario",
            field=fields.CharField(max_length=64, null=True),
        ),
    ]
