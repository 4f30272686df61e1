from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('models', '0013_team_and_incidents')]

    initial = False

    operations = [
        ops.AddIndex(
            model_name='AuditLog',
            index=Index(fields=['organisation_id', 'at']),
        ),
        ops.AddIndex(
            model_name='AuditLog',
            index=Index(fields=['organisation_id', 'actor_id', 'at']),
        ),
        ops.AddIndex(
            model_name='AuditLog',
            index=Index(fields=['organisation_id', 'action', 'at']),
        ),
    ]
