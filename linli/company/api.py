"""Company API: the books (postings, reversals, support, monthly close), the operating statement, and 共富
settlements between communities. Scoped to a community the user may see (else 404); a role that may not act
is refused with 403; every error has the one shape."""

from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Router, Status

from linli.accounts.api_auth import AUTH
from linli.core.parsing import parse_month
from linli.places.models import Community
from linli.places.selectors import community_get

from . import selectors, services
from .models import Posting, Settlement, Source
from .schemas import (
    CloseOut,
    CommunitySettlementOut,
    DisputeIn,
    MonthCloseIn,
    PostingIn,
    PostingOut,
    PostingReverseIn,
    PrepareIn,
    StatementOut,
    SupportIn,
)

router = Router(tags=["company"])
BASE = "/company/{code}"


def _key(request: HttpRequest, body_key: str) -> str:
    return request.headers.get("Idempotency-Key", "").strip() or body_key


def posting_out(p: Posting) -> dict[str, Any]:
    return {
        "id": p.pk,
        "day": p.day,
        "source": p.source,
        "source_label": str(Source(p.source).label) if p.source in Source.values else p.source,
        "facility_id": p.facility_id,
        "facility": p.facility.name if p.facility else "",
        "nature": p.nature,
        "counterparty": p.counterparty,
        "note": p.note,
        "amount_fen": selectors.posting_amount(p),
        "transaction_id": p.transaction_id,
        "reverses_id": p.reverses_id,
        "reversed": hasattr(p, "reversed_by"),
        "evidence": p.evidence.url if p.evidence else "",
    }


def settlement_out(s: Settlement) -> dict[str, Any]:
    def side(name: str, community: Community) -> dict[str, Any]:
        amounts = ("fen", "points", "points_fen", "uses", "uses_fen", "owes_fen", "confirmed_at")
        return {
            "community": community.code,
            "name": community.name,
            **{k: getattr(s, f"{name}_{k}") for k in amounts},
        }

    return {
        "id": s.pk,
        "month": f"{s.month:%Y-%m}",
        "status": s.status,
        "status_label": str(s.get_status_display()),
        "first": side("first", s.first),
        "second": side("second", s.second),
        "net_fen": s.net_fen,
        "disputed_by": s.disputed_by.code if s.disputed_by else None,
        "dispute_reason": s.dispute_reason,
        "transaction_id": s.transaction_id,
    }


def _period(month: str | None) -> tuple[int, int | None]:
    """`YYYY-MM` is a month, `YYYY` a whole year, nothing the current month."""
    raw = (month or "").strip()
    if len(raw) == 4 and raw.isdigit():
        return int(raw), None
    today = timezone.localdate()
    return parse_month(raw, default=(today.year, today.month))


# --- statement ------------------------------------------------------------------------------------------


@router.get(BASE + "/statement", response=StatementOut, auth=AUTH)
def statement(request: HttpRequest, code: str, month: str = "") -> dict[str, Any]:
    """The operating statement of a month (`YYYY-MM`) or a year (`YYYY`), from the company's postings alone."""
    community = community_get(code=code, user=request.user)
    year, m = _period(month)
    s = selectors.operating_statement(user=request.user, community=community, year=year, month=m)

    def line(x: Any) -> dict[str, Any]:
        return {
            "facility_id": x.facility_id,
            "space": x.name,
            **{k: getattr(x, k) for k in ("nature", "nature_label", "revenue_fen")},
            "expense_fen": x.support_fen,
            "net_fen": x.net_fen,
            "entries": x.entries,
        }

    return {
        "period": s.period,
        "closed": m is not None and selectors.month_closed(community, year, m),
        "revenue_fen": s.revenue_fen,
        "expense_fen": s.support_fen,
        "net_fen": s.net_fen,
        "ledger_total_fen": s.ledger_total_fen,
        "traced": s.traced,
        "by_space": [line(x) for x in s.lines],
        "by_nature": [line(x) for x in s.by_nature()],
        "by_item": [
            {
                "source": i.source,
                "label": i.label,
                "revenue_fen": i.revenue_fen,
                "expense_fen": i.expense_fen,
                "entries": i.entries,
            }
            for i in s.sources
        ],
    }


# --- postings -------------------------------------------------------------------------------------------


@router.get(BASE + "/postings", response=list[PostingOut], auth=AUTH)
def posting_list(request: HttpRequest, code: str, month: str = "") -> list[dict[str, Any]]:
    community = community_get(code=code, user=request.user)
    year, m = _period(month)
    return [
        posting_out(p) for p in selectors.postings(user=request.user, community=community, year=year, month=m)[:1000]
    ]


