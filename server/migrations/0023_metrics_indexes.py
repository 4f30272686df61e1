from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('models', '0022_drills')]

    initial = False

    operations = [
        ops.AddIndex(
            model_name='Alert',
            index=Index(fields=['organisation_id', 'drill', 'raised_at']),
        ),
        ops.AddIndex(
            model_name='Report',
            index=Index(fields=['organisation_id', 'kind', 'seen_at']),
        ),
        ops.AddIndex(
            model_name='Report',
            index=Index(fields=['organisation_id', 'school_id', 'kind', 'seen_at']),
        ),
        ops.AddIndex(
            model_name='ChecklistRun',
            index=Index(
                fields=[
                    'organisation_id',
                    'checklist_id',
                    'started_at',
                    'practice',
                    'discarded_at',
                    'completed_at',
                    'school_id',
                ]
            ),
        ),
        ops.AddIndex(
            model_name='TripOverdue',
            index=Index(fields=['due_at']),
        ),
    ]
