"""Accounts that signed up but are not verified (实名核验) yet: public pages and guest reports only.

Personal and community pages refuse them in many ways (the community is "not found", "not linked to a resident"…).
One middleware turns every such refusal on a page into the same "verify first" page with a link, whatever the page
and whether or not what was asked for exists. The status stays the page's own (403 or 404): what a community page
tells a stranger about the community's existence does not change."""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from linli.accounts import rules as base
from linli.accounts.types import Actor, account_of
from linli.core.errors import DomainError, VerifyFirst

from .models import Resident


def is_verified(user: Actor) -> bool:
    """Bound to a resident on the register (cached on the account for the request)."""
    if not getattr(user, "is_authenticated", False):
        return False
    if "_linli_verified" not in user.__dict__:
        known = user.__dict__.get("_linli_own_profile")  # the resident record, if the rules read it already
        user.__dict__["_linli_verified"] = known is not None or Resident.objects.filter(user=account_of(user)).exists()
    return bool(user.__dict__["_linli_verified"])


def needs_verification(user: Actor) -> bool:
    """Signed in, not a verified resident, holding no role anywhere."""
    if not getattr(user, "is_authenticated", False) or is_verified(user):
        return False
    access = base.access_for(user)
    return not (access.community_roles or base.is_staff_anywhere(user))


def verify_first() -> VerifyFirst:
    return VerifyFirst(_("This page is for residents of the community. Verify your identity first."))


def api_refusal(request: HttpRequest, exception: DomainError) -> DomainError:
    """The API's twin of the middleware: a 403 or 404 asked by an unverified account answers `verify_first` (same
    status), with a message saying how to verify through the API or the page."""
    if (
        exception.status in (403, 404)
        and not exception.field  # a refusal about one field is a form's answer: pages show it on the field too
        and not isinstance(exception, VerifyFirst)
        and needs_verification(request.user)
    ):
        refusal = VerifyFirst(
            _(
                "This is for residents of the community. Verify your identity first: send your name and ID number "
                "to POST /api/v1/me/verify, or open /people/verify/."
            )
        )
        refusal.status = exception.status
        return refusal
    return exception


class VerifyFirstMiddleware:
    """Listed after `DomainErrorMiddleware`, so it sees a page's refusal first."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if (
            isinstance(exception, DomainError)
            and exception.status in (403, 404)
            and not request.path.startswith("/api/")
            and needs_verification(request.user)
        ):
            refusal = verify_first()
            return render(
                request,
                "core/error.html",
                {"message": refusal.message, "status": exception.status, "code": refusal.code},
                status=exception.status,
            )
        return None
