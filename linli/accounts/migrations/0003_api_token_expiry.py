import datetime as dt

from django.db import migrations, models


def expire_existing_tokens(apps, schema_editor):
    """Tokens made before expiry existed get the default lifetime from their creation (at least a week from now)."""
    from django.conf import settings
    from django.utils import timezone

    ApiToken = apps.get_model("accounts", "ApiToken")
    soonest = timezone.now() + dt.timedelta(days=7)
    for token in ApiToken.objects.filter(expires_at__isnull=True):
        token.expires_at = max(token.created_at + dt.timedelta(days=settings.API_TOKEN_DAYS), soonest)
        token.save(update_fields=["expires_at"])


class Migration(migrations.Migration):

    dependencies = [
        ("accounts", "0002_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="apitoken",
            name="expires_at",
            field=models.DateTimeField(null=True, verbose_name="expires at"),
        ),
        migrations.RunPython(expire_existing_tokens, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="apitoken",
            name="expires_at",
            field=models.DateTimeField(verbose_name="expires at"),
        ),
    ]
