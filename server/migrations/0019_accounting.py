from tortoise import migrations
from tortoise.migrations import operations as ops
from orjson import loads
from server.accounting.models import Mark
from tortoise.fields.base import OnDelete
from tortoise.fields.data import JSON_DUMPS
from uuid import uuid4
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('models', '0018_alert_fallback')]

    initial = False

    operations = [
        ops.CreateModel(
            name='AccountingCall',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('incident', fields.OneToOneField('models.Incident', source_field='incident_id', db_constraint=True, to_field='id', related_name='accounting', on_delete=OnDelete.CASCADE)),
                ('asked_by', fields.ForeignKeyField('models.User', source_field='asked_by_id', null=True, db_constraint=True, to_field='id', related_name='accounting_calls', on_delete=OnDelete.SET_NULL)),
                ('asked_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'accounting_call', 'app': 'models', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='RosterClass',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('organisation', fields.ForeignKeyField('models.Organisation', source_field='organisation_id', db_constraint=True, to_field='id', related_name='roster_classes', on_delete=OnDelete.CASCADE)),
                ('school', fields.ForeignKeyField('models.School', source_field='school_id', db_constraint=True, to_field='id', related_name='roster_classes', on_delete=OnDelete.CASCADE)),
                ('source_id', fields.CharField(max_length=64)),
                ('name', fields.CharField(max_length=200)),
                ('period', fields.CharField(default='', max_length=64)),
            ],
            options={'table': 'roster_class', 'app': 'models', 'unique_together': (('organisation', 'source_id'),), 'pk_attr': 'id'},
            bases=['TenantModel'],
        ),
        ops.CreateModel(
            name='ClassReport',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid4, unique=True, db_index=True)),
                ('incident', fields.ForeignKeyField('models.Incident', source_field='incident_id', db_constraint=True, to_field='id', related_name='class_reports', on_delete=OnDelete.CASCADE)),
                ('roster_class', fields.ForeignKeyField('models.RosterClass', source_field='roster_class_id', db_constraint=True, to_field='id', related_name='reports', on_delete=OnDelete.CASCADE)),
                ('user', fields.ForeignKeyField('models.User', source_field='user_id', db_constraint=True, to_field='id', related_name='class_reports', on_delete=OnDelete.CASCADE)),
                ('site', fields.ForeignKeyField('models.Site', source_field='site_id', null=True, db_constraint=True, to_field='id', related_name='class_reports', on_delete=OnDelete.SET_NULL)),
                ('place', fields.CharField(default='', max_length=200)),
                ('position', fields.JSONField(null=True, encoder=JSON_DUMPS, decoder=loads)),
                ('at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'accounting_class_report', 'app': 'models', 'indexes': [Index(fields=['incident_id', 'at'])], 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='ClassTeacher',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('roster_class', fields.ForeignKeyField('models.RosterClass', source_field='roster_class_id', db_constraint=True, to_field='id', related_name='teachers', on_delete=OnDelete.CASCADE)),
                ('teacher', fields.ForeignKeyField('models.User', source_field='teacher_id', db_constraint=True, to_field='id', related_name='classes_taught', on_delete=OnDelete.CASCADE)),
            ],
            options={'table': 'roster_class_teacher', 'app': 'models', 'unique_together': (('roster_class', 'teacher'),), 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Student',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('organisation', fields.ForeignKeyField('models.Organisation', source_field='organisation_id', db_constraint=True, to_field='id', related_name='roster_students', on_delete=OnDelete.CASCADE)),
                ('school', fields.ForeignKeyField('models.School', source_field='school_id', db_constraint=True, to_field='id', related_name='roster_students', on_delete=OnDelete.CASCADE)),
                ('source_id', fields.CharField(max_length=64)),
                ('name', fields.CharField(max_length=200)),
                ('grade', fields.CharField(default='', max_length=16)),
                ('custody_notes', fields.TextField(default='', unique=False)),
                ('active', fields.BooleanField(default=True)),
            ],
            options={'table': 'roster_student', 'app': 'models', 'unique_together': (('organisation', 'source_id'),), 'pk_attr': 'id'},
            bases=['TenantModel'],
        ),
        ops.CreateModel(
            name='Enrollment',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('roster_class', fields.ForeignKeyField('models.RosterClass', source_field='roster_class_id', db_constraint=True, to_field='id', related_name='enrollments', on_delete=OnDelete.CASCADE)),
                ('student', fields.ForeignKeyField('models.Student', source_field='student_id', db_constraint=True, to_field='id', related_name='enrollments', on_delete=OnDelete.CASCADE)),
            ],
            options={'table': 'roster_enrollment', 'app': 'models', 'unique_together': (('roster_class', 'student'),), 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Guardian',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('student', fields.ForeignKeyField('models.Student', source_field='student_id', db_constraint=True, to_field='id', related_name='guardians', on_delete=OnDelete.CASCADE)),
                ('source_id', fields.CharField(max_length=64)),
                ('name', fields.CharField(max_length=200)),
                ('phone', fields.CharField(default='', max_length=40)),
                ('relationship', fields.CharField(default='', max_length=32)),
                ('may_pick_up', fields.BooleanField(default=True)),
            ],
            options={'table': 'roster_guardian', 'app': 'models', 'unique_together': (('student', 'source_id'),), 'pk_attr': 'id'},
            bases=['TenantModel'],
        ),
        ops.CreateModel(
            name='Release',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid4, unique=True, db_index=True)),
                ('incident', fields.ForeignKeyField('models.Incident', source_field='incident_id', db_constraint=True, to_field='id', related_name='releases', on_delete=OnDelete.CASCADE)),
                ('student', fields.ForeignKeyField('models.Student', source_field='student_id', db_constraint=True, to_field='id', related_name='releases', on_delete=OnDelete.CASCADE)),
                ('guardian', fields.ForeignKeyField('models.Guardian', source_field='guardian_id', null=True, db_constraint=True, to_field='id', related_name='releases', on_delete=OnDelete.SET_NULL)),
                ('released_to', fields.CharField(max_length=200)),
                ('id_checked', fields.CharField(max_length=100)),
                ('staff', fields.ForeignKeyField('models.User', source_field='staff_id', db_constraint=True, to_field='id', related_name='releases', on_delete=OnDelete.CASCADE)),
                ('at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'reunification_release', 'app': 'models', 'unique_together': (('incident', 'student'),), 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='StudentMark',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid4, unique=True, db_index=True)),
                ('incident', fields.ForeignKeyField('models.Incident', source_field='incident_id', db_constraint=True, to_field='id', related_name='student_marks', on_delete=OnDelete.CASCADE)),
                ('roster_class', fields.ForeignKeyField('models.RosterClass', source_field='roster_class_id', db_constraint=True, to_field='id', related_name='marks', on_delete=OnDelete.CASCADE)),
                ('student', fields.ForeignKeyField('models.Student', source_field='student_id', db_constraint=True, to_field='id', related_name='marks', on_delete=OnDelete.CASCADE)),
                ('mark', fields.CharEnumField(description='PRESENT: present\nMISSING: missing\nINJURED: injured\nABSENT: absent\nEXTRA: extra\nCLEARED: cleared', enum_type=Mark, max_length=16)),
                ('note', fields.CharField(default='', max_length=500)),
                ('user', fields.ForeignKeyField('models.User', source_field='user_id', db_constraint=True, to_field='id', related_name='student_marks', on_delete=OnDelete.CASCADE)),
                ('at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'accounting_mark', 'app': 'models', 'indexes': [Index(fields=['incident_id', 'at'])], 'pk_attr': 'id'},
            bases=['Model'],
        ),
    ]
