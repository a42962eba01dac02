"""Aid configuration in Django's admin (superusers only): the county aid office that notices and policy
cards print. Changes go through the audited action."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from notoneless.aid.documents import set_aid_office
from notoneless.aid.models import AidOffice


@admin.register(AidOffice)
class AidOfficeAdmin(admin.ModelAdmin):
    """One row: added once, then edited; never deleted (the documents would lose the phone)."""

    list_display = ["name", "phone", "address", "updated_at"]
    fields = ["name", "phone", "address", "updated_at"]
    readonly_fields = ["updated_at"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return not AidOffice.objects.exists()

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: AidOffice, form: Any, change: bool) -> None:
        saved = set_aid_office(
            name=obj.name, phone=obj.phone, address=obj.address, acting_user=request.user
        )
        obj.pk, obj.updated_at = saved.pk, saved.updated_at
