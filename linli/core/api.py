"""The API's shared pieces: row ids, pages, and one error shape for every failure (authentication is
`linli.accounts.api_auth`).

Every error answers `{"error": {"code": str, "message": str, "fields": {field: [message, …]}}}`
with the message in the request's language.
"""

import datetime as dt
from collections.abc import Callable, Collection
from typing import Annotated, Any

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.http.multipartparser import MultiPartParserError
from django.utils.translation import gettext as _
from ninja import Field, NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from pydantic import AfterValidator

from .errors import DomainError, NotAllowed, NotFound

# A row's id as a request may name it: BIGINT's range, so a larger number is a 400, not a database error.
RowId = Annotated[int, Field(ge=1, le=2**63 - 1)]


def _local_time(value: dt.time) -> dt.time:
    if value.tzinfo is not None:
        raise ValueError(_("Give the time of day as local time, without a time zone (for example 09:30)."))
    return value


# A time of day in the community's own time: one with an offset ("09:30+08:00", "09:30Z") is refused, not guessed.
LocalTime = Annotated[dt.time, AfterValidator(_local_time)]


class Page(Schema):
    """One page of a list: `limit` rows from `offset`."""

    limit: int = Field(100, ge=1, le=500)
    offset: int = Field(0, ge=0, le=1_000_000)


def page_of(qs: QuerySet[Any], page: Page) -> QuerySet[Any]:
    return qs[page.offset : page.offset + page.limit]


def fields_sent(payload: Schema, *, clearable: Collection[str] = ()) -> dict[str, Any]:
    """The fields a request sent. A null leaves its field as it is, so it is dropped, except for the `clearable`
    fields, where null empties the field."""
    return {k: v for k, v in payload.dict(exclude_unset=True).items() if v is not None or k in clearable}


def error_body(code: str, message: str, fields: dict[str, list[str]] | None = None) -> dict[str, Any]:
    return {"error": {"code": code, "message": message, "fields": fields or {}}}


PYDANTIC_MESSAGES = {
    "missing": lambda ctx: _("This field is required."),
    "string_too_long": lambda ctx: _("Enter at most %(n)s characters.") % {"n": ctx.get("max_length")},
    "string_too_short": lambda ctx: _("Enter at least %(n)s characters.") % {"n": ctx.get("min_length")},
    "string_pattern_mismatch": lambda ctx: _("This value is not in the expected format."),
    "int_parsing": lambda ctx: _("Enter a whole number."),
    "int_from_float": lambda ctx: _("Enter a whole number."),
    "int_type": lambda ctx: _("Enter a whole number."),
    "float_parsing": lambda ctx: _("Enter a number."),
    "greater_than": lambda ctx: _("Enter a number greater than %(n)s.") % {"n": ctx.get("gt")},
    "greater_than_equal": lambda ctx: _("Enter a number of at least %(n)s.") % {"n": ctx.get("ge")},
    "less_than_equal": lambda ctx: _("Enter a number of at most %(n)s.") % {"n": ctx.get("le")},
    "less_than": lambda ctx: _("Enter a number less than %(n)s.") % {"n": ctx.get("lt")},
    "date_parsing": lambda ctx: _("Enter a date as YYYY-MM-DD."),
    "date_from_datetime_parsing": lambda ctx: _("Enter a date as YYYY-MM-DD."),
    "datetime_parsing": lambda ctx: _("Enter a date and time in ISO 8601 form."),
    "datetime_from_date_parsing": lambda ctx: _("Enter a date and time in ISO 8601 form."),
    "bool_parsing": lambda ctx: _("Enter true or false."),
    "enum": lambda ctx: _("Choose one of: %(options)s.") % {"options": ctx.get("expected", "")},
    "literal_error": lambda ctx: _("Choose one of: %(options)s.") % {"options": ctx.get("expected", "")},
    "json_invalid": lambda ctx: _("The request body is not valid JSON."),
    "model_attributes_type": lambda ctx: _("The request body must be a JSON object."),
    "list_type": lambda ctx: _("Enter a list."),
    "string_type": lambda ctx: _("Enter text."),
    "value_error": None,
}


def _pydantic_message(error: dict[str, Any]) -> str:
    make = PYDANTIC_MESSAGES.get(error.get("type", ""))
    if make is None:
        ctx_error = (error.get("ctx") or {}).get("error")
        return str(ctx_error) if ctx_error else str(error.get("msg", _("This value is not valid.")))
    return str(make(error.get("ctx") or {}))


def _field_name(loc: Any) -> str:
    parts = [str(p) for p in (loc or []) if p not in ("body", "query", "path", "form", "payload", "data")]
    return ".".join(parts) or "__all__"


def install_error_handlers(
    api: NinjaAPI, *, refine: Callable[[HttpRequest, DomainError], DomainError] | None = None
) -> None:
    """`refine` may turn a refusal into a more helpful one (a higher layer's, e.g. "verify first")."""

    @api.exception_handler(DomainError)
    def domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
        if refine is not None:
            exc = refine(request, exc)
        fields = {exc.field: [str(exc.message)]} if exc.field else {}
        body = error_body(exc.code, str(exc.message), fields)
        if getattr(exc, "public_details", False):  # details meant for the client (e.g. how many to confirm)
            body["error"]["details"] = exc.details
        response = api.create_response(request, body, status=exc.status)
        if getattr(exc, "retry_after", None):  # a throttle's refusal (429) says when to come back
            response["Retry-After"] = str(exc.retry_after)  # type: ignore[attr-defined]
        return response

    @api.exception_handler(NinjaValidationError)
    def validation_error(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
        fields: dict[str, list[str]] = {}
        for error in exc.errors:
            fields.setdefault(_field_name(error.get("loc")), []).append(_pydantic_message(error))
        first_field, first = next(iter(fields.items()))
        message = first[0] if first_field == "__all__" else f"{first_field}: {first[0]}"
        return api.create_response(request, error_body("validation_error", message, fields), status=422)

    @api.exception_handler(DjangoValidationError)
    def django_validation_error(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
        fields = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
        return api.create_response(request, error_body("validation_error", exc.messages[0], fields), status=400)

    @api.exception_handler(MultiPartParserError)
    def malformed_body(request: HttpRequest, exc: MultiPartParserError) -> HttpResponse:
        return api.create_response(
            request, error_body("bad_request", _("The request body could not be read: %(e)s") % {"e": exc}), status=400
        )

    @api.exception_handler(AuthenticationError)
    def authentication_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        return api.create_response(request, error_body("unauthenticated", _("Please log in first.")), status=401)

    @api.exception_handler(PermissionDenied)
    def permission_denied(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
        return domain_error(request, NotAllowed(_("You may not do this.")))

    @api.exception_handler(Http404)
    def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        return domain_error(request, NotFound(_("Not found.")))

    @api.exception_handler(HttpError)
    def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        code = {
            400: "bad_request",
            403: "forbidden",
            404: "not_found",
            405: "method_not_allowed",
            409: "conflict",
            429: "rate_limited",
        }.get(exc.status_code, "error")
        return api.create_response(request, error_body(code, str(exc)), status=exc.status_code)
