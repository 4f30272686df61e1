from tortoise import migrations
from tortoise.migrations import operations as ops
from server.training.models import Audience, Verdict
from tortoise.fields.base import OnDelete
from uuid import uuid4
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('models', '0020_tips')]

    initial = False

    operations = [
        ops.CreateModel(
            name='Trainer',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('organisation', fields.ForeignKeyField('models.Organisation', source_field='organisation_id', db_constraint=True, to_field='id', related_name='trainers', on_delete=OnDelete.CASCADE)),
                ('person', fields.OneToOneField('models.User', source_field='person_id', db_constraint=True, to_field='id', related_name='trainer', on_delete=OnDelete.CASCADE)),
                ('certified_on', fields.DateField()),
                ('expires_on', fields.DateField()),
                ('given_by', fields.ForeignKeyField('models.User', source_field='given_by_id', null=True, db_constraint=True, to_field='id', related_name='trainers_certified', on_delete=OnDelete.SET_NULL)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'training_trainer', 'app': 'models', 'indexes': [Index(fields=['organisation_id', 'expires_on'])], 'pk_attr': 'id'},
            bases=['TenantModel'],
        ),
        ops.CreateModel(
            name='TrainingSession',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid4, unique=True, db_index=True)),
                ('organisation', fields.ForeignKeyField('models.Organisation', source_field='organisation_id', db_constraint=True, to_field='id', related_name='training_sessions', on_delete=OnDelete.CASCADE)),
                ('trainer', fields.ForeignKeyField('models.User', source_field='trainer_id', db_constraint=True, to_field='id', related_name='training_sessions_given', on_delete=OnDelete.CASCADE)),
                ('lesson', fields.CharField(max_length=64)),
                ('audience', fields.CharEnumField(description='TEACHERS: teachers\nADMINISTRATORS: administrators\nBUS_DRIVERS: bus_drivers\nESCORTS: escorts\nCUSTODIANS: custodians\nMEALTIME: mealtime_assistants\nSUPPORT: support_staff\nPARENTS: parents\nSTUDENTS: students', enum_type=Audience, max_length=32)),
                ('school', fields.ForeignKeyField('models.School', source_field='school_id', null=True, db_constraint=True, to_field='id', related_name='training_sessions', on_delete=OnDelete.SET_NULL)),
                ('held_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('practice', fields.BooleanField(default=False)),
                ('presenter', fields.ForeignKeyField('models.User', source_field='presenter_id', null=True, db_constraint=True, to_field='id', related_name='training_deliveries', on_delete=OnDelete.SET_NULL)),
                ('counted', fields.IntField(default=0)),
                ('notes', fields.TextField(default='', unique=False)),
                ('recorded_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('received_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'training_session', 'app': 'models', 'indexes': [Index(fields=['organisation_id', 'lesson', 'audience', 'held_at'])], 'pk_attr': 'id'},
            bases=['TenantModel'],
        ),
        ops.CreateModel(
            name='Attendance',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('session', fields.ForeignKeyField('models.TrainingSession', source_field='session_id', db_constraint=True, to_field='id', related_name='attendance', on_delete=OnDelete.CASCADE)),
                ('person', fields.ForeignKeyField('models.User', source_field='person_id', null=True, db_constraint=True, to_field='id', related_name='training_attended', on_delete=OnDelete.CASCADE)),
                ('name', fields.CharField(default='', max_length=200)),
            ],
            options={'table': 'training_attendance', 'app': 'models', 'indexes': [Index(fields=['person_id'])], 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Feedback',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid4, unique=True, db_index=True)),
                ('organisation', fields.ForeignKeyField('models.Organisation', source_field='organisation_id', db_constraint=True, to_field='id', related_name='training_feedback', on_delete=OnDelete.CASCADE)),
                ('session', fields.ForeignKeyField('models.TrainingSession', source_field='session_id', db_constraint=True, to_field='id', related_name='feedback', on_delete=OnDelete.CASCADE)),
                ('author', fields.ForeignKeyField('models.User', source_field='author_id', db_constraint=True, to_field='id', related_name='training_feedback_given', on_delete=OnDelete.CASCADE)),
                ('went_well', fields.TextField(default='', unique=False)),
                ('to_improve', fields.TextField(default='', unique=False)),
                ('verdict', fields.CharEnumField(description='READY: ready\nNOT_YET: not_yet', enum_type=Verdict, max_length=16)),
                ('given_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'training_feedback', 'app': 'models', 'unique_together': (('session', 'author'),), 'pk_attr': 'id'},
            bases=['TenantModel'],
        ),
        ops.CreateModel(
            name='TrainingSettings',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('organisation', fields.OneToOneField('models.Organisation', source_field='organisation_id', db_constraint=True, to_field='id', related_name='training_settings', on_delete=OnDelete.CASCADE)),
                ('refresher_months', fields.IntField(default=12)),
                ('reminder_days', fields.IntField(default=60)),
            ],
            options={'table': 'training_settings', 'app': 'models', 'pk_attr': 'id'},
            bases=['Model'],
        ),
    ]
