"""Functioneel beheer sees whether meldingen were mailed (and why not) and sets a person's
preference; a melding holds no personal data (kind, kenmerk, link), so this bypasses nothing."""

from django.contrib import admin

from .models import Notification, Preference


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("created_at", "recipient", "kind", "kenmerk", "email_state", "attempts", "sent_at", "read_at")
    list_filter = ("email_state", "kind")
    search_fields = ("kenmerk", "recipient__username")
    readonly_fields = [f.name for f in Notification._meta.fields]

    def has_add_permission(self, request):
        return False


@admin.register(Preference)
class PreferenceAdmin(admin.ModelAdmin):
    list_display = ("user", "mode")
    list_filter = ("mode",)
