from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('models', '0005_push_alerts')]

    initial = False

    operations = [
        ops.CreateModel(
            name='EventRetry',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('event_id', fields.UUIDField()),
                ('device_id', fields.CharField(max_length=64)),
                ('attempts', fields.IntField(default=0)),
                ('last_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'event_retry', 'app': 'models', 'unique_together': (('event_id', 'device_id'),), 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='RevokedSession',
            fields=[
                ('sid', fields.CharField(primary_key=True, unique=True, db_index=True, max_length=32)),
                ('expires_at', fields.DatetimeField(db_index=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'revoked_session', 'app': 'models', 'pk_attr': 'sid'},
            bases=['Model'],
        ),
    ]
