"""Every record belongs to one gemeente (ADR 0030 §2): `tenancy.ownership.OWNER_PATHS` names how each
model reaches it, and the services keep a casus, its signals and its casusoverleg in one gemeente.

A model added without an entry fails here, like a model without an access declaration fails in
test_access_declared.py."""

from datetime import timedelta

import pytest
from django.apps import apps
from django.db.models import ForeignKey
from django.test import override_settings
from django.utils import timezone

from conftest import grant_roles
from factories import OTHER_NAME, new_signal, open_casus, to_research, weging
from meldpunt.cases import meetings, services
from meldpunt.cases.models import AgendaItem, CasusSignal, Meeting
from meldpunt.intake.models import MentionedSubject, Phenomenon, Signal
from meldpunt.protocol.models import Weging
from meldpunt.protocol.research import services as research
from meldpunt.protocol.research.models import Source
from meldpunt.registries.models import Buurt, Gemeente, Wijk
from meldpunt.tenancy import ownership
from meldpunt.tenancy.defaults import GemeenteRequired
from meldpunt.tenancy.home import TenancyError, ensure_home_tenant
from meldpunt.tenancy.migration_support import HomeGemeenteUnknown, home_code
from meldpunt.tenancy.models import Tenant

# The apps whose records belong to a gemeente, or are declared shared (ADR 0030 §2).
OWNED_APPS = ("intake", "protocol", "cases", "privacy", "retention", "inzage", "insight", "registries",
              "accounts", "regio", "tenancy", "notifications", "jobs")


def project_models():
    return [m for m in apps.get_models() if m._meta.app_label in OWNED_APPS]


@pytest.mark.unit
def test_every_model_says_how_it_reaches_its_gemeente():
    missing = sorted(m._meta.label for m in project_models() if m._meta.label not in ownership.OWNER_PATHS)
    assert not missing, f"Voeg toe aan tenancy.ownership.OWNER_PATHS: {', '.join(missing)}"
    labels = {m._meta.label for m in apps.get_models()}
    stale = sorted(set(ownership.OWNER_PATHS) - labels)
    assert not stale, f"Geen model meer, haal weg uit OWNER_PATHS: {', '.join(stale)}"


def _walk(model, path: str):
    """The model at the end of ``path``, following foreign keys; AssertionError when a step is not one."""
    *parents, last = path.split("__")
    for name in parents:
        field = model._meta.get_field(name)
        assert field.many_to_one or field.one_to_one, f"{model._meta.label}.{name} is geen verwijzing"
        model = field.related_model
    field = model._meta.get_field(last)
    assert isinstance(field, ForeignKey), f"{model._meta.label}.{last} is geen verwijzing naar een gemeente"
    return field.related_model


@pytest.mark.unit
def test_every_path_ends_at_a_tenant_and_every_root_names_its_own_field():
    for model in project_models():
        for path in ownership.paths(model):
            assert _walk(model, path) is Tenant, f"{model._meta.label}: {path} leidt niet naar een gemeente"
        # The field called "gemeente" is the owner's; another key to a tenant names a second party
        # (regio: the answering gemeente of an answer, the asking gemeente of a request).
        direct = [f for f in model._meta.fields if isinstance(f, ForeignKey) and f.related_model is Tenant
                  and (f.name == "gemeente" or ownership.OWNER_PATHS[model._meta.label] == "gemeente")]
        if direct and model is not Tenant:
            assert ownership.OWNER_PATHS[model._meta.label] == "gemeente", model._meta.label
            if model._meta.label in ownership.MAY_BE_INSTALLATION_WIDE | ownership.MAY_BE_REGIO_WIDE:
                assert direct[0].null, f"{model._meta.label}.gemeente mag leeg zijn (de hele installatie of regio)"
            else:
                assert not direct[0].null, f"{model._meta.label}.gemeente mag niet leeg zijn"


