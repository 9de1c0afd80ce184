"""Writing the register, services, time slots and bookings. Each operation checks its rule, runs in one
transaction, locks what it changes (slot before booking) and audits inside the transaction."""

import datetime as dt
import io
from collections import Counter
from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from linli.accounts.types import Actor, account_of
from linli.audit.services import audit_record, audit_records, create_audited, save_audited, snapshot, update_audited
from linli.core.confirm import require_confirmation
from linli.core.errors import Conflict, DomainError, NotAllowed, NotFound
from linli.core.locking import locked_in_order
from linli.core.scenarios import Scenario
from linli.core.uploads import MAX_IMAGE_PIXELS, files_removed_on_error, image_decoding, upload_read
from linli.core.waiting_list import first_waiting, place_give_back, place_take, places_take
from linli.notifications.services import in_language_of, notify, notify_many
from linli.people.models import Resident
from linli.people.rules import ensure_current
from linli.places.models import Community

from . import rules
from .hooks import booking_payment
from .models import Booking, Facility, FacilityCategory, FacilityPhoto, Service, ServicePriceRule, Slot

NO_SHOW_LIMIT = 3  # no-shows within NO_SHOW_DAYS that pause booking
NO_SHOW_DAYS = 30
PHOTO_MAX_BYTES = 5 * 1024 * 1024
PHOTO_MAX_SIDE = 2000
PHOTO_FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}

FACILITY_FIELDS = {
    "code",
    "name",
    "category",
    "scenario",
    "nature",
    "tier",
    "operator",
    "building",
    "floor",
    "lat",
    "lng",
    "floor_area_m2",
    "opening_hours",
    "capacity",
    "phone",
    "description",
    "shared",
    "active",
    "opened_on",
}
SERVICE_FIELDS = {
    "kind",
    "name",
    "provider",
    "description",
    "price_fen",
    "price_unit",
    "bookable",
    "waitlist",
    "cancel_hours",
    "active",
}


def _clean(obj: Any, exclude: list[str]) -> None:
    try:
        obj.full_clean(exclude=exclude)
    except ValidationError as exc:
        field, messages = next(iter(exc.message_dict.items()))
        raise DomainError(messages[0], field=None if field == "__all__" else field) from None


# --- facilities ----------------------------------------------------------------------------------------


def _apply_facility(facility: Facility, community: Community, data: dict[str, Any]) -> None:
    unknown = set(data) - FACILITY_FIELDS - {"shared_with"}
    if unknown:
        raise DomainError(_("These fields cannot be set: %(f)s.") % {"f": ", ".join(sorted(unknown))})
    for key, value in data.items():
        if key != "shared_with":
            setattr(facility, key, value)
    if facility.category_id is None:
        raise DomainError(_("Choose a category."), field="category")
    building = facility.building
    if building is not None and building.community_id != community.pk:
        raise NotFound(_("No such building in this community."), field="building")
    if (facility.lat is None or facility.lng is None) and building is not None:
        facility.lat, facility.lng = building.lat, building.lng
    if facility.lat is None or facility.lng is None:
        raise DomainError(_("Give the facility a location: a building, or a latitude and longitude."), field="lat")
    if not facility.active and facility.closed_on is None:
        facility.closed_on = timezone.localdate()
    elif facility.active:
        facility.closed_on = None
    if facility.opened_on and facility.closed_on and facility.opened_on > facility.closed_on:
        raise DomainError(_("It cannot come into service after it was taken out of service."), field="opened_on")
    if not facility.scenario:
        facility.scenario = facility.category.default_scenario
    if facility.scenario not in Scenario.values:
        raise DomainError(_("Choose one of the nine scenarios."), field="scenario")
    _clean(facility, exclude=["community", "category", "building"])


def _shared_with(community: Community, codes: list[str] | None) -> list[Community] | None:
    if codes is None:
        return None
    found = list(Community.objects.filter(code__in=codes).exclude(pk=community.pk))
    missing = set(codes) - {c.code for c in found} - {community.code}
    if missing:
        raise DomainError(
            _("No community has the code “%(code)s”.") % {"code": sorted(missing)[0]}, field="shared_with"
        )
    return found


