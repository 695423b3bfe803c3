"""Every weging and bron (a bron's code is unique per gemeente from now on) gets the gemeente it belongs to (ADR 0030 §2, §12): the field is added nullable,
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
        ("protocol", "0003_bronnenonderzoek"),
        ("tenancy", "0002_home_gemeente"),
    ]

    operations = [
        migrations.AddField(model_name="weging", name="gemeente", field=_nullable("wegingen")),
        migrations.AddField(model_name="source", name="gemeente", field=_nullable("sources")),
        migrations.RunPython(fill_home("protocol", "weging"), migrations.RunPython.noop),
        migrations.RunPython(fill_home("protocol", "source"), migrations.RunPython.noop),
        migrations.AlterField(model_name="weging", name="gemeente", field=_required("wegingen")),
        migrations.AlterField(model_name="source", name="gemeente", field=_required("sources")),
        migrations.AlterField(model_name="weging", name="gemeente", field=_with_default("wegingen")),
        migrations.AlterField(model_name="source", name="gemeente", field=_with_default("sources")),
        migrations.AlterField(model_name="source", name="code", field=models.CharField(max_length=30, verbose_name="code")),
        migrations.AddConstraint(
            model_name="source",
            constraint=models.UniqueConstraint(fields=("gemeente", "code"), name="unique_source_code_per_gemeente"),
        ),
    ]
