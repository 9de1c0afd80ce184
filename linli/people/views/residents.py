from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from linli.accounts import rules
from linli.core.errors import DomainError, NotAllowed
from linli.places.selectors import community_get

from .. import selectors, services
from ..forms import ResidentForm, RevealForm


@login_required
def resident_list(request: HttpRequest, code: str) -> HttpResponse:
    community = community_get(code=code, user=request.user)
    qs = selectors.residents_for(user=request.user, community=community, search=request.GET.get("q", "").strip())
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "people/resident_list.html",
        {
            "community": community,
            "page": page,
            "q": request.GET.get("q", ""),
            "can_edit": rules.can_edit_residents(request.user, community),
            "show_tags": rules.can_view_sensitive_tags(request.user, community),
            "exact_age": rules.can_view_birth_date(request.user, community),
        },
    )


@login_required
def resident_detail(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    community = community_get(code=code, user=request.user)
    resident = selectors.resident_get(user=request.user, community=community, pk=pk)
    revealed = None
    form = RevealForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            revealed = services.resident_reveal_id_number(
                actor=request.user, resident=resident, reason=form.cleaned_data["reason"]
            )
        except DomainError as exc:
            form.add_error(None, str(exc.message))
    return render(
        request,
        "people/resident_detail.html",
        {
            "community": community,
            "resident": resident,
            "form": form,
            "revealed": revealed,
            "can_reveal": rules.can_reveal_id_number(request.user, community),
            "exact_age": rules.can_view_birth_date(request.user, community),
            "show_tags": rules.can_view_sensitive_tags(request.user, community),
        },
    )


@login_required
def resident_create(request: HttpRequest, code: str) -> HttpResponse:
    community = community_get(code=code, user=request.user)
    if not rules.can_edit_residents(request.user, community):
        raise NotAllowed(_("You may not register residents in this community."))
    form = ResidentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data["tags"] = [t.code for t in data["tags"]]
        try:
            resident = services.resident_create(actor=request.user, community=community, **data)
        except DomainError as exc:
            exc.show_on(form)
        else:
            messages.success(request, _("Resident registered."))
            return redirect("people:resident_detail", code=community.code, pk=resident.pk)
    return render(request, "people/resident_form.html", {"community": community, "form": form})
