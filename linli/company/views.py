"""The company's pages: the books (post, reverse, support, close), the operating statement and its workbook, the
company's rates, and 共富 settlements with other communities. Each button posts to a view of its own."""

import datetime as dt
from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from linli.core.buttons import button, press
from linli.core.errors import NotAllowed
from linli.core.file_responses import file_response
from linli.core.parsing import parse_month
from linli.places.models import Community
from linli.places.selectors import community_get, street_get

from . import rules, selectors, services
from .forms import DisputeForm, PostingForm, PrepareForm, ReverseForm, SettingsForm, SupportForm
from .models import Settlement


def _month(request: HttpRequest) -> tuple[int, int]:
    """`?month=YYYY-MM`, this month when absent; a month that cannot be read is a 400 saying how to write it."""
    today = timezone.localdate()
    return parse_month(request.GET.get("month"), default=(today.year, today.month))


def _period(request: HttpRequest) -> tuple[int, int | None]:
    """`?year=YYYY` for a whole year, else `?month=YYYY-MM` (this month when absent)."""
    raw = (request.GET.get("year") or "").strip()
    if raw.isascii() and raw.isdigit() and len(raw) == 4 and 2000 <= int(raw) <= 2100:
        return int(raw), None
    return _month(request)


def _books_url(code: str, year: int, month: int) -> str:
    return reverse("company:books", args=[code]) + f"?month={year}-{month:02d}"


def statement(request: HttpRequest, code: str) -> HttpResponse:
    community = community_get(code=code, user=request.user)
    year, month = _period(request)
    result = selectors.operating_statement(user=request.user, community=community, year=year, month=month)
    return render(
        request,
        "company/statement.html",
        {
            "community": community,
            "s": result,
            "month": f"{year}-{month:02d}" if month else "",
            "year": year,
            "closed": month is not None and selectors.month_closed(community, year, month),
            "query": f"year={year}" if month is None else f"month={year}-{month:02d}",
        },
    )


def statement_xlsx(request: HttpRequest, code: str) -> HttpResponse:
    community = community_get(code=code, user=request.user)
    year, month = _period(request)
    result = selectors.operating_statement(user=request.user, community=community, year=year, month=month)
    return file_response(selectors.statement_xlsx(result), filename=f"operating-{community.code}-{result.period}.xlsx")


# --- the books ------------------------------------------------------------------------------------------


def _books_page(
    request: HttpRequest,
    community: Any,
    year: int,
    month: int,
    *,
    refused: forms.Form | None = None,
) -> HttpResponse:
    """The month's books, with its two forms (the one refused shown again as it was posted)."""
    spaces = selectors.spaces(community=community)
    today = timezone.localdate()
    may_post = rules.can_post_company(request.user, community)
    closed = selectors.month_closed(community, year, month)
    over = (year, month) < (today.year, today.month)
    posting_form = refused if isinstance(refused, PostingForm) else PostingForm(spaces=spaces, initial={"day": today})
    support_form = refused if isinstance(refused, SupportForm) else SupportForm(spaces=spaces, initial={"day": today})
    rows = [
        (p, selectors.posting_amount(p))
        for p in selectors.postings(user=request.user, community=community, year=year, month=month)
    ]
    return render(
        request,
        "company/books.html",
        {
            "community": community,
            "month": f"{year}-{month:02d}",
            "rows": rows,
            "closed": closed,
            "may_post": may_post,
            "may_close": over and not closed and rules.can_close_month(request.user, community),
            "posting_form": posting_form,
            "support_form": support_form,
            "balance_fen": services.company_account(community).balance if may_post else None,
        },
    )


@login_required
def books(request: HttpRequest, code: str) -> HttpResponse:
    community = community_get(code=code, user=request.user)
    year, month = _month(request)
    if not rules.can_view_statement(request.user, community):
        selectors.postings(user=request.user, community=community, year=year, month=month)  # 404
    return _books_page(request, community, year, month)


def _post_to_books(
    form_class: type[PostingForm | SupportForm],
    service: Callable[..., Any],
    done: Callable[[Any], str],
) -> Callable[..., HttpResponse]:
    """A form of the books page posted to its own view: its form is checked, then `service` posts to the books of
    the month shown; a refusal shows the books page again with the form and what was wrong."""

    @login_required
    @require_POST
    def view(request: HttpRequest, code: str) -> HttpResponse:
        community = community_get(code=code, user=request.user)
        if not rules.can_post_company(request.user, community):
            raise NotAllowed(_("You may not post the community company's books."))
        form = form_class(request.POST, request.FILES, spaces=selectors.spaces(community=community))
        year, month = _month(request)
        return press(
            request,
            lambda d: service(actor=request.user, community=community, **d),
            done=done,
            back=_books_url(code, year, month),
            form=form,
            again=lambda f: _books_page(request, community, year, month, refused=f),
        )

    return view


posting_new = _post_to_books(
    PostingForm,
    services.entry_post,
    lambda p: _("Posted: %(item)s %(day)s.") % {"item": p.get_source_display(), "day": p.day},
)
support_new = _post_to_books(SupportForm, services.support_post, lambda _p: _("Support paid."))


