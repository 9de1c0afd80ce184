"""Residents' requests about their personal data (PIPL): a copy at once, deletion after a caseworker's review.

Deletion anonymises the register record rather than deleting it: points, orders and bookings point at it and
must add up (ledger entries and audit rows are kept); see docs/privacy.md for what is cleared and what is kept."""

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from linli.accounts import rules
from linli.accounts.models import RoleAssignment, User
from linli.accounts.rules import forget_access
from linli.accounts.types import Actor, account_of
from linli.audit.services import audit_record, create_audited, snapshot
from linli.core.errors import Conflict, DomainError, NotAllowed, NotFound
from linli.notifications.services import notify

from .. import rules as people_rules
from ..erasure import ANONYMISED, erasure_hooks_run
from ..models import DataRequest, Resident

# What an anonymised record is called on every list (stored as data, like any name on the register).
ANONYMISED_NAME = ANONYMISED
REASON_MAX = 500


def _own_profile(actor: Actor) -> Resident:
    resident = people_rules.own_profile(actor)
    if resident is None:
        raise NotFound(_("Your account is not linked to a resident of a community yet."), code="no_resident")
    return resident


def _clean_reason(reason: str, *, required: bool, field: str = "reason") -> str:
    reason = reason.strip()
    if required and not reason:
        raise DomainError(_("Give a reason."), field=field)
    if len(reason) > REASON_MAX:
        raise DomainError(_("Keep the reason under %(n)s characters.") % {"n": REASON_MAX}, field=field)
    return reason


def data_export_record(*, actor: Actor) -> DataRequest:
    """A resident downloaded a copy of their data: recorded (and audited) as a done export request."""
    resident = _own_profile(actor)
    now = timezone.now()
    request = create_audited(
        actor=actor,
        action="data_request.export",
        model=DataRequest,
        community=resident.community,
        resident=resident,
        requested_by=account_of(actor),
        kind=DataRequest.Kind.EXPORT,
        status=DataRequest.Status.DONE,
        handled_at=now,
    )
    return request


def data_deletion_request(*, actor: Actor, reason: str = "") -> DataRequest:
    """A resident asks for their personal data to be deleted; the community's caseworkers decide."""
    resident = _own_profile(actor)
    reason = _clean_reason(reason, required=False)
    return create_audited(
        actor=actor,
        action="data_request.create",
        model=DataRequest,
        on_duplicate=Conflict(
            _("You have already asked for deletion; the community is looking at it."), code="already_requested"
        ),
        community=resident.community,
        resident=resident,
        requested_by=account_of(actor),
        kind=DataRequest.Kind.DELETE,
        reason=reason,
    )


def _lock_pending(actor: Actor, request: DataRequest) -> DataRequest:
    if not rules.can_handle_data_requests(actor, request.community):
        raise NotAllowed(_("You may not handle personal data requests in this community."))
    locked = DataRequest.objects.select_for_update().select_related("resident").get(pk=request.pk)
    if locked.status != DataRequest.Status.PENDING:
        raise Conflict(_("This request has already been handled."), code="already_handled")
    return locked


def data_request_refuse(*, actor: Actor, request: DataRequest, answer: str) -> DataRequest:
    answer = _clean_reason(answer, required=True, field="answer")
    with transaction.atomic():
        locked = _lock_pending(actor, request)
        before = snapshot(locked)
        locked.status = DataRequest.Status.REFUSED
        locked.answer = answer
        locked.handled_by = account_of(actor)
        locked.handled_at = timezone.now()
        locked.save(update_fields=["status", "answer", "handled_by", "handled_at"])
        audit_record(actor=actor, action="data_request.refuse", instance=locked, before=before, after=snapshot(locked))
        _tell_refused(locked)
    return locked


def _tell_refused(request: DataRequest) -> None:
    """The resident hears of a refusal, in their own language, with the reason (after the commit)."""
    user = request.requested_by
    if user is None or not user.is_active:
        return
    with translation.override(user.language or settings.LANGUAGE_CODE):
        title = _("Your request to delete your personal data was not accepted")
    notify(user=user, title=title, body=request.answer, url="/accounts/me/data/", community=request.community)


def data_request_approve(*, actor: Actor, request: DataRequest, answer: str = "") -> DataRequest:
    """Delete the resident's personal data: anonymise the register record, unbind and close the account."""
    answer = _clean_reason(answer, required=False, field="answer")
    with transaction.atomic():
        locked = _lock_pending(actor, request)
        if locked.kind != DataRequest.Kind.DELETE:
            raise DomainError(_("Only deletion requests wait for a decision."))
        resident = Resident.objects.select_for_update().get(pk=locked.resident_id)
        account = User.objects.select_for_update().filter(pk=resident.user_id).first() if resident.user_id else None
        cleared = erasure_hooks_run(
            resident=resident, account=account, mobiles=(resident.mobile, getattr(account, "mobile", ""))
        )
        anonymise(resident, today=timezone.localdate())
        if account is not None:
            close_account(account)
        before = snapshot(locked)
        locked.status = DataRequest.Status.DONE
        locked.answer = answer
        locked.handled_by = account_of(actor)
        locked.handled_at = timezone.now()
        locked.save(update_fields=["status", "answer", "handled_by", "handled_at"])
        locked.resident = resident
        # The audit row says what was done, not what was deleted: no name, number or address is copied into it.
        audit_record(
            actor=actor,
            action="data_request.approve",
            instance=locked,
            before=before,
            after={
                **snapshot(locked),
                "resident_anonymised": resident.pk,
                "account_closed": getattr(account, "pk", None),
                "copies_cleared": cleared,
            },
        )
    return locked


def anonymise(resident: Resident, *, today: dt.date) -> None:
    """Clear what identifies the person; keep what statistics and the books need (sex, year of birth, household,
    the links from points, orders and bookings). The record counts as moved out from today, if not before."""
    resident.name = ANONYMISED_NAME
    resident.mobile = ""
    resident.id_number_encrypted = resident.id_number_digest = resident.id_number_masked = ""
    resident.hukou_address = ""
    resident.note = ""
    resident.is_party_member = False
    resident.birth_date = resident.birth_date.replace(month=1, day=1)
    resident.moved_out_on = resident.moved_out_on or max(today, resident.birth_date)
    resident.user = None
    resident.save()
    resident.tags.clear()


def close_account(account: User) -> None:
    """The login goes: deactivated, no password, no roles, and its mobile replaced so the number can sign up again."""
    account.is_active = False
    account.display_name = ""
    account.mobile = f"x{account.pk:010d}"[-11:]
    account.set_unusable_password()
    account.save(update_fields=["is_active", "display_name", "mobile", "password"])
    RoleAssignment.objects.filter(user=account).delete()
    people_rules.forget(account)
    forget_access(account)
