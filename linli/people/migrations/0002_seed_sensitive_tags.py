from django.db import migrations

TAGS = [
    ("elderly_living_alone", "独居老人", "Elderly living alone"),
    ("empty_nest_elderly", "空巢老人", "Empty-nest elderly"),
    ("child_in_difficulty", "困境儿童", "Child in difficulty"),
    ("left_behind_child", "留守儿童", "Left-behind child"),
    ("disabled", "残疾人", "Person with a disability"),
    ("low_income", "低保户", "Minimum-living-allowance household"),
    ("special_care", "优抚对象", "Entitled group (veterans and families)"),
    ("serious_illness", "重病患者", "Serious illness"),
]


def seed(apps, schema_editor):
    SensitiveTag = apps.get_model("people", "SensitiveTag")
    for code, zh, en in TAGS:
        SensitiveTag.objects.update_or_create(code=code, defaults={"name_zh": zh, "name_en": en})


def unseed(apps, schema_editor):
    apps.get_model("people", "SensitiveTag").objects.filter(code__in=[t[0] for t in TAGS]).delete()


class Migration(migrations.Migration):
    dependencies = [("people", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]
