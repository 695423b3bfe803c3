"""The installation's gemeente becomes the home tenant (ADR 0030 §12 step 2): MELDPUNT_GEMEENTE if
set, else the one gemeente of the signals' buurten or of the loaded geography. A database without
any of these (a fresh installation) gets no tenant here: setup, demo or the first record makes it."""

from django.db import migrations

from meldpunt.tenancy.migration_support import make_home_tenant


def remove_home_tenant(apps, schema_editor):
    apps.get_model("tenancy", "Tenant").objects.using(schema_editor.connection.alias).filter(key_slot="").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("tenancy", "0001_initial"),
        ("intake", "0007_subjects_after_intake"),
        ("registries", "0002_link_judgement"),
    ]

    operations = [migrations.RunPython(make_home_tenant, remove_home_tenant)]
