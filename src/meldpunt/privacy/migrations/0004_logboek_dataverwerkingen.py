# Logboek Dataverwerkingen 1.0.0 (docs/adr/0025): spans, foreign operation, resource, activity URI,
# status unset, a valid-from time per register version and the new security events.

import django.utils.timezone
from django.db import migrations, models

from meldpunt.privacy import triggers


class Migration(migrations.Migration):

    dependencies = [
        ('privacy', '0003_security_event_access_denied'),
    ]

    operations = [
        # SQLite rebuilds the log table for the new columns and drops its triggers: recreated last.
        migrations.RunPython(triggers.drop, triggers.create),
        migrations.AddField(
            model_name='processingactivity',
            name='valid_from',
            field=models.DateTimeField(default=django.utils.timezone.now, verbose_name='geldig vanaf'),
        ),
        migrations.AddField(
            model_name='processinglogentry',
            name='action_parent_span_id',
            field=models.CharField(blank=True, db_default='', max_length=16),
        ),
        migrations.AddField(
            model_name='processinglogentry',
            name='activity_uri',
            field=models.CharField(blank=True, db_default='', max_length=200),
        ),
        migrations.AddField(
            model_name='processinglogentry',
            name='foreign_processor',
            field=models.CharField(blank=True, db_default='', max_length=200),
        ),
        migrations.AddField(
            model_name='processinglogentry',
            name='format_version',
            field=models.PositiveSmallIntegerField(db_default=1, default=1, editable=False),
        ),
        migrations.AddField(
            model_name='processinglogentry',
            name='resource_name',
            field=models.CharField(blank=True, db_default='', max_length=60),
        ),
        migrations.AddField(
            model_name='processinglogentry',
            name='resource_version',
            field=models.CharField(blank=True, db_default='', max_length=40),
        ),
        migrations.AlterField(
            model_name='processinglogentry',
            name='status',
            field=models.CharField(choices=[('ok', 'Geslaagd'), ('unset', 'Geweigerd of zonder uitkomst'), ('error', 'Mislukt')], default='ok', max_length=8),
        ),
        migrations.AlterField(
            model_name='securitylogentry',
            name='event',
            field=models.CharField(choices=[('inloggen', 'Ingelogd'), ('inloggen_mislukt', 'Inloggen mislukt'), ('uitloggen', 'Uitgelogd'), ('geblokkeerd', 'Geblokkeerd na herhaalde mislukte pogingen'), ('tweede_factor', 'Tweede factor gecontroleerd'), ('beheer_toegevoegd', 'Beheer: toegevoegd'), ('beheer_gewijzigd', 'Beheer: gewijzigd'), ('beheer_verwijderd', 'Beheer: verwijderd'), ('rol_toegekend', 'Rol toegekend'), ('rol_ingetrokken', 'Rol ingetrokken'), ('token_uitgegeven', 'Partnertoken uitgegeven'), ('token_ingetrokken', 'Partnertoken ingetrokken'), ('toegang_geweigerd', 'Geweigerde toegang'), ('beheer_bulk', 'Beheer: actie op meerdere records'), ('rollen_bulk', 'Meerdere rollen tegelijk toegekend'), ('logboek_opgevraagd', 'Logboek opgevraagd via de API'), ('keten_onjuist', 'Controle van de logketen mislukt')], max_length=24, verbose_name='gebeurtenis'),
        ),
        migrations.RunPython(triggers.create, triggers.drop),
    ]
