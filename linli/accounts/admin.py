from typing import Any

from django.contrib import admin
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest

from linli.core.errors import DomainError

from .admin_mixins import AuditedAdmin, CommunityScopedAdmin, ReadOnlyAdmin
from .models import ApiToken, RoleAssignment, User


class ThrottledAdminLoginForm(AdminAuthenticationForm):
    """The admin's login form, showing the sign-in throttle's refusal (too many tries) as a form error."""

    def clean(self) -> dict[str, Any]:
        try:
            return super().clean()
        except DomainError as exc:
            raise ValidationError(str(exc.message), code=exc.code) from None


admin.site.login_form = ThrottledAdminLoginForm


@admin.register(User)
class UserAdmin(AuditedAdmin, DjangoUserAdmin):
    ordering = ("mobile",)
    list_display = ("mobile", "display_name", "is_active", "is_staff", "date_joined")
    search_fields = ("mobile", "display_name")
    fieldsets = (
        (None, {"fields": ("mobile", "password", "display_name")}),
        ("Preferences", {"fields": ("elder_mode", "language")}),
        ("Access", {"fields": ("is_active", "is_staff", "is_superuser")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("mobile", "password1", "password2")}),)
    filter_horizontal = ()
    list_filter = ("is_active", "is_staff")


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(CommunityScopedAdmin):
    list_display = ("user", "role", "community", "street", "granted_at")
    list_filter = ("role", "community")
    raw_id_fields = ("user",)


@admin.register(ApiToken)
class ApiTokenAdmin(ReadOnlyAdmin):
    """A token is its owner's alone: the admin lists only one's own, and revoking is done (audited) on
    /accounts/tokens/ or through the API."""

    list_display = ("name", "user", "prefix", "created_at", "expires_at", "last_used_at", "revoked_at")
    readonly_fields = ("name", "user", "prefix", "created_at", "expires_at", "last_used_at", "revoked_at")
    exclude = ("key_hash",)

    def get_queryset(self, request: HttpRequest) -> QuerySet[ApiToken]:
        return super().get_queryset(request).filter(user_id=request.user.pk)
