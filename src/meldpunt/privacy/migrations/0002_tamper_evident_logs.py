"""Hash chain on the processing log, the security log, and append-only triggers (ADR 0008).

Lines written before this migration are chained here, in id order, with the key of this
installation: the chain vouches for them from this moment on.
"""

from django.db import migrations, models

from meldpunt.privacy import triggers

PROCESSING_FIELDS = (
    "trace_id", "span_id", "parent_span_id", "foreign_trace_id", "foreign_span_id", "action", "started_at",
    "ended_at", "status", "activity_code", "activity_version", "subject_type", "subject_pseudonym",
    "data_categories", "user_id", "role", "object_type", "object_id", "basis",
)


def chain_existing_lines(apps, schema_editor):
    from meldpunt.privacy.chain import GENESIS, line_hash

    Entry = apps.get_model("privacy", "ProcessingLogEntry")
    Head = apps.get_model("privacy", "LogChainHead")
    seq, previous = 0, GENESIS
    for line in Entry.objects.order_by("id").iterator(chunk_size=2000):
        seq += 1
        digest = line_hash("verwerking", seq, previous, [getattr(line, name) for name in PROCESSING_FIELDS])
        Entry.objects.filter(pk=line.pk).update(seq=seq, prev_hash=previous, hash=digest)
        previous = digest
    if seq:
        Head.objects.create(chain="verwerking", last_seq=seq, last_hash=previous)
    # The head's own keyed hash is set by chain.ensure_heads after migrate.


class Migration(migrations.Migration):

    dependencies = [
        ("privacy", "0001_initial"),
    ]

    operations = [
        migrations.CreateModel(
            name="LogChainHead",
            fields=[
                ("chain", models.CharField(max_length=20, primary_key=True, serialize=False)),
                ("last_seq", models.BigIntegerField(default=0)),
                ("last_hash", models.CharField(default="0" * 64, max_length=64)),
                ("checkpoint_seq", models.BigIntegerField(default=1)),
                ("checkpoint_prev_hash", models.CharField(default="0" * 64, max_length=64)),
                ("checkpoint_at", models.DateTimeField(blank=True, null=True)),
                ("pruned", models.BigIntegerField(default=0)),
                ("mac", models.CharField(blank=True, max_length=64)),
            ],
            options={"verbose_name": "kop van een logketen", "verbose_name_plural": "koppen van logketens"},
        ),
        migrations.AddField(
            model_name="processingactivity",
            name="data_categories",
            field=models.CharField(blank=True, max_length=300, verbose_name="categorieën van gegevens"),
        ),
        migrations.AlterModelOptions(
            name="processinglogentry",
            options={"ordering": ["seq"], "verbose_name": "verwerkingslogregel",
                     "verbose_name_plural": "verwerkingslog"},
        ),
        migrations.AddField(
            model_name="processinglogentry",
            name="seq",
            field=models.BigIntegerField(db_index=True, default=0, editable=False, verbose_name="regelnummer"),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="processinglogentry",
            name="prev_hash",
            field=models.CharField(default="", editable=False, max_length=64),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="processinglogentry",
            name="hash",
            field=models.CharField(default="", editable=False, max_length=64),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="processinglogentry",
            name="foreign_trace_id",
            field=models.CharField(blank=True, max_length=32),
        ),
        migrations.AddField(
            model_name="processinglogentry",
            name="foreign_span_id",
            field=models.CharField(blank=True, max_length=16),
        ),
        migrations.AddField(
            model_name="processinglogentry",
            name="data_categories",
            field=models.CharField(blank=True, max_length=300, verbose_name="welke gegevens"),
        ),
        migrations.AlterField(
            model_name="processinglogentry",
            name="user_id",
            field=models.BigIntegerField(db_index=True, null=True),
        ),
        migrations.CreateModel(
            name="SecurityLogEntry",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("seq", models.BigIntegerField(db_index=True, editable=False, verbose_name="regelnummer")),
                ("prev_hash", models.CharField(editable=False, max_length=64)),
                ("hash", models.CharField(editable=False, max_length=64)),
                ("occurred_at", models.DateTimeField(db_index=True, verbose_name="tijdstip")),
                ("event", models.CharField(choices=[
                    ("inloggen", "Ingelogd"), ("inloggen_mislukt", "Inloggen mislukt"), ("uitloggen", "Uitgelogd"),
                    ("geblokkeerd", "Geblokkeerd na herhaalde mislukte pogingen"),
                    ("tweede_factor", "Tweede factor gecontroleerd"), ("beheer_toegevoegd", "Beheer: toegevoegd"),
                    ("beheer_gewijzigd", "Beheer: gewijzigd"), ("beheer_verwijderd", "Beheer: verwijderd"),
                    ("rol_toegekend", "Rol toegekend"), ("rol_ingetrokken", "Rol ingetrokken"),
                    ("token_uitgegeven", "Partnertoken uitgegeven"), ("token_ingetrokken", "Partnertoken ingetrokken"),
                ], max_length=24, verbose_name="gebeurtenis")),
                ("result", models.CharField(choices=[("geslaagd", "Geslaagd"), ("mislukt", "Mislukt")], max_length=8,
                                            verbose_name="resultaat")),
                ("user_id", models.BigIntegerField(db_index=True, null=True)),
                ("username", models.CharField(blank=True, max_length=150, verbose_name="gebruiker")),
                ("roles", models.CharField(blank=True, max_length=200, verbose_name="rollen")),
                ("ip_address", models.CharField(blank=True, max_length=45, verbose_name="netwerkadres")),
                ("user_agent", models.CharField(blank=True, max_length=200, verbose_name="apparaat")),
                ("object_type", models.CharField(blank=True, max_length=60)),
                ("object_id", models.CharField(blank=True, max_length=60)),
                ("detail", models.CharField(blank=True, max_length=300, verbose_name="toelichting")),
                ("trace_id", models.CharField(blank=True, max_length=32)),
            ],
            options={"verbose_name": "beveiligingslogregel", "verbose_name_plural": "beveiligingslog",
                     "ordering": ["seq"]},
        ),
        migrations.RunPython(chain_existing_lines, migrations.RunPython.noop),
        # Last, after every table change: SQLite drops a table's triggers when it rebuilds it.
        migrations.RunPython(triggers.create, triggers.drop),
    ]
