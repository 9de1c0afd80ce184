from collections.abc import Callable
from typing import Any

from django.http import HttpRequest
from ninja import Status

from linli.core.api import RowId
from linli.places.selectors import community_get

from .. import selectors, services
from ..models import DataRequest
from ..schemas import DataRequestDecisionIn, DataRequestIn, DataRequestOut
from .common import router


def data_request_out(found: DataRequest, *, staff: bool = False) -> dict[str, Any]:
    return {
        "id": found.pk,
        **{k: getattr(found, k) for k in ("kind", "status", "resident_id")},
        "resident": found.resident.name if staff else "",
        **{k: getattr(found, k) for k in ("reason", "answer", "created_at", "handled_at")},
    }


@router.get("/me/data-requests", response=list[DataRequestOut])
def my_data_requests(request: HttpRequest) -> list[dict[str, Any]]:
    """My requests about my personal data (copies downloaded, deletion asked) and what became of them."""
    return [data_request_out(r) for r in selectors.data_requests_of(user=request.user)[:100]]


@router.post("/me/data-requests", response={201: DataRequestOut})
def my_deletion_request(request: HttpRequest, payload: DataRequestIn) -> Status[Any]:
    """Ask the community to delete my personal data (PIPL). A copy is `GET /me/data`, at once."""
    return Status(201, data_request_out(services.data_deletion_request(actor=request.user, reason=payload.reason)))


@router.get("/communities/{code}/data-requests", response=list[DataRequestOut])
def data_request_queue(request: HttpRequest, code: str, include_handled: bool = False) -> list[dict[str, Any]]:
    community = community_get(code=code, user=request.user)
    qs = selectors.data_request_queue(user=request.user, community=community, open_only=not include_handled)
    return [data_request_out(r, staff=True) for r in qs[:500]]


@router.post("/communities/{code}/data-requests/{request_id}/approve", response=DataRequestOut)
def data_request_approve(
    request: HttpRequest, code: str, request_id: RowId, payload: DataRequestDecisionIn
) -> dict[str, Any]:
    """Delete the resident's personal data: the record is anonymised, the account closed; the books are kept."""
    return _decided(request, code, request_id, services.data_request_approve, payload.answer)


@router.post("/communities/{code}/data-requests/{request_id}/refuse", response=DataRequestOut)
def data_request_refuse(
    request: HttpRequest, code: str, request_id: RowId, payload: DataRequestDecisionIn
) -> dict[str, Any]:
    return _decided(request, code, request_id, services.data_request_refuse, payload.answer)


def _decided(
    request: HttpRequest, code: str, request_id: int, decide: Callable[..., DataRequest], answer: str
) -> dict[str, Any]:
    """The community's request `request_id`, decided by `decide` with the staff's answer."""
    community = community_get(code=code, user=request.user)
    found = selectors.data_request_get(user=request.user, community=community, pk=request_id)
    return data_request_out(decide(actor=request.user, request=found, answer=answer), staff=True)