@router.post(BASE + "/postings", response={201: PostingOut}, auth=AUTH)
def posting_create(request: HttpRequest, code: str, payload: PostingIn) -> Status:
    """Post revenue (into the company's account) or an expense (out of it). Retry with the same
    `Idempotency-Key` (header or body) to get the first posting back."""
    community = community_get(code=code, user=request.user)
    posting = services.entry_post(
        actor=request.user,
        community=community,
        direction=payload.direction,
        source=payload.source,
        amount_fen=payload.amount_fen,
        day=payload.day,
        facility=selectors.space_get(community=community, pk=payload.facility_id, field="facility_id"),
        counterparty=payload.counterparty,
        note=payload.note,
        idempotency_key=_key(request, payload.idempotency_key),
    )
    return Status(201, posting_out(posting))


@router.post(BASE + "/postings/{pk}/reverse", response={201: PostingOut}, auth=AUTH)
def posting_reverse(request: HttpRequest, code: str, pk: int, payload: PostingReverseIn) -> Status:
    community = community_get(code=code, user=request.user)
    posting = selectors.posting_get(user=request.user, community=community, pk=pk)
    reversal = services.posting_reverse(actor=request.user, posting=posting, reason=payload.reason, day=payload.day)
    return Status(201, posting_out(reversal))


@router.post(BASE + "/support", response={201: PostingOut}, auth=AUTH)
def support(request: HttpRequest, code: str, payload: SupportIn) -> Status:
    """The company pays for an affordable or free space, out of what it holds."""
    community = community_get(code=code, user=request.user)
    posting = services.support_post(
        actor=request.user,
        community=community,
        facility=selectors.space_get(community=community, pk=payload.facility_id, field="facility_id"),
        amount_fen=payload.amount_fen,
        day=payload.day,
        memo=payload.memo,
        idempotency_key=_key(request, payload.idempotency_key),
    )
    return Status(201, posting_out(posting))


# --- monthly close --------------------------------------------------------------------------------------


def close_out(c: Any) -> dict[str, Any]:
    return {
        "month": f"{c.month:%Y-%m}",
        "closed_at": c.closed_at,
        "revenue_fen": c.revenue_fen,
        "expense_fen": c.expense_fen,
    }


@router.get(BASE + "/closes", response=list[CloseOut], auth=AUTH)
def close_list(request: HttpRequest, code: str) -> list[dict[str, Any]]:
    community = community_get(code=code, user=request.user)
    return [close_out(c) for c in selectors.closes(user=request.user, community=community)]


@router.post(BASE + "/closes", response={201: CloseOut}, auth=AUTH)
def close_create(request: HttpRequest, code: str, payload: MonthCloseIn) -> Status:
    """Close a month that is over: postings dated in it are refused from then on."""
    community = community_get(code=code, user=request.user)
    year, month = parse_month(payload.month)
    return Status(201, close_out(services.month_close(actor=request.user, community=community, year=year, month=month)))


# --- 共富 settlements -------------------------------------------------------------------------------------


@router.get(BASE + "/settlements", response=list[CommunitySettlementOut], auth=AUTH)
def settlement_list(request: HttpRequest, code: str) -> list[dict[str, Any]]:
    community = community_get(code=code, user=request.user)
    return [settlement_out(s) for s in selectors.settlements(user=request.user, community=community)[:500]]


@router.post(BASE + "/settlements", response={201: list[CommunitySettlementOut]}, auth=AUTH)
def settlement_prepare(request: HttpRequest, code: str, payload: PrepareIn) -> Status:
    """Draw up the month's statements with one community (`other`) or with every community traded with."""
    community = community_get(code=code, user=request.user)
    year, month = parse_month(payload.month)
    if payload.other:
        other = selectors.other_community(code=payload.other)
        done = [
            services.settlement_prepare(actor=request.user, community=community, other=other, year=year, month=month)
        ]
    else:
        done = services.settlements_prepare(actor=request.user, community=community, year=year, month=month)
    return Status(201, [settlement_out(s) for s in done])


@router.get(BASE + "/settlements/{pk}", response=CommunitySettlementOut, auth=AUTH)
def settlement_detail(request: HttpRequest, code: str, pk: int) -> dict[str, Any]:
    community = community_get(code=code, user=request.user)
    return settlement_out(selectors.settlement_get(user=request.user, community=community, pk=pk))


@router.post(BASE + "/settlements/{pk}/confirm", response=CommunitySettlementOut, auth=AUTH)
def settlement_confirm(request: HttpRequest, code: str, pk: int) -> dict[str, Any]:
    """This community confirms the statement; once both sides have, it is paid through the ledger."""
    community = community_get(code=code, user=request.user)
    found = selectors.settlement_get(user=request.user, community=community, pk=pk)
    return settlement_out(services.settlement_confirm(actor=request.user, settlement=found, community=community))


@router.post(BASE + "/settlements/{pk}/dispute", response=CommunitySettlementOut, auth=AUTH)
def settlement_dispute(request: HttpRequest, code: str, pk: int, payload: DisputeIn) -> dict[str, Any]:
    community = community_get(code=code, user=request.user)
    found = selectors.settlement_get(user=request.user, community=community, pk=pk)
    return settlement_out(
        services.settlement_dispute(actor=request.user, settlement=found, community=community, reason=payload.reason)
    )
