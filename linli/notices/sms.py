"""Notices by SMS. Urgent ones go to every targeted resident with a mobile, right after publication; ordinary ones a
day later, only to those who have not opened them and rely on SMS (no account, an account never used, or who asked
for it). Each recipient's row is claimed before its SMS is queued, so nobody gets the same notice twice."""

import datetime as dt

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_tasks import task

from linli.notifications.services import notify_sms

from .models import Notice, NoticeRecipient

DELAY = dt.timedelta(days=1)
# An ordinary notice older than this is not sent by SMS any more (the job was down, or the notice is old news).
LAST_CHANCE = dt.timedelta(days=7)


def sms_text(notice: Notice) -> str:
    title = notice.title if len(notice.title) <= 30 else notice.title[:29] + "…"
    with translation.override("zh-hans"):
        if notice.urgent:
            return _("[Linli] Urgent notice from %(issuer)s: %(title)s. Please read it soon.") % {
                "issuer": notice.issuer_name,
                "title": title,
            }
        return _("[Linli] Notice from %(issuer)s: %(title)s. Your grid steward can tell you more.") % {
            "issuer": notice.issuer_name,
            "title": title,
        }


CLAIM_BATCH = 500


def _send(recipients: QuerySet[NoticeRecipient], now: dt.datetime) -> int:
    """Text the recipients with a mobile (their own, else their account's), a batch at a time: the batch's rows not
    texted yet are locked (skipping those another sender holds) and stamped with `now` in one transaction, and only
    those are texted, so a row another sender claimed first is not texted twice."""
    reachable: dict[int, tuple[str, int]] = {}
    for pk, notice_id, own, account in recipients.values_list(
        "pk", "notice_id", "resident__mobile", "resident__user__mobile"
    ):
        if own or account:
            reachable[pk] = (own or account, notice_id)
    notices = Notice.objects.select_related("community", "street").in_bulk({n for _m, n in reachable.values()})
    texts = {pk: sms_text(notice) for pk, notice in notices.items()}
    ids, sent = list(reachable), 0
    for start in range(0, len(ids), CLAIM_BATCH):
        batch = ids[start : start + CLAIM_BATCH]
        with transaction.atomic():
            claimed = list(
                NoticeRecipient.objects.select_for_update(skip_locked=True)
                .filter(pk__in=batch, sms_sent_at__isnull=True)
                .values_list("pk", flat=True)
            )
            NoticeRecipient.objects.filter(pk__in=claimed).update(sms_sent_at=now)
            for pk in claimed:
                mobile, notice_id = reachable[pk]
                notify_sms(mobile=mobile, text=texts[notice_id])
        sent += len(claimed)
    return sent


def urgent_send(*, notice_id: int, now: dt.datetime | None = None) -> int:
    now = now or timezone.now()
    recipients = NoticeRecipient.objects.filter(
        notice_id=notice_id,
        notice__urgent=True,
        notice__status=Notice.Status.PUBLISHED,
        sms_sent_at__isnull=True,
    )
    return _send(recipients, now)


def sms_reliant() -> Q:
    return (
        Q(resident__user__isnull=True)
        | Q(resident__user__last_login__isnull=True)
        | Q(resident__notice_sms__by_sms=True)
    )


def delayed_due(now: dt.datetime) -> QuerySet[NoticeRecipient]:
    return NoticeRecipient.objects.filter(
        sms_reliant(),
        Q(notice__expires_at__isnull=True) | Q(notice__expires_at__gt=now),
        notice__status=Notice.Status.PUBLISHED,
        notice__urgent=False,
        notice__published_at__lte=now - DELAY,
        notice__published_at__gt=now - LAST_CHANCE,
        read_at__isnull=True,
        sms_sent_at__isnull=True,
    )


def delayed_send(*, now: dt.datetime | None = None) -> int:
    now = now or timezone.now()
    return _send(delayed_due(now), now)


@task()
def urgent_sms_send(notice_id: int) -> int:
    """Queued once an urgent notice's publication commits."""
    return urgent_send(notice_id=notice_id)
