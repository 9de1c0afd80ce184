"""The operating statement page and its workbook."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from linli.core.errors import DomainError
from linli.core.parsing import parse_month
from linli.places.selectors import community_get

from . import selectors


def _month(request: HttpRequest) -> tuple[int, int]:
    today = timezone.localdate()
    return parse_month(request.GET.get("month"), default=(today.year, today.month))


def statement(request: HttpRequest, code: str) -> HttpResponse:
    community = community_get(code=code, user=request.user)
    year, month = _month(request)
    try:
        result = selectors.operating_statement(user=request.user, community=community, year=year, month=month)
    except DomainError:
        today = timezone.localdate()
        year, month = today.year, today.month
        result = selectors.operating_statement(user=request.user, community=community, year=year, month=month)
    return render(
        request, "company/statement.html", {"community": community, "s": result, "month": f"{year}-{month:02d}"}
    )


def statement_xlsx(request: HttpRequest, code: str) -> HttpResponse:
    community = community_get(code=code, user=request.user)
    year, month = _month(request)
    result = selectors.operating_statement(user=request.user, community=community, year=year, month=month)
    response = HttpResponse(
        selectors.statement_xlsx(result),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="operating-{community.code}-{year}-{month:02d}.xlsx"'
    return response
