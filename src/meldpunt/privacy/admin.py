"""The register of processing activities (AVG art. 30) and of data subject types is maintained by
functioneel beheer. The
processing log is not in the admin: it is append-only and read through the FG's views.

A change in the admin never edits a version in place: it is saved as a new version with its own
valid-from time (register.revise), so log lines keep pointing at the version they ran under."""

from django.contrib import admin

from . import register
from .models import DataSubjectType, ProcessingActivity


class VersionedRegisterAdmin(admin.ModelAdmin):
    """Saving a change makes a new version (``revise``) instead of editing the row."""

    list_display = ("name", "code", "version", "valid_from")
    list_filter = ("code",)
    fields_versioned: tuple[str, ...] = ()

    @staticmethod
    def revise(code, **changes):
        raise NotImplementedError

    def get_readonly_fields(self, request, obj=None):
        return ("code", "version", "valid_from") if obj else ("version",)

    def save_model(self, request, obj, form, change):
        if not change:
            super().save_model(request, obj, form, change)
            return
        changes = {name: form.cleaned_data[name] for name in self.fields_versioned if name in form.cleaned_data}
        revised = self.revise(obj.code, **changes)
        # The admin's change message and redirect then name the new version.
        obj.pk, obj.version, obj.valid_from = revised.pk, revised.version, revised.valid_from


@admin.register(ProcessingActivity)
class ProcessingActivityAdmin(VersionedRegisterAdmin):
    """Each gemeente's own rows (filter "gemeente"); "" is the shared template. A change is a new
    version in the row's own register (register.revise with its gemeente)."""

    fields_versioned = register.VERSIONED_FIELDS
    list_display = ("name", "code", "version", "gemeente_code", "valid_from")
    list_filter = ("gemeente_code", "code")

    def get_readonly_fields(self, request, obj=None):
        return ("gemeente_code", "code", "version", "valid_from") if obj else ("version",)

    def save_model(self, request, obj, form, change):
        if not change:
            super().save_model(request, obj, form, change)
            return
        changes = {name: form.cleaned_data[name] for name in self.fields_versioned if name in form.cleaned_data}
        revised = register.revise(obj.code, gemeente=obj.gemeente_code, **changes)
        obj.pk, obj.version, obj.valid_from = revised.pk, revised.version, revised.valid_from


@admin.register(DataSubjectType)
class DataSubjectTypeAdmin(VersionedRegisterAdmin):
    fields_versioned = register.SUBJECT_TYPE_FIELDS
    revise = staticmethod(register.revise_subject_type)

    # The kinds come with a release (the pseudonym keys on them) and log lines point at every
    # version: only a change (a new version) is made here.
    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
