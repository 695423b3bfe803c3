"""Configuration of the protocol: forward destinations, step norms and the versioned local
criteria. Criteria are never edited in place: a change is a new version, so every weging keeps
pointing at the text it was weighed against."""

from django.contrib import admin

from .models import Criteria, Destination, Source, StepNorm


@admin.register(Destination)
class DestinationAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "default_legal_basis", "active")
    list_filter = ("kind", "active")


@admin.register(StepNorm)
class StepNormAdmin(admin.ModelAdmin):
    list_display = ("state", "working_days")
    list_editable = ("working_days",)


@admin.register(Criteria)
class CriteriaAdmin(admin.ModelAdmin):
    list_display = ("title", "kind", "version", "valid_from")

    def get_readonly_fields(self, request, obj=None):
        # Add a new version instead of changing one that wegingen may refer to.
        return ("kind", "version", "title", "factors", "valid_from") if obj else ()

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Source)
class SourceAdmin(admin.ModelAdmin):
    """The source catalogue of bronnenonderzoek: functioneel beheer sets the bronhouders of sources
    without a connector, the fields that may be asked and the note for privacy check 1."""

    list_display = ("name", "code", "department", "connector", "active")
    list_filter = ("active",)
    filter_horizontal = ("bronhouders",)
