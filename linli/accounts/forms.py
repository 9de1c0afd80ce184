from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth import authenticate
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from linli.core.errors import DomainError

from .models import User
from .validators import mobile_validator


def authenticate_or_refuse(request: Any, **credentials: Any) -> Any:
    """`authenticate`, with the sign-in throttle's refusal (too many tries) shown as a form error."""
    try:
        return authenticate(request, **credentials)
    except DomainError as exc:
        raise forms.ValidationError(str(exc.message), code=exc.code) from None


class MobileField(forms.CharField):
    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 11)
        kwargs.setdefault("label", _("Mobile number"))
        kwargs.setdefault("validators", [mobile_validator])
        super().__init__(**kwargs)
        self.widget.attrs.update({"inputmode": "numeric", "autocomplete": "tel"})


class PasswordLoginForm(forms.Form):
    mobile = MobileField()
    password = forms.CharField(
        label=_("Password"), widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )

    def __init__(self, request: Any, *args: Any, **kwargs: Any) -> None:
        self.request = request
        self.user: User | None = None
        super().__init__(*args, **kwargs)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("mobile") and data.get("password"):
            self.user = authenticate_or_refuse(self.request, mobile=data["mobile"], password=data["password"])
            if self.user is None:
                raise forms.ValidationError(_("The mobile number and password do not match."))
        return data


class OtpRequestForm(forms.Form):
    mobile = MobileField()


class OtpLoginForm(forms.Form):
    mobile = MobileField(widget=forms.HiddenInput)
    otp = forms.RegexField(
        regex=r"^\d{6}$", label=_("Code from the SMS"), error_messages={"invalid": _("The code has 6 digits.")}
    )

    def __init__(self, request: Any, *args: Any, **kwargs: Any) -> None:
        self.request = request
        self.user: User | None = None
        super().__init__(*args, **kwargs)
        self.fields["otp"].widget.attrs.update({"inputmode": "numeric", "autocomplete": "one-time-code"})

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("mobile") and data.get("otp"):
            self.user = authenticate_or_refuse(self.request, mobile=data["mobile"], otp=data["otp"])
            if self.user is None:
                raise forms.ValidationError(_("The code is wrong or has expired. Ask for a new one."))
        return data


class SignupForm(forms.Form):
    """Step two of signing up: the code from the SMS, a name, and a password if the resident wants one."""

    mobile = MobileField(widget=forms.HiddenInput)
    otp = forms.RegexField(
        regex=r"^\d{6}$", label=_("Code from the SMS"), error_messages={"invalid": _("The code has 6 digits.")}
    )
    display_name = forms.CharField(label=_("Your name"), max_length=40)
    password = forms.CharField(
        label=_("Password (optional)"),
        required=False,
        max_length=128,
        help_text=_("At least 8 characters. Without one you sign in with an SMS code."),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["otp"].widget.attrs.update({"inputmode": "numeric", "autocomplete": "one-time-code"})
        self.fields["display_name"].widget.attrs.update({"autocomplete": "name"})


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label=pgettext_lazy("api token", "Name"),
        max_length=60,
        help_text=_("What the token is for, e.g. the app using it."),
    )
    days = forms.IntegerField(
        label=_("Valid for (days)"), min_value=1, max_value=settings.API_TOKEN_MAX_DAYS, initial=settings.API_TOKEN_DAYS
    )
