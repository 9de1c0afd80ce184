"""Personal pages need a verified account (实名核验): one check, one decorator, one "verify first" answer."""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.utils.translation import gettext as _

from linli.accounts import rules as base
from linli.core.errors import VerifyFirst

from .models import Resident


def is_verified(user: Any) -> bool:
    """Bound to a resident on the register (cached on the account for the request)."""
    if not getattr(user, "is_authenticated", False):
        return False
    if "_linli_verified" not in user.__dict__:
        user.__dict__["_linli_verified"] = Resident.objects.filter(user=user).exists()
    return bool(user.__dict__["_linli_verified"])


def require_verified(user: Any) -> None:
    """Refuse, with a link to 实名核验, an account that is neither a verified resident nor holds any role."""
    if is_verified(user) or base.access_for(user).community_roles or base.is_staff_anywhere(user):
        return
    raise VerifyFirst(_("This page is for residents of the community. Verify your identity first."))


def verified_required(view: Callable[..., Any]) -> Callable[..., Any]:
    """A page for signed-in, verified residents (or anyone holding a role); others are asked to verify first."""

    @wraps(view)
    def wrapped(request: Any, *args: Any, **kwargs: Any) -> Any:
        require_verified(request.user)
        return view(request, *args, **kwargs)

    return login_required(wrapped)
