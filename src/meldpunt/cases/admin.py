"""The instrument catalogue is configuration (functioneel beheer); case content is never in the
admin (it would bypass the access policy and the processing log)."""

from django.contrib import admin

from .models import Instrument


@admin.register(Instrument)
class InstrumentAdmin(admin.ModelAdmin):
    list_display = ("name", "legal_basis", "competent_authority", "department", "active")
    list_filter = ("active", "department")
    search_fields = ("name", "legal_basis")
