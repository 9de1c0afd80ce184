"""Family helpers (亲情账号 / 代办): a verified adult asks to act for an elder of the community; the elder consents
(a code sent to their register mobile, their own account, or in person before a social worker); either side or a
social worker ends the link. Every step is audited; acting for the elder stops the moment the link ends."""

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from linli.accounts.codes import code_hash, code_matches, code_new
from linli.accounts.types import Actor, account_of
from linli.audit.services import audit_record, create_audited, snapshot
from linli.core import throttle
from linli.core.errors import Conflict, DomainError, NotAllowed, NotFound
from linli.notifications.services import in_language_of, notify, notify_sms

from .. import rules
from ..models import FamilyLink, Resident

LINKS_URL = "/people/family/"


def _locked(link: FamilyLink) -> FamilyLink:
    return FamilyLink.objects.select_for_update(of=("self",)).select_related("helper", "elder").get(pk=link.pk)


def _tell(resident: Resident, *, title: Any, community: Any, **params: Any) -> None:
    """`title`: a lazy text filled with `params`, worded in the resident's own language."""
    if resident.user_id is not None:
        with in_language_of(resident.user):
            text = str(title) % params
        notify(user=resident.user, title=text, community=community, url=LINKS_URL)


def family_link_request(
    *, actor: Actor, elder: Resident, relation: str = "", now: dt.datetime | None = None
) -> FamilyLink:
    """The actor (a verified adult of the register) asks to help `elder`; the link waits for the elder's consent."""
    now = now or timezone.now()
    helper = rules.own_resident(actor)
    if helper is None or not rules.is_verified_adult(helper):
        raise NotAllowed(
            _("Only an adult resident whose account is bound to the register can become a family helper."),
            code="not_verified_adult",
        )
    if elder.pk == helper.pk:
        raise DomainError(_("You cannot be your own family helper."), code="self_link", field="elder")
    if elder.community_id != helper.community_id or elder.moved_out_on is not None:
        raise NotFound(_("No such resident in your community."), code="unknown_elder", field="elder")
    relation = relation.strip()
    if len(relation) > 20:
        raise DomainError(_("Keep the relation under 20 characters."), field="relation")
    with transaction.atomic():
        link = create_audited(
            actor=actor,
            action="family_link.request",
            model=FamilyLink,
            on_duplicate=Conflict(
                _("You already help %(name)s, or have asked to.") % {"name": elder.name}, code="already_linked"
            ),
            community=helper.community,
            helper=helper,
            elder=elder,
            relation=relation,
            requested_at=now,
            requested_by=account_of(actor),
        )
        _tell(
            elder,
            title=gettext_lazy("%(name)s asks to help you as family (亲情账号)"),
            name=helper.name,
            community=link.community,
        )
    return link


def family_link_request_found(
    *,
    actor: Actor,
    name: str,
    building_id: int,
    room: str,
    mobile_last4: str,
    relation: str = "",
    now: dt.datetime | None = None,
) -> FamilyLink:
    """Ask to help a relative elsewhere in the community, named with their building, room and the last 4 digits
    of their register mobile. Each try counts against a limit, so the register cannot be browsed this way."""
    from ..selectors import elder_find

    helper = rules.own_resident(actor)
    if helper is None or not rules.is_verified_adult(helper):
        raise NotAllowed(
            _("Only an adult resident whose account is bound to the register can become a family helper."),
            code="not_verified_adult",
        )
    throttle.attempt(("family.find", str(helper.pk)), now=now, field="name")
    elder = elder_find(
        community=helper.community, name=name, building_id=building_id, room=room, mobile_last4=mobile_last4
    )
    if elder is None:
        raise NotFound(
            _("No resident matches this name, room and mobile number. Check them, or ask a social worker."),
            code="unknown_elder",
            field="name",
        )
    return family_link_request(actor=actor, elder=elder, relation=relation, now=now)


def _code_purpose(link: FamilyLink) -> str:
    """A consent code proves consent to this link only (and to the elder's register mobile it was sent to)."""
    return f"family_link:{link.pk}"


def _helper_only(actor: Actor, link: FamilyLink) -> None:
    me = rules.own_resident(actor)
    if me is None or me.pk != link.helper_id:
        raise NotAllowed(_("Only the family helper who asked can do this."))


def family_link_send_code(*, actor: Actor, link: FamilyLink, now: dt.datetime | None = None) -> FamilyLink:
    """Text a 6-digit code to the elder's register mobile; the elder tells it to the helper if they agree."""
    now = now or timezone.now()
    _helper_only(actor, link)
    if link.status != FamilyLink.Status.REQUESTED:
        raise DomainError(_("This link is not waiting for consent."), code="not_requested")
    mobile = link.elder.mobile
    if not mobile:
        raise DomainError(
            _("No mobile number is on the register for %(name)s: ask a social worker to confirm in person.")
            % {"name": link.elder.name},
            code="no_mobile",
        )
    throttle.attempt(("family.code", str(link.helper_id)), ("family.code", f"elder:{link.elder_id}"), now=now)
    code = code_new()
    minutes = settings.OTP_TTL_SECONDS // 60
    with transaction.atomic():
        locked = _locked(link)
        if locked.status != FamilyLink.Status.REQUESTED:
            raise DomainError(_("This link is not waiting for consent."), code="not_requested")
        locked.code_hash = code_hash(code, purpose=_code_purpose(locked), mobile=mobile)
        locked.code_sent_at = now
        locked.code_expires_at = now + dt.timedelta(seconds=settings.OTP_TTL_SECONDS)
        locked.code_attempts = 0
        locked.save(update_fields=["code_hash", "code_sent_at", "code_expires_at", "code_attempts"])
        audit_record(actor=actor, action="family_link.code_sent", instance=locked, after={"to": "elder_mobile"})
        notify_sms(
            mobile=mobile,
            text=_(
                "[Linli] %(helper)s asks to act for you as family helper (亲情账号): booking meals and services "
                "in your name. If you agree, tell them the code %(code)s (valid %(m)d minutes). If not, ignore "
                "this message."
            )
            % {"helper": locked.helper.name, "code": code, "m": minutes},
        )
    return locked


