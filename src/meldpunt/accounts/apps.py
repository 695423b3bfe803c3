from django.apps import AppConfig
from django.conf import settings
from django.core.checks import Error, register
from django.db import DatabaseError


class AccountsConfig(AppConfig):
    name = "meldpunt.accounts"
    label = "accounts"
    verbose_name = "Gebruikers en rollen"

    def ready(self):
        register(check_oidc_role_map)


def check_oidc_role_map(app_configs=None, **_kwargs):
    """A misspelt role or gemeente in the group mapping would silently give nobody that role: stop
    instead. An entry without a gemeente means the only gemeente: refused once there are several."""
    from meldpunt.tenancy.models import Regio, Tenant  # models: only once the app registry is ready

    from . import oidc  # after the app registry is ready: oidc imports the User model

    errors = [Error(f"MELDPUNT_OIDC_ROLE_MAP: {item!r} is geen 'groep=rol', 'groep=rol@GM0479' of "
                    "'groep=analist@regio:code' met een bestaande rol en gemeente.", id="meldpunt.E010")
              for item in oidc.unknown_roles_in_map()]
    if not settings.MELDPUNT_OIDC_ROLE_MAP:
        return errors
    try:
        tenants = set(Tenant.objects.values_list("code", flat=True))
        regios = set(Regio.objects.values_list("code", flat=True))
    except DatabaseError:  # before the first migrate: nothing to compare with yet
        return errors
    if len(tenants) > 1:
        errors += [Error(f"MELDPUNT_OIDC_ROLE_MAP: {item!r} noemt geen gemeente, maar deze installatie werkt voor "
                         "meer dan één gemeente. Schrijf 'groep=rol@GM0479'.", id="meldpunt.E011")
                   for item in oidc.entries_without_gemeente()]
    errors += [Error(f"MELDPUNT_OIDC_ROLE_MAP: {item!r} noemt een gemeente of regio waarvoor deze installatie niet "
                     "werkt.", id="meldpunt.E012") for item in oidc.unknown_places_in_map(tenants, regios)]
    return errors
