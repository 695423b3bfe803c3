from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from meldpunt.tenancy.models import Tenant

from .models import RoleAssignment, User


class RoleAssignmentForm(forms.ModelForm):
    class Meta:
        model = RoleAssignment
        fields = ("role", "gemeente", "regio")


class RoleInline(admin.TabularInline):
    """A role in a gemeente (or, for the analist, a regio). With one gemeente there is nothing to
    choose: the role holds there (RoleAssignment.save)."""

    model = RoleAssignment
    form = RoleAssignmentForm
    extra = 1

    def get_fields(self, request, obj=None):
        if Tenant.objects.count() > 1:
            return ("role", "gemeente", "regio")
        return ("role",)


@admin.register(User)
class MeldpuntUserAdmin(UserAdmin):
    inlines = [RoleInline]
    list_display = ("username", "first_name", "last_name", "organisation", "is_active")
    fieldsets = (*UserAdmin.fieldsets, ("Organisatie", {"fields": ("organisation",)}))
