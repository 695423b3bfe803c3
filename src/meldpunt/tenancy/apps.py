from django.apps import AppConfig
from django.db.models.signals import post_delete, post_migrate, post_save


class TenancyConfig(AppConfig):
    name = "meldpunt.tenancy"
    label = "tenancy"
    verbose_name = "Aangesloten gemeenten"

    def ready(self):
        # Here, not at the top: home imports the models, which Django loads after the AppConfig.
        from .home import ensure_configured_home, tenant_created
        from .keys import ensure_tenant_keys

        # Before the apps that seed per gemeente (protocol's sources): INSTALLED_APPS lists this
        # app first, and post_migrate is sent in that order.
        post_migrate.connect(ensure_configured_home, sender=self, dispatch_uid="tenancy_home")
        # Every active tenant's key files exist from then on (ADR 0030 §5), so the readiness probe
        # can tell a lost key from one not yet made; a new tenant gets its files when it is made.
        post_migrate.connect(ensure_tenant_keys, sender=self, dispatch_uid="tenancy_keys")
        tenant_created.connect(ensure_tenant_keys, dispatch_uid="tenancy_keys_new_tenant")
        # Here, not at the top: the selectors import the models, loaded after the AppConfig.
        from .selectors import forget_tenants

        tenant = self.get_model("Tenant")
        post_save.connect(forget_tenants, sender=tenant, dispatch_uid="tenancy_forget_saved")
        post_delete.connect(forget_tenants, sender=tenant, dispatch_uid="tenancy_forget_deleted")
        post_migrate.connect(forget_tenants, sender=self, dispatch_uid="tenancy_forget_migrated")
