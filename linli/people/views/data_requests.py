from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from linli.core.buttons import submit
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

    def decide(data: dict[str, Any]) -> Any:
        service = services.data_request_approve if data["decision"] == "approve" else services.data_request_refuse
        return service(actor=request.user, request=found, answer=data["answer"])

    return submit(
        request,
        form,
        decide,
        done=_("The request is handled; the resident can see the outcome."),
        then=reverse("people:data_request_queue", kwargs={"code": community.code}),
    ) or render(
        request,
        "people/data_request_detail.html",
        {"community": community, "found": found, "form": form},
        status=400 if form.errors else 200,
    )
