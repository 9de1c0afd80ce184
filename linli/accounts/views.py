from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render, resolve_url
from django.utils import timezone, translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from linli.core import throttle
from linli.core.cookies import ELDER_COOKIE, elder_cookie_set, language_cookie_set
from linli.core.errors import DomainError

from . import selectors, services
from .forms import ApiTokenForm, OtpLoginForm, OtpRequestForm, PasswordLoginForm, SignupForm


def _after_login(request: HttpRequest) -> HttpResponse:
    user = request.user
    language = getattr(user, "language", "")
    start = resolve_url(settings.LOGIN_REDIRECT_URL)  # staff land on their workbench, residents on the home
    target = request.POST.get("next") or request.GET.get("next") or start
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = start
    response = redirect(target)
    if language:
        translation.activate(language)
        language_cookie_set(response, language)
    # Once logged in, the account decides the text size. Large text chosen on this device just before logging in
    # (to read the login page) carries over to the account; the device then keeps the account's choice.
    if request.COOKIES.get(ELDER_COOKIE) == "1" and not user.elder_mode:  # type: ignore[union-attr]
        services.user_set_preferences(user=user, elder_mode=True)  # type: ignore[arg-type]
    elder_cookie_set(response, bool(user.elder_mode))  # type: ignore[union-attr]
    return response


def login_view(request: HttpRequest) -> HttpResponse:
    form = PasswordLoginForm(request, request.POST or None)
    if request.method == "POST" and form.is_valid():
        login(request, form.user, backend="linli.accounts.backends.PasswordBackend")
        return _after_login(request)
    return render(request, "accounts/login.html", {"form": form, "next": request.GET.get("next", "")})


def otp_login_view(request: HttpRequest) -> HttpResponse:
    """Step one asks for the number and sends a code; step two takes the code."""
    if request.method == "POST" and "otp" in request.POST:
        form = OtpLoginForm(request, request.POST)
        if form.is_valid():
            login(request, form.user, backend="linli.accounts.backends.OneTimeCodeBackend")
            return _after_login(request)
        return render(request, "accounts/otp_verify.html", {"form": form})
    request_form = OtpRequestForm(request.POST or None)
    if request.method == "POST" and request_form.is_valid():
        mobile = request_form.cleaned_data["mobile"]
        try:
            services.otp_request(mobile=mobile, address=throttle.client_address(request))
        except DomainError as exc:
            request_form.add_error("mobile", str(exc.message))
        else:
            messages.info(request, _("If this number has an account, a code is on its way."))
            return render(
                request, "accounts/otp_verify.html", {"form": OtpLoginForm(request, initial={"mobile": mobile})}
            )
    return render(request, "accounts/otp_request.html", {"form": request_form})


def signup_view(request: HttpRequest) -> HttpResponse:
    """Step one asks for the number and sends a code; step two takes the code, a name and an optional password.
    Every valid number gets the same answer: a number with an account gets an SMS telling it to sign in."""
    if request.user.is_authenticated:
        return redirect("home:home")
    address = throttle.client_address(request)
    if request.method == "POST" and "otp" in request.POST:
        form = SignupForm(request.POST)
        if form.is_valid():
            try:
                data = form.cleaned_data
                user = services.signup_complete(
                    mobile=data["mobile"],
                    code=data["otp"],
                    display_name=data["display_name"],
                    password=data["password"],
                    address=address,
                )
            except DomainError as exc:
                exc.show_on(form)
            else:
                login(request, user, backend="linli.accounts.backends.OneTimeCodeBackend")
                messages.success(request, _("Welcome! Your account is ready."))
                return redirect("home:home")
        return render(request, "accounts/signup_verify.html", {"form": form})
    request_form = OtpRequestForm(request.POST or None)
    if request.method == "POST" and request_form.is_valid():
        mobile = request_form.cleaned_data["mobile"]
        try:
            services.signup_request(mobile=mobile, address=address)
        except DomainError as exc:
            exc.show_on(request_form)
        else:
            messages.info(
                request,
                _(
                    "A code is on its way by SMS. If this number already has an account, "
                    "the SMS says so: then sign in instead."
                ),
            )
            return render(request, "accounts/signup_verify.html", {"form": SignupForm(initial={"mobile": mobile})})
    return render(request, "accounts/signup_request.html", {"form": request_form})


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    logout(request)
    return redirect("home:home")


@login_required
def tokens_view(request: HttpRequest) -> HttpResponse:
    """The user's own API tokens: make one (its key is shown once), see when each expires and was last used."""
    form = ApiTokenForm(request.POST or None, initial={"days": settings.API_TOKEN_DAYS})
    new_key = None
    if request.method == "POST" and form.is_valid():
        try:
            _token, new_key = services.api_token_create(
                user=request.user,  # type: ignore[arg-type]
                name=form.cleaned_data["name"],
                days=form.cleaned_data["days"],
                via="web",
            )
        except DomainError as exc:
            exc.show_on(form)
        else:
            form = ApiTokenForm(initial={"days": settings.API_TOKEN_DAYS})
    return render(
        request,
        "accounts/tokens.html",
        {"form": form, "new_key": new_key, "tokens": selectors.api_tokens_of(user=request.user), "now": timezone.now()},
    )


@login_required
@require_POST
def token_revoke_view(request: HttpRequest, pk: int) -> HttpResponse:
    token = selectors.api_token_get(user=request.user, pk=pk)
    services.api_token_revoke(user=request.user, token=token, via="web")  # type: ignore[arg-type]
    messages.success(request, _("The token was revoked."))
    return redirect("accounts:tokens")
