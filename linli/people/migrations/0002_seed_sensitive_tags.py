from django.db import migrations

from linli.people.sensitive_tags import DEFAULT_TAGS, seed_default_tags


def seed(apps, schema_editor):
    seed_default_tags(apps.get_model("people", "SensitiveTag"))


def unseed(apps, schema_editor):
    apps.get_model("people", "SensitiveTag").objects.filter(code__in=[t[0] for t in DEFAULT_TAGS]).delete()


class Migration(migrations.Migration):
    dependencies = [("people", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]
