import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    """Separate from the data migration: PostgreSQL refuses to alter a table with the updates' trigger events
    still pending in the same transaction."""

    dependencies = [("volunteering", "0002_activity_types_from_kinds")]

    operations = [
        migrations.RemoveField(model_name="activity", name="kind"),
        migrations.AlterField(
            model_name="activity",
            name="type",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="activities",
                to="volunteering.activitytype",
                verbose_name="type of activity",
            ),
        ),
    ]
