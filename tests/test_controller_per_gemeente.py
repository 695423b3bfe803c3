"""Each gemeente its own controller (ADR 0030 steps S2 and S5): keys by record, a processing-log
chain per gemeente, the FG of one gemeente sees only its own lines, destruction lists and kenmerken
per gemeente. Two tenants: Zaanstad (the home gemeente, the installation's keys and chain) and
Wormerland (keys and chain of its own)."""

import ast
import io
import re
from datetime import timedelta
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from django.utils import timezone
from health_check.exceptions import ServiceUnavailable
from PIL import Image

from conftest import grant_roles
from factories import new_signal
from meldpunt.core import keys
from meldpunt.health import checks
from meldpunt.intake import services as intake
from meldpunt.intake.models import Signal
from meldpunt.privacy import chain, log, selectors
from meldpunt.privacy.log import ControllerUnknown, DataSubject
from meldpunt.privacy.models import ProcessingLogEntry, SecurityEvent, SecurityLogEntry
from meldpunt.privacy.retention import services as retention
from meldpunt.privacy.retention.models import DestructionListItem
from meldpunt.privacy.security import log_event
from meldpunt.protocol import sealing
from meldpunt.tenancy import counters
from meldpunt.tenancy.keys import ring_for, ring_of
from meldpunt.tenancy.models import Tenant

BSN = "999993653"
NOT_MY_KEY = "niet worden geopend met de sleutel van deze gemeente"


@pytest.fixture
def zaanstad(home_gemeente):
    return home_gemeente


@pytest.fixture
def wormerland(db):
    return Tenant.objects.create(code="GM0880", naam="Wormerland", reference_prefix="WL", key_slot="GM0880",
                                 log_chain="verwerking:GM0880", register_uri="urn:nl:gm0880:register")


def staff(make_user, roles, *gemeenten):
    """A user holding ``roles`` in each of ``gemeenten`` (roles are held per gemeente, ADR 0030 §3)."""
    first, *more = gemeenten
    user = make_user(*roles, gemeente=first)
    for gemeente in more:
        grant_roles(user, *roles, gemeente=gemeente)
    return user


@pytest.fixture
def regie(make_user, zaanstad, wormerland):
    return staff(make_user, ("regisseur", "teamlid", "beoordelaar"), zaanstad, wormerland)


def png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (32, 24), "red").save(out, "PNG")
    return out.getvalue()


# ------------------------------------------------------------------------------- S2: keys by record


def test_a_sealed_signal_and_its_attachment_of_one_gemeente_do_not_open_with_anothers_keys(
        regie, zaanstad, wormerland):
    signal = intake.create_signal(intake.SignalInput(
        channel="intern", reporter_kind="medewerker", description="Foto van de loods in Wormerland.",
        phenomenon="hennepteelt_drugs", uploads=[intake.UploadInput("loods.png", png())]),
        user=regie, gemeente=wormerland)
    sealing.seal(signal)
    signal.save()
    attachment = signal.attachments.get()
    with attachment.file.open("rb") as handle:
        sealed_file = handle.read()
    assert ring_of(signal) is ring_for(wormerland) and ring_of(attachment) is ring_for(wormerland)
    for token in (bytes(signal.sealed), sealed_file):
        with pytest.raises(ValueError, match=NOT_MY_KEY):
            ring_for(zaanstad).unseal(token)
        assert ring_for(wormerland).unseal(token)
    assert sealing.reveal.__module__  # the reveal itself goes through ring_of(signal):
    signal.refresh_from_db()
    payload = sealing.reveal(regie, signal, "Nieuw signaal op hetzelfde adres, samenhang nagaan.")
    assert payload["omschrijving"] == "Foto van de loods in Wormerland."


def test_each_gemeentes_log_lines_pseudonymise_a_subject_with_its_own_key(regie, zaanstad, wormerland):
    here = new_signal(regie, bsn=BSN, gemeente=zaanstad)
    there = new_signal(regie, bsn=BSN, index=1, gemeente=wormerland)
    for signal in (here, there):
        log.record("signaal_inzien", "signaal_beoordelen", [DataSubject("bsn", BSN)], user=regie, obj=signal)
    lines = {line.gemeente_code: line for line in ProcessingLogEntry.objects.filter(
        action="signaal_inzien", object_id__in=[str(here.pk), str(there.pk)], subject_type="bsn")}
    assert set(lines) == {"GM0479", "GM0880"}
    assert lines["GM0880"].subject_pseudonym == ring_for(wormerland).pseudonymise("bsn", BSN)
    assert lines["GM0479"].subject_pseudonym == keys.pseudonymise("bsn", BSN)  # the home gemeente: slot ""
    assert lines["GM0880"].subject_pseudonym != lines["GM0479"].subject_pseudonym
    assert {line.format_version for line in lines.values()} == {4}


