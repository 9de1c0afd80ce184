from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django_tasks import task

from linli.accounts.otp import site_link
from linli.notifications.services import notify_sms

from .exporting import register_export_execute, register_exports_expire
from .importing import register_import_execute
from .models import Invitation


@task()
def invitation_sms_send(invitation_ids: list[int]) -> int:
    """Send the sign-up invitations' SMS, in Chinese (short: one SMS each). The number sent."""
    link = site_link(reverse("accounts:signup"))
    sent = 0
    with translation.override("zh-hans"):
        for invitation in Invitation.objects.filter(pk__in=invitation_ids).select_related("resident", "community"):
            mobile = invitation.resident.mobile
            if not mobile or invitation.resident.user_id is not None:
                continue
            notify_sms(
                mobile=mobile,
                text=_("%(community)s invites you to Linli: sign up with this number, then verify your name. %(url)s")
                % {"community": invitation.community.name, "url": link},
            )
            sent += 1
    return sent


@task()
def run_register_import(job_id: int) -> None:
    register_import_execute(job_id=job_id)


@task()
def run_register_export(export_id: int) -> None:
    register_export_execute(export_id=export_id)


@task()
def expire_register_exports() -> int:
    """Delete register exports older than a day, with their files. How many."""
    return register_exports_expire()
