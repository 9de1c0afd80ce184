"""The community fund's money account holds a floor of zero (see `FUNDING_FLOORS`). Accounts opened before the
ledger set it get it now, unless already below zero (the floor would not hold; the community decides)."""

from django.db import migrations


def forwards(apps, schema_editor):
    Account = apps.get_model("ledger", "Account")
    Account.objects.filter(
        kind="funding", code="community_fund", unit="fen", floor__isnull=True, balance__gte=0
    ).update(floor=0)


class Migration(migrations.Migration):
    dependencies = [("ledger", "0003_fewer_indexes_on_the_write_path")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
