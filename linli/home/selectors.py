"""What the home and profile pages read about the signed-in user."""

from typing import Any

from django.db.models import QuerySet

from linli.accounts.models import RoleAssignment


def roles_of(*, user: Any) -> QuerySet[RoleAssignment]:
    """The user's own roles, with the community or street each is held in."""
    if not user.is_authenticated:
        return RoleAssignment.objects.none()
    return RoleAssignment.objects.filter(user=user).select_related("community", "street")
