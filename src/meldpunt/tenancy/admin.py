from django.contrib import admin

from .models import Regio, Tenant


@admin.register(Regio)
class RegioAdmin(admin.ModelAdmin):
    list_display = ("naam", "convenant_valid_from", "convenant_valid_until")


@admin.register(Tenant)
class TenantAdmin(admin.ModelAdmin):
    list_display = ("naam", "regio", "active", "answers_regional_questions")
    list_filter = ("regio", "active")
    # Keys, chain and counters are set when the tenant is made; changing them would orphan data.
    def get_readonly_fields(self, request, obj=None):
        counters = ("next_signal_number", "next_inzage_number", "next_statement_number")
        return counters if obj is None else ("code", "key_slot", "log_chain", *counters)
