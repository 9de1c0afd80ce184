from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from .cookies import ELDER_COOKIE


class ElderModeMiddleware:
    """Marks the request as elder mode (适老化: large text, high contrast) from the user's choice: the account's
    setting or the device's cookie. The two agree: the header's switch sets both, and logging in makes them the
    same (large text chosen before logging in carries over to the account, and the cookie follows the account)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        from_profile = bool(user is not None and user.is_authenticated and getattr(user, "elder_mode", False))
        request.elder_mode = from_profile or request.COOKIES.get(ELDER_COOKIE) == "1"  # type: ignore[attr-defined]
        return self.get_response(request)


class RequestSizeLimitMiddleware:
    """Refuses, with 413 and before a byte of it is read, a request whose body is larger than
    `LINLI_MAX_REQUEST_BYTES`. nginx's `client_max_body_size` should say the same (see the README)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        limit = int(getattr(settings, "LINLI_MAX_REQUEST_BYTES", 0) or 0)
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0  # Django reads no body from a request with a bad length either
        if limit and length > limit:
            return self.refuse(request, limit)
        return self.get_response(request)

    @staticmethod
    def refuse(request: HttpRequest, limit: int) -> HttpResponse:
        message = _("The request is too large: at most %(mb)s MB may be sent at once.") % {
            "mb": f"{limit / (1024 * 1024):g}"
        }
        if request.path.startswith("/api/"):
            from .api import error_body

            return JsonResponse(error_body("too_large", message), status=413, json_dumps_params={"ensure_ascii": False})
        return render(request, "core/error.html", {"message": message, "status": 413}, status=413)
