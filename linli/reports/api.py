"""Setting up report categories over the API (community admins): the same services as the pages.

Residents and city systems report through Open311 (/open311/v2/); this router is for the community's own staff."""

from typing import Any, Literal

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status

from linli.accounts.api_auth import AUTH
from linli.accounts.selectors import account_get
from linli.core.api import RowId, fields_sent
from linli.core.errors import NotAllowed
from linli.places.models import Community
from linli.places.selectors import community_get

from . import rules, selectors, services
from .models import Category, CategoryAttribute

router = Router(tags=["reports"], auth=AUTH)
BASE = "/communities/{code}/report-categories"
Datatype = Literal["string", "number", "datetime", "text", "singlevaluelist", "multivaluelist"]


class ReportChoiceIn(Schema):
    key: str = Field(max_length=40)
    name: str = Field(max_length=60)


class ReportQuestionIn(Schema):
    code: str = Field(max_length=40)
    description: str = Field(max_length=200, description="The question residents answer.")
    datatype: Datatype = "string"
    required: bool = False
    datatype_description: str = Field("", max_length=200)
    order: int | None = Field(None, ge=1, le=999, description="Empty: after the last question.")
    values: list[ReportChoiceIn] = Field([], max_length=100, description="The choices of a list question.")


class ReportQuestionPatch(Schema):
    description: str | None = Field(None, max_length=200)
    datatype: Datatype | None = None
    required: bool | None = None
    datatype_description: str | None = Field(None, max_length=200)
    order: int | None = Field(None, ge=1, le=999)
    values: list[ReportChoiceIn] | None = Field(None, max_length=100)


class ReportQuestionOut(Schema):
    id: int
    code: str
    description: str
    datatype: str
    required: bool
    datatype_description: str
    order: int
    values: list[dict[str, str]]


class ReportCategoryPatch(Schema):
    name: str | None = Field(None, max_length=60)
    group: str | None = Field(None, max_length=60)
    kind: Literal["problem", "suggestion"] | None = None
    description: str | None = Field(None, max_length=300)
    keywords: str | None = Field(None, max_length=200)
    accept_within_hours: int | None = Field(None, ge=1, le=8784)
    start_within_hours: int | None = Field(None, ge=1, le=8784)
    resolve_within_hours: int | None = Field(None, ge=1, le=8784, description="Applies to reports made from now on.")
    reopen_within_days: int | None = Field(None, ge=0, le=90)
    first_level: int | None = Field(None, ge=1, le=2, description="1: the grid steward; 2: the community.")
    first_grid_id: RowId | None = Field(None, description="Always to this grid's steward; null: where it happens.")
    responsible_id: RowId | None = Field(None, description="Who fixes what the steward accepts; null: the steward.")
    agency_responsible: str | None = Field(None, max_length=80)
    service_notice: str | None = Field(None, max_length=300)
    open311_listed: bool | None = None
    order: int | None = Field(None, ge=0, le=999)


class ReportCategoryIn(ReportCategoryPatch):
    code: str = Field(max_length=40, description="The Open311 service_code; it cannot change later.")
    name: str = Field(max_length=60)


class ReportCategoryOut(Schema):
    id: int
    code: str
    name: str
    group: str
    kind: str
    description: str
    keywords: str
    accept_within_hours: int
    start_within_hours: int
    resolve_within_hours: int
    reopen_within_days: int
    first_level: int
    first_grid_id: int | None
    responsible_id: int | None
    agency_responsible: str
    service_notice: str
    open311_listed: bool
    active: bool
    order: int
    attributes: list[ReportQuestionOut]


def attribute_out(a: CategoryAttribute) -> dict[str, Any]:
    return {
        "id": a.pk,
        "code": a.code,
        "description": a.description,
        "datatype": a.datatype,
        "required": a.required,
        "datatype_description": a.datatype_description,
        "order": a.order,
        "values": a.values or [],
    }


def category_out(c: Category) -> dict[str, Any]:
    return {
        **{name: getattr(c, name) for name in ReportCategoryOut.model_fields if name not in ("id", "attributes")},
        "id": c.pk,
        "attributes": [attribute_out(a) for a in c.attributes.all()],
    }


def _community(request: HttpRequest, code: str) -> Community:
    community = community_get(code=code, user=request.user)
    if not rules.can_configure_reports(request.user, community):
        raise NotAllowed(_("Only community admins set up report categories."))
    return community