def facility_create(*, actor: Actor, community: Community, **data: Any) -> Facility:
    if not rules.can_manage_register(actor, community):
        raise NotAllowed(_("You may not change this community's facility register."))
    facility = Facility(community=community, lat=None, lng=None)  # type: ignore[misc]
    shared = _shared_with(community, data.get("shared_with"))
    _apply_facility(facility, community, data)
    if Facility.objects.filter(community=community, code=facility.code).exists():
        raise Conflict(_("Another facility already has the code “%(code)s”.") % {"code": facility.code}, field="code")
    with transaction.atomic():
        facility.save()
        if shared is not None:
            facility.shared_with.set(shared)
        audit_record(actor=actor, action="facility.create", instance=facility, after=snapshot(facility))
    return facility


def facility_update(*, actor: Actor, facility: Facility, **data: Any) -> Facility:
    community = facility.community
    if not rules.can_manage_register(actor, community):
        raise NotAllowed(_("You may not change this community's facility register."))
    shared = _shared_with(community, data.get("shared_with"))
    with transaction.atomic():
        facility = Facility.objects.select_for_update(of=("self",)).get(pk=facility.pk)
        before = snapshot(facility)
        _apply_facility(facility, community, data)
        if Facility.objects.filter(community=community, code=facility.code).exclude(pk=facility.pk).exists():
            raise Conflict(
                _("Another facility already has the code “%(code)s”.") % {"code": facility.code}, field="code"
            )
        facility.save()
        if shared is not None:
            facility.shared_with.set(shared)
        audit_record(actor=actor, action="facility.update", instance=facility, before=before, after=snapshot(facility))
    return facility


def facility_operators_set(*, actor: Actor, facility: Facility, operators: list[Any]) -> Facility:
    """Who runs this space: accounts with the operator role in its community (none: only staff)."""
    community = facility.community
    if not rules.can_manage_register(actor, community):
        raise NotAllowed(_("You may not change this community's facility register."))
    chosen = {u.pk: u for u in operators}
    for user in chosen.values():
        if not rules.can_be_facility_operator(user, community):
            raise DomainError(
                _("%(name)s is not an operator of this community.") % {"name": user.display_name or user.pk},
                field="operators",
                code="not_an_operator",
            )
    with transaction.atomic():
        facility = Facility.objects.select_for_update().get(pk=facility.pk)
        before = sorted(facility.operators.values_list("pk", flat=True))
        facility.operators.set(list(chosen.values()))
        audit_record(
            actor=actor,
            action="facility.operators",
            instance=facility,
            before={"operators": before},
            after={"operators": sorted(chosen)},
        )
    return facility


def category_create(
    *, actor: Actor, community: Community, code: str, name_zh: str, name_en: str, default_scenario: str
) -> FacilityCategory:
    """Staff add a category to the shared catalogue (the GB 50180-2018 codes are seeded and kept)."""
    if not rules.can_manage_register(actor, community):
        raise NotAllowed(_("You may not change the facility catalogue."))
    category = FacilityCategory(
        code=code.strip(),
        name_zh=name_zh.strip(),
        name_en=name_en.strip(),
        default_scenario=default_scenario,
        added_by=community,
    )
    _clean(category, exclude=[])
    with transaction.atomic():
        category.save()
        audit_record(
            actor=actor,
            action="facility_category.create",
            instance=category,
            community=community,
            after=snapshot(category),
        )
    return category


def category_update(
    *,
    actor: Actor,
    community: Community,
    category: FacilityCategory,
    name_zh: str | None = None,
    name_en: str | None = None,
    default_scenario: str | None = None,
    active: bool | None = None,
) -> FacilityCategory:
    """Rename, refile or retire (`active=False`) a type the community added; its code stays (imports and the
    planning rules name types by code). The built-in types and other communities' types are not changed here.
    A retired type stays on its facilities and is not offered for new ones."""
    if not rules.can_manage_register(actor, community):
        raise NotAllowed(_("You may not change the facility catalogue."))
    with transaction.atomic():
        locked = FacilityCategory.objects.select_for_update().get(pk=category.pk)
        if locked.added_by_id != community.pk:
            raise NotAllowed(
                _(
                    "Only the community that added this facility type changes it; "
                    "the built-in GB 50180-2018 types stay as they are."
                ),
                code="not_your_type",
            )
        before = snapshot(locked)
        for name, value in (("name_zh", name_zh), ("name_en", name_en)):
            if value is not None:
                setattr(locked, name, value.strip())
        if default_scenario is not None:
            locked.default_scenario = default_scenario
        if active is not None:
            locked.active = bool(active)
        _clean(locked, exclude=["added_by"])
        save_audited(
            actor=actor, action="facility_category.update", instance=locked, before=before, community=community
        )
    return locked


