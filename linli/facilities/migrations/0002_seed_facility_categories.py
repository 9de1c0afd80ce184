"""The facility catalogue, seeded with the GB 50180-2018 types. The codes are used by the planning engine's rules."""

from django.db import migrations

from linli.facilities.catalogue import CATEGORIES, seed_categories


def seed(apps, schema_editor):
    seed_categories(apps.get_model("facilities", "FacilityCategory"))


def unseed(apps, schema_editor):
    apps.get_model("facilities", "FacilityCategory").objects.filter(code__in=[c[0] for c in CATEGORIES]).delete()


class Migration(migrations.Migration):
    dependencies = [("facilities", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]
