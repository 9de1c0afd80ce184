from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

ELDER_COOKIE = "linli_elder"


class ElderModeMiddleware:
    """Marks the request as elder mode (适老化: large text, high contrast) from the user's choice."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        from_profile = bool(user is not None and user.is_authenticated and getattr(user, "elder_mode", False))
        request.elder_mode = from_profile or request.COOKIES.get(ELDER_COOKIE) == "1"  # type: ignore[attr-defined]
        return self.get_response(request)
