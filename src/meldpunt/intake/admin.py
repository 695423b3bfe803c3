"""Functioneel beheer configures the phenomena catalogue and sees which partners have a token.
Signals themselves are deliberately not in the admin: the beheerder must not read case content."""

from django.contrib import admin

from .models import DataRule, PartnerOrganisation, Phenomenon


@admin.register(Phenomenon)
class PhenomenonAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "public_label", "order", "active")
    list_editable = ("order", "active")
    search_fields = ("name", "code")

    def has_delete_permission(self, request, obj=None):
        return False  # signals refer to phenomena; switch one off instead


@admin.register(PartnerOrganisation)
class PartnerOrganisationAdmin(admin.ModelAdmin):
    """Tokens are issued with `meldpunt partner_token`; here a partner can be switched off and
    linked to the gemeenten it delivers to."""

    list_display = ("name", "active", "created_at")
    fields = ("name", "active", "gemeenten", "created_at")
    readonly_fields = ("name", "created_at")
    filter_horizontal = ("gemeenten",)

    def has_add_permission(self, request):
        return False


@admin.register(DataRule)
class DataRuleAdmin(admin.ModelAdmin):
    """Data rules (issue 5): thresholds and legal basis are data. The model's clean() refuses
    unknown or stigmatising parameters (P7); a change of what the rule does is a new version."""

    list_display = ("name", "code", "kind", "phenomenon", "version", "active", "changed_at")
    list_filter = ("active", "kind")
    fields = ("code", "kind", "name", "description", "phenomenon", "parameters", "legal_basis", "active",
              "version", "changed_at")
    readonly_fields = ("version", "changed_at")

    def save_model(self, request, obj, form, change):
        if change and {"kind", "parameters", "legal_basis", "phenomenon"} & set(form.changed_data):
            obj.version += 1
        super().save_model(request, obj, form, change)

    def has_delete_permission(self, request, obj=None):
        return False  # signals and hits refer to rules; switch one off instead
