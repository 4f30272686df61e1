from tortoise import migrations
from tortoise.migrations import operations as ops
from server.incidents.models import LinkKind
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('models', '0015_reviews')]

    initial = False

    operations = [
        ops.AddIndex(
            model_name='CheckIn',
            index=Index(fields=['trip_id', 'at']),
        ),
        ops.AddIndex(
            model_name='ChecklistAnswer',
            index=Index(fields=['run_id', 'answered_at']),
        ),
        ops.AddIndex(
            model_name='Headcount',
            index=Index(fields=['trip_id', 'counted_at']),
        ),
        ops.AlterField(
            model_name='IncidentLink',
            name='kind',
            field=fields.CharEnumField(description='ALERT: alert\nLOST: lost\nREPORT: report\nRUN: run', enum_type=LinkKind, max_length=16),
        ),
        ops.AddIndex(
            model_name='IncidentLink',
            index=Index(fields=['incident_id', 'kind', 'at']),
        ),
    ]