def photo_add(*, actor: Actor, facility: Facility, upload: Any, caption: str = "") -> FacilityPhoto:
    """Check the upload is a real JPEG/PNG/WebP of at most 5 MB, and store it re-encoded without metadata."""
    from PIL import Image, ImageOps, UnidentifiedImageError

    if not rules.can_manage_register(actor, facility.community):
        raise NotAllowed(_("You may not change this community's facility register."))
    if upload.size is not None and upload.size > PHOTO_MAX_BYTES:
        raise DomainError(_("A photo may be at most 5 MB."), field="image", code="photo_too_large")
    data = upload_read(upload, max_bytes=PHOTO_MAX_BYTES, field="image")
    try:
        with image_decoding(field="image"):
            with Image.open(io.BytesIO(data)) as probe:
                probe.verify()
            image = Image.open(io.BytesIO(data))
            fmt = image.format or ""
            if fmt not in PHOTO_FORMATS:
                raise DomainError(_("Upload a JPEG, PNG or WebP photo."), field="image", code="photo_type")
            if image.width * image.height > MAX_IMAGE_PIXELS:
                raise DomainError(_("This photo has too many pixels."), field="image", code="photo_too_large")
            upright = ImageOps.exif_transpose(image)
            upright.thumbnail((PHOTO_MAX_SIDE, PHOTO_MAX_SIDE))
            if upright.mode not in ("RGB", "RGBA", "L", "LA"):
                upright = upright.convert("RGBA" if "transparency" in upright.info else "RGB")
            # A fresh image from the bare pixels: no EXIF, GPS, XMP, comments or ICC profile survive.
            clean = Image.frombytes(upright.mode, upright.size, upright.tobytes())
            if fmt == "JPEG" and clean.mode not in ("RGB", "L"):
                clean = clean.convert("RGB")
            out = io.BytesIO()
            clean.save(out, format=fmt, **({"quality": 85} if fmt != "PNG" else {}))
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise DomainError(_("Upload a JPEG, PNG or WebP photo."), field="image", code="photo_type") from None
    with files_removed_on_error() as saved, transaction.atomic():
        photo = FacilityPhoto(facility=facility, caption=caption[:120])
        photo.image.save(f"photo.{PHOTO_FORMATS[fmt]}", ContentFile(out.getvalue()), save=False)
        saved.append(photo.image)
        # The file was read to its end by the storage: give the size rather than let Django read it again.
        photo.width, photo.height = clean.size
        photo.save()
        audit_record(
            actor=actor,
            action="facility.photo_add",
            instance=photo,
            community=facility.community,
            after={"image": photo.image.name, "width": photo.width, "height": photo.height, "caption": photo.caption},
        )
    return photo


# --- services -------------------------------------------------------------------------------------------


def _apply_service(service: Service, data: dict[str, Any]) -> None:
    unknown = set(data) - SERVICE_FIELDS
    if unknown:
        raise DomainError(_("These fields cannot be set: %(f)s.") % {"f": ", ".join(sorted(unknown))})
    price = data.get("price_fen", service.price_fen)
    if price is None or price < 0:
        raise DomainError(_("A price cannot be negative."), field="price_fen", code="negative_price")
    for key, value in data.items():
        setattr(service, key, value)
    _clean(service, exclude=["community", "facility"])


def _may_change_services(actor: Actor, facility: Facility) -> bool:
    """Register managers change every service; an operator those of the spaces they run."""
    return rules.can_manage_register(actor, facility.community) or rules.can_run_facility(actor, facility)


def service_create(*, actor: Actor, facility: Facility, **data: Any) -> Service:
    if not _may_change_services(actor, facility):
        raise NotAllowed(_("You may not change this community's services."))
    service = Service(community=facility.community, facility=facility)
    _apply_service(service, data)
    with transaction.atomic():
        service.save()
        audit_record(actor=actor, action="service.create", instance=service, after=snapshot(service))
    return service


def service_update(*, actor: Actor, service: Service, **data: Any) -> Service:
    if not _may_change_services(actor, service.facility):
        raise NotAllowed(_("You may not change this community's services."))
    with transaction.atomic():
        service = Service.objects.select_for_update(of=("self",)).get(pk=service.pk)
        before = snapshot(service)
        _apply_service(service, data)
        save_audited(actor=actor, action="service.update", instance=service, before=before)
    return service


