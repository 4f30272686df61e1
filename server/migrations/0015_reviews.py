from tortoise import migrations
from tortoise.migrations import operations as ops
from orjson import loads
from server.reviews.models import ActionStatus, ReviewKind, SubjectKind
from tortoise.fields.base import OnDelete
from tortoise.fields.data import JSON_DUMPS
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('models', '0014_audit_viewer_indexes')]

    initial = False

    operations = [
        ops.CreateModel(
            name='Review',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('organisation', fields.ForeignKeyField('models.Organisation', source_field='organisation_id', db_constraint=True, to_field='id', related_name='reviews', on_delete=OnDelete.CASCADE)),
                ('kind', fields.CharEnumField(description='HOT_WASH: hot-wash\nNEAR_MISS: near-miss', enum_type=ReviewKind, max_length=16)),
                ('subject_kind', fields.CharEnumField(null=True, description='INCIDENT: incident', enum_type=SubjectKind, max_length=16)),
                ('subject_id', fields.CharField(null=True, max_length=64)),
                ('title', fields.CharField(default='', max_length=200)),
                ('what_happened', fields.TextField(default='', unique=False)),
                ('went_well', fields.TextField(default='', unique=False)),
                ('to_improve', fields.TextField(default='', unique=False)),
                ('figures', fields.JSONField(default=dict, encoder=JSON_DUMPS, decoder=loads)),
                ('written_by', fields.ForeignKeyField('models.User', source_field='written_by_id', null=True, db_constraint=True, to_field='id', related_name='reviews_written', on_delete=OnDelete.SET_NULL)),
                ('written_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('updated_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'review', 'app': 'models', 'unique_together': (('organisation', 'subject_kind', 'subject_id'),), 'pk_attr': 'id'},
            bases=['TenantModel'],
        ),
        ops.CreateModel(
            name='ImprovementAction',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('organisation', fields.ForeignKeyField('models.Organisation', source_field='organisation_id', db_constraint=True, to_field='id', related_name='improvement_actions', on_delete=OnDelete.CASCADE)),
                ('review', fields.ForeignKeyField('models.Review', source_field='review_id', null=True, db_constraint=True, to_field='id', related_name='actions', on_delete=OnDelete.SET_NULL)),
                ('prompted_by', fields.CharField(default='', max_length=500)),
                ('description', fields.TextField(unique=False)),
                ('owner', fields.ForeignKeyField('models.User', source_field='owner_id', db_constraint=True, to_field='id', related_name='improvement_actions', on_delete=OnDelete.CASCADE)),
                ('due_on', fields.DateField()),
                ('status', fields.CharEnumField(default=ActionStatus.OPEN, description='OPEN: open\nDONE: done\nDROPPED: dropped', enum_type=ActionStatus, max_length=16)),
                ('checklist_id', fields.CharField(default='', max_length=64)),
                ('created_by', fields.ForeignKeyField('models.User', source_field='created_by_id', null=True, db_constraint=True, to_field='id', related_name='improvement_actions_created', on_delete=OnDelete.SET_NULL)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('closed_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'improvement_action', 'app': 'models', 'indexes': [Index(fields=['owner_id', 'status', 'due_on']), Index(fields=['organisation_id', 'status', 'due_on'])], 'pk_attr': 'id'},
            bases=['TenantModel'],
        ),
    ]