def test_with_two_gemeenten_a_log_line_without_a_controller_is_refused(regie, wormerland):
    before = ProcessingLogEntry.objects.count()
    with pytest.raises(ControllerUnknown, match="voor welke gemeente"):
        log.record("zoeken", "toezicht", [DataSubject("bsn", BSN)], user=regie)
    assert ProcessingLogEntry.objects.count() == before


def test_readiness_names_the_missing_key_of_a_gemeente(settings, tmp_path, wormerland):
    settings.VAR_DIR = tmp_path
    settings.MELDPUNT_ENCRYPTION_KEY = Fernet.generate_key().decode()
    settings.MELDPUNT_PSEUDONYM_KEY = "pseudoniemsleutel-van-de-installatie"
    settings.MELDPUNT_LOG_CHAIN_KEY = "sleutel-van-de-logketens"
    keys.KeyRing("GM0880").ensure()
    checks.KeysPresent().run()  # all there
    (tmp_path / "keys" / "GM0880" / "pseudonym_key").unlink()
    with pytest.raises(ServiceUnavailable, match="de pseudoniemsleutel van Wormerland"):
        checks.KeysPresent().run()


# ----------------------------------------------------------------------------- S5: logs per controller


def test_one_chain_per_gemeente_each_numbered_from_one_and_verified(regie, zaanstad, wormerland):
    there = new_signal(regie, index=1, gemeente=wormerland)
    for _ in range(3):
        log.record("signaal_inzien", "signaal_beoordelen", [DataSubject("bsn", BSN)], user=regie, obj=there)
    log.record("signaal_inzien", "signaal_beoordelen", [DataSubject("bsn", BSN)], user=regie, gemeente=zaanstad)
    own = chain.lines_of(ProcessingLogEntry, "verwerking:GM0880").order_by("seq")
    assert set(own.values_list("gemeente_code", flat=True)) == {"GM0880"}
    assert list(own.values_list("seq", flat=True)) == list(range(1, own.count() + 1))
    assert "verwerking:GM0880" in chain.chains(ProcessingLogEntry)
    reports = {report.chain: report for report in chain.verify_all(ProcessingLogEntry)}
    assert set(reports) >= {"verwerking", "verwerking:GM0880"}
    assert all(report.ok for report in reports.values()), [r.problems for r in reports.values()]
    assert reports["verwerking:GM0880"].checked == own.count()
    assert chain.head_problem(ProcessingLogEntry, "verwerking:GM0880") is None


def test_the_fg_of_one_gemeente_sees_only_its_own_log_lines_and_security_events(
        make_user, regie, zaanstad, wormerland):
    fg_zaanstad = make_user("fg", gemeente=zaanstad)
    fg_wormerland = make_user("fg", gemeente=wormerland)
    there = new_signal(regie, bsn=BSN, index=1, gemeente=wormerland)
    log.record("signaal_inzien", "signaal_beoordelen", [DataSubject("bsn", BSN)], user=regie, obj=there)
    log.record("signaal_inzien", "signaal_beoordelen", [DataSubject("bsn", BSN)], user=regie, gemeente=zaanstad)
    refused = log_event(SecurityEvent.ACCESS_DENIED, "mislukt", user=regie, obj=there, detail="test")
    login = log_event(SecurityEvent.LOGIN, user=regie)
    assert (refused.gemeente_code, refused.format_version, login.gemeente_code) == ("GM0880", 2, "")

    everything = selectors.LogFilter()
    assert set(selectors.processing_log(fg_zaanstad, everything).values_list("gemeente_code", flat=True)) <= {
        "", "GM0479"}
    assert set(selectors.processing_log(fg_wormerland, everything).values_list("gemeente_code", flat=True)) == {
        "GM0880"}
    seen_here = selectors.security_log(fg_zaanstad, everything)
    assert login in seen_here and refused not in seen_here
    assert refused in selectors.security_log(fg_wormerland, everything)

    # The FG's lookup by BSN pseudonymises with the keys of the FG's own gemeente.
    by_bsn = selectors.LogFilter(subject_type="bsn", subject_identifier=BSN)
    found = selectors.processing_log(fg_wormerland, by_bsn)
    assert found.filter(object_id=str(there.pk)).exists()
    assert not selectors.processing_log(fg_zaanstad, by_bsn).filter(gemeente_code="GM0880").exists()
    # ... and the LDV read API's selector answers only for the caller's gemeenten.
    assert set(selectors.ldv_lines(fg_zaanstad, {"subject": ("bsn", BSN)}).values_list(
        "gemeente_code", flat=True)) <= {"", "GM0479"}
    # The FG's own read is logged in the log of the gemeente whose lines were read.
    before = chain.lines_of(ProcessingLogEntry, "verwerking:GM0880").count()
    selectors.log_reading(fg_wormerland, list(found), "verwerkingslog_inzien", filters=by_bsn)
    assert chain.lines_of(ProcessingLogEntry, "verwerking:GM0880").count() > before
    assert SecurityLogEntry.objects.filter(pk=refused.pk, gemeente_code="GM0880").exists()


