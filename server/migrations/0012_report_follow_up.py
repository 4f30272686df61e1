from tortoise import migrations
from tortoise.migrations import operations as ops
from server.reports.models import ReportStatus
from tortoise.fields.base import OnDelete
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('models', '0011_lost_student_police_clock')]

    initial = False

    operations = [
        ops.AddField(
            model_name='Report',
            name='case_number',
            field=fields.CharField(default='', db_default='', max_length=60),
        ),
        ops.AddField(
            model_name='Report',
            name='notes',
            field=fields.TextField(default='', db_default='', unique=False),
        ),
        ops.AddField(
            model_name='Report',
            name='owner',
            field=fields.ForeignKeyField('models.User', source_field='owner_id', null=True, db_constraint=True, to_field='id', related_name='reports_owned', on_delete=OnDelete.SET_NULL),
        ),
        ops.AddField(
            model_name='Report',
            name='status',
            field=fields.CharEnumField(default=ReportStatus.NEW, db_index=True, description='NEW: new\nREVIEWING: reviewing\nCLOSED: closed', db_default='new', enum_type=ReportStatus, max_length=16),
        ),
    ]
