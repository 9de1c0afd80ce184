from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from linli.core.errors import DomainError
from linli.places.selectors import community_get

from .. import selectors, services
from ..forms import DataRequestDecisionForm


@login_required
def data_request_queue(request: HttpRequest, code: str) -> HttpResponse:
    community = community_get(code=code, user=request.user)
    show_all = request.GET.get("show") == "all"
    requests = selectors.data_request_queue(user=request.user, community=community, open_only=not show_all)
    return render(
        request,
        "people/data_request_queue.html",
        {"community": community, "requests": requests[:200], "show_all": show_all},
    )


@login_required
def data_request_detail(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    community = community_get(code=code, user=request.user)
    found = selectors.data_request_get(user=request.user, community=community, pk=pk)
    form = DataRequestDecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        decide = (
            services.data_request_approve
            if form.cleaned_data["decision"] == "approve"
            else services.data_request_refuse
        )
        try:
            decide(actor=request.user, request=found, answer=form.cleaned_data["answer"])
        except DomainError as exc:
            exc.show_on(form)
        else:
            messages.success(request, _("The request is handled; the resident can see the outcome."))
            return redirect("people:data_request_queue", code=community.code)
    return render(
        request,
        "people/data_request_detail.html",
        {"community": community, "found": found, "form": form},
        status=400 if form.errors else 200,
    )
