"""Every community has its funding sources' yuan accounts from its creation (see `receivers.community_created`);
communities created before get theirs now, with the floors of `FUNDING_FLOORS`."""

from django.db import migrations

FUNDING_CODES = ("community_fund", "economic_cooperative", "government_subsidy", "community_company")
FLOORS = {"community_fund": 0}


def forwards(apps, schema_editor):
    Account = apps.get_model("ledger", "Account")
    Community = apps.get_model("places", "Community")
    for community in Community.objects.order_by("pk"):
        for code in FUNDING_CODES:
            Account.objects.get_or_create(
                community=community, kind="funding", code=code, unit="fen", defaults={"floor": FLOORS.get(code)}
            )


class Migration(migrations.Migration):
    dependencies = [("ledger", "0005_posting_function"), ("places", "0001_initial")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
