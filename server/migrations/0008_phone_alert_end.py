from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('models', '0007_action_names')]

    initial = False

    operations = [
        ops.AddField(
            model_name='Alert',
            name='ended_at',
            field=fields.DatetimeField(null=True, db_index=True, auto_now=False, auto_now_add=False),
        ),
        ops.AddField(
            model_name='Alert',
            name='ends',
            field=fields.UUIDField(null=True),
        ),
        ops.AddField(
            model_name='User',
            name='phone',
            field=fields.CharField(default='', db_default='', max_length=40),
        ),
    ]
