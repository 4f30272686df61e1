from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('models', '0010_field_alerts_practice')]

    initial = False

    operations = [
        ops.AddField(
            model_name='LostStudent',
            name='description',
            field=fields.CharField(default='', db_default='', max_length=500),
        ),
        ops.AddField(
            model_name='LostStudent',
            name='same_as',
            field=fields.ForeignKeyField('models.LostStudent', source_field='same_as_id', null=True, db_constraint=True, to_field='id', related_name='reported_again', on_delete=OnDelete.CASCADE),
        ),
        ops.AddField(
            model_name='TripPolicy',
            name='police_call_minutes',
            field=fields.IntField(default=10, db_default=10),
        ),
    ]