def _activate(link: FamilyLink, *, actor: Actor, consent: str, now: dt.datetime) -> None:
    if link.elder.moved_out_on is not None or link.helper.moved_out_on is not None:
        raise DomainError(_("One of them has moved out of the community."), code="moved_out")
    before = snapshot(link)
    link.status = FamilyLink.Status.ACTIVE
    link.consent = consent
    link.confirmed_at = now
    link.confirmed_by = account_of(actor)
    link.code_hash = ""
    link.code_expires_at = None
    link.save(update_fields=["status", "consent", "confirmed_at", "confirmed_by", "code_hash", "code_expires_at"])
    audit_record(actor=actor, action="family_link.confirm", instance=link, before=before, after=snapshot(link))
    _tell(
        link.helper,
        title=gettext_lazy("You now help %(name)s as family (亲情账号)"),
        name=link.elder.name,
        community=link.community,
    )


def family_link_confirm_code(
    *, actor: Actor, link: FamilyLink, code: str, now: dt.datetime | None = None
) -> FamilyLink:
    """The helper enters the code the elder received. Wrong guesses are counted; a code works once, for a while."""
    now = now or timezone.now()
    _helper_only(actor, link)
    throttle.attempt(("family.verify", str(link.helper_id)), now=now, field="code")
    refusal: DomainError | None = None
    with transaction.atomic():
        locked = _locked(link)
        if locked.status != FamilyLink.Status.REQUESTED:
            raise DomainError(_("This link is not waiting for consent."), code="not_requested")
        if not locked.code_hash:
            raise DomainError(_("Send a code to the elder's mobile first."), code="no_code", field="code")
        if locked.code_expires_at is None or now >= locked.code_expires_at:
            raise DomainError(_("This code has expired: send a new one."), code="code_expired", field="code")
        if locked.code_attempts >= settings.OTP_MAX_ATTEMPTS:
            raise DomainError(_("Too many wrong codes: send a new one."), code="code_spent", field="code")
        if code_matches(code, locked.code_hash, purpose=_code_purpose(locked), mobile=locked.elder.mobile):
            _activate(locked, actor=actor, consent=FamilyLink.Consent.SMS_CODE, now=now)
        else:
            locked.code_attempts += 1
            locked.save(update_fields=["code_attempts"])
            audit_record(actor=actor, action="family_link.wrong_code", instance=locked)
            refusal = DomainError(_("The code is not right."), code="wrong_code", field="code")
    if refusal is not None:  # raised after the commit, so the wrong guess stays counted
        raise refusal
    throttle.forgive(("family.verify", str(link.helper_id)))
    return locked


def _consented(link: FamilyLink, *, actor: Actor, consent: str, now: dt.datetime) -> FamilyLink:
    """Record the elder's consent (how it was given: `consent`) on a link that waits for it: the link is active."""
    with transaction.atomic():
        locked = _locked(link)
        if locked.status != FamilyLink.Status.REQUESTED:
            raise DomainError(_("This link is not waiting for consent."), code="not_requested")
        _activate(locked, actor=actor, consent=consent, now=now)
    return locked


def family_link_consent(*, actor: Actor, link: FamilyLink, now: dt.datetime | None = None) -> FamilyLink:
    """The elder agrees from their own account."""
    now = now or timezone.now()
    if not rules.can_consent_family_link(actor, link):
        raise NotAllowed(_("Only the elder can agree from their account."))
    return _consented(link, actor=actor, consent=FamilyLink.Consent.ELDER_ACCOUNT, now=now)


def family_link_confirm_in_person(*, actor: Actor, link: FamilyLink, now: dt.datetime | None = None) -> FamilyLink:
    """A social worker or community admin saw the elder agree, face to face; the link records who."""
    now = now or timezone.now()
    if not rules.can_confirm_family_link_in_person(actor, link.community):
        raise NotAllowed(_("Only a social worker or community admin can confirm consent in person."))
    return _consented(link, actor=actor, consent=FamilyLink.Consent.IN_PERSON, now=now)


def family_link_end(*, actor: Actor, link: FamilyLink, now: dt.datetime | None = None) -> FamilyLink:
    """The elder, the helper or a social worker ends the link (or withdraws the request); acting stops at once."""
    now = now or timezone.now()
    if not rules.can_end_family_link(actor, link):
        raise NotAllowed(_("You may not end this family link."))
    with transaction.atomic():
        locked = _locked(link)
        if locked.status == FamilyLink.Status.ENDED:
            raise DomainError(_("This link has already ended."), code="already_ended")
        before = snapshot(locked)
        locked.status = FamilyLink.Status.ENDED
        locked.ended_at = now
        locked.ended_by = account_of(actor)
        locked.code_hash = ""
        locked.save(update_fields=["status", "ended_at", "ended_by", "code_hash"])
        audit_record(actor=actor, action="family_link.end", instance=locked, before=before, after=snapshot(locked))
        me = rules.own_resident(actor)
        title = gettext_lazy("The family link between %(helper)s and %(elder)s has ended")
        for side in (locked.helper, locked.elder):
            if me is None or side.pk != me.pk:
                _tell(side, title=title, community=locked.community, helper=locked.helper.name, elder=locked.elder.name)
    return locked
