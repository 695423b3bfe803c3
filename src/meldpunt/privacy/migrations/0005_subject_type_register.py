# Logboek Dataverwerkingen (docs/adr/0025): data subject types as URIs from a versioned register.
# Existing lines are not changed (append-only, and their hash covers what they hold): version 1 of
# each subject type is made valid from before the first line, so a line without a version was
# written under version 1 and exports that version's URI.

import django.utils.timezone
from django.db import migrations, models

from meldpunt.privacy import triggers


def seed_version_1(apps, schema_editor):
    from meldpunt.privacy.register import seed_subject_types

    seed_subject_types(apps.get_model("privacy", "DataSubjectType"), apps.get_model("privacy", "ProcessingLogEntry"))


class Migration(migrations.Migration):

    dependencies = [
        ('privacy', '0004_logboek_dataverwerkingen'),
    ]

    operations = [
        # SQLite rebuilds the log table for the new columns and drops its triggers: recreated last.
        migrations.RunPython(triggers.drop, triggers.create),
        migrations.AddField(
            model_name='processinglogentry',
            name='subject_type_uri',
            field=models.CharField(blank=True, db_default='', max_length=200),
        ),
        migrations.AddField(
            model_name='processinglogentry',
            name='subject_type_version',
            field=models.PositiveSmallIntegerField(blank=True, null=True),
        ),
        migrations.CreateModel(
            name='DataSubjectType',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('code', models.CharField(choices=[('bsn', 'BSN'), ('kvk', 'KvK-nummer'), ('bag', 'BAG-id'), ('intern', 'Intern id')], max_length=8)),
                ('version', models.PositiveSmallIntegerField(default=1)),
                ('name', models.CharField(max_length=100, verbose_name='naam')),
                ('description', models.TextField(verbose_name='omschrijving')),
                ('valid_from', models.DateTimeField(default=django.utils.timezone.now, verbose_name='geldig vanaf')),
            ],
            options={
                'verbose_name': 'soort betrokkene',
                'verbose_name_plural': 'soorten betrokkenen',
                'constraints': [models.UniqueConstraint(fields=('code', 'version'), name='unique_subject_type_version')],
            },
        ),
        migrations.RunPython(seed_version_1, migrations.RunPython.noop),
        migrations.RunPython(triggers.create, triggers.drop),
    ]
