"""Functioneel beheer configures the phenomena catalogue and sees which partners have a token.
Signals themselves are deliberately not in the admin: the beheerder must not read case content."""

from django.contrib import admin

from .models import PartnerOrganisation, Phenomenon


@admin.register(Phenomenon)
class PhenomenonAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "public_label", "order", "active")
    list_editable = ("order", "active")
    search_fields = ("name", "code")

    def has_delete_permission(self, request, obj=None):
        return False  # signals refer to phenomena; switch one off instead


@admin.register(PartnerOrganisation)
class PartnerOrganisationAdmin(admin.ModelAdmin):
    """Tokens are issued with `meldpunt partner_token`; here a partner can only be switched off."""

    list_display = ("name", "active", "created_at")
    fields = ("name", "active", "created_at")
    readonly_fields = ("name", "created_at")

    def has_add_permission(self, request):
        return False
