from tortoise import migrations
from tortoise.migrations import operations as ops
from orjson import loads
from server.cases.models import EntryKind, Level, Marker, SourceKind, Stage, SupportKind, SupportStatus
from server.cases.sealing import Sealed
from server.team.models import TeamFunction
from tortoise.fields.base import OnDelete
from tortoise.fields.data import JSON_DUMPS
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('models', '0024_district_content_settings')]

    initial = False

    operations = [
        ops.CreateModel(
            name='Case',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('organisation', fields.ForeignKeyField('models.Organisation', source_field='organisation_id', db_constraint=True, to_field='id', related_name='cases', on_delete=OnDelete.CASCADE)),
                ('school', fields.ForeignKeyField('models.School', source_field='school_id', db_constraint=True, to_field='id', related_name='cases', on_delete=OnDelete.CASCADE)),
                ('stage', fields.CharEnumField(default=Stage.IDENTIFICATION, description='IDENTIFICATION: identification\nINQUIRY: inquiry\nASSESSMENT: assessment\nMANAGEMENT: management\nCLOSED: closed', enum_type=Stage, max_length=16)),
                ('source_kind', fields.CharEnumField(description='CONCERN: concern\nTIP: tip\nREPORT: report\nINCIDENT: incident\nHAND: hand', enum_type=SourceKind, max_length=16)),
                ('source_id', fields.CharField(default='', max_length=64)),
                ('subject', Sealed(default=str)),
                ('contacts', Sealed(default=str)),
                ('summary', Sealed(default=str)),
                ('exact_words', Sealed(default=str)),
                ('sources', Sealed(default=str)),
                ('iep', fields.BooleanField(default=False)),
                ('answers', fields.JSONField(default=dict, encoder=JSON_DUMPS, decoder=loads)),
                ('level', fields.CharEnumField(null=True, description='TRANSIENT: transient\nSERIOUS: substantive_serious\nVERY_SERIOUS: substantive_very_serious', enum_type=Level, max_length=32)),
                ('assessment_notes', Sealed(default=str)),
                ('review_on', fields.DateField(null=True)),
                ('closure_reason', Sealed(default=str)),
                ('follow_up_on', fields.DateField(null=True)),
                ('opened_by', fields.ForeignKeyField('models.User', source_field='opened_by_id', null=True, db_constraint=True, to_field='id', related_name='cases_opened', on_delete=OnDelete.SET_NULL)),
                ('opened_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('screened_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('assessed_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('closed_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'threat_case', 'app': 'models', 'indexes': [Index(fields=['organisation_id', 'stage']), Index(fields=['organisation_id', 'closed_at'])], 'pk_attr': 'id'},
            bases=['TenantModel'],
        ),
        ops.CreateModel(
            name='CaseEntry',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('case', fields.ForeignKeyField('models.Case', source_field='case_id', db_constraint=True, to_field='id', related_name='entries', on_delete=OnDelete.CASCADE)),
                ('kind', fields.CharEnumField(description='INTERVIEW: interview\nRECORD: record', enum_type=EntryKind, max_length=16)),
                ('source', Sealed(default=str)),
                ('notes', Sealed(default=str)),
                ('done_by', fields.ForeignKeyField('models.User', source_field='done_by_id', null=True, db_constraint=True, to_field='id', related_name='case_entries', on_delete=OnDelete.SET_NULL)),
                ('done_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('written_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'case_entry', 'app': 'models', 'pk_attr': 'id', 'table_description': 'Inquiry: an interview held or a record gathered, by whom and when.'},
            bases=['TenantModel'],
        ),
        ops.CreateModel(
            name='CaseMarker',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('case', fields.ForeignKeyField('models.Case', source_field='case_id', db_constraint=True, to_field='id', related_name='markers', on_delete=OnDelete.CASCADE)),
                ('marker', fields.CharEnumField(description='GRIEVANCE: grievance\nIDEATION: ideation\nPLANNING: planning\nPREPARATION: preparation\nBREACHING: breaching\nATTACK: attack', enum_type=Marker, max_length=16)),
                ('behaviour', Sealed(default=str)),
                ('written_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'case_marker', 'app': 'models', 'unique_together': (('case', 'marker'),), 'pk_attr': 'id', 'table_description': 'A pathway-to-violence marker seen, with the behaviour that supports it.'},
            bases=['TenantModel'],
        ),
        ops.CreateModel(
            name='CaseMember',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('case', fields.ForeignKeyField('models.Case', source_field='case_id', db_constraint=True, to_field='id', related_name='members', on_delete=OnDelete.CASCADE)),
                ('person', fields.ForeignKeyField('models.User', source_field='person_id', db_constraint=True, to_field='id', related_name='case_seats', on_delete=OnDelete.CASCADE)),
                ('special_education', fields.BooleanField(default=False)),
                ('added_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'case_member', 'app': 'models', 'unique_together': (('case', 'person'),), 'indexes': [Index(fields=['person_id'])], 'pk_attr': 'id', 'table_description': "A named person on a case's team: only they and the district's leads see the case."},
            bases=['TenantModel'],
        ),
        ops.CreateModel(
            name='CasePolicy',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('organisation', fields.OneToOneField('models.Organisation', source_field='organisation_id', db_constraint=True, to_field='id', related_name='case_policy', on_delete=OnDelete.CASCADE)),
                ('triage_hours', fields.SmallIntField(default=24)),
                ('retention_years', fields.SmallIntField(default=5)),
            ],
            options={'table': 'case_policy', 'app': 'models', 'pk_attr': 'id', 'table_description': "The district's clock and retention for cases (a row once someone changes them)."},
            bases=['TenantModel'],
        ),
        ops.CreateModel(
            name='CaseSupport',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('case', fields.ForeignKeyField('models.Case', source_field='case_id', db_constraint=True, to_field='id', related_name='supports', on_delete=OnDelete.CASCADE)),
                ('kind', fields.CharEnumField(description='COUNSELLING: counselling\nMENTAL_HEALTH: mental_health\nMENTORING: mentoring\nSCHEDULE: schedule\nPARENT_MEETING: parent_meeting\nSAFETY_PLAN: safety_plan\nSUPERVISION: supervision\nLAW_ENFORCEMENT: law_enforcement\nOTHER: other', enum_type=SupportKind, max_length=24)),
                ('detail', Sealed(default=str)),
                ('owner', fields.ForeignKeyField('models.User', source_field='owner_id', db_constraint=True, to_field='id', related_name='case_supports', on_delete=OnDelete.CASCADE)),
                ('due_on', fields.DateField()),
                ('status', fields.CharEnumField(default=SupportStatus.PLANNED, description='PLANNED: planned\nUNDER_WAY: under_way\nDONE: done\nDROPPED: dropped', enum_type=SupportStatus, max_length=16)),
                ('written_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'case_support', 'app': 'models', 'pk_attr': 'id', 'table_description': 'Management: one support or supervision in the plan, with its owner, due day and status.'},
            bases=['TenantModel'],
        ),
        ops.AlterField(
            model_name='IncidentRole',
            name='function',
            field=fields.CharEnumField(description='COMMANDER: incident_commander\nDEPUTY: deputy\nPOLICE: police_liaison\nMEDICAL: medical_lead\nCOMMUNICATIONS: communications\nREUNIFICATION: reunification_lead\nMENTAL_HEALTH: mental_health_lead\nFACILITIES: facilities\nTHREAT_ASSESSMENT: threat_assessment\nSPECIAL_EDUCATION: special_education', enum_type=TeamFunction, max_length=32),
        ),
        ops.AlterField(
            model_name='TeamSeat',
            name='function',
            field=fields.CharEnumField(description='COMMANDER: incident_commander\nDEPUTY: deputy\nPOLICE: police_liaison\nMEDICAL: medical_lead\nCOMMUNICATIONS: communications\nREUNIFICATION: reunification_lead\nMENTAL_HEALTH: mental_health_lead\nFACILITIES: facilities\nTHREAT_ASSESSMENT: threat_assessment\nSPECIAL_EDUCATION: special_education', enum_type=TeamFunction, max_length=32),
        ),
    ]
