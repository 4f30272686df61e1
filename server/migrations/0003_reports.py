from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from json import dumps, loads
from server.reports.models import PositionSource, ReportKind
from tortoise.fields.base import OnDelete
from uuid import uuid4
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('models', '0002_runs_alerts_events')]

    initial = False

    operations = [
        ops.CreateModel(
            name='Report',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid4, unique=True, db_index=True)),
                ('organisation', fields.ForeignKeyField('models.Organisation', source_field='organisation_id', db_constraint=True, to_field='id', related_name='reports', on_delete=OnDelete.CASCADE)),
                ('reported_by', fields.ForeignKeyField('models.User', source_field='reported_by_id', db_constraint=True, to_field='id', related_name='reports', on_delete=OnDelete.CASCADE)),
                ('kind', fields.CharEnumField(description='PERSON: person\nVEHICLE: vehicle\nBOTH: both\nITEM: item\nBEHAVIOUR: behaviour', enum_type=ReportKind, max_length=16)),
                ('person', fields.JSONField(default=dict, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('vehicle', fields.JSONField(default=dict, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('item', fields.TextField(default='', unique=False)),
                ('activity', fields.TextField(unique=False)),
                ('concern', fields.TextField(default='', unique=False)),
                ('plate_key', fields.CharField(null=True, max_length=16)),
                ('seen_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('latitude', fields.FloatField()),
                ('longitude', fields.FloatField()),
                ('accuracy', fields.FloatField(null=True)),
                ('position_source', fields.CharEnumField(description='DEVICE: device\nPIN: pin\nSITE: site', enum_type=PositionSource, max_length=8)),
                ('nearest_site', fields.ForeignKeyField('models.Site', source_field='nearest_site_id', null=True, db_constraint=True, to_field='id', related_name='nearby_reports', on_delete=OnDelete.SET_NULL)),
                ('distance_m', fields.FloatField(null=True)),
                ('bearing', fields.CharField(default='', max_length=2)),
                ('school', fields.ForeignKeyField('models.School', source_field='school_id', null=True, db_constraint=True, to_field='id', related_name='reports', on_delete=OnDelete.SET_NULL)),
                ('place_name', fields.CharField(default='', max_length=300)),
                ('place_checked', fields.BooleanField(default=False)),
                ('photos', fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('context', fields.JSONField(default=dict, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('received_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'report', 'app': 'models', 'indexes': [Index(fields=['organisation_id', 'plate_key', 'seen_at']), Index(fields=['organisation_id', 'seen_at', 'latitude'])], 'pk_attr': 'id'},
            bases=['TenantModel'],
        ),
        ops.CreateModel(
            name='ReportLink',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('organisation', fields.ForeignKeyField('models.Organisation', source_field='organisation_id', db_constraint=True, to_field='id', related_name='report_links', on_delete=OnDelete.CASCADE)),
                ('report', fields.ForeignKeyField('models.Report', source_field='report_id', db_constraint=True, to_field='id', related_name='links', on_delete=OnDelete.CASCADE)),
                ('other', fields.ForeignKeyField('models.Report', source_field='other_id', db_constraint=True, to_field='id', related_name='linked_from', on_delete=OnDelete.CASCADE)),
                ('reason', fields.CharField(max_length=8)),
                ('distance_m', fields.FloatField()),
                ('hours_apart', fields.FloatField()),
            ],
            options={'table': 'report_link', 'app': 'models', 'unique_together': [('report', 'other')], 'pk_attr': 'id'},
            bases=['TenantModel'],
        ),
    ]