@login_required
def posting_reverse(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    community = community_get(code=code, user=request.user)
    posting = selectors.posting_get(user=request.user, community=community, pk=pk)
    if not rules.can_post_company(request.user, community):
        raise NotAllowed(_("You may not post the community company's books."))
    form = ReverseForm(request.POST or None)
    today = timezone.localdate()

    def again(f: Any) -> HttpResponse:
        return render(
            request,
            "company/reverse.html",
            {"community": community, "posting": posting, "amount": selectors.posting_amount(posting), "form": f},
        )

    if request.method != "POST":
        return again(form)
    return press(
        request,
        lambda d: services.posting_reverse(actor=request.user, posting=posting, reason=d["reason"]),
        done=_("Reversed: the correction is dated %(day)s.") % {"day": today},
        back=_books_url(code, today.year, today.month),
        form=form,
        again=again,
    )


@login_required
@require_POST
def month_close(request: HttpRequest, code: str) -> HttpResponse:
    community = community_get(code=code, user=request.user)
    if not rules.can_close_month(request.user, community):
        raise NotAllowed(_("You may not close the community company's books."))
    year, month = _month(request)
    return press(
        request,
        lambda d: services.month_close(actor=request.user, community=community, year=year, month=month),
        done=_("The books of %(month)s are closed.") % {"month": f"{year}-{month:02d}"},
        back=_books_url(code, year, month),
    )


@login_required
def company_settings(request: HttpRequest, code: str) -> HttpResponse:
    community = community_get(code=code, user=request.user)
    if not rules.can_close_month(request.user, community):
        raise NotAllowed(_("You may not change the community company's settings."))
    current = services.company_settings(community)
    form = SettingsForm(
        request.POST or None,
        initial={"commission_bps": current.commission_bps, "shared_use_fen": f"{current.shared_use_fen / 100:.2f}"},
    )

    def again(f: Any) -> HttpResponse:
        return render(request, "company/settings.html", {"community": community, "form": f})

    if request.method != "POST":
        return again(form)
    return press(
        request,
        lambda d: services.settings_update(actor=request.user, community=community, **d),
        done=_("Saved."),
        back=reverse("company:settings", args=[code]),
        form=form,
        again=again,
    )


# --- 共富 settlements -------------------------------------------------------------------------------------


@login_required
def settlements(request: HttpRequest, code: str) -> HttpResponse:
    community = community_get(code=code, user=request.user)
    rows = selectors.settlements(user=request.user, community=community)[:200]
    today = timezone.localdate()
    last = (today.replace(day=1) - dt.timedelta(days=1)).strftime("%Y-%m")
    return render(
        request,
        "company/settlements.html",
        {
            "community": community,
            "rows": rows,
            "form": PrepareForm(initial={"month": last}),
            "may_prepare": rules.can_prepare_settlement(request.user, community),
        },
    )


@login_required
@require_POST
def settlements_prepare(request: HttpRequest, code: str) -> HttpResponse:
    community = community_get(code=code, user=request.user)
    if not rules.can_prepare_settlement(request.user, community):
        raise NotAllowed(_("You may not draw up 共富 settlements for this community."))

    def call(d: dict[str, Any]) -> Any:
        year, month = parse_month(d["month"])
        return services.settlements_prepare(actor=request.user, community=community, year=year, month=month)

    return press(
        request,
        call,
        done=lambda done: _("%(n)s statement(s) drawn up.") % {"n": len(done)},
        back=reverse("company:settlements", args=[code]),
        form=PrepareForm(request.POST),
    )


@login_required
def settlement_detail(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    community = community_get(code=code, user=request.user)
    found = selectors.settlement_get(user=request.user, community=community, pk=pk)
    side = found.side_of(community.pk)
    return render(
        request,
        "company/settlement.html",
        {
            "community": community,
            "s": found,
            "side": side,
            "confirmed": getattr(found, f"{side}_confirmed_at") is not None,
            "may_confirm": found.status != found.Status.PAID and rules.can_confirm_settlement(request.user, community),
            "dispute_form": DisputeForm(),
        },
    )


def _settlement_posted(request: HttpRequest, code: str, pk: int) -> tuple[Community, Settlement]:
    """The community whose page it is, and the statement as its user may see it."""
    community = community_get(code=code, user=request.user)
    return community, selectors.settlement_get(user=request.user, community=community, pk=pk)


def _settlement_url(code: str, pk: int) -> str:
    return reverse("company:settlement", args=[code, pk])


settlement_confirm = button(
    _settlement_posted,
    lambda request, found, _data: services.settlement_confirm(
        actor=request.user, community=found[0], settlement=found[1]
    ),
    done=lambda s: _("Confirmed and paid through the ledger.") if s.status == s.Status.PAID else _("Confirmed."),
    back=_settlement_url,
)
settlement_dispute = button(
    _settlement_posted,
    lambda request, found, data: services.settlement_dispute(
        actor=request.user, community=found[0], settlement=found[1], reason=data["reason"]
    ),
    done=gettext_lazy("Disputed: the other community and the street office see your reason."),
    back=_settlement_url,
    form=DisputeForm,
)


@login_required
def street_settlements(request: HttpRequest, code: str) -> HttpResponse:
    street = street_get(code=code, user=request.user)
    rows = selectors.street_settlements(user=request.user, street=street)[:500]
    return render(request, "company/street_settlements.html", {"street": street, "rows": rows})
