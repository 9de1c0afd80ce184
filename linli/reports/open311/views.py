"""Open311 GeoReport v2 at /open311/v2/: plain Django views, so that every byte is as the specification shows.

The format is the suffix (.xml or .json). jurisdiction_id is the community code; it is required where more
than one community is served. Errors answer in the specification's form with the matching HTTP status."""

import datetime as dt
import re
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, JsonResponse, QueryDict
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from linli.core.errors import DomainError
from linli.places.models import Community

from .. import selectors, services
from ..models import Category, Report
from .render import XmlList, errors, respond

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
CHANGESET = "2026-05-01T00:00:00+08:00"  # when this endpoint's behaviour last changed
MAX_SPAN = dt.timedelta(days=90)
MAX_RESULTS = 1000
ATTRIBUTE_KEY = re.compile(r"^attribute\[([^\[\]]+)\](\[\])?$")


class Open311Error(Exception):
    def __init__(self, status: int, description: str) -> None:
        super().__init__(description)
        self.status = status
        self.description = description


View = Callable[..., HttpResponse]


def open311(methods: tuple[str, ...]) -> Callable[[View], View]:
    """Checks the method and turns every refusal into the specification's error form."""

    def decorate(view: View) -> View:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, fmt: str = "xml", **kwargs: Any) -> HttpResponse:
            if request.method not in methods:
                response = errors(fmt, 405, _("Method %(m)s is not allowed here.") % {"m": request.method})
                response["Allow"] = ", ".join(methods)
                return response
            try:
                return view(request, *args, fmt=fmt, **kwargs)
            except Open311Error as exc:
                return errors(fmt, exc.status, exc.description)
            except DomainError as exc:
                status = exc.status if exc.status in (403, 404, 429) else 400
                return errors(fmt, status, str(exc.message))

        return csrf_exempt(wrapper)

    return decorate


def _params(request: HttpRequest) -> QueryDict:
    return request.POST if request.method == "POST" else request.GET


def jurisdiction(request: HttpRequest) -> Community:
    code = (_params(request).get("jurisdiction_id") or request.GET.get("jurisdiction_id") or "").strip()
    if not code:
        communities = selectors.open311_communities(limit=2)
        if len(communities) == 1:
            return communities[0]
        raise Open311Error(
            400, _("jurisdiction_id was not provided: this server serves several jurisdictions (community codes).")
        )
    community = selectors.open311_community(code=code)
    if community is None:
        raise Open311Error(404, _("jurisdiction_id “%(code)s” was not found.") % {"code": code[:60]})
    return community


# --- discovery and services ------------------------------------------------------------------------------


@open311(("GET", "HEAD"))
def discovery(request: HttpRequest, fmt: str) -> HttpResponse:
    base = request.build_absolute_uri("/open311/v2")
    endpoint = {
        "specification": SPECIFICATION,
        "url": base,
        "changeset": CHANGESET,
        "type": "production",
        "formats": XmlList("format", ["text/xml", "application/json"]),
    }
    document = {
        "changeset": CHANGESET,
        "contact": str(getattr(settings, "OPEN311_CONTACT", "")) or _("Ask the community's party-service centre."),
        "key_service": _("API keys are issued per client by each community's administrators in Linli."),
        "endpoints": XmlList("endpoint", [endpoint]),
    }
    return respond(fmt, "discovery", None, document)


def _service(category: Category) -> dict[str, Any]:
    return {
        "service_code": category.code,
        "service_name": category.name,
        "description": category.description,
        "metadata": any(a.variable for a in category.attributes.all()),
        "type": category.open311_type,
        "keywords": category.keywords,
        "group": category.group,
    }


@open311(("GET", "HEAD"))
def service_list(request: HttpRequest, fmt: str) -> HttpResponse:
    community = jurisdiction(request)
    categories = selectors.categories_of(community=community, open311=True)
    return respond(fmt, "services", "service", [_service(c) for c in categories])


@open311(("GET", "HEAD"))
def service_definition(request: HttpRequest, service_code: str, fmt: str) -> HttpResponse:
    community = jurisdiction(request)
    category = selectors.category_by_code(community=community, code=service_code, with_attributes=True)
    if category is None:
        raise Open311Error(404, _("service_code “%(code)s” was not found.") % {"code": service_code[:60]})
    attributes = [
        {
            "variable": a.variable,
            "code": a.code,
            "datatype": a.datatype,
            "required": a.required,
            "datatype_description": a.datatype_description or None,
            "order": a.order,
            "description": a.description,
            "values": XmlList("value", [{"key": v.get("key"), "name": v.get("name")} for v in a.values or []]),
        }
        for a in category.attributes.all()
    ]
    for attribute in attributes:
        values = attribute["values"]
        if isinstance(values, XmlList) and not values.items:
            del attribute["values"]
    document = {"service_code": category.code, "attributes": XmlList("attribute", attributes)}
    return respond(fmt, "service_definition", None, document)


