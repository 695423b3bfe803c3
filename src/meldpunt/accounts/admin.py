from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from .models import RoleAssignment, User


class RoleInline(admin.TabularInline):
    model = RoleAssignment
    extra = 1


@admin.register(User)
class MeldpuntUserAdmin(UserAdmin):
    inlines = [RoleInline]
    list_display = ("username", "first_name", "last_name", "organisation", "is_active")
    fieldsets = (*UserAdmin.fieldsets, ("Organisatie", {"fields": ("organisation",)}))
