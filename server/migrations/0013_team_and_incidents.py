from tortoise import migrations
from tortoise.migrations import operations as ops
from server.incidents.models import IncidentKind, IncidentStatus, LinkKind
from server.team.models import TeamFunction
from tortoise.fields.base import OnDelete
from uuid import uuid4
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('models', '0012_report_follow_up')]

    initial = False

    operations = [
        ops.CreateModel(
            name='Incident',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('organisation', fields.ForeignKeyField('models.Organisation', source_field='organisation_id', db_constraint=True, to_field='id', related_name='incidents', on_delete=OnDelete.CASCADE)),
                ('year', fields.SmallIntField()),
                ('number', fields.IntField()),
                ('kind', fields.CharEnumField(description='LOCKDOWN: lockdown\nEVACUATION: evacuate\nSHELTER: shelter\nMEDICAL: medical\nMISSING: lost-student\nTHREAT: threat\nFIRE: fire\nWEATHER: weather\nOTHER: other', enum_type=IncidentKind, max_length=16)),
                ('title', fields.CharField(default='', max_length=200)),
                ('status', fields.CharEnumField(default=IncidentStatus.ACTIVE, description='ACTIVE: active\nSTABILISED: stabilised\nRECOVERY: recovery\nCLOSED: closed', enum_type=IncidentStatus, max_length=16)),
                ('opened_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('opened_by', fields.ForeignKeyField('models.User', source_field='opened_by_id', null=True, db_constraint=True, to_field='id', related_name='incidents_opened', on_delete=OnDelete.SET_NULL)),
                ('closed_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'incident', 'app': 'models', 'unique_together': (('organisation', 'year', 'number'),), 'pk_attr': 'id'},
            bases=['TenantModel'],
        ),
        ops.CreateModel(
            name='IncidentLink',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('incident', fields.ForeignKeyField('models.Incident', source_field='incident_id', db_constraint=True, to_field='id', related_name='links', on_delete=OnDelete.CASCADE)),
                ('kind', fields.CharEnumField(description='ALERT: alert', enum_type=LinkKind, max_length=16)),
                ('record_id', fields.CharField(max_length=64)),
                ('at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'incident_link', 'app': 'models', 'unique_together': (('kind', 'record_id'),), 'indexes': [Index(fields=['incident_id', 'at'])], 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='IncidentLogEntry',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid4, unique=True, db_index=True)),
                ('incident', fields.ForeignKeyField('models.Incident', source_field='incident_id', db_constraint=True, to_field='id', related_name='log_entries', on_delete=OnDelete.CASCADE)),
                ('author', fields.ForeignKeyField('models.User', source_field='author_id', db_constraint=True, to_field='id', related_name='incident_log_entries', on_delete=OnDelete.CASCADE)),
                ('text', fields.TextField(unique=False)),
                ('at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('received_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'incident_log_entry', 'app': 'models', 'indexes': [Index(fields=['incident_id', 'at'])], 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='IncidentRole',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('incident', fields.ForeignKeyField('models.Incident', source_field='incident_id', db_constraint=True, to_field='id', related_name='roles', on_delete=OnDelete.CASCADE)),
                ('function', fields.CharEnumField(description='COMMANDER: incident_commander\nDEPUTY: deputy\nPOLICE: police_liaison\nMEDICAL: medical_lead\nCOMMUNICATIONS: communications\nREUNIFICATION: reunification_lead\nMENTAL_HEALTH: mental_health_lead\nFACILITIES: facilities', enum_type=TeamFunction, max_length=32)),
                ('person', fields.ForeignKeyField('models.User', source_field='person_id', db_constraint=True, to_field='id', related_name='incident_roles', on_delete=OnDelete.CASCADE)),
                ('assigned_by', fields.ForeignKeyField('models.User', source_field='assigned_by_id', null=True, db_constraint=True, to_field='id', related_name='incident_roles_given', on_delete=OnDelete.SET_NULL)),
                ('assigned_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'incident_role', 'app': 'models', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='IncidentSchool',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('incident', fields.ForeignKeyField('models.Incident', source_field='incident_id', db_constraint=True, to_field='id', related_name='school_links', on_delete=OnDelete.CASCADE)),
                ('school', fields.ForeignKeyField('models.School', source_field='school_id', db_constraint=True, to_field='id', related_name='incident_links', on_delete=OnDelete.CASCADE)),
            ],
            options={'table': 'incident_school', 'app': 'models', 'unique_together': (('incident', 'school'),), 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='TeamSeat',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('organisation', fields.ForeignKeyField('models.Organisation', source_field='organisation_id', db_constraint=True, to_field='id', related_name='team_seats', on_delete=OnDelete.CASCADE)),
                ('school', fields.ForeignKeyField('models.School', source_field='school_id', null=True, db_constraint=True, to_field='id', related_name='team_seats', on_delete=OnDelete.CASCADE)),
                ('function', fields.CharEnumField(description='COMMANDER: incident_commander\nDEPUTY: deputy\nPOLICE: police_liaison\nMEDICAL: medical_lead\nCOMMUNICATIONS: communications\nREUNIFICATION: reunification_lead\nMENTAL_HEALTH: mental_health_lead\nFACILITIES: facilities', enum_type=TeamFunction, max_length=32)),
                ('rank', fields.SmallIntField()),
                ('person', fields.ForeignKeyField('models.User', source_field='person_id', db_constraint=True, to_field='id', related_name='team_seats', on_delete=OnDelete.CASCADE)),
            ],
            options={'table': 'team_seat', 'app': 'models', 'indexes': [Index(fields=['organisation_id', 'school_id', 'function'])], 'pk_attr': 'id'},
            bases=['TenantModel'],
        ),
    ]
