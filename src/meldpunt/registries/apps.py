from django.apps import AppConfig


class RegistriesConfig(AppConfig):
    name = "meldpunt.registries"
    label = "registries"
    verbose_name = "Basisregistraties"
