from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('models', '0033_claim_indexes')]

    initial = False

    operations = [
        ops.AddField(
            model_name='Escalation',
            name='steps',
            field=fields.SmallIntField(default=0),
        ),
    ]
