"""The register of processing activities (AVG art. 30) is maintained by functioneel beheer. The
processing log is not in the admin: it is append-only and read through the FG's views.

A change in the admin never edits a version in place: it is saved as a new version with its own
valid-from time (register.revise), so log lines keep pointing at the version they ran under."""

from django.contrib import admin

from . import register
from .models import ProcessingActivity


@admin.register(ProcessingActivity)
class ProcessingActivityAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "version", "valid_from")
    list_filter = ("code",)

    def get_readonly_fields(self, request, obj=None):
        return ("code", "version", "valid_from") if obj else ("version",)

    def save_model(self, request, obj, form, change):
        if not change:
            super().save_model(request, obj, form, change)
            return
        changes = {name: form.cleaned_data[name] for name in register.VERSIONED_FIELDS if name in form.cleaned_data}
        revised = register.revise(obj.code, **changes)
        # The admin's change message and redirect then name the new version.
        obj.pk, obj.version, obj.valid_from = revised.pk, revised.version, revised.valid_from
