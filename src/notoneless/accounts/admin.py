"""Accounts in Django's admin. The admin is for superusers only; account changes are audited."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.admin.models import LogEntry
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from notoneless.accounts.models import User
from notoneless.audit.actions import record


def superusers_only(request: HttpRequest) -> bool:
    """The admin site lets in active superusers, not every staff account."""
    return bool(request.user.is_active and request.user.is_superuser)


admin.site.has_permission = superusers_only  # type: ignore[method-assign]
admin.site.site_header = _("Not One Less administration")
admin.site.site_title = _("Not One Less")
admin.site.index_title = _("Administration")

ROLE_AND_SCOPE: tuple[Any, Any] = (_("Role and scope"), {"fields": ("role", "school", "township")})


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ["username", "last_name", "first_name", "role", "school", "township"]
    list_filter = ["role", "is_active", "is_superuser"]
    list_select_related = ["school", "township"]
    search_fields = ["username", "first_name", "last_name", "email"]
    autocomplete_fields = ["school", "township"]
    fieldsets = (*(DjangoUserAdmin.fieldsets or ()), ROLE_AND_SCOPE)
    add_fieldsets = (*DjangoUserAdmin.add_fieldsets, ROLE_AND_SCOPE)

    # Django's admin calls these after every addition, change (password changes included) and
    # deletion; each also writes the project's audit row, inside the admin's transaction.

    def log_addition(self, request: HttpRequest, obj: Any, message: Any) -> LogEntry:
        _audit(request, "account.create", obj, message)
        return super().log_addition(request, obj, message)

    def log_change(self, request: HttpRequest, obj: Any, message: Any) -> LogEntry:
        _audit(request, "account.change", obj, message)
        return super().log_change(request, obj, message)

    def log_deletions(self, request: HttpRequest, queryset: QuerySet[Any]) -> Any:
        for user in queryset:
            _audit(request, "account.delete", user, "")
        return super().log_deletions(request, queryset)


def _audit(request: HttpRequest, action: str, user: User, message: Any) -> None:
    record(
        action,
        acting_user=request.user,
        object_type="accounts.User",
        object_id=user.pk,
        detail={"username": user.username, "role": user.role, "change": message},
        client=request.META.get("REMOTE_ADDR", ""),
    )
