"""Masks keep only an ID number's last 4 characters (the region prefix went), and the audit log keeps a
resident's birth year instead of the birth date: with the region or the birth date next to the last characters,
the check character leaves only a handful of candidate numbers (docs/privacy.md). Not reversible: the data
removed is not kept anywhere."""

from django.db import migrations

KEEP = 4


def remask(value):
    if not isinstance(value, str) or len(value) <= KEEP:
        return value
    return "*" * (len(value) - KEEP) + value[-KEEP:]


def coarsen(data):
    if not isinstance(data, dict):
        return data, False
    data = dict(data)
    changed = False
    if "birth_date" in data:
        value = data.pop("birth_date")
        data["birth_year"] = int(value[:4]) if isinstance(value, str) and value[:4].isdigit() else None
        changed = True
    if "id_number_masked" in data:
        new = remask(data["id_number_masked"])
        changed = changed or new != data["id_number_masked"]
        data["id_number_masked"] = new
    return data, changed


def forwards(apps, schema_editor):
    Resident = apps.get_model("people", "Resident")
    AuditEntry = apps.get_model("audit", "AuditEntry")
    batch = []
    for resident in Resident.objects.exclude(id_number_masked="").only("pk", "id_number_masked").iterator():
        resident.id_number_masked = remask(resident.id_number_masked)
        batch.append(resident)
        if len(batch) >= 2000:
            Resident.objects.bulk_update(batch, ["id_number_masked"])
            batch = []
    Resident.objects.bulk_update(batch, ["id_number_masked"])
    for entry in AuditEntry.objects.filter(object_type="people.resident").only("pk", "before", "after").iterator():
        before, changed_before = coarsen(entry.before)
        after, changed_after = coarsen(entry.after)
        if changed_before or changed_after:
            AuditEntry.objects.filter(pk=entry.pk).update(before=before, after=after)


class Migration(migrations.Migration):
    dependencies = [("people", "0002_seed_sensitive_tags"), ("audit", "0001_initial")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
