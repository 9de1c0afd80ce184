"""实名核验: a signed-up account proves, with a name and an ID number, that it is a resident on the register, and
is bound to that record (one account, one resident) with the resident role in its community.

Tries are limited per account and per client address (throttle scopes `verify.account`, `verify.address`) and
every try is audited with the ID number masked to its last 4 characters. A wrong name and an unknown number get
the same answer, so a try does not tell whether someone is on the register."""

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.accounts import rules
from linli.accounts.models import Role, RoleAssignment
from linli.accounts.types import Actor, account_of
from linli.audit.services import audit_record
from linli.core import crypto, throttle
from linli.core.errors import Conflict, DomainError, NotAllowed

from .. import idnumber
from ..models import Invitation, Resident

NO_MATCH = "no_match"
ALREADY_BOUND = "already_bound"
AMBIGUOUS = "ambiguous"
ACCOUNT_BOUND = "account_bound"
VERIFIED = "verified"
THROTTLED = "throttled"


def _name_key(name: str) -> str:
    """Names compare without spaces or case, and with the middle dots of minority names made one."""
    for dot in "·•．.・":
        name = name.replace(dot, "·")
    return "".join(name.split()).casefold()


def _refusal(outcome: str) -> DomainError:
    if outcome == ALREADY_BOUND:
        return Conflict(
            _("This resident already has an account. Please contact your community's office."), code=ALREADY_BOUND
        )
    if outcome == AMBIGUOUS:
        return Conflict(
            _("Your record needs a check by your community's office before it can be verified. Please contact them."),
            code=AMBIGUOUS,
        )
    if outcome == ACCOUNT_BOUND:
        return Conflict(_("Your account is already verified."), code="already_verified")
    return DomainError(
        _(
            "The name and ID number do not match a resident on our register. Check them, "
            "or ask your community's office."
        ),
        code=NO_MATCH,
    )


def _audit_try(
    *,
    actor: Actor,
    outcome: str,
    masked: str,
    via: str,
    at: dt.datetime,
    resident: Resident | None = None,
    **more: Any,
) -> None:
    audit_record(
        actor=actor,
        action="resident.verify",
        instance=resident if resident is not None else account_of(actor),
        community=resident.community if resident is not None else None,
        after={"outcome": outcome, "id_number": masked, **more},
        via=via,
        at=at,
    )


def _bind(*, actor: Actor, resident: Resident, masked: str, via: str, now: dt.datetime) -> None:
    resident.user = account_of(actor)
    with transaction.atomic():  # a savepoint: the account may have been bound elsewhere a moment ago
        resident.save(update_fields=["user", "updated_at"])
    grant, created = RoleAssignment.objects.get_or_create(user=actor, role=Role.RESIDENT, community=resident.community)
    if created:
        audit_record(
            actor=actor,
            action="role.grant",
            instance=grant,
            community=resident.community,
            after={"user": actor.pk, "role": Role.RESIDENT, "community": resident.community_id},
            via=via,
            at=now,
        )
    activated = Invitation.objects.filter(resident=resident, activated_at__isnull=True).update(activated_at=now)
    mobile_differs = bool(resident.mobile) and resident.mobile != account_of(actor).mobile
    _audit_try(
        actor=actor,
        outcome=VERIFIED,
        masked=masked,
        via=via,
        at=now,
        resident=resident,
        mobile_differs=mobile_differs,
        invitations_activated=activated,
    )


def resident_verify(
    *, actor: Actor, name: str, id_number: str, address: str = "", via: str = "web", now: dt.datetime | None = None
) -> Resident:
    """Bind the account to the resident with this ID number and name (not moved out, with no account yet).

    A number that is not even well formed is refused without counting a try: it cannot match anyone."""
    now = now or timezone.now()
    if not getattr(actor, "is_authenticated", False):
        raise NotAllowed(_("Sign in first."))
    if Resident.objects.filter(user=account_of(actor)).exists():
        raise _refusal(ACCOUNT_BOUND)
    name = name.strip()
    if not name or len(name) > 40:
        raise DomainError(_("Enter your name as on your ID card."), field="name", code="invalid_name")
    number = idnumber.normalise(id_number)
    try:
        idnumber.validate_id_number(number)
    except ValidationError as exc:
        raise DomainError(exc.messages[0], field="id_number", code="invalid_id_number") from None
    masked = idnumber.mask(number)
    try:
        throttle.attempt(("verify.account", str(actor.pk)), ("verify.address", address), now=now, field="id_number")
    except throttle.Throttled:
        with transaction.atomic():
            _audit_try(actor=actor, outcome=THROTTLED, masked=masked, via=via, at=now)
        raise
    outcome = NO_MATCH
    with transaction.atomic():
        candidates = list(
            Resident.objects.select_for_update(of=("self",))
            .filter(id_number_digest=crypto.digest(number), moved_out_on__isnull=True)
            .select_related("community")
            .order_by("pk")
        )
        matches = [r for r in candidates if _name_key(r.name) == _name_key(name)]
        resident = matches[0] if len(matches) == 1 else None
        if len(matches) > 1:
            outcome = AMBIGUOUS
        elif resident is not None and resident.user_id == actor.pk:
            return resident  # the same request twice: already done
        elif resident is not None and resident.user_id is not None:
            outcome = ALREADY_BOUND
        elif resident is not None:
            try:
                _bind(actor=actor, resident=resident, masked=masked, via=via, now=now)
            except IntegrityError:
                outcome = ACCOUNT_BOUND
            else:
                outcome = VERIFIED
        if outcome == ALREADY_BOUND:  # name and number were right: the community should see the claim
            _audit_try(actor=actor, outcome=outcome, masked=masked, via=via, at=now, resident=resident)
        elif outcome != VERIFIED:  # the row is the account's own, naming no resident whatever was found
            _audit_try(actor=actor, outcome=outcome, masked=masked, via=via, at=now)
    if outcome != VERIFIED or resident is None:
        raise _refusal(outcome)
    throttle.forgive(("verify.address", address))
    rules.forget_access(actor)
    actor.__dict__.pop("_linli_resident_in", None)
    return resident
