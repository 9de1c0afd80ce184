"""Pages: residents find, book and cancel; staff manage the register and run the front desk.
Each view parses, asks the rule, calls one service, renders."""

import datetime as dt
import json
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from linli.core.buttons import buttons_on, local_next, press, submit
from linli.core.confirm import confirm_step
from linli.core.errors import DomainError, NotAllowed
from linli.core.file_responses import file_response
from linli.core.parsing import parse_date, parse_id
from linli.core.retire import retire_and_restore
from linli.core.scenarios import Scenario
from linli.core.uploads import upload_read
from linli.places.models import Community
from linli.places.selectors import communities_visible_to, community_get

from . import register_io, rules, selectors, services
from .forms import (
    FacilityCategoryEditForm,
    FacilityCategoryForm,
    FacilityForm,
    ImportForm,
    OperatorsForm,
    PhotoForm,
    PriceRuleForm,
    ServiceForm,
    SlotCancelForm,
    SlotSeriesForm,
)
from .hooks import booking_payment
from .maps import community_map
from .mine import mine_lists
from .models import Booking, FacilityCategory


def _day(request: HttpRequest) -> dt.date:
    return parse_date(request.GET.get("date"), default=timezone.localdate())


@login_required
def start(request: HttpRequest) -> HttpResponse:
    """Services of my community (or, for staff, the first community they work in)."""
    me = rules.own_resident(request.user)
    community = me.community if me else communities_visible_to(request.user).first()
    if community is None:
        return redirect("home:community_list")
    return redirect("facilities:browse", code=community.code)


@login_required
def browse(request: HttpRequest, code: str) -> HttpResponse:
    community = community_get(code=code, user=request.user)
    scenario = request.GET.get("scenario", "")
    scenario = scenario if scenario in Scenario.values else ""
    search = request.GET.get("q", "").strip()[:40]
    nearby = selectors.facilities_by_distance(user=request.user, community=community, scenario=scenario, search=search)
    view = "map" if request.GET.get("view") == "map" else "list"
    context: dict[str, Any] = {
        "community": community,
        "nearby": nearby,
        "walked_all": all(n.walked for n in nearby),
        "scenarios": Scenario.choices,
        "scenario": scenario,
        "q": search,
        "view": view,
        "is_staff": rules.can_run_front_desk(request.user, community),
        "can_manage": rules.can_manage_register(request.user, community),
    }
    if view == "map":
        context["map"] = community_map(
            community=community,
            facilities=[(n.facility, reverse("facilities:detail", args=[code, n.facility.pk])) for n in nearby],
            home=selectors.home_point(user=request.user, community=community),
        )
    return render(request, "facilities/browse.html", context)


