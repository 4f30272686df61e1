from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('models', '0006_event_retry_revoked_session')]

    initial = False

    operations = [
        ops.CreateModel(
            name='ActionName',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('organisation', fields.ForeignKeyField('models.Organisation', source_field='organisation_id', db_constraint=True, to_field='id', related_name='action_names', on_delete=OnDelete.CASCADE)),
                ('action', fields.CharField(max_length=16)),
                ('en', fields.CharField(max_length=40)),
                ('es', fields.CharField(max_length=40)),
            ],
            options={'table': 'action_name', 'app': 'models', 'unique_together': (('organisation', 'action'),), 'pk_attr': 'id'},
            bases=['TenantModel'],
        ),
    ]
