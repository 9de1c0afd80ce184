from django.db import migrations

from linli.planning.catalogue import PLANNING_CATEGORIES, seed_planning_categories


def seed(apps, schema_editor):
    seed_planning_categories(apps.get_model("facilities", "FacilityCategory"))


def unseed(apps, schema_editor):
    codes = [c[0] for c in PLANNING_CATEGORIES]
    apps.get_model("facilities", "FacilityCategory").objects.filter(code__in=codes, facilities__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("planning", "0001_plan_runs_and_candidate_sites"), ("facilities", "0002_seed_facility_categories")]
    operations = [migrations.RunPython(seed, unseed)]