# --- service requests ------------------------------------------------------------------------------------


def _float(value: str | None, name: str) -> float | None:
    if value is None or value.strip() == "":
        return None
    try:
        return float(value)
    except ValueError as exc:
        raise Open311Error(400, _("%(name)s is not a number.") % {"name": name}) from exc


def _attributes(params: QueryDict) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for key in params:
        match = ATTRIBUTE_KEY.match(key)
        if match:
            found.setdefault(match.group(1), []).extend(params.getlist(key))
    return found


def _create(request: HttpRequest, fmt: str) -> HttpResponse:
    params = request.POST
    community = jurisdiction(request)
    key = params.get("api_key") or request.GET.get("api_key") or ""
    if not key:
        raise Open311Error(403, _("api_key was not provided: a key is required to create requests."))
    client = services.api_client_authenticate(key)
    if client is None or client.community_id != community.pk:
        raise Open311Error(403, _("Invalid api_key received -- can't proceed with create_request."))
    now = timezone.now()
    if services.api_client_over_limit(client, now=now):
        raise Open311Error(429, _("Too many requests with this api_key: try again later."))
    code = (params.get("service_code") or "").strip()
    if not code:
        raise Open311Error(400, _("service_code was not provided."))
    category = selectors.category_by_code(community=community, code=code)
    if category is None:
        raise Open311Error(404, _("service_code “%(code)s” was not found.") % {"code": code[:60]})
    lat = _float(params.get("lat"), "lat")
    lng = _float(params.get("long"), "long")
    building = None
    address_id = (params.get("address_id") or "").strip()
    if address_id:
        building = (
            selectors.building_find(community=community, pk=int(address_id))
            if address_id.isdigit() and len(address_id) < 18
            else None
        )
        if building is None:
            raise Open311Error(400, _("address_id “%(id)s” is not a known address.") % {"id": address_id[:30]})
    address = (params.get("address_string") or "").strip()
    if lat is None and lng is None and building is None and not address:
        raise Open311Error(400, _("A location is required: lat and long, address_string or address_id."))
    if (lat is None) != (lng is None):
        raise Open311Error(400, _("Both lat and long are required for a location by coordinates."))
    media_url = (params.get("media_url") or "").strip()
    if media_url:
        try:
            URLValidator(schemes=["http", "https"])(media_url)
        except ValidationError as exc:
            raise Open311Error(400, _("media_url is not a valid http(s) URL.")) from exc
        if len(media_url) > 500:
            raise Open311Error(400, _("media_url may be at most 500 characters."))
    phone = re.sub(r"[\s\-+]", "", params.get("phone") or "")
    phone = phone[2:] if phone.startswith("86") and len(phone) == 13 else phone
    name = " ".join(p for p in ((params.get("first_name") or "").strip(), (params.get("last_name") or "").strip()) if p)
    report = services.report_submit(
        actor=None,
        community=community,
        category=category,
        description=params.get("description") or "",
        lat=lat,
        lng=lng,
        building=building,
        address=address,
        attributes=_attributes(params),
        guest_mobile=phone if re.fullmatch(r"1[3-9]\d{9}", phone) else "",
        reporter_name=name,
        reporter_email=(params.get("email") or "").strip() if len(params.get("email") or "") <= 254 else "",
        source=Report.Source.OPEN311,
        api_client=client,
        media_url=media_url,
        now=now,
    )
    services.api_client_touch(client, now=now)
    item: dict[str, Any]
    if category.open311_type == Category.Open311Type.BATCH:
        item = {"token": report.token}
    else:
        item = {"service_request_id": report.pk}
    item["service_notice"] = category.service_notice
    item["account_id"] = None
    return respond(fmt, "service_requests", "request", [item], status=201)