@login_required
def detail(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    community = community_get(code=code, user=request.user)
    facility = selectors.facility_get(user=request.user, community=community, pk=pk)
    chosen = parse_date(request.GET["date"]) if request.GET.get("date") else None
    services = list(selectors.services_of(facility=facility))
    offers = selectors.offers_of(services=[s for s in services if s.bookable], chosen=chosen)  # two queries for all
    offered: list[tuple[Any, list[Any], list[tuple[dt.date, int]], dt.date | None]] = [
        (service, offers[service.pk].slots, offers[service.pk].days, offers[service.pk].day)
        if service.pk in offers
        else (service, [], [], None)
        for service in services
    ]
    members = selectors.household_of(user=request.user)
    return render(
        request,
        "facilities/detail.html",
        {
            "community": community,
            "facility": facility,
            "offered": offered,
            "members": members,
            # the same choice of whom a booking is for on every slot: the options written once for the page
            "member_options": format_html_join("", '<option value="{}">{}</option>', ((m.pk, m.name) for m in members))
            if len(members) > 1
            else "",
            "can_manage": rules.can_manage_register(request.user, community),
            "is_staff": rules.can_run_facility(request.user, facility),
        },
    )


@login_required
@require_POST
def book(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    community = community_get(code=code, user=request.user)
    slot = selectors.slot_get(user=request.user, community=community, pk=pk)
    back = reverse("facilities:detail", args=[code, slot.service.facility_id])
    try:
        resident = selectors.resident_posted_for_booking(
            user=request.user, community=community, posted=request.POST.get("resident", "")
        )
        booking = services.booking_create(actor=request.user, slot=slot, resident=resident)
    except DomainError as exc:
        messages.error(request, str(exc.message))
        return redirect(back)
    if booking.status == booking.Status.UNPAID and booking_payment.pay_url is not None:
        messages.success(
            request, _("A place is held for %(name)s: pay now to confirm the booking.") % {"name": resident.name}
        )
        return redirect(booking_payment.pay_url(booking))
    if booking.status == booking.Status.CONFIRMED:
        messages.success(request, _("Booked for %(name)s.") % {"name": resident.name})
    else:
        messages.success(request, _("The time is full: %(name)s is on the waiting list.") % {"name": resident.name})
    return redirect("facilities:mine")


@login_required
def mine(request: HttpRequest) -> HttpResponse:
    """My household's bookings, meals, courses and childcare applications, with what can still be cancelled."""
    me = rules.own_resident(request.user)
    members = selectors.household_of(user=request.user)  # once, for every list of the page
    return render(
        request,
        "facilities/mine.html",
        {
            "me": me,
            "community": me.community if me else None,
            **mine_lists(user=request.user, members=members),
        },
    )


def _booking_posted(request: HttpRequest, code: str, pk: int) -> Booking:
    community = community_get(code=code, user=request.user)
    return selectors.booking_get(user=request.user, community=community, pk=pk)


booking_cancel = buttons_on(
    _booking_posted, name="booking", back=lambda **_url: reverse("facilities:mine"), follow_next=True
)(services.booking_cancel, gettext_lazy("Booking cancelled."))


# --- front desk -----------------------------------------------------------------------------------------


@login_required
def day_sheet(request: HttpRequest, code: str) -> HttpResponse:
    community = community_get(code=code, user=request.user)
    day = _day(request)
    facility = None
    if request.GET.get("facility"):
        facility = selectors.facility_get(user=request.user, community=community, pk=parse_id(request.GET["facility"]))
    rows = selectors.day_sheet(user=request.user, community=community, day=day, facility=facility)
    return render(
        request,
        "facilities/day_sheet.html",
        {
            "community": community,
            "day": day,
            "prev": day - dt.timedelta(days=1),
            "next": day + dt.timedelta(days=1),
            "rows": rows,
            "facility": facility,
            "facilities": selectors.facilities_for(user=request.user, community=community, include_shared=False),
            "is_today": day == timezone.localdate(),
        },
    )


@login_required
@require_POST
def booking_desk(request: HttpRequest, code: str, pk: int, action: str) -> HttpResponse:
    community = community_get(code=code, user=request.user)
    booking = selectors.booking_get(user=request.user, community=community, pk=pk)
    operation = {"check-in": services.booking_check_in, "no-show": services.booking_mark_no_show}.get(action)
    if operation is None:
        raise Http404
    status = _("checked in") if action == "check-in" else _("did not come")
    return press(
        request,
        lambda _data: operation(actor=request.user, booking=booking),
        done=_("%(name)s: %(status)s") % {"name": booking.resident.name, "status": status},
        back=local_next(request, reverse("facilities:day_sheet", args=[code])),
    )


# --- the register ---------------------------------------------------------------------------------------


def _require_manager(request: HttpRequest, community: Any) -> None:
    if not rules.can_manage_register(request.user, community):
        raise NotAllowed(_("You may not change this community's facility register."))


@login_required
def manage(request: HttpRequest, code: str) -> HttpResponse:
    community = community_get(code=code, user=request.user)
    if not rules.can_run_front_desk(request.user, community):
        raise NotAllowed(_("Only community staff manage facilities."))
    facilities = selectors.facilities_for(
        user=request.user, community=community, include_inactive=True, include_shared=False, with_services=True
    )
    form = ImportForm()
    can_manage = rules.can_manage_register(request.user, community)
    import_errors: list[Any] = []
    if request.method == "POST" and can_manage:
        form = ImportForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                content = upload_read(upload, max_bytes=register_io.IMPORT_MAX_BYTES, field="file")
                importer = (
                    register_io.register_import_geojson
                    if upload.name.lower().endswith((".geojson", ".json"))
                    else register_io.register_import_xlsx
                )
                result = importer(actor=request.user, community=community, content=content)
            except register_io.RegisterImportError as exc:
                import_errors = exc.errors
                form.add_error("file", str(exc.message))
            except DomainError as exc:
                form.add_error("file", str(exc.message))
            else:
                messages.success(
                    request, _("Imported: %(c)s added, %(u)s updated.") % {"c": result.created, "u": result.updated}
                )
                return redirect("facilities:manage", code=code)
    return render(
        request,
        "facilities/manage.html",
        {
            "community": community,
            "facilities": facilities,
            "form": form,
            "import_errors": import_errors,
            "can_manage": can_manage,
            "can_export": rules.can_export_register(request.user, community),
        },
    )


@login_required
def register_export(request: HttpRequest, code: str, fmt: str) -> HttpResponse:
    community = community_get(code=code, user=request.user)
    if not rules.can_export_register(request.user, community):
        raise NotAllowed(_("You may not export this register."))
    facilities = selectors.facilities_for(
        user=request.user, community=community, include_inactive=True, include_shared=False, with_shared_with=True
    )
    if fmt not in ("xlsx", "geojson", "template"):
        raise Http404
    stamp = timezone.localdate().isoformat()
    if fmt == "geojson":
        body = json.dumps(register_io.register_geojson(facilities=facilities), ensure_ascii=False, indent=1)
        return file_response(
            body.encode(), filename=f"facilities-{code}-{stamp}.geojson", content_type="application/geo+json"
        )
    template = fmt == "template"
    content = register_io.register_xlsx(community=community, facilities=None if template else facilities)
    name = f"facilities-template-{code}.xlsx" if template else f"facilities-{code}-{stamp}.xlsx"
    return file_response(content, filename=name)


@login_required
def facility_edit(request: HttpRequest, code: str, pk: int | None = None) -> HttpResponse:
    community = community_get(code=code, user=request.user)
    _require_manager(request, community)
    facility = selectors.facility_get(user=request.user, community=community, pk=pk) if pk else None
    form = FacilityForm(request.POST or None, instance=facility, community=community)

    def save(data: dict[str, Any]) -> Any:
        if facility is None:
            return services.facility_create(actor=request.user, community=community, **form.service_data())
        return services.facility_update(actor=request.user, facility=facility, **form.service_data())

    return submit(
        request, form, save, done=_("Facility saved."), then=lambda saved: _facility_url(code, saved.pk)
    ) or _form(request, community, form, facility, _("Edit facility") if facility else _("Add a facility"))


def _facility_url(code: str, pk: int) -> str:
    return reverse("facilities:detail", kwargs={"code": code, "pk": pk})


def _form(request: HttpRequest, community: Any, form: Any, facility: Any, title: str) -> HttpResponse:
    return render(
        request,
        "facilities/form.html",
        {"community": community, "form": form, "facility": facility, "title": title},
    )


@login_required
def service_edit(request: HttpRequest, code: str, facility_pk: int, pk: int | None = None) -> HttpResponse:
    community = community_get(code=code, user=request.user)
    facility = selectors.facility_get(user=request.user, community=community, pk=facility_pk)
    if not (rules.can_manage_register(request.user, community) or rules.can_run_facility(request.user, facility)):
        raise NotAllowed(_("You may not change the services of this space."))
    service = selectors.service_of_facility(facility=facility, pk=pk) if pk else None
    initial = {"price": service.price_fen / 100} if service else None
    form = ServiceForm(request.POST or None, instance=service, initial=initial)

    def save(data: dict[str, Any]) -> Any:
        if service is None:
            return services.service_create(actor=request.user, facility=facility, **form.service_data())
        return services.service_update(actor=request.user, service=service, **form.service_data())

    return submit(request, form, save, done=_("Service saved."), then=_facility_url(code, facility.pk)) or _form(
        request, community, form, facility, _("Edit service") if service else _("Add a service")
    )


@login_required
def slots_new(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    community = community_get(code=code, user=request.user)
    service = selectors.service_get(user=request.user, community=community, pk=pk)
    if not rules.can_run_facility(request.user, service.facility):
        raise NotAllowed(_("You may not open time slots in this space."))
    form = SlotSeriesForm(request.POST or None, initial={"first_day": timezone.localdate() + dt.timedelta(days=1)})
    return submit(
        request,
        form,
        lambda data: services.slot_series_create(actor=request.user, service=service, **data),
        done=lambda made: _("%(n)s time slots opened.") % {"n": len(made)},
        then=_facility_url(code, service.facility_id),
    ) or _form(request, community, form, service.facility, _("Open time slots: %(s)s") % {"s": service.name})


@login_required
def photo_add(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    community = community_get(code=code, user=request.user)
    _require_manager(request, community)
    facility = selectors.facility_get(user=request.user, community=community, pk=pk)
    form = PhotoForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.photo_add(
                actor=request.user,
                facility=facility,
                upload=form.cleaned_data["image"],
                caption=form.cleaned_data["caption"],
            )
        except DomainError as exc:
            form.add_error("image", str(exc.message))
        else:
            messages.success(request, _("Photo added."))
            return redirect("facilities:detail", code=code, pk=facility.pk)
    return render(
        request,
        "facilities/form.html",
        {"community": community, "form": form, "facility": facility, "title": _("Add a photo"), "multipart": True},
    )


@login_required
def categories(request: HttpRequest, code: str) -> HttpResponse:
    """The shared catalogue of facility types; register managers add a type the standard lacks."""
    community = community_get(code=code, user=request.user)
    _require_manager(request, community)
    form = FacilityCategoryForm(request.POST or None)
    return submit(
        request,
        form,
        lambda data: services.category_create(actor=request.user, community=community, **data),
        done=lambda category: _("Facility type “%(name)s” added.") % {"name": category.name},
        then=reverse("facilities:categories", kwargs={"code": code}),
    ) or render(
        request,
        "facilities/categories.html",
        {"community": community, "form": form, "categories": selectors.categories()},
    )


@login_required
def category_edit(request: HttpRequest, code: str, cat: str) -> HttpResponse:
    """Rename or refile a facility type the community added."""
    community = community_get(code=code, user=request.user)
    _require_manager(request, community)
    category = selectors.category_get(code=cat)
    initial = {"name_zh": category.name_zh, "name_en": category.name_en, "default_scenario": category.default_scenario}
    form = FacilityCategoryEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.category_update(actor=request.user, community=community, category=category, **form.cleaned_data)
        except DomainError as exc:
            if isinstance(exc, NotAllowed):
                raise
            exc.show_on(form)
        else:
            messages.success(request, _("Facility type “%(name)s” saved.") % {"name": category.name_zh})
            return redirect("facilities:categories", code=code)
    return render(
        request, "facilities/category_form.html", {"community": community, "category": category, "form": form}
    )


def _category_posted(request: HttpRequest, code: str, cat: str) -> tuple[Community, FacilityCategory]:
    community = community_get(code=code, user=request.user)
    _require_manager(request, community)
    return community, selectors.category_get(code=cat)


category_retire, category_restore = retire_and_restore(
    _category_posted,
    lambda request, posted, active: services.category_update(
        actor=request.user, community=posted[0], category=posted[1], active=active
    ),
    retired=gettext_lazy("“%(name)s” is retired: facilities that have it keep it, new ones cannot choose it."),
    restored=gettext_lazy("“%(name)s” is offered for new facilities again."),
    back=lambda code, cat: reverse("facilities:categories", kwargs={"code": code}),
    name=lambda posted: posted[1].name,
)


@login_required
def price_rules(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    """A service's price rules: from an age on, a lower price (the lowest applying wins)."""
    community = community_get(code=code, user=request.user)
    _require_manager(request, community)
    service = selectors.service_get(user=request.user, community=community, pk=pk)
    form = PriceRuleForm(request.POST or None)
    return submit(
        request,
        form,
        lambda data: services.service_price_rule_add(actor=request.user, service=service, **form.service_data()),
        done=_("Price rule added: it applies to bookings made from now on."),
        then=reverse("facilities:price_rules", kwargs={"code": code, "pk": service.pk}),
    ) or render(
        request,
        "facilities/price_rules.html",
        {"community": community, "service": service, "form": form, "rules": selectors.price_rules_of(service=service)},
    )


@login_required
@require_POST
def price_rule_remove(request: HttpRequest, code: str, pk: int, rule_pk: int) -> HttpResponse:
    community = community_get(code=code, user=request.user)
    _require_manager(request, community)
    service = selectors.service_get(user=request.user, community=community, pk=pk)
    rule = selectors.price_rule_get(service=service, pk=rule_pk)
    services.service_price_rule_remove(actor=request.user, rule=rule)
    messages.success(request, _("Price rule retired; bookings already made keep their price."))
    return redirect("facilities:price_rules", code=code, pk=service.pk)


@login_required
def slot_cancel(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    """Cancel a time slot: the page says how many people are booked and asks to confirm; they are all told."""
    community = community_get(code=code, user=request.user)
    slot = selectors.slot_get(user=request.user, community=community, pk=pk)
    if not rules.can_run_facility(request.user, slot.service.facility):
        raise NotAllowed(_("You may not change time slots in this space."))
    people = selectors.slot_people_to_tell(slot=slot)
    form = SlotCancelForm(request.POST if request.method == "POST" else None, initial={"confirm_affected": people})
    if request.method == "POST" and not slot.cancelled and form.is_valid():
        try:
            services.slot_cancel(actor=request.user, slot=slot, **form.cleaned_data)
        except DomainError as exc:
            if not confirm_step(request, form, exc):
                exc.show_on(form)
            people = selectors.slot_people_to_tell(slot=slot)
        else:
            messages.success(
                request,
                _("The time slot was cancelled; %(n)s people booked were told.") % {"n": people},
            )
            return redirect(reverse("facilities:detail", args=[code, slot.service.facility_id]) + f"?date={slot.day}")
    return render(
        request,
        "facilities/slot_cancel.html",
        {"community": community, "slot": slot, "form": form, "people": people, "facility": slot.service.facility},
    )


@login_required
def facility_operators(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    """The community admin assigns the operator accounts who run this space."""
    community = community_get(code=code, user=request.user)
    _require_manager(request, community)
    facility = selectors.facility_get(user=request.user, community=community, pk=pk)
    form = OperatorsForm(
        request.POST or None,
        operators=selectors.operators_of(community=community),
        initial={"operators": list(facility.operators.all())},
    )
    return submit(
        request,
        form,
        lambda data: services.facility_operators_set(
            actor=request.user, facility=facility, operators=list(data["operators"])
        ),
        done=_("Saved: who runs %(name)s.") % {"name": facility.name},
        then=_facility_url(code, facility.pk),
    ) or _form(request, community, form, facility, _("Who runs this space"))


@login_required
def my_spaces(request: HttpRequest, code: str) -> HttpResponse:
    """An operator's spaces with the day's time slots and bookings."""
    community = community_get(code=code, user=request.user)
    if not rules.can_run_front_desk(request.user, community):
        raise NotAllowed(_("Only community staff and operators run spaces."))
    day = _day(request)
    return render(
        request,
        "facilities/my_spaces.html",
        {
            "community": community,
            "day": day,
            "spaces": selectors.my_spaces_today(user=request.user, community=community, day=day),
        },
    )