# ---------------------------------------------------------------------------- retention and kenmerken


def test_a_destruction_list_of_one_gemeente_holds_none_of_anothers_records(make_user, regie, zaanstad, wormerland):
    archivaris = staff(make_user, ("archivaris",), zaanstad, wormerland)
    here, there = new_signal(regie, gemeente=zaanstad), new_signal(regie, index=1, gemeente=wormerland)
    past = timezone.localdate() - timedelta(days=1)
    Signal.objects.filter(pk__in=[here.pk, there.pk]).update(destroy_after=past)
    listed = retention.compose(archivaris, "Vervallen signalen Zaanstad", gemeente=zaanstad)
    ids = set(DestructionListItem.objects.filter(destruction_list=listed).values_list("object_id", flat=True))
    assert here.pk in ids and there.pk not in ids
    assert listed.gemeente == zaanstad
    theirs = retention.compose(archivaris, "Vervallen signalen Wormerland", gemeente=wormerland)
    assert set(DestructionListItem.objects.filter(destruction_list=theirs).values_list("object_id", flat=True)) == {
        there.pk}


def test_kenmerken_and_verklaringen_are_numbered_per_gemeente(regie, zaanstad, wormerland):
    year = timezone.localdate().year
    first_here, first_there = new_signal(regie, gemeente=zaanstad), new_signal(regie, index=1, gemeente=wormerland)
    second_here = new_signal(regie, index=2, gemeente=zaanstad)
    assert first_there.reference == f"WL-{year}-0000001"
    here = [int(s.reference.rsplit("-", 1)[1]) for s in (first_here, second_here)]
    assert re.fullmatch(rf"ZA-{year}-[0-9]{{7}}", first_here.reference) and here[1] == here[0] + 1
    assert [counters.statement_number(wormerland, 2026) for _ in range(2)] == ["VV-WL-2026-001", "VV-WL-2026-002"]
    assert counters.statement_number(zaanstad, 2026).startswith("VV-ZA-2026-")
    assert counters.inzage_reference(wormerland, 2026) == "IV-WL-2026-00001"
    wormerland.refresh_from_db()
    assert (wormerland.next_signal_number, wormerland.next_statement_number) == (2, 3)


def test_a_new_gemeente_without_lines_keeps_the_installation_ready(wormerland):
    assert chain.head_problem(ProcessingLogEntry, "verwerking:GM0880") is None
    assert chain.verify(ProcessingLogEntry, "verwerking:GM0880").ok


def test_every_log_call_names_its_controller_or_an_owned_record():
    # ADR 0030 §6: a line is always written for a named gemeente. A call with neither ``obj=`` nor
    # ``gemeente=`` would only work while the installation has one gemeente.
    src = Path(log.__file__).resolve().parents[1]
    missing = []
    for path in src.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "record"
                    and isinstance(node.func.value, ast.Name) and node.func.value.id == "log"
                    and not {k.arg for k in node.keywords} & {"obj", "gemeente"}):
                missing.append(f"{path.relative_to(src)}:{node.lineno}")
    assert not missing, "log.record zonder obj= of gemeente=: " + ", ".join(missing)


def test_the_toezicht_page_shows_the_chains_of_the_fgs_own_gemeenten(make_user, regie, zaanstad, wormerland):
    there = new_signal(regie, index=1, gemeente=wormerland)
    log.record("signaal_inzien", "signaal_beoordelen", [DataSubject("bsn", BSN)], user=regie, obj=there)
    fg_wormerland = make_user("fg", gemeente=wormerland)
    both = staff(make_user, ("fg",), zaanstad, wormerland)
    assert [label for label, _ in selectors.chain_heads(fg_wormerland)] == ["Verwerkingslog", "Beveiligingslog"]
    assert selectors.chain_heads(fg_wormerland)[0][1].chain == "verwerking:GM0880"
    assert [label for label, _ in selectors.chain_heads(both)] == [
        "Verwerkingslog van Wormerland", "Verwerkingslog van Zaanstad", "Beveiligingslog"]