def _rows(request: HttpRequest, reports: QuerySet[Report]) -> list[dict[str, Any]]:
    """Service requests as the specification lists their fields."""
    rows, first_photo = selectors.open311_rows(reports=reports)
    tz = timezone.get_current_timezone()

    def when(value: dt.datetime | None) -> str | None:
        return value.astimezone(tz).isoformat(timespec="seconds") if value is not None else None

    open_statuses = set(Report.OPEN_STATUSES)
    out = []
    for (
        pk,
        status,
        notes,
        name,
        code,
        description,
        agency,
        notice,
        created,
        updated,
        expected,
        address,
        building_id,
        building_name,
        lat,
        lng,
        media_url,
        community_code,
    ) in rows:
        is_open = status in open_statuses
        first = first_photo.get(pk)
        if first is not None:
            media_url = request.build_absolute_uri(
                reverse("reports:photo", kwargs={"code": community_code, "pk": pk, "photo_id": first})
            )
        out.append(
            {
                "service_request_id": pk,
                "status": "open" if is_open else "closed",
                "status_notes": notes,
                "service_name": name,
                "service_code": code,
                "description": description,
                "agency_responsible": agency,
                "service_notice": notice,
                "requested_datetime": when(created),
                "updated_datetime": when(updated),
                "expected_datetime": when(expected) if is_open else None,
                "address": address or building_name or "",
                "address_id": building_id,
                "zipcode": None,
                "lat": lat,
                "long": lng,
                "media_url": media_url,
            }
        )
    return out


def _datetime(value: str, name: str) -> dt.datetime:
    try:
        parsed = parse_datetime(value.strip().replace(" ", "+"))
    except ValueError:
        parsed = None
    if parsed is None:
        raise Open311Error(400, _("%(name)s must be a W3C datetime, e.g. 2010-01-01T00:00:00Z.") % {"name": name})
    if timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed, dt.UTC)
    return parsed


def _search(request: HttpRequest, fmt: str) -> HttpResponse:
    params = request.GET
    community = jurisdiction(request)
    ids_param = (params.get("service_request_id") or "").strip()
    if ids_param:
        ids = [p.strip() for p in ids_param.split(",") if p.strip()]
        if not all(i.isdigit() and len(i) < 18 for i in ids):
            raise Open311Error(400, _("service_request_id must be a comma-separated list of request ids."))
        by_id = selectors.open311_requests(community=community, limit=MAX_RESULTS, ids=[int(i) for i in ids])
        found = _rows(request, by_id)
        return respond(fmt, "service_requests", "request", found)
    codes = [c.strip() for c in (params.get("service_code") or "").split(",") if c.strip()]
    statuses = [s.strip().lower() for s in (params.get("status") or "").split(",") if s.strip()]
    if any(s not in ("open", "closed") for s in statuses):
        raise Open311Error(400, _("status must be open, closed, or both separated by a comma."))
    start = _datetime(params["start_date"], "start_date") if params.get("start_date") else None
    end = _datetime(params["end_date"], "end_date") if params.get("end_date") else None
    if start is None and end is None:
        end = timezone.now()
        start = end - MAX_SPAN
    elif start is None:
        assert end is not None
        start = end - MAX_SPAN
    elif end is None:
        end = start + MAX_SPAN
    if end < start:
        raise Open311Error(400, _("end_date is before start_date."))
    if end - start > MAX_SPAN:
        raise Open311Error(400, _("The dates may not span more than 90 days."))
    reports = selectors.open311_requests(
        community=community,
        limit=MAX_RESULTS,
        start=start,
        end=end,
        codes=codes,
        open_only=statuses[0] == "open" if len(set(statuses)) == 1 else None,
    )
    found = _rows(request, reports)
    return respond(fmt, "service_requests", "request", found)


@open311(("GET", "HEAD", "POST"))
def requests(request: HttpRequest, fmt: str) -> HttpResponse:
    if request.method == "POST":
        return _create(request, fmt)
    return _search(request, fmt)


@open311(("GET", "HEAD"))
def request_detail(request: HttpRequest, service_request_id: str, fmt: str) -> HttpResponse:
    community = jurisdiction(request)
    found = (
        _rows(request, selectors.open311_requests(community=community, limit=1, ids=[int(service_request_id)]))
        if service_request_id.isdigit() and len(service_request_id) < 18
        else []
    )
    if not found:
        raise Open311Error(404, _("service_request_id “%(id)s” was not found.") % {"id": service_request_id[:30]})
    return respond(fmt, "service_requests", "request", found)


@open311(("GET", "HEAD"))
def token(request: HttpRequest, token: str, fmt: str) -> HttpResponse:
    community = jurisdiction(request)
    report = selectors.report_by_token(community=community, token=token[:32])
    if report is None:
        raise Open311Error(404, _("token “%(token)s” was not found.") % {"token": token[:40]})
    return respond(fmt, "service_requests", "request", [{"service_request_id": report.pk, "token": report.token}])


@open311(("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"))
def not_found(request: HttpRequest, path: str = "", fmt: str = "xml") -> HttpResponse:
    fmt = "json" if path.endswith(".json") else "xml"
    return errors(fmt, 404, _("No such Open311 resource."))


def openapi(request: HttpRequest) -> JsonResponse:
    from .openapi import document

    return JsonResponse(document(request.build_absolute_uri("/")[:-1]), json_dumps_params={"ensure_ascii": False})
