from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from linli.places.selectors import community_get

from . import selectors
from .models import PartnerKind


def index(request: HttpRequest, code: str) -> HttpResponse:
    community = community_get(code=code, user=request.user)
    partners = selectors.partners_of(user=request.user, community=community)
    projects = selectors.projects_of(user=request.user, community=community)
    kinds = [(label, partners.filter(kind=value).count()) for value, label in PartnerKind.choices]
    return render(
        request,
        "partners/index.html",
        {
            "community": community,
            "partners": partners,
            "kinds": kinds,
            "pairings": selectors.pairings_of(community=community),
            "projects": Paginator(projects, 30).get_page(request.GET.get("page")),
        },
    )
