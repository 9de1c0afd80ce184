"""Reading accounts: a user sees only their own API tokens."""

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from linli.core.errors import NotFound

from .models import ApiToken, RoleAssignment, User
from .types import Actor, account_of


def api_tokens_of(*, user: Actor) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user_id=account_of(user).pk).order_by("-created_at", "-pk")


def api_token_get(*, user: Actor, pk: int | None = None, prefix: str | None = None) -> ApiToken:
    """One of the user's own tokens, by id or by prefix (the newest not revoked); someone else's is not found."""
    tokens = api_tokens_of(user=user)
    if pk is not None:
        token = tokens.filter(pk=pk).first() if 0 < pk < 2**63 else None
    else:
        token = tokens.filter(prefix=prefix or "", revoked_at__isnull=True).first()
    if token is None:
        raise NotFound(_("No such token."))
    return token


def roles_of(*, user: Actor) -> QuerySet[RoleAssignment]:
    """The user's own role assignments, with where they hold them."""
    return RoleAssignment.objects.filter(user_id=account_of(user).pk).select_related("community", "street")


def account_find(*, pk: int) -> User | None:
    """An account by id, to name as a steward or an assignee; the service checks what they may be given."""
    return User.objects.filter(pk=pk).first()


def account_get(*, pk: int, field: str | None = None) -> User:
    account = account_find(pk=pk)
    if account is None:
        raise NotFound(_("No such account."), field=field)
    return account
