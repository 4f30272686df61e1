from tortoise import migrations
from tortoise.migrations import operations as ops
from server.concerns.models import HowKnown
from server.team.models import TeamFunction
from tortoise.fields.base import OnDelete
from uuid import uuid4
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('models', '0016_incident_timeline')]

    initial = False

    operations = [
        ops.CreateModel(
            name='Concern',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid4, unique=True, db_index=True)),
                ('organisation', fields.ForeignKeyField('models.Organisation', source_field='organisation_id', db_constraint=True, to_field='id', related_name='concerns', on_delete=OnDelete.CASCADE)),
                ('raised_by', fields.ForeignKeyField('models.User', source_field='raised_by_id', db_constraint=True, to_field='id', related_name='concerns_raised', on_delete=OnDelete.CASCADE)),
                ('school', fields.ForeignKeyField('models.School', source_field='school_id', null=True, db_constraint=True, to_field='id', related_name='concerns', on_delete=OnDelete.SET_NULL)),
                ('what', fields.TextField(unique=False)),
                ('exact_words', fields.TextField(default='', unique=False)),
                ('place', fields.CharField(max_length=300)),
                ('happened_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('witnesses', fields.TextField(default='', unique=False)),
                ('how_known', fields.CharEnumField(description='SAW: saw\nHEARD: heard\nTOLD: told\nONLINE: online\nOTHER: other', enum_type=HowKnown, max_length=16)),
                ('how_known_detail', fields.TextField(default='', unique=False)),
                ('danger_now', fields.BooleanField()),
                ('team_alert', fields.UUIDField(null=True)),
                ('raised_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('received_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'concern', 'app': 'models', 'indexes': [Index(fields=['organisation_id', 'raised_at'])], 'pk_attr': 'id'},
            bases=['TenantModel'],
        ),
        ops.AlterField(
            model_name='IncidentRole',
            name='function',
            field=fields.CharEnumField(description='COMMANDER: incident_commander\nDEPUTY: deputy\nPOLICE: police_liaison\nMEDICAL: medical_lead\nCOMMUNICATIONS: communications\nREUNIFICATION: reunification_lead\nMENTAL_HEALTH: mental_health_lead\nFACILITIES: facilities\nTHREAT_ASSESSMENT: threat_assessment', enum_type=TeamFunction, max_length=32),
        ),
        ops.AlterField(
            model_name='TeamSeat',
            name='function',
            field=fields.CharEnumField(description='COMMANDER: incident_commander\nDEPUTY: deputy\nPOLICE: police_liaison\nMEDICAL: medical_lead\nCOMMUNICATIONS: communications\nREUNIFICATION: reunification_lead\nMENTAL_HEALTH: mental_health_lead\nFACILITIES: facilities\nTHREAT_ASSESSMENT: threat_assessment', enum_type=TeamFunction, max_length=32),
        ),
    ]
