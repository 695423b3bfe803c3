"""Every melding gets the gemeente of the record it is about (ADR 0030 §2, §12): the field is added
nullable, existing meldingen get the home tenant (before tenancy every record was the home
gemeente's), then it is required."""

import django.db.models.deletion
from django.db import migrations, models

import meldpunt.tenancy.defaults
from meldpunt.tenancy.migration_support import fill_home


def _field(**extra):
    return models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="notifications",
                             to="tenancy.tenant", verbose_name="gemeente", **extra)


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0002_melding_goes_with_meeting"),
        ("tenancy", "0002_home_gemeente"),
    ]

    operations = [
        migrations.AddField(model_name="notification", name="gemeente", field=_field(null=True)),
        migrations.RunPython(fill_home("notifications", "notification"), migrations.RunPython.noop),
        migrations.AlterField(model_name="notification", name="gemeente", field=_field()),
        # A separate step: made NOT NULL with a default, Django would call the default to fill rows.
        migrations.AlterField(model_name="notification", name="gemeente",
                              field=_field(default=meldpunt.tenancy.defaults.only_gemeente)),
    ]
