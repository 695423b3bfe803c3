"""Read-only admin: inzageverzoeken are handled through the privacyfunctionaris' pages only."""

from django.contrib import admin

from .models import AccessRequest


@admin.register(AccessRequest)
class AccessRequestAdmin(admin.ModelAdmin):
    list_display = ["reference", "received_on", "deadline", "extended_until", "status"]
    list_filter = ["status"]
    fields = list_display

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
