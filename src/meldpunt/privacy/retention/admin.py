"""Functioneel beheer sets the retention terms (result classes) and which class a signal gets
in each end state. Lists, holds, tombstones and statements are not editable here: they change
only through the retention workflow."""

from django.contrib import admin

from .models import ResultClass, SignalRetentionRule


@admin.register(ResultClass)
class ResultClassAdmin(admin.ModelAdmin):
    # A row with a gemeente is that gemeente's own term (ADR 0030 §7); a beheerder sets it on
    # Beheer › Bewaartermijnen, which checks that they manage that gemeente.
    list_display = ("selectielijst_item", "name", "gemeente", "applies_to", "valuation", "term_months", "active")
    list_filter = ("gemeente", "applies_to", "valuation", "active")
    search_fields = ("code", "name", "selectielijst_item")

    def get_readonly_fields(self, request, obj=None):
        return ("code",) if obj else ()

    def has_delete_permission(self, request, obj=None):
        return False  # records refer to their class; switch one off instead


@admin.register(SignalRetentionRule)
class SignalRetentionRuleAdmin(admin.ModelAdmin):
    list_display = ("state", "gemeente", "result_class")
    list_filter = ("gemeente",)
