from tortoise import migrations
from tortoise.migrations import operations as ops
from server.reviews.models import SubjectKind
from tortoise.fields.base import OnDelete
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('models', '0025_cases')]

    initial = False

    operations = [
        ops.AddField(
            model_name='Drill',
            name='incident',
            field=fields.ForeignKeyField('models.Incident', source_field='incident_id', null=True, db_constraint=True, to_field='id', related_name='drills', on_delete=OnDelete.SET_NULL),
        ),
        ops.AddField(
            model_name='Incident',
            name='drill',
            field=fields.BooleanField(default=False, db_default=False),
        ),
        ops.AlterField(
            model_name='Review',
            name='subject_kind',
            field=fields.CharEnumField(null=True, description='INCIDENT: incident\nDRILL: drill', enum_type=SubjectKind, max_length=16),
        ),
    ]
