from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from linli.core.cookies import language_cookie_set
from linli.core.errors import DomainError

from . import services
from .forms import OtpLoginForm, OtpRequestForm, PasswordLoginForm


def _after_login(request: HttpRequest) -> HttpResponse:
    user = request.user
    language = getattr(user, "language", "")
    target = request.POST.get("next") or request.GET.get("next") or "/"
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = "/"
    response = redirect(target)
    if language:
        translation.activate(language)
        language_cookie_set(response, language)
    return response


def login_view(request: HttpRequest) -> HttpResponse:
    form = PasswordLoginForm(request, request.POST or None)
    if request.method == "POST" and form.is_valid():
        login(request, form.user, backend="django.contrib.auth.backends.ModelBackend")
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
            services.otp_request(mobile=mobile)
        except DomainError as exc:
            request_form.add_error("mobile", str(exc.message))
        else:
            messages.info(request, _("If this number has an account, a code is on its way."))
            return render(
                request, "accounts/otp_verify.html", {"form": OtpLoginForm(request, initial={"mobile": mobile})}
            )
    return render(request, "accounts/otp_request.html", {"form": request_form})


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    logout(request)
    return redirect("core:home")


@login_required
def profile_view(request: HttpRequest) -> HttpResponse:
    from linli.people.selectors import resident_of_user

    return render(
        request,
        "accounts/profile.html",
        {
            "resident": resident_of_user(user=request.user),
            "roles": request.user.roles.select_related("community", "street"),  # type: ignore[union-attr]
        },
    )
