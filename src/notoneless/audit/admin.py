"""The audit log in Django's admin: superusers read it, nobody changes it."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from notoneless.audit.models import AuditEntry

FIELDS = ("at", "user", "username", "action", "object_type", "object_id", "detail", "client")


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ["at", "username", "action", "object_type", "object_id", "client"]
    list_filter = ["action", "object_type"]
    search_fields = ["username", "action", "object_id"]
    date_hierarchy = "at"
    show_full_result_count = False
    fields = FIELDS
    readonly_fields = FIELDS

    def has_module_permission(self, request: HttpRequest) -> bool:
        return bool(request.user.is_active and request.user.is_superuser)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return bool(request.user.is_active and request.user.is_superuser)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