def service_price_rule_add(
    *, actor: Actor, service: Service, label: str, min_age: int, price_fen: int
) -> ServicePriceRule:
    if not rules.can_manage_register(actor, service.community):
        raise NotAllowed(_("You may not change this community's services."))
    if price_fen < 0:
        raise DomainError(_("A price cannot be negative."), field="price_fen", code="negative_price")
    rule = ServicePriceRule(service=service, label=label, min_age=min_age, price_fen=price_fen)
    _clean(rule, exclude=["service"])
    with transaction.atomic():
        rule.save()
        audit_record(
            actor=actor,
            action="service.price_rule_add",
            instance=rule,
            community=service.community,
            after=snapshot(rule),
        )
    return rule


def service_price_rule_remove(*, actor: Actor, rule: ServicePriceRule) -> None:
    """Retire a price rule: later bookings pay without it; bookings already made keep their price."""
    service = rule.service
    if not rules.can_manage_register(actor, service.community):
        raise NotAllowed(_("You may not change this community's services."))
    with transaction.atomic():
        before = snapshot(rule)
        audit_record(
            actor=actor, action="service.price_rule_remove", instance=rule, community=service.community, before=before
        )
        rule.delete()


def price_for(
    service: Service, resident: Resident, day: dt.date, price_rules: Sequence[ServicePriceRule] | None = None
) -> int:
    """The list price, or the lowest price of a rule whose age the resident has reached on the day (`price_rules`:
    the service's, already loaded, to price many residents without a query each)."""
    age = resident.age(day)
    rules_of_service = service.price_rules.all() if price_rules is None else price_rules
    prices = [service.price_fen] + [r.price_fen for r in rules_of_service if age >= r.min_age]
    return min(prices)


# --- time slots -----------------------------------------------------------------------------------------


def slot_create(
    *,
    actor: Actor,
    service: Service,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    capacity: int,
    note: str = "",
    now: dt.datetime | None = None,
) -> Slot:
    now = now or timezone.now()
    if not rules.can_run_facility(actor, service.facility):
        raise NotAllowed(_("You may not open time slots in this space."))
    if starts_at <= now:
        raise DomainError(_("A time slot cannot start in the past."), field="starts_at", code="slot_in_past")
    if ends_at <= starts_at:
        raise DomainError(_("A time slot must end after it starts."), field="ends_at")
    if capacity < 1:
        raise DomainError(_("A time slot needs at least one place."), field="capacity")
    if not service.bookable:
        raise DomainError(_("This service is not booked in time slots."), field="service")
    slot = create_audited(
        actor=actor,
        action="slot.create",
        model=Slot,
        community=service.community,
        service=service,
        starts_at=starts_at,
        ends_at=ends_at,
        capacity=capacity,
        note=note,
    )
    return slot


def slot_series_create(
    *,
    actor: Actor,
    service: Service,
    first_day: dt.date,
    weeks: int,
    weekdays: list[int],
    start: dt.time,
    end: dt.time,
    capacity: int,
    now: dt.datetime | None = None,
) -> list[Slot]:
    """The same slot every chosen weekday (0 = Monday) for some weeks; days already past are skipped."""
    now = now or timezone.now()
    if not 1 <= weeks <= 26:
        raise DomainError(_("Plan between 1 and 26 weeks at a time."), field="weeks")
    if not weekdays:
        raise DomainError(_("Choose at least one weekday."), field="weekdays")
    tz = timezone.get_current_timezone()
    made = []
    with transaction.atomic():
        for offset in range(weeks * 7):
            day = first_day + dt.timedelta(days=offset)
            if day.weekday() not in weekdays:
                continue
            starts = dt.datetime.combine(day, start, tzinfo=tz)
            if starts <= now:
                continue
            made.append(
                slot_create(
                    actor=actor,
                    service=service,
                    starts_at=starts,
                    ends_at=dt.datetime.combine(day, end, tzinfo=tz),
                    capacity=capacity,
                    now=now,
                )
            )
    if not made:
        raise DomainError(_("All these times are in the past."), field="first_day", code="slot_in_past")
    return made


