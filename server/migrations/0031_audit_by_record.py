from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('models', '0030_metrics_skipped_index')]

    initial = False

    operations = [
        ops.AddIndex(
            model_name='AuditLog',
            index=Index(fields=['organisation_id', 'record_type', 'record_id', 'at']),
        ),
    ]
