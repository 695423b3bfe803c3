"""The register of processing activities (AVG art. 30) is maintained by functioneel beheer. The
processing log is not in the admin: it is append-only and read through the FG's views."""

from django.contrib import admin

from .models import ProcessingActivity


@admin.register(ProcessingActivity)
class ProcessingActivityAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "version")

    def get_readonly_fields(self, request, obj=None):
        return ("code", "version") if obj else ()
