"""Who acts: the type of the `actor` and `user` parameters of rules and services."""

from typing import TYPE_CHECKING, TypeAlias, cast

from django.contrib.auth.models import AnonymousUser

if TYPE_CHECKING:
    from .models import User

# `request.user` as django gives it: rules answer for visitors too, and refuse them.
Actor: TypeAlias = "User | AnonymousUser"


def account_of(actor: Actor) -> "User":
    """The account of an actor a rule has already let act: the rules refuse visitors before any write, so a
    service may record it in a column that holds users."""
    return cast("User", actor)
