"""Notice pages: residents read theirs; staff write, publish and follow who has read; stewards see their grids'
unread. Every row is read through `selectors`, scoped to the user."""

import datetime as dt
from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from linli.accounts.types import Actor
from linli.core.buttons import button, buttons_on
from linli.core.errors import Conflict, DomainError, NotAllowed, NotFound
from linli.people.selectors import resident_of_user
from linli.places.models import Community, Street
from linli.places.selectors import community_get

from . import rules, selectors, services
from .files import attachments_clean
from .forms import NoticeForm, ScheduleForm
from .models import Notice, NoticeAttachment

# --- residents -----------------------------------------------------------------------------------------


@login_required
def my_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.my_notices(user=request.user), 30).get_page(request.GET.get("page"))
    resident = resident_of_user(user=request.user)
    by_sms = selectors.sms_preferred(resident=resident)
    return render(request, "notices/my_list.html", {"page": page, "resident": resident, "by_sms": by_sms})


@login_required
def my_detail(request: HttpRequest, pk: int) -> HttpResponse:
    recipient = selectors.my_notice_get(user=request.user, pk=pk)
    services.notice_read(actor=request.user, notice=recipient.notice)
    return render(
        request,
        "notices/my_detail.html",
        {"notice": recipient.notice, "attachments": recipient.notice.attachments.all()},
    )


@login_required
@require_POST
def my_sms(request: HttpRequest) -> HttpResponse:
    resident = resident_of_user(user=request.user)
    if resident is None:
        raise NotFound(_("You have no resident record."))
    on = request.POST.get("by_sms") == "1"
    services.sms_preference_set(actor=request.user, resident=resident, by_sms=on)
    messages.success(
        request, _("Notices you have not opened within a day will also come by SMS.") if on else _("Saved.")
    )
    return redirect("notices:my_list")


@login_required
def attachment(request: HttpRequest, pk: int, file_id: int) -> FileResponse:
    try:
        item = selectors.attachment_for(user=request.user, notice_pk=pk, file_id=file_id)
    except NotFound as exc:
        raise Http404 from exc
    content_type = "application/pdf" if item.kind == NoticeAttachment.Kind.PDF else "image/jpeg"
    response = FileResponse(
        item.file.open("rb"),
        content_type=content_type,
        as_attachment=item.kind == NoticeAttachment.Kind.PDF,
        filename=item.file.name.rsplit("/", 1)[-1],
    )
    response["Cache-Control"] = "private, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    return response


# --- staff ---------------------------------------------------------------------------------------------


def _street_get(user: Actor, code: str) -> Street:
    return selectors.street_for_writer(user=user, code=code)


@login_required
def staff_list(request: HttpRequest, code: str) -> HttpResponse:
    community = community_get(code=code, user=request.user)
    notices = selectors.notices_of_community(user=request.user, community=community)
    return render(
        request,
        "notices/staff_list.html",
        {
            "community": community,
            "page": Paginator(notices, 30).get_page(request.GET.get("page")),
            "can_write": rules.can_write_for_community(request.user, community),
            "can_write_street": rules.can_write_for_street(request.user, community.street),
            "steward_urgent": selectors.urgent_for_steward(user=request.user, community=community),
        },
    )


@login_required
def street_list(request: HttpRequest, code: str) -> HttpResponse:
    street = _street_get(request.user, code)
    notices = selectors.notices_of_street(user=request.user, street=street)
    return render(
        request,
        "notices/street_list.html",
        {"street": street, "page": Paginator(notices, 30).get_page(request.GET.get("page"))},
    )


def _compose(
    request: HttpRequest, *, community: Community | None, street: Street | None, notice: Notice | None
) -> HttpResponse:
    may_tags = community is not None and rules.can_target_tags(request.user, community)
    initial = NoticeForm.initial_of(notice) if notice is not None else {}
    form = NoticeForm(
        request.POST or None, initial=initial, community=community, street=street, may_target_tags=may_tags
    )
    if request.method == "POST" and form.is_valid():
        try:
            files = attachments_clean(request.FILES.getlist("attachments"))
            if notice is None:
                notice = services.notice_create(
                    actor=request.user,
                    community=community,
                    street=street,
                    attachments=files,
                    **form.fields_for_service(),
                )
            else:
                notice = services.notice_update(
                    actor=request.user, notice=notice, attachments=files, **form.fields_for_service()
                )
        except DomainError as exc:
            exc.show_on(form)
            if exc.field == "attachments":
                form.add_error(None, str(exc.message))
        else:
            messages.success(request, _("Saved as a draft. Check it, then publish it."))
            return _to_detail(notice)
    return render(
        request,
        "notices/compose.html",
        {"form": form, "community": community, "street": street, "notice": notice},
    )


