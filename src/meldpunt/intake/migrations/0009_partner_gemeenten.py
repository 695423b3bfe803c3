"""A partner delivers to named gemeenten (ADR 0030 §2). Existing partners of an installation of
one gemeente deliver to that gemeente, as they did."""

from django.db import migrations, models


def link_existing(apps, schema_editor):
    Tenant = apps.get_model("tenancy", "Tenant")
    PartnerOrganisation = apps.get_model("intake", "PartnerOrganisation")
    tenants = list(Tenant.objects.all()[:2])
    if len(tenants) != 1:
        return  # none yet, or several: the beheerder links each partner in the admin
    for partner in PartnerOrganisation.objects.all():
        partner.gemeenten.add(tenants[0])


class Migration(migrations.Migration):

    dependencies = [
        ('intake', '0008_signal_gemeente'),
        ('tenancy', '0002_home_gemeente'),
    ]

    operations = [
        migrations.AddField(
            model_name='partnerorganisation',
            name='gemeenten',
            field=models.ManyToManyField(blank=True, related_name='partners', to='tenancy.tenant',
                                         verbose_name='levert aan gemeenten'),
        ),
        migrations.RunPython(link_existing, migrations.RunPython.noop),
    ]