def slot_cancel(*, actor: Actor, slot: Slot, reason: str = "", confirm_affected: int | None = None) -> Slot:
    """Cancel a slot and every booking in it, telling each resident. `confirm_affected`, when given, is the number
    of people booked the caller was shown: if that is no longer so, nothing changes and `ConfirmNeeded` asks again."""
    if not rules.can_run_facility(actor, slot.service.facility):
        raise NotAllowed(_("You may not change time slots in this space."))
    with transaction.atomic():
        slot = Slot.objects.select_for_update(of=("self",)).select_related("service").get(pk=slot.pk)
        if slot.cancelled:
            return slot
        before = snapshot(slot)
        bookings = list(
            Booking.objects.select_for_update(of=("self",))
            .filter(slot=slot, status__in=[Booking.Status.UNPAID, Booking.Status.CONFIRMED, Booking.Status.WAITLISTED])
            .select_related("resident__user")
            .order_by("pk")
        )
        if confirm_affected is not None:
            require_confirmation(
                affected=len(bookings),
                confirmed=confirm_affected,
                message=ngettext(
                    "%(n)s person is booked for this time now. Confirm and they will be told it is cancelled.",
                    "%(n)s people are booked for this time now. Confirm and they will all be told it is cancelled.",
                    len(bookings),
                )
                % {"n": len(bookings)},
            )
        now = timezone.now()
        for booking in bookings:
            for hook in booking_payment.on_cancel:
                hook(booking=booking, actor=actor, now=now, reason=_("Time slot cancelled by the community"))
            booking.status = Booking.Status.CANCELLED
            booking.cancelled_at = now
            booking.save(update_fields=["status", "cancelled_at"])
            _tell(booking, gettext_lazy("Cancelled by the community: %(what)s"), reason)
        slot.cancelled = True
        slot.booked = 0
        slot.save(update_fields=["cancelled", "booked"])
        audit_record(
            actor=actor,
            action="slot.cancel",
            instance=slot,
            before=before,
            after={**snapshot(slot), "reason": reason, "bookings_cancelled": len(bookings)},
        )
    return slot


# --- bookings -------------------------------------------------------------------------------------------


def _describe(booking: Booking) -> str:
    local = timezone.localtime(booking.slot.starts_at)
    return f"{booking.slot.service.name} {local:%m-%d %H:%M}"


def _tell(booking: Booking, title: Any, body: str = "") -> None:
    """`title`: a lazy text with %(what)s for the booking, worded in the recipient's language."""
    user = booking.resident.user
    if user is None and booking.booked_by_id:
        user = booking.booked_by
    if user is not None:
        with in_language_of(user):
            text = str(title) % {"what": _describe(booking)}
        notify(user=user, title=text, body=body, community=booking.community, url="/services/my/")


def booking_create(
    *, actor: Actor, slot: Slot, resident: Resident, note: str = "", now: dt.datetime | None = None
) -> Booking:
    """Book a place for the resident: confirmed while places are free, else on the waiting list (if the
    service keeps one), else refused. The slot row is locked, so concurrent requests never overbook."""
    return bookings_create(actor=actor, slot=slot, residents=[resident], note=note, now=now)[0]


