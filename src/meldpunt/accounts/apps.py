from django.apps import AppConfig
from django.core.checks import Error, register


class AccountsConfig(AppConfig):
    name = "meldpunt.accounts"
    label = "accounts"
    verbose_name = "Gebruikers en rollen"

    def ready(self):
        register(check_oidc_role_map)


def check_oidc_role_map(app_configs=None, **_kwargs):
    """A misspelt role in the group mapping would silently give nobody that role: stop instead."""
    from . import oidc  # after the app registry is ready: oidc imports the User model

    return [Error(f"MELDPUNT_OIDC_ROLE_MAP: {item!r} is geen 'groep=rol' met een bestaande rol.",
                  id="meldpunt.E010") for item in oidc.unknown_roles_in_map()]
