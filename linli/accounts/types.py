"""Who acts: the type of the `actor` and `user` parameters of rules and services."""

from typing import TYPE_CHECKING, TypeAlias, cast, overload

from django.contrib.auth.models import AnonymousUser

if TYPE_CHECKING:
    from .models import User

# `request.user` as django gives it: rules answer for visitors too, and refuse them.
Actor: TypeAlias = "User | AnonymousUser"


@overload
def account_of(actor: Actor) -> "User": ...
@overload
def account_of(actor: None) -> None: ...
@overload
def account_of(actor: "Actor | None") -> "User | None": ...
def account_of(actor: "Actor | None") -> "User | None":
    """The account of an actor a rule has already let act: the rules refuse visitors before any write, so a
    service may record it in a column that holds users (None, for the system acting, stays None)."""
    return cast("User | None", actor)