def bookings_create(
    *, actor: Actor, slot: Slot, residents: Sequence[Resident], note: str = "", now: dt.datetime | None = None
) -> list[Booking]:
    """Book places for several residents at once (the front desk entering a group's list), each as
    `booking_create` would in turn: confirmed while places are free, then on the waiting list if the service keeps
    one. All are booked, or none (a full slot without a waiting list refuses the lot)."""
    now = now or timezone.now()
    for resident in residents:
        ensure_current(resident)
        rules.ensure_acts_for(actor, resident)
    with transaction.atomic():
        slot = Slot.objects.select_for_update(of=("self",)).select_related("service__facility").get(pk=slot.pk)
        service = slot.service
        for resident in residents:
            rules.ensure_may_use_facility(resident, service.facility)
        if slot.cancelled or not service.active or not service.facility.active:
            raise DomainError(_("This time slot is no longer offered."), code="slot_closed")
        if slot.starts_at <= now:
            raise DomainError(_("This time slot has already started."), code="slot_in_past")
        ids = [r.pk for r in residents]
        booked = set(
            Booking.objects.filter(slot=slot, resident__in=ids, status__in=Booking.ACTIVE).values_list(
                "resident_id", flat=True
            )
        )
        for resident in residents:
            if resident.pk in booked:
                raise Conflict(
                    _("%(name)s already has a booking for this time.") % {"name": resident.name}, code="already_booked"
                )
            booked.add(resident.pk)
        if not rules.can_run_front_desk(actor, slot.community):
            no_shows = Counter(
                Booking.objects.filter(
                    resident__in=ids,
                    status=Booking.Status.NO_SHOW,
                    slot__starts_at__gte=now - dt.timedelta(days=NO_SHOW_DAYS),
                ).values_list("resident_id", flat=True)
            )
            paused = [n for n in (no_shows[r.pk] for r in residents) if n >= NO_SHOW_LIMIT]
            if paused:
                raise DomainError(
                    _("Booking is paused: %(n)s missed bookings in the last %(days)s days. Please ask the front desk.")
                    % {"n": paused[0], "days": NO_SHOW_DAYS},
                    code="no_show_limit",
                )
        price_rules = list(service.price_rules.all())
        bookings = []
        places = places_take(slot, taken="booked", capacity=slot.capacity, count=len(residents))
        for index, resident in enumerate(residents):
            price = price_for(service, resident, slot.day, price_rules)
            pay_by = None
            if index < places:
                status = Booking.Status.CONFIRMED
                if _pay_first(price):
                    status, pay_by = Booking.Status.UNPAID, _pay_by(slot, now)
            elif service.waitlist:
                status = Booking.Status.WAITLISTED
            else:
                raise Conflict(_("This time slot is full."), code="slot_full")
            bookings.append(
                Booking(
                    community=slot.community,
                    slot=slot,
                    resident=resident,
                    booked_by=account_of(actor),
                    status=status,
                    price_fen=price,
                    note=note[:200],
                    pay_by=pay_by,
                    created_at=now,
                )
            )
        bookings = Booking.objects.bulk_create(bookings)
        audit_records(actor=actor, action="booking.create", changes=((b, None, snapshot(b)) for b in bookings))
        # each resident with a login is told; whoever booked for those without one, once per message (the group
        # shares the slot, so its messages are alike)
        told: dict[tuple[int, str], dict[str, Any]] = {}
        for booking in bookings:
            if booking.status == Booking.Status.UNPAID:
                _tell_to_pay(booking, gettext_lazy("Pay to confirm: %(what)s"))
                continue
            user = booking.resident.user or account_of(actor)
            if user is not None:
                with in_language_of(user):
                    title = (
                        _("Booked: %(what)s")
                        if booking.status == Booking.Status.CONFIRMED
                        else _("On the waiting list: %(what)s")
                    ) % {"what": _describe(booking)}
                told.setdefault(
                    (user.pk, title),
                    {"user": user, "community": booking.community, "url": "/services/my/", "title": title},
                )
        notify_many(list(told.values()))
    return bookings


def _pay_first(price_fen: int) -> bool:
    """A booking with a fee holds its place until paid, when payments are set up (else it is paid at the desk)."""
    return price_fen > 0 and booking_payment.pay_url is not None


def _pay_by(slot: Slot, now: dt.datetime) -> dt.datetime:
    return min(now + booking_payment.hold, slot.starts_at)


def _tell_to_pay(booking: Booking, title: Any) -> None:
    """`title`: a lazy text with %(what)s for the booking, worded in the recipient's language."""
    url = booking_payment.pay_url(booking) if booking_payment.pay_url else "/services/my/"
    user = booking.resident.user or booking.booked_by
    if user is not None and booking.pay_by is not None:
        with in_language_of(user):
            text = str(title) % {"what": _describe(booking)}
            body = _("The place is held until %(time)s; unpaid by then, it goes to the next person.") % {
                "time": f"{timezone.localtime(booking.pay_by):%m-%d %H:%M}"
            }
        notify(user=user, community=booking.community, title=text, body=body, url=url)


def _promote_waiting(slot: Slot) -> Booking | None:
    waiting = first_waiting(
        Booking.objects.filter(slot=slot, status=Booking.Status.WAITLISTED).select_related(
            "resident__user", "slot__service"
        )
    )
    if waiting is None or not place_take(slot, taken="booked", capacity=slot.capacity):
        return None
    if _pay_first(waiting.price_fen):
        waiting.status, waiting.pay_by = Booking.Status.UNPAID, _pay_by(slot, timezone.now())
        waiting.save(update_fields=["status", "pay_by"])
        _tell_to_pay(waiting, gettext_lazy("A place came free, pay to confirm: %(what)s"))
        return waiting
    waiting.status = Booking.Status.CONFIRMED
    waiting.save(update_fields=["status"])
    _tell(waiting, gettext_lazy("A place came free, you are booked: %(what)s"))
    return waiting