def _to_detail(notice: Notice) -> HttpResponse:
    if notice.community_id is not None:
        return redirect("notices:staff_detail", code=notice.community.code, pk=notice.pk)  # type: ignore[union-attr]
    return redirect("notices:street_detail", code=notice.street.code, pk=notice.pk)


@login_required
def compose(request: HttpRequest, code: str) -> HttpResponse:
    community = community_get(code=code, user=request.user)
    if not rules.can_write_for_community(request.user, community):
        raise NotAllowed(_("You may not write this community's notices."))
    return _compose(request, community=community, street=None, notice=None)


@login_required
def street_compose(request: HttpRequest, code: str) -> HttpResponse:
    street = _street_get(request.user, code)
    return _compose(request, community=None, street=street, notice=None)


@login_required
def edit(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    community = community_get(code=code, user=request.user)
    notice = selectors.notice_get(user=request.user, community=community, pk=pk)
    if not rules.can_write_notice(request.user, notice):
        raise NotAllowed(_("You may not change this notice."))
    if not notice.can_edit():
        raise Conflict(_("A published or withdrawn notice can no longer be changed."))
    return _compose(
        request, community=notice.community, street=None if notice.community_id else notice.street, notice=notice
    )


@login_required
def street_edit(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    street = _street_get(request.user, code)
    notice = selectors.street_notice_get(user=request.user, street=street, pk=pk)
    if not notice.can_edit():
        raise Conflict(_("A published or withdrawn notice can no longer be changed."))
    return _compose(request, community=None, street=street, notice=notice)


def _detail(request: HttpRequest, notice: Notice, community: Community | None) -> HttpResponse:
    report = (
        selectors.read_report(user=request.user, notice=notice, community=community)
        if community is not None and rules.can_view_read_report(request.user, notice, community)
        else None
    )
    return render(
        request,
        "notices/staff_detail.html",
        {
            "notice": notice,
            "community": community,
            "street": notice.street,
            "report": report,
            "attachments": notice.attachments.all(),
            "can_write": rules.can_write_notice(request.user, notice),
            "can_see_unread": community is not None and rules.can_view_unread_in_grid(request.user, community),
            "schedule_form": ScheduleForm(),
        },
    )


@login_required
def staff_detail(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    community = community_get(code=code, user=request.user)
    notice = selectors.notice_get(user=request.user, community=community, pk=pk)
    return _detail(request, notice, community)


@login_required
def street_detail(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    street = _street_get(request.user, code)
    notice = selectors.street_notice_get(user=request.user, street=street, pk=pk)
    return _detail(request, notice, None)


def _notice_posted(request: HttpRequest, code: str, pk: int) -> Notice:
    community = community_get(code=code, user=request.user)
    return selectors.notice_get(user=request.user, community=community, pk=pk)


def _street_notice_posted(request: HttpRequest, code: str, pk: int) -> Notice:
    street = _street_get(request.user, code)
    return selectors.street_notice_get(user=request.user, street=street, pk=pk)


def _publish_at(request: HttpRequest) -> dt.datetime:
    form = ScheduleForm(request.POST)
    if not form.is_valid():
        raise DomainError(_("Enter a date and time."), field="publish_at")
    return form.cleaned_data["publish_at"]


def _buttons(load: Callable[..., Notice], page: str) -> tuple[Callable[..., HttpResponse], ...]:
    """Publish now, schedule and withdraw: the buttons of a notice's page, for a community's or a street's notice
    (`load` finds it), each going back to `page`. Whoever may see the notice but not change it gets the 403 page."""

    def back(code: str, pk: int) -> str:
        return reverse(page, kwargs={"code": code, "pk": pk})

    on_notice = buttons_on(load, name="notice", back=back, forbidden_page=True)
    return (
        on_notice(services.notice_publish, gettext_lazy("Published.")),
        button(
            load,
            lambda request, notice, _data: services.notice_publish(
                actor=request.user, notice=notice, publish_at=_publish_at(request)
            ),
            done=gettext_lazy("Scheduled."),
            back=back,
            forbidden_page=True,
        ),
        on_notice(services.notice_withdraw, gettext_lazy("Withdrawn.")),
    )


publish, schedule, withdraw = _buttons(_notice_posted, "notices:staff_detail")
street_publish, street_schedule, street_withdraw = _buttons(_street_notice_posted, "notices:street_detail")


@login_required
def unread(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    """The steward's list: who in their grids has not read this notice, to phone or visit."""
    community = community_get(code=code, user=request.user)
    notice = selectors.notice_get(user=request.user, community=community, pk=pk)
    rows = selectors.unread_in_my_grids(user=request.user, notice=notice, community=community)
    return render(request, "notices/unread.html", {"community": community, "notice": notice, "rows": rows})
