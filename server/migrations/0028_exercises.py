from tortoise import migrations
from tortoise.migrations import operations as ops
from orjson import loads
from server.exercises.models import ExerciseStatus
from server.reviews.models import SubjectKind
from tortoise.fields.base import OnDelete
from tortoise.fields.data import JSON_DUMPS
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('models', '0027_channels')]

    initial = False

    operations = [
        ops.CreateModel(
            name='Exercise',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('organisation', fields.ForeignKeyField('models.Organisation', source_field='organisation_id', db_constraint=True, to_field='id', related_name='exercises', on_delete=OnDelete.CASCADE)),
                ('school', fields.ForeignKeyField('models.School', source_field='school_id', db_constraint=True, to_field='id', related_name='exercises', on_delete=OnDelete.CASCADE)),
                ('scenario', fields.CharField(max_length=64)),
                ('scenario_version', fields.SmallIntField()),
                ('facilitator', fields.ForeignKeyField('models.User', source_field='facilitator_id', null=True, db_constraint=True, to_field='id', related_name='exercises_facilitated', on_delete=OnDelete.SET_NULL)),
                ('participants', fields.JSONField(default=list, encoder=JSON_DUMPS, decoder=loads)),
                ('status', fields.CharEnumField(default=ExerciseStatus.RUNNING, description='RUNNING: running\nFINISHED: finished', enum_type=ExerciseStatus, max_length=16)),
                ('started_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('finished_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'exercise', 'app': 'models', 'indexes': [Index(fields=['organisation_id', 'started_at'])], 'pk_attr': 'id'},
            bases=['TenantModel'],
        ),
        ops.CreateModel(
            name='ExerciseDecision',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('exercise', fields.ForeignKeyField('models.Exercise', source_field='exercise_id', db_constraint=True, to_field='id', related_name='decisions', on_delete=OnDelete.CASCADE)),
                ('inject', fields.CharField(max_length=64)),
                ('text', fields.TextField(unique=False)),
                ('recorded_by', fields.ForeignKeyField('models.User', source_field='recorded_by_id', null=True, db_constraint=True, to_field='id', related_name='exercise_decisions', on_delete=OnDelete.SET_NULL)),
                ('recorded_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'exercise_decision', 'app': 'models', 'unique_together': (('exercise', 'inject'),), 'pk_attr': 'id', 'table_description': 'The decision the group took at one inject: one an inject, written again when changed.'},
            bases=['Model'],
        ),
        ops.AlterField(
            model_name='Review',
            name='subject_kind',
            field=fields.CharEnumField(null=True, description='INCIDENT: incident\nDRILL: drill\nEXERCISE: exercise', enum_type=SubjectKind, max_length=16),
        ),
    ]