def booking_cancel(*, actor: Actor, booking: Booking, now: dt.datetime | None = None) -> Booking:
    """Residents cancel up to the service's deadline (staff at any time); the freed place goes to the first
    person on the waiting list. A fee paid is refunded (the payments hook); one not paid yet is given up first,
    and if it went through meanwhile, the cancel is refused and nothing changes."""
    now = now or timezone.now()
    staff = rules.can_run_front_desk(actor, booking.community)
    if not (staff or rules.may_act_for(actor, booking.resident)):
        raise NotFound(_("No such booking."))
    with transaction.atomic():
        slot = Slot.objects.select_for_update(of=("self",)).select_related("service").get(pk=booking.slot_id)
        booking = Booking.objects.select_for_update(of=("self",)).select_related("resident__user").get(pk=booking.pk)
        if not booking.can_cancel():
            raise DomainError(_("This booking can no longer be cancelled."), code="not_cancellable")
        deadline = slot.starts_at - dt.timedelta(hours=slot.service.cancel_hours)
        if booking.status == Booking.Status.CONFIRMED and now > deadline and not staff:
            raise DomainError(
                _("Bookings can be cancelled up to %(h)s hours before the start. Please call the front desk.")
                % {"h": slot.service.cancel_hours},
                code="cancel_too_late",
            )
        _cancel_locked(booking, slot, actor=actor, now=now, reason=_("Booking cancelled"))
    return booking


def _cancel_locked(booking: Booking, slot: Slot, *, actor: "Actor | None", now: dt.datetime, reason: str) -> None:
    """Cancel a booking whose slot and row the caller locked: its payment first (closed or refunded, or the
    cancel refused), then the place, which goes to the waiting list."""
    for hook in booking_payment.on_cancel:
        hook(booking=booking, actor=actor, now=now, reason=reason)
    before = snapshot(booking)
    held_place = booking.status in (Booking.Status.CONFIRMED, Booking.Status.UNPAID)
    booking.status = Booking.Status.CANCELLED
    booking.cancelled_at = now
    booking.save(update_fields=["status", "cancelled_at"])
    if held_place:
        place_give_back(slot, taken="booked")
        if slot.starts_at > now:
            _promote_waiting(slot)
    audit_record(
        actor=actor,
        action="booking.cancel",
        instance=booking,
        before=before,
        after={**snapshot(booking), "reason": reason},
    )


def booking_paid(*, booking_id: int, now: dt.datetime) -> str:
    """The payments app's hook, inside the payment's transaction: the booking's fee has arrived. An unpaid booking
    is confirmed; returns why it cannot be (then the payment goes straight back), or "" when it is."""
    booking = Booking.objects.filter(pk=booking_id).first()
    if booking is None:
        return _("The booking no longer exists.")
    Slot.objects.select_for_update(of=("self",)).filter(pk=booking.slot_id).values_list("pk").first()
    booking = (
        Booking.objects.select_for_update(of=("self",))
        .select_related("resident__user", "slot__service")
        .get(pk=booking.pk)
    )
    if booking.status in (Booking.Status.CONFIRMED, Booking.Status.ATTENDED):
        return ""
    if booking.status != Booking.Status.UNPAID:
        return _("The booking was cancelled before the payment arrived.")
    before = snapshot(booking)
    booking.status = Booking.Status.CONFIRMED
    booking.pay_by = None
    save_audited(actor=None, action="booking.paid", instance=booking, before=before, update_fields=["status", "pay_by"])
    _tell(booking, gettext_lazy("Paid and booked: %(what)s"))
    return ""


def booking_lock(*, booking_id: int) -> None:
    """Take a booking's locks in the order every booking write takes them (the slot, then the booking), so that a
    payment arriving and a cancel can never wait for each other."""
    slot_id = Booking.objects.filter(pk=booking_id).values_list("slot_id", flat=True).first()
    if slot_id is not None:
        Slot.objects.select_for_update(of=("self",)).filter(pk=slot_id).values_list("pk").first()
        Booking.objects.select_for_update(of=("self",)).filter(pk=booking_id).values_list("pk").first()


