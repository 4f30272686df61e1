from tortoise import migrations
from tortoise.migrations import operations as ops
from server.drills.models import DrillKind, DrillStatus
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index


class Migration(migrations.Migration):
    dependencies = [("models", "0021_training")]

    initial = False

    operations = [
        ops.CreateModel(
            name="Drill",
            fields=[
                (
                    "id",
                    fields.IntField(generated=True, primary_key=True, unique=True, db_index=True),
                ),
                (
                    "organisation",
                    fields.ForeignKeyField(
                        "models.Organisation",
                        source_field="organisation_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="drills",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                (
                    "school",
                    fields.ForeignKeyField(
                        "models.School",
                        source_field="school_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="drills",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                (
                    "kind",
                    fields.CharEnumField(
                        description="FIRE: fire\nLOCKDOWN: lockdown\nHOLD_SECURE: hold-secure\nEVACUATION: evacuation\nSHELTER: shelter\nBUS_EVACUATION: bus-evacuation\nREUNIFICATION: reunification",
                        enum_type=DrillKind,
                        max_length=16,
                    ),
                ),
                ("planned_on", fields.DateField()),
                (
                    "leader",
                    fields.ForeignKeyField(
                        "models.User",
                        source_field="leader_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name="drills_led",
                        on_delete=OnDelete.SET_NULL,
                    ),
                ),
                (
                    "status",
                    fields.CharEnumField(
                        default=DrillStatus.PLANNED,
                        description="PLANNED: planned\nRUNNING: running\nHELD: held\nCANCELLED: cancelled",
                        enum_type=DrillStatus,
                        max_length=16,
                    ),
                ),
                ("alert_id", fields.UUIDField(null=True)),
                ("started_at", fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ("ended_at", fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ("held_on", fields.DateField(null=True)),
                (
                    "planned_by",
                    fields.ForeignKeyField(
                        "models.User",
                        source_field="planned_by_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="drills_planned",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={
                "table": "drill",
                "app": "models",
                "indexes": [Index(fields=["organisation_id", "planned_on"])],
                "pk_attr": "id",
            },
            bases=["TenantModel"],
        ),
        ops.CreateModel(
            name="DrillRequirement",
            fields=[
                (
                    "id",
                    fields.IntField(generated=True, primary_key=True, unique=True, db_index=True),
                ),
                (
                    "organisation",
                    fields.ForeignKeyField(
                        "models.Organisation",
                        source_field="organisation_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="drill_requirements",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                (
                    "kind",
                    fields.CharEnumField(
                        description="FIRE: fire\nLOCKDOWN: lockdown\nHOLD_SECURE: hold-secure\nEVACUATION: evacuation\nSHELTER: shelter\nBUS_EVACUATION: bus-evacuation\nREUNIFICATION: reunification",
                        enum_type=DrillKind,
                        max_length=16,
                    ),
                ),
                ("per_year", fields.SmallIntField()),
                ("early_count", fields.SmallIntField(default=0)),
                ("early_days", fields.SmallIntField(null=True)),
            ],
            options={
                "table": "drill_requirement",
                "app": "models",
                "unique_together": (("organisation", "kind"),),
                "pk_attr": "id",
                "table_description": "The district's rule for one kind: ``per_year`` drills each school year, of which",
            },
            bases=["TenantModel"],
        ),
        ops.AddField(
            model_name="Organisation",
            name="school_year_starts",
            field=fields.SmallIntField(default=8, db_default=8),
        ),
    ]
