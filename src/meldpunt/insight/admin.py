"""Functioneel beheer configures the indicator matrix. Snapshots are shown read-only: they are
immutable aggregates (no personal data), written only by the pipeline."""

from django.contrib import admin

from .models import DataSource, Indicator, Snapshot


@admin.register(DataSource)
class DataSourceAdmin(admin.ModelAdmin):
    list_display = ("name", "department", "availability", "in_pipeline")
    list_filter = ("availability",)
    search_fields = ("name", "department")


@admin.register(Indicator)
class IndicatorAdmin(admin.ModelAdmin):
    list_display = ("name", "phenomenon", "kind", "measure", "hotspot_weight", "active")
    list_filter = ("phenomenon", "kind", "active")
    filter_horizontal = ("sources",)
    search_fields = ("name", "description")


@admin.register(Snapshot)
class SnapshotAdmin(admin.ModelAdmin):
    list_display = ("version", "reference_date", "created_at", "trigger", "cell_count")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