def bookings_expire_unpaid(*, now: dt.datetime | None = None) -> int:
    """Periodic: bookings not paid by their time are given up (their payment closed), their places going to the
    waiting list. One whose payment went through meanwhile stays, and is confirmed by its notification."""
    now = now or timezone.now()
    count = 0
    for pk in Booking.objects.filter(status=Booking.Status.UNPAID, pay_by__lt=now).values_list("pk", flat=True):
        try:
            with transaction.atomic():
                booking = Booking.objects.get(pk=pk)
                slot = Slot.objects.select_for_update(of=("self",)).get(pk=booking.slot_id)
                booking = Booking.objects.select_for_update(of=("self",)).select_related("resident__user").get(pk=pk)
                if booking.status != Booking.Status.UNPAID:
                    continue
                _cancel_locked(booking, slot, actor=None, now=now, reason=_("Not paid in time"))
                _tell(booking, gettext_lazy("Not paid in time, the place was given up: %(what)s"))
        except Conflict:
            continue  # paid at the last moment: the notification confirms it
        count += 1
    return count


def booking_check_in(*, actor: Actor, booking: Booking, now: dt.datetime | None = None) -> Booking:
    return bookings_check_in(actor=actor, bookings=[booking], now=now)[0]


def bookings_check_in(*, actor: Actor, bookings: Sequence[Booking], now: dt.datetime | None = None) -> list[Booking]:
    """Check several people in at once (a group arriving together), on the day of their booking: all of them, or
    none if one cannot be."""
    now = now or timezone.now()
    if any(not rules.can_run_front_desk(actor, b.community) for b in bookings):
        raise NotAllowed(_("Only front-desk staff check people in."))
    with transaction.atomic():
        checked = locked_in_order(Booking.objects.select_related("slot"), bookings)
        day = timezone.localtime(now).date()
        for booking in checked:
            if not booking.can_check_in():
                raise DomainError(_("Only a confirmed booking can be checked in."), code="not_checkable")
            if day != booking.slot.day:
                raise DomainError(_("Check-in is possible only on the day of the booking."), code="wrong_day")
        update_audited(
            actor=actor,
            action="booking.check_in",
            instances=checked,
            status=Booking.Status.ATTENDED,
            checked_in_at=now,
            checked_in_by=actor,
        )
    return checked


def booking_mark_no_show(*, actor: "Actor | None", booking: Booking, now: dt.datetime | None = None) -> Booking:
    now = now or timezone.now()
    if actor is not None and not rules.can_run_front_desk(actor, booking.community):
        raise NotAllowed(_("Only front-desk staff record a missed booking."))
    with transaction.atomic():
        booking = Booking.objects.select_for_update(of=("self",)).select_related("slot").get(pk=booking.pk)
        if booking.status != Booking.Status.CONFIRMED:
            raise DomainError(_("Only a confirmed booking can be marked as missed."), code="not_confirmed")
        if booking.slot.starts_at > now:
            raise DomainError(_("A booking can be marked as missed only after it starts."), code="too_early")
        before = snapshot(booking)
        booking.status = Booking.Status.NO_SHOW
        save_audited(actor=actor, action="booking.no_show", instance=booking, before=before, update_fields=["status"])
    return booking


def bookings_close_past(*, now: dt.datetime | None = None, grace: dt.timedelta = dt.timedelta(hours=1)) -> int:
    """Periodic: confirmed bookings whose slot ended more than `grace` ago and were not checked in become no-shows;
    what is left on waiting lists of past slots is closed."""
    now = now or timezone.now()
    count = 0
    for booking in Booking.objects.filter(status=Booking.Status.CONFIRMED, slot__ends_at__lt=now - grace):
        booking_mark_no_show(actor=None, booking=booking, now=now)
        count += 1
    bookings_expire_unpaid(now=now)
    Booking.objects.filter(status=Booking.Status.WAITLISTED, slot__ends_at__lt=now).update(
        status=Booking.Status.CANCELLED, cancelled_at=now
    )
    return count


def bookings_cancel_at_move_out(*, actor: Actor, resident: Resident, now: dt.datetime) -> list[str]:
    """迁出: the resident's bookings not started yet are cancelled (places go to the waiting list)."""
    lines = []
    for booking in (
        Booking.objects.filter(
            resident=resident,
            status__in=(Booking.Status.UNPAID, Booking.Status.CONFIRMED, Booking.Status.WAITLISTED),
            slot__starts_at__gt=now,
        )
        .select_related("slot__service")
        .order_by("slot__starts_at", "pk")
    ):
        booking_cancel(actor=actor, booking=booking, now=now)
        lines.append(_("Booking: %(what)s") % {"what": _describe(booking)})
    return lines