@pytest.mark.unit
def test_the_roots_of_step_one_carry_the_gemeente_themselves():
    for label in ("intake.Signal", "cases.Casus", "cases.Meeting", "protocol.Weging", "protocol.Source",
                  "inzage.AccessRequest", "retention.DestructionList", "notifications.Notification",
                  "jobs.JobRun"):
        assert ownership.OWNER_PATHS[label] == "gemeente", label
    for label in ownership.NOT_YET_SCOPED:
        assert ownership.OWNER_PATHS[label] is None, f"{label} heeft al een gemeente: haal het uit NOT_YET_SCOPED"


@pytest.mark.unit
def test_the_log_lines_name_their_gemeente_by_code():
    # A log line outlives every record and tenant row: its gemeente is a CBS code, not a key.
    for label, name in ownership.OWNER_CODES.items():
        field = apps.get_model(label)._meta.get_field(name)
        assert field.get_internal_type() == "CharField" and field.max_length == 6, label
        assert ownership.OWNER_PATHS[label] is None and label not in ownership.NOT_YET_SCOPED, label


@pytest.mark.unit
def test_a_model_without_an_entry_is_refused_by_name():
    class Unlisted:
        class _meta:  # noqa: N801 (the shape of a Django model's options)
            label = "elders.Onbekend"

    with pytest.raises(ownership.UnknownOwner, match="elders.Onbekend staat niet in"):
        ownership.owner_path(Unlisted)


# ------------------------------------------------------------------------------ with records


@pytest.fixture
def regie(make_user):
    return make_user("regisseur", "teamlid", "beoordelaar")


def add_wormerland(*staff) -> Tenant:
    """A second gemeente in the installation, with keys and a log chain of its own (ADR 0030 §5).
    Added after the home gemeente's records: from then on every new record must name its gemeente.
    ``staff`` get their roles in Wormerland as well (roles are held per gemeente, ADR 0030 §3)."""
    wormerland = Tenant.objects.create(code="GM0880", naam="Wormerland", reference_prefix="WL", key_slot="GM0880",
                                       log_chain="verwerking:GM0880", register_uri="urn:nl:gm0880:register")
    for user in staff:
        grant_roles(user, *user.roles, gemeente=wormerland)
    return wormerland


def test_the_home_gemeente_is_the_configured_one_and_every_new_record_gets_it(regie, home_gemeente):
    home = home_gemeente
    assert (home.code, home.naam, home.is_home, home.log_chain) == ("GM0479", "Zaanstad", True, "verwerking")
    casus = open_casus(regie)
    signal = casus.signal_links.get().signal
    assert signal.gemeente == home and casus.gemeente == home
    assert {w.gemeente_id for w in Weging.objects.filter(signal=signal)} | {
        w.gemeente_id for w in Weging.objects.filter(casus=casus)} == {"GM0479"}
    mention = MentionedSubject.objects.filter(signal=signal).first()
    assert ownership.gemeente_code_of(mention) == "GM0479"
    assert ownership.gemeente_code_of(casus.signal_links.get()) == "GM0479"
    assert ownership.gemeente_code_of(Phenomenon.objects.first()) is None  # a shared catalogue
    assert set(Source.objects.values_list("gemeente_id", flat=True)) == {"GM0479"}


def test_loading_another_gemeente_into_this_installation_is_refused(db):
    with pytest.raises(TenancyError, match="ingesteld voor Zaanstad .*niet voor Wormerland"):
        ensure_home_tenant("GM0880")
    with pytest.raises(ValueError, match="GM9999 is geen gemeentecode"):
        ensure_home_tenant("GM9999")
    assert list(Tenant.objects.values_list("code", flat=True)) == ["GM0479"]


