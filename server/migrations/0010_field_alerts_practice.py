from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from json import dumps, loads
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('models', '0009_discarded_runs')]

    initial = False

    operations = [
        ops.AddField(
            model_name='Alert',
            name='practice',
            field=fields.BooleanField(default=False, db_default=False),
        ),
        ops.AddField(
            model_name='ChecklistRun',
            name='practice',
            field=fields.BooleanField(default=False, db_default=False),
        ),
        ops.AddField(
            model_name='Organisation',
            name='action_roles',
            field=fields.JSONField(null=True, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads),
        ),
        ops.AddField(
            model_name='Organisation',
            name='call_script_roles',
            field=fields.JSONField(null=True, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads),
        ),
    ]
