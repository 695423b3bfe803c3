"""Roles are held per gemeente, or for the analist per regio (ADR 0030 §3, step S3). Every existing
assignment gets the home tenant, as every record did in S1 (ADR 0030 §12); an empty database has
nothing to fill."""

import django.db.models.deletion
from django.db import migrations, models

from meldpunt.tenancy.migration_support import fill_home, make_home_tenant


def fill_home_roles(apps, schema_editor):
    if apps.get_model("accounts", "RoleAssignment").objects.using(schema_editor.connection.alias).exists():
        make_home_tenant(apps, schema_editor)  # users were made before any gemeente was known
    fill_home("accounts", "RoleAssignment")(apps, schema_editor)


class Migration(migrations.Migration):

    dependencies = [
        ("accounts", "0002_auditor_role"),
        ("tenancy", "0002_home_gemeente"),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="roleassignment",
            name="unique_role_per_user",
        ),
        migrations.AddField(
            model_name="roleassignment",
            name="gemeente",
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT,
                                    related_name="role_assignments", to="tenancy.tenant", verbose_name="gemeente"),
        ),
        migrations.AddField(
            model_name="roleassignment",
            name="regio",
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT,
                                    related_name="role_assignments", to="tenancy.regio", verbose_name="regio"),
        ),
        migrations.RunPython(fill_home_roles, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="roleassignment",
            constraint=models.CheckConstraint(
                condition=models.Q(models.Q(("gemeente__isnull", False), ("regio__isnull", True)),
                                   models.Q(("gemeente__isnull", True), ("regio__isnull", False)), _connector="OR"),
                name="role_scope_xor"),
        ),
        migrations.AddConstraint(
            model_name="roleassignment",
            constraint=models.UniqueConstraint(condition=models.Q(("gemeente__isnull", False)),
                                               fields=("user", "role", "gemeente"),
                                               name="unique_role_per_user_gemeente"),
        ),
        migrations.AddConstraint(
            model_name="roleassignment",
            constraint=models.UniqueConstraint(condition=models.Q(("regio__isnull", False)),
                                               fields=("user", "role", "regio"), name="unique_role_per_user_regio"),
        ),
    ]
