from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('models', '0026_drill_runs')]

    initial = False

    operations = [
        ops.CreateModel(
            name='ContactCode',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('user', fields.ForeignKeyField('models.User', source_field='user_id', db_constraint=True, to_field='id', related_name='contact_codes', on_delete=OnDelete.CASCADE)),
                ('channel', fields.CharField(max_length=8)),
                ('address', fields.CharField(max_length=254)),
                ('code_hash', fields.CharField(max_length=64)),
                ('expires_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('tries', fields.IntField(default=0)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'contact_code', 'app': 'models', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Escalation',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('alert', fields.OneToOneField('models.Alert', source_field='alert_id', db_constraint=True, to_field='id', related_name='escalation', on_delete=OnDelete.CASCADE)),
                ('due_at', fields.DatetimeField(db_index=True, auto_now=False, auto_now_add=False)),
                ('done_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('people', fields.IntField(default=0)),
            ],
            options={'table': 'alert_escalation', 'app': 'models', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Message',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('organisation_id', fields.IntField()),
                ('alert', fields.ForeignKeyField('models.Alert', source_field='alert_id', null=True, db_constraint=True, to_field='id', related_name='messages', on_delete=OnDelete.CASCADE)),
                ('user', fields.ForeignKeyField('models.User', source_field='user_id', db_constraint=True, to_field='id', related_name='messages', on_delete=OnDelete.CASCADE)),
                ('channel', fields.CharField(max_length=8)),
                ('address', fields.CharField(max_length=254)),
                ('why', fields.CharField(max_length=12)),
                ('body', fields.CharField(default='', max_length=200)),
                ('status', fields.CharField(default='pending', max_length=12)),
                ('attempts', fields.IntField(default=0)),
                ('due_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('claim', fields.UUIDField(null=True)),
                ('claimed_until', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('sent_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('response_code', fields.IntField(null=True)),
                ('provider_id', fields.CharField(default='', max_length=100)),
                ('error', fields.CharField(default='', max_length=200)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'channel_message', 'app': 'models', 'unique_together': (('alert', 'user', 'channel'),), 'indexes': [Index(fields=['channel', 'status', 'due_at']), Index(fields=['organisation_id', 'channel', 'sent_at'])], 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.AddField(
            model_name='Alert',
            name='drill_sms',
            field=fields.BooleanField(default=False, db_default=False),
        ),
        ops.AddField(
            model_name='Organisation',
            name='escalate_seconds',
            field=fields.IntField(default=120, db_default=120),
        ),
        ops.AddField(
            model_name='Organisation',
            name='sms_daily_cap',
            field=fields.IntField(default=1000, db_default=1000),
        ),
        ops.AddField(
            model_name='Organisation',
            name='sms_to_all',
            field=fields.BooleanField(default=False, db_default=False),
        ),
        ops.AddField(
            model_name='User',
            name='verified_email',
            field=fields.CharField(default='', db_default='', max_length=254),
        ),
        ops.AddField(
            model_name='User',
            name='verified_phone',
            field=fields.CharField(default='', db_default='', max_length=20),
        ),
    ]
