import django.db.models.deletion
from django.db import migrations, models

from linli.volunteering.catalogue import NAME_OF_KIND, seed_activity_types


def types_from_kinds(apps, schema_editor):
    """Each community gets the seven former kinds as its activity types; each activity the type of its kind."""
    Community = apps.get_model("places", "Community")
    ActivityType = apps.get_model("volunteering", "ActivityType")
    Activity = apps.get_model("volunteering", "Activity")
    for community_id in Community.objects.values_list("pk", flat=True):
        seed_activity_types(ActivityType, community_id)
        types = dict(ActivityType.objects.filter(community_id=community_id).values_list("name", "pk"))
        for kind, name in NAME_OF_KIND.items():
            Activity.objects.filter(community_id=community_id, kind=kind).update(type_id=types[name])


class Migration(migrations.Migration):
    dependencies = [
        ("places", "0001_initial"),
        ("volunteering", "0001_teams_activities_hours_clubs"),
    ]

    operations = [
        migrations.CreateModel(
            name="ActivityType",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("name", models.CharField(max_length=40, verbose_name="name")),
                (
                    "scenario",
                    models.CharField(
                        choices=[
                            ("neighbourhood", "Neighbourhood"),
                            ("education", "Education"),
                            ("health", "Health"),
                            ("enterprise", "Enterprise"),
                            ("architecture", "Architecture"),
                            ("transport", "Transport"),
                            ("low_carbon", "Low carbon"),
                            ("services", "Services"),
                            ("governance", "Governance"),
                        ],
                        default="neighbourhood",
                        max_length=20,
                        verbose_name="scenario",
                    ),
                ),
                (
                    "earning_rule",
                    models.SlugField(
                        default="volunteer_hour",
                        help_text="The points rule for its hours.",
                        max_length=40,
                        verbose_name="earning rule",
                    ),
                ),
                ("active", models.BooleanField(default=True, verbose_name="active")),
                ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="created at")),
                (
                    "community",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="activity_types",
                        to="places.community",
                    ),
                ),
            ],
            options={
                "verbose_name": "activity type",
                "verbose_name_plural": "activity types",
                "ordering": ["community", "-active", "name", "pk"],
                "constraints": [
                    models.UniqueConstraint(fields=("community", "name"), name="uniq_activity_type_name")
                ],
            },
        ),
        migrations.AddField(
            model_name="activity",
            name="type",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="activities",
                to="volunteering.activitytype",
                verbose_name="type of activity",
            ),
        ),
        migrations.RunPython(types_from_kinds, migrations.RunPython.noop),
    ]
