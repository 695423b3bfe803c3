"""Every vernietigingslijst gets the gemeente it belongs to (ADR 0030 §2, §12): the field is added nullable,
existing rows get the home tenant, then it is required."""

import django.db.models.deletion
from django.db import migrations, models

import meldpunt.tenancy.defaults
from meldpunt.tenancy.migration_support import fill_home


def _nullable(related_name):
    return models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT, related_name=related_name,
                             to="tenancy.tenant", verbose_name="gemeente")


def _required(related_name):
    return models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name=related_name,
                             to="tenancy.tenant", verbose_name="gemeente")


def _with_default(related_name):
    # A separate step: made NOT NULL with a default, Django would call the default to fill rows.
    return models.ForeignKey(default=meldpunt.tenancy.defaults.only_gemeente,
                             on_delete=django.db.models.deletion.PROTECT, related_name=related_name,
                             to="tenancy.tenant", verbose_name="gemeente")


class Migration(migrations.Migration):
    dependencies = [
        ("retention", "0003_resultclass_applies_to_inzageverzoek"),
        ("tenancy", "0002_home_gemeente"),
    ]

    operations = [
        migrations.AddField(model_name="destructionlist", name="gemeente", field=_nullable("destruction_lists")),
        migrations.RunPython(fill_home("retention", "destructionlist"), migrations.RunPython.noop),
        migrations.AlterField(model_name="destructionlist", name="gemeente", field=_required("destruction_lists")),
        migrations.AlterField(model_name="destructionlist", name="gemeente", field=_with_default("destruction_lists")),
    ]
