# Refused access is a security event (docs/adr/0020): the choice "toegang_geweigerd".

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('privacy', '0002_tamper_evident_logs'),
    ]

    operations = [
        migrations.AlterField(
            model_name='securitylogentry',
            name='event',
            field=models.CharField(choices=[('inloggen', 'Ingelogd'), ('inloggen_mislukt', 'Inloggen mislukt'), ('uitloggen', 'Uitgelogd'), ('geblokkeerd', 'Geblokkeerd na herhaalde mislukte pogingen'), ('tweede_factor', 'Tweede factor gecontroleerd'), ('beheer_toegevoegd', 'Beheer: toegevoegd'), ('beheer_gewijzigd', 'Beheer: gewijzigd'), ('beheer_verwijderd', 'Beheer: verwijderd'), ('rol_toegekend', 'Rol toegekend'), ('rol_ingetrokken', 'Rol ingetrokken'), ('token_uitgegeven', 'Partnertoken uitgegeven'), ('token_ingetrokken', 'Partnertoken ingetrokken'), ('toegang_geweigerd', 'Geweigerde toegang')], max_length=24, verbose_name='gebeurtenis'),
        ),
    ]