def _category_data(community: Community, data: dict[str, Any]) -> dict[str, Any]:
    """The payload as the service takes it: ids become the grid and the account (null clears them)."""
    if "first_grid_id" in data:
        data["first_grid"] = selectors.category_grid(community=community, pk=data.pop("first_grid_id"))
    if "responsible_id" in data:
        pk = data.pop("responsible_id")
        data["responsible"] = account_get(pk=pk, field="responsible_id") if pk else None
    return data


def _fresh(request: HttpRequest, community: Community, pk: int) -> dict[str, Any]:
    return category_out(selectors.category_to_set_up(user=request.user, community=community, pk=pk))


@router.get(BASE, response=list[ReportCategoryOut])
def category_list(request: HttpRequest, code: str) -> list[dict[str, Any]]:
    """Every category of the community, retired ones too."""
    community = _community(request, code)
    return [category_out(c) for c in selectors.categories_to_set_up(user=request.user, community=community)]


@router.post(BASE, response={201: ReportCategoryOut})
def category_create(request: HttpRequest, code: str, payload: ReportCategoryIn) -> Status[Any]:
    community = _community(request, code)
    data = fields_sent(payload)
    category = services.category_create(actor=request.user, community=community, **_category_data(community, data))
    return Status(201, _fresh(request, community, category.pk))


@router.patch(BASE + "/{int:category_id}", response=ReportCategoryOut)
def category_update(request: HttpRequest, code: str, category_id: int, payload: ReportCategoryPatch) -> dict[str, Any]:
    """Only the fields sent change; `first_grid_id`/`responsible_id: null` clear them. A changed time limit
    applies to reports made from now on."""
    community = _community(request, code)
    category = selectors.category_to_set_up(user=request.user, community=community, pk=category_id)
    data = fields_sent(payload, clearable={"first_grid_id", "responsible_id"})
    services.category_update(actor=request.user, category=category, **_category_data(community, data))
    return _fresh(request, community, category.pk)


def _category_set_active(request: HttpRequest, code: str, category_id: int, active: bool) -> dict[str, Any]:
    community = _community(request, code)
    category = selectors.category_to_set_up(user=request.user, community=community, pk=category_id)
    services.category_set_active(actor=request.user, category=category, active=active)
    return _fresh(request, community, category.pk)


@router.post(BASE + "/{int:category_id}/retire", response=ReportCategoryOut)
def category_retire(request: HttpRequest, code: str, category_id: int) -> dict[str, Any]:
    """No new reports in this category (the web form and Open311); open ones go on."""
    return _category_set_active(request, code, category_id, active=False)


@router.post(BASE + "/{int:category_id}/restore", response=ReportCategoryOut)
def category_restore(request: HttpRequest, code: str, category_id: int) -> dict[str, Any]:
    return _category_set_active(request, code, category_id, active=True)


@router.post(BASE + "/{int:category_id}/attributes", response={201: ReportQuestionOut})
def attribute_add(request: HttpRequest, code: str, category_id: int, payload: ReportQuestionIn) -> Status[Any]:
    community = _community(request, code)
    category = selectors.category_to_set_up(user=request.user, community=community, pk=category_id)
    data = payload.dict()
    data["values"] = [dict(v) for v in data["values"]]
    attribute = services.category_attribute_add(actor=request.user, category=category, **data)
    return Status(201, attribute_out(attribute))


@router.patch(BASE + "/{int:category_id}/attributes/{int:attribute_id}", response=ReportQuestionOut)
def attribute_update(
    request: HttpRequest, code: str, category_id: int, attribute_id: int, payload: ReportQuestionPatch
) -> dict[str, Any]:
    community = _community(request, code)
    category = selectors.category_to_set_up(user=request.user, community=community, pk=category_id)
    attribute = selectors.category_attribute_to_set_up(category=category, pk=attribute_id)
    data = fields_sent(payload)
    if "values" in data:
        data["values"] = [dict(v) for v in data["values"]]
    attribute = services.category_attribute_update(actor=request.user, attribute=attribute, **data)
    return attribute_out(attribute)


@router.delete(BASE + "/{int:category_id}/attributes/{int:attribute_id}", response={204: None})
def attribute_remove(request: HttpRequest, code: str, category_id: int, attribute_id: int) -> Status[None]:
    """Stop asking the question; answers already given stay on their reports."""
    community = _community(request, code)
    category = selectors.category_to_set_up(user=request.user, community=community, pk=category_id)
    attribute = selectors.category_attribute_to_set_up(category=category, pk=attribute_id)
    services.category_attribute_remove(actor=request.user, attribute=attribute)
    return Status(204, None)
