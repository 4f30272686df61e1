from tortoise import migrations
from tortoise.migrations import operations as ops
from server.tips.models import Reporter
from tortoise.fields.base import OnDelete
from uuid import uuid4
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('models', '0019_accounting')]

    initial = False

    operations = [
        ops.CreateModel(
            name='Tip',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid4, unique=True, db_index=True)),
                ('organisation', fields.ForeignKeyField('models.Organisation', source_field='organisation_id', db_constraint=True, to_field='id', related_name='tips', on_delete=OnDelete.CASCADE)),
                ('school', fields.ForeignKeyField('models.School', source_field='school_id', null=True, db_constraint=True, to_field='id', related_name='tips', on_delete=OnDelete.SET_NULL)),
                ('urgent', fields.BooleanField()),
                ('what', fields.TextField(unique=False)),
                ('exact_words', fields.TextField(default='', unique=False)),
                ('place', fields.CharField(default='', max_length=300)),
                ('happened', fields.CharField(default='', max_length=200)),
                ('involved', fields.TextField(default='', unique=False)),
                ('others_know', fields.TextField(default='', unique=False)),
                ('reporter', fields.CharEnumField(description='SELF: self\nFRIEND: friend\nSOMEONE: someone\nUNSAID: unsaid', enum_type=Reporter, max_length=16)),
                ('code_hash', fields.CharField(unique=True, max_length=64)),
                ('team_alert', fields.UUIDField(null=True)),
                ('received_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'tip', 'app': 'models', 'indexes': [Index(fields=['organisation_id', 'received_at'])], 'pk_attr': 'id'},
            bases=['TenantModel'],
        ),
        ops.CreateModel(
            name='TipLine',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('organisation', fields.OneToOneField('models.Organisation', source_field='organisation_id', db_constraint=True, to_field='id', related_name='tip_line', on_delete=OnDelete.CASCADE)),
                ('code', fields.CharField(unique=True, max_length=16)),
                ('account', fields.ForeignKeyField('models.User', source_field='account_id', db_constraint=True, to_field='id', related_name='tip_lines', on_delete=OnDelete.CASCADE)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'tip_line', 'app': 'models', 'pk_attr': 'id'},
            bases=['TenantModel'],
        ),
        ops.CreateModel(
            name='TipMessage',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('tip', fields.ForeignKeyField('models.Tip', source_field='tip_id', db_constraint=True, to_field='id', related_name='messages', on_delete=OnDelete.CASCADE)),
                ('from_team', fields.BooleanField()),
                ('author', fields.ForeignKeyField('models.User', source_field='author_id', null=True, db_constraint=True, to_field='id', related_name='tip_messages', on_delete=OnDelete.SET_NULL)),
                ('body', fields.TextField(unique=False)),
                ('at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'tip_message', 'app': 'models', 'indexes': [Index(fields=['tip_id', 'at'])], 'pk_attr': 'id'},
            bases=['TenantModel'],
        ),
    ]
