"""Existing data migrates to one gemeente without loss (ADR 0030 §12).

The database is taken back to the state before tenancy (every migration that adds a gemeente
unapplied, the tenant tables gone) with the demo municipality and records of every step in it,
one more signal is written the old way, and the migrations run forward again. Then every record
has the home gemeente, no table lost or gained a row, both log chains verify, a sealed signal
still unseals and the FG still finds the old log lines by BSN: nothing was re-encrypted,
re-pseudonymised or re-chained. Taking the database back exercises every reverse migration too.
"""

import pytest
from django.apps import apps
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import override_settings
from django.utils import timezone

from factories import open_casus, open_inzage_request, planned_meeting, weging
from meldpunt.intake import services as intake
from meldpunt.privacy import chain
from meldpunt.privacy.models import ProcessingLogEntry, SecurityLogEntry
from meldpunt.privacy.selectors import LogFilter, processing_log
from meldpunt.protocol import services as protocol
from meldpunt.registries.models import Nummeraanduiding
from meldpunt.tenancy.models import Tenant
from meldpunt.tenancy.ownership import MAY_BE_INSTALLATION_WIDE, OWNER_PATHS

pytestmark = pytest.mark.slow

SEALED_TEXT = "Geheime omschrijving over de loods van Pietersen."
BSN = "999993653"
OWNED_APPS = ("intake", "protocol", "cases", "privacy", "retention", "inzage", "registries", "accounts",
              "notifications", "jobs")


def row_counts() -> dict[str, int]:
    return {m._meta.label: m.objects.count() for m in apps.get_models() if m._meta.app_label in OWNED_APPS}


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    return executor.migrate(targets)


def leaves():
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


def records_of_every_step(make_user):
    """A sealed 'geen actie' signal, a casus on a casusoverleg and an inzageverzoek, all through the
    services, so the log chains hold their lines."""
    beoordelaar, team = make_user("beoordelaar"), make_user("teamlid")
    regie, pf = make_user("regisseur", "teamlid", "beoordelaar"), make_user("privacyfunctionaris")
    sealed = intake.create_signal(intake.SignalInput(
        channel="telefoon", reporter_kind="burger", description=SEALED_TEXT, phenomenon="zorgfraude",
        address=Nummeraanduiding.objects.order_by("pk").first().pk, contact_name="Melder Klaassen",
        contact_phone="0612345678", subjects=[intake.SubjectInput(kind="persoon", name="Pietersen", bsn=BSN)]),
        user=beoordelaar)
    protocol.decide(beoordelaar, sealed, [weging("W1", "ja"), weging("W2A", "ja"), weging("W2B", "ja")],
                    "intake_doorzetten")
    protocol.decide(team, sealed, [weging("W3", "geen_actie")], "zwaarte_geen_actie")
    casus = open_casus(regie, bsn="999990019")
    planned_meeting(regie, casus, make_user("deelnemer"))
    open_inzage_request(BSN, pf)
    return sealed, regie


def test_existing_records_migrate_to_the_home_gemeente_without_loss(transactional_db, demo_reloaded, make_user):
    sealed, regie = records_of_every_step(make_user)
    fg = make_user("fg")
    before = row_counts()
    old_lines = set(processing_log(fg, LogFilter(subject_type="bsn", subject_identifier=BSN))
                    .values_list("seq", flat=True))
    assert old_lines

    state = migrate([("tenancy", None)])  # back to before tenancy: every dependent migration unapplied
    old_signal = state.apps.get_model("intake", "Signal")
    assert "gemeente" not in {f.name for f in old_signal._meta.get_fields()}
    with connection.cursor() as cursor:
        assert "tenancy_tenant" not in connection.introspection.table_names(cursor)
    now = timezone.now()
    old_signal.objects.create(reference="MO-2026-9999999", received_at=now, channel="intern",
                              phenomenon_id="hennepteelt_drugs", description="Voor de gemeenten kwamen.",
                              state="ontvangen", state_since=now)

    with override_settings(MELDPUNT_GEMEENTE=""):  # the gemeente of the signals' buurten: Zaanstad
        migrate(leaves())

    home = Tenant.objects.get()
    assert (home.code, home.naam, home.key_slot, home.log_chain) == ("GM0479", "Zaanstad", "", "verwerking")
    after = row_counts()
    signals = before["intake.Signal"] + 1
    assert after == {**before, "intake.Signal": signals}
    for label, path in OWNER_PATHS.items():
        if path == "gemeente":
            model = apps.get_model(label)
            allowed = {"GM0479", None} if label in MAY_BE_INSTALLATION_WIDE else {"GM0479"}
            assert set(model.objects.values_list("gemeente_id", flat=True)) <= allowed, label
    assert apps.get_model("intake.Signal").objects.filter(gemeente=home).count() == signals
    # the casusoverleg's invitation (a melding) got the home gemeente too
    meldingen = apps.get_model("notifications.Notification").objects
    assert meldingen.exists() and meldingen.filter(gemeente=home).count() == meldingen.count()

    assert chain.verify(ProcessingLogEntry).ok and chain.verify(SecurityLogEntry).ok
    sealed.refresh_from_db()
    assert sealed.gemeente == home and sealed.is_sealed
    payload = protocol.reveal_sealed(regie, sealed, "Nieuw signaal op hetzelfde adres, samenhang nagaan.")
    assert payload["omschrijving"] == SEALED_TEXT and payload["contact"]["naam"] == "Melder Klaassen"
    found = set(processing_log(fg, LogFilter(subject_type="bsn", subject_identifier=BSN)).values_list("seq", flat=True))
    assert old_lines <= found