def test_a_casus_holds_only_signals_of_its_own_gemeente(regie):
    casus = open_casus(regie)
    wormerland = add_wormerland(regie)
    elsewhere = to_research(regie, new_signal(regie, OTHER_NAME, "999990019", index=1, gemeente=wormerland))
    assert elsewhere.gemeente == wormerland
    assert set(Weging.objects.filter(signal=elsewhere).values_list("gemeente_id", flat=True)) == {"GM0880"}
    wegingen_before = Weging.objects.count()
    with pytest.raises(services.CaseError) as refused:
        services.link_signal(regie, casus, elsewhere, weging("W4", "casus"))
    assert refused.value.messages == [
        f"Signaal {elsewhere.reference} is van Wormerland en casus {casus.reference} van Zaanstad: een casus bevat "
        "alleen signalen van de eigen gemeente."]
    elsewhere.refresh_from_db()
    assert elsewhere.state == "bronnenonderzoek"  # nothing written
    assert not CasusSignal.objects.filter(signal=elsewhere).exists() and Weging.objects.count() == wegingen_before


def test_a_casusoverleg_puts_only_its_own_gemeentes_casussen_on_the_agenda(regie, home_gemeente):
    casus = open_casus(regie)
    wormerland = add_wormerland(regie)
    overleg = meetings.plan(regie, "Casusoverleg Wormerland", timezone.now() + timedelta(days=3), "Gemeentehuis",
                            gemeente=wormerland)
    assert overleg.gemeente == wormerland
    with pytest.raises(services.CaseError) as refused:
        meetings.add_to_agenda(regie, overleg, casus)
    assert refused.value.messages == [
        f"Casus {casus.reference} is van Zaanstad en dit casusoverleg van Wormerland: op de agenda staan alleen "
        "casussen van de eigen gemeente."]
    assert not AgendaItem.objects.filter(meeting=overleg).exists()
    own = meetings.plan(regie, "Casusoverleg Zaanstad", timezone.now() + timedelta(days=3), "Stadhuis",
                        gemeente=home_gemeente)
    assert own.gemeente_id == "GM0479" and meetings.add_to_agenda(regie, own, casus).casus == casus
    assert Meeting.objects.filter(gemeente=wormerland).count() == 1


def test_with_two_gemeenten_a_record_without_one_is_refused(regie):
    add_wormerland()
    with pytest.raises(GemeenteRequired, match="meer dan één gemeente"):
        new_signal(regie)
    with pytest.raises(GemeenteRequired, match="meer dan één gemeente"):
        Signal(reference="MO-2026-0000001")
    assert not Signal.objects.filter(reported_by=regie).exists()


def test_a_signal_is_researched_only_with_its_own_gemeentes_sources(regie):
    signal = to_research(regie, new_signal(regie, OTHER_NAME, "999990019"))
    wormerland = add_wormerland()
    theirs = Source.objects.create(gemeente=wormerland, code="BRP", name="BRP Wormerland", department="Burgerzaken",
                                   connector="BRP", fields={"persoon": [["burgerservicenummer", "BSN"]]},
                                   primary_basis="Wet BRP")
    with pytest.raises(research.ProtocolError) as refused:
        research.request_sources(regie, signal, [theirs], [signal.subjects.get().pk], "Nagaan of de persoon bekend is.")
    assert "De bron BRP Wormerland is van een andere gemeente dan dit signaal." in refused.value.messages
    assert not signal.source_requests.exists()


# ------------------------------------------------------------------ the migration's home gemeente


def test_the_migration_takes_the_one_gemeente_of_the_signals_and_refuses_when_there_are_several(regie):
    new_signal(regie)
    with override_settings(MELDPUNT_GEMEENTE=""):
        assert home_code(apps, "default") == "GM0479"
        gemeente = Gemeente.objects.create(code="GM0880", naam="Wormerland")
        buurt = Buurt.objects.create(code="BU08800101", naam="Wormer-Centrum",
                                     wijk=Wijk.objects.create(code="WK088001", naam="Wormer", gemeente=gemeente))
        Signal.objects.filter(pk=new_signal(regie, index=1).pk).update(buurt=buurt)
        several = r"meer dan één gemeente \(GM0479, GM0880\)\. .*MELDPUNT_GEMEENTE"
        with pytest.raises(HomeGemeenteUnknown, match=several):
            home_code(apps, "default")
    with override_settings(MELDPUNT_GEMEENTE="gm0479 "):
        assert home_code(apps, "default") == "GM0479"  # the setting wins, written either way
