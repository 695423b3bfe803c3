from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "meldpunt.accounts"
    label = "accounts"
    verbose_name = "Gebruikers en rollen"
