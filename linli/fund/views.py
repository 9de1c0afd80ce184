"""The fund's public page: money raised, granted, paid and spent per project, from the ledger."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from linli.places.models import Community

from . import selectors


def public(request: HttpRequest, code: str) -> HttpResponse:
    community = get_object_or_404(Community, code=code)
    return render(
        request,
        "fund/public.html",
        {
            "community": community,
            "summary": selectors.fund_summary(community=community),
            "donations": selectors.donations_public(community=community)[:30],
        },
    )
