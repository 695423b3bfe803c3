"""Data-driven signals (issue 5): registry rules find the generator's planted patterns, create
signals in step 1 once (idempotent), refuse stigmatising parameters (P7), and a person decides."""

from datetime import date
from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from meldpunt.intake import rules
from meldpunt.intake.models import (
    Channel,
    DataRule,
    DataRuleHit,
    DataRuleKind,
    MentionedSubject,
    ReporterKind,
    Signal,
    SubjectKind,
)
from meldpunt.privacy.models import ProcessingLogEntry
from meldpunt.protocol import services as protocol
from meldpunt.protocol.services import WegingInput

pytestmark = pytest.mark.django_db

W1_CHECKLIST = {"kenmerken": ["openbare_orde"], "verankering": ["gelegenheid_zakelijk"]}


@pytest.fixture
def truth(generated_s):
    return generated_s.ground_truth


@pytest.fixture
def ref(truth):
    """The generator dates everything relative to its reference date: evaluate on that day."""
    return date.fromisoformat(truth["meta"]["reference_date"])


def planted(truth, code):
    """The planted instances in the terms of a finding's key."""
    if code == "overbewoning":
        return {i["adres"] for i in truth["overbewoning"]}
    if code == "bedrijven_woonadres":
        return {i["adres"] for i in truth["bedrijvencluster"]}
    if code == "risicobranche_wisselingen":
        return {(i["straat"], i["sbi"]) for i in truth["risicobranche_straat"]}
    return {i["verblijfsobject"] for i in truth["abc_doorverkoop"]}


def found(code, outcome):
    if code == "risicobranche_wisselingen":
        return {(f.key.split("|")[1], f.key.split("|")[2]) for f in outcome.new}
    if code == "abc_doorverkoop":
        return {f.key.split("|")[0] for f in outcome.new}
    return {f.key for f in outcome.new}


def outcome_of(report, code):
    return next(o for o in report.outcomes if o.code == code)


def test_the_four_rules_are_seeded_with_defaults_and_a_legal_basis():
    seeded = {r.code: r for r in DataRule.objects.all()}
    assert set(seeded) >= {"overbewoning", "bedrijven_woonadres", "risicobranche_wisselingen", "abc_doorverkoop"}
    for rule in seeded.values():
        assert rule.active and rule.version == 1
        assert "AVG art. 6 lid 1 sub e" in rule.legal_basis
        assert rule.parameters == {name: spec.default for name, spec in rules.SCHEMAS[rule.kind].items()}
        rule.full_clean()  # the seeded rules pass their own validation
    assert seeded["overbewoning"].parameters == {"min_volwassenen": 6, "max_m2_per_volwassene": 10}


@pytest.mark.parametrize("code", ["overbewoning", "bedrijven_woonadres", "risicobranche_wisselingen",
                                  "abc_doorverkoop"])
def test_each_rule_finds_its_planted_pattern_and_little_else(truth, ref, code):
    report = rules.run_rules(dry_run=True, reference_date=ref, codes=[code])
    outcome = outcome_of(report, code)
    assert not outcome.error
    expected, got = planted(truth, code), found(code, outcome)
    assert expected and expected <= got, f"{code}: gemist {expected - got}"
    false_positives = got - expected
    assert len(false_positives) <= 1, f"{code}: onterecht {false_positives}"


def test_a_run_creates_signals_in_step_1_once(truth, ref):
    log_before = ProcessingLogEntry.objects.filter(activity_code="data_analyse").count()
    report = rules.run_rules(reference_date=ref)
    assert report.created >= 8  # two planted instances of each of the four patterns
    signals = Signal.objects.filter(channel=Channel.DATA_ANALYSE)
    assert signals.count() == report.created == DataRuleHit.objects.count()
    for signal in signals:
        assert signal.state == "ontvangen" and signal.state_since is not None and signal.deadline is not None
        assert signal.reporter_kind == ReporterKind.MEDEWERKER and signal.reported_by is None
        assert signal.buurt_id, signal.description
        assert "Signaal uit data-analyse" in signal.description and "Grondslag: AVG art. 6" in signal.description
        assert not hasattr(signal, "contact") or signal.contact is None
    # Minimisation: addresses and companies, never a person.
    kinds = set(MentionedSubject.objects.filter(signal__in=signals).values_list("kind", flat=True))
    assert kinds <= {SubjectKind.ADRES, SubjectKind.ONDERNEMING}
    assert not MentionedSubject.objects.filter(signal__in=signals).exclude(bsn="").exists()
    # The overcrowded dwelling's signal names the address; the street finding names the companies.
    crowded = truth["overbewoning"][0]["adres"]
    assert signals.filter(address_id=crowded, phenomenon="woon_adresfraude").count() == 1
    street = truth["risicobranche_straat"][0]
    street_signal = signals.get(location_text__startswith=street["straat"])
    assert {v["kvk_nummer"] for v in street["vestigingen"]} <= set(
        street_signal.subjects.values_list("kvk_nummer", flat=True))
    # Logged like any intake, and under the data-analysis activity with the rule as basis.
    assert ProcessingLogEntry.objects.filter(activity_code="intake", object_id__in=[
        str(pk) for pk in signals.values_list("pk", flat=True)]).exists()
    lines = ProcessingLogEntry.objects.filter(activity_code="data_analyse", action="datasignaal_maken")
    assert lines.count() > log_before and lines.filter(basis__startswith="dataregel overbewoning versie 1").exists()

    again = rules.run_rules(reference_date=ref)
    assert again.created == 0
    assert Signal.objects.filter(channel=Channel.DATA_ANALYSE).count() == report.created
    assert all(o.already_signalled == o.found for o in again.outcomes)


def test_a_data_signal_goes_through_step_1_like_any_other(make_user, ref):
    rules.run_rules(reference_date=ref, codes=["abc_doorverkoop"])
    signal = Signal.objects.filter(channel=Channel.DATA_ANALYSE).first()
    beoordelaar = make_user("beoordelaar")
    wegingen = [WegingInput("W1", "ja", "Past in het patroon van witwassen via vastgoed.",
                            purpose="Bestrijden van ondermijning", legal_basis="AVG art. 6 lid 1 sub e",
                            checklist=W1_CHECKLIST)]
    wegingen += [WegingInput(kind, "ja", "Gemeentelijke taak en eigen grondgebied.",
                             purpose="Bestrijden van ondermijning", legal_basis="AVG art. 6 lid 1 sub e")
                 for kind in ("W2A", "W2B")]
    protocol.decide(beoordelaar, signal, wegingen, "intake_doorzetten")
    signal.refresh_from_db()
    assert signal.state == "zwaarte"
    other = Signal.objects.filter(channel=Channel.DATA_ANALYSE, state="ontvangen").first()
    if other is not None:  # and a beoordelaar may also turn one down
        protocol.decide(beoordelaar, other, [WegingInput("W1", "nee", "Verklaarbaar: erfenis en verbouwing.",
                                                         purpose="Bestrijden van ondermijning",
                                                         legal_basis="AVG art. 6 lid 1 sub e")], "intake_afwijzen")
        other.refresh_from_db()
        assert other.state == "niet_in_behandeling"


@pytest.mark.parametrize("parameters, field", [
    ({"min_volwassenen": 6, "nationaliteit": ["NL"]}, "parameters"),
    ({"min_volwassenen": 6, "max_m2_per_volwassene": 10, "filter": {"land_van_herkomst": "x"}}, "parameters"),
    ({"min_volwassenen": "etnische achtergrond"}, "parameters"),
])
def test_a_stigmatising_parameter_is_refused(parameters, field):
    rule = DataRule(code="test-p7", kind=DataRuleKind.OVERBEWONING, name="Test", description="Test",
                    parameters=parameters, legal_basis="AVG art. 6 lid 1 sub e", phenomenon_id="woon_adresfraude")
    with pytest.raises(ValidationError) as raised:
        rule.full_clean()
    assert "P7" in " ".join(raised.value.message_dict[field])


def test_unknown_and_out_of_range_parameters_are_refused_in_dutch():
    rule = DataRule(code="test-bad", kind=DataRuleKind.ABC_DOORVERKOOP, name="Test", description="Test",
                    parameters={"max_dagen": -3, "min_stijgingen": 2}, legal_basis="",
                    phenomenon_id="witwassen_vastgoed")
    with pytest.raises(ValidationError) as raised:
        rule.full_clean()
    messages = raised.value.message_dict
    assert any("Onbekende parameter" in m for m in messages["parameters"])
    assert any("'max_dagen' moet tussen" in m for m in messages["parameters"])
    assert "Leg de grondslag van de regel vast." in messages["legal_basis"]
    name_rule = DataRule(code="afkomst-regel", kind=DataRuleKind.OVERBEWONING, name="Naar afkomst",
                         description="Test", parameters={}, legal_basis="x", phenomenon_id="woon_adresfraude")
    with pytest.raises(ValidationError) as raised:
        name_rule.full_clean()
    assert {"code", "name"} <= set(raised.value.message_dict)


def test_a_rule_changed_around_validation_is_not_run(ref):
    DataRule.objects.filter(code="overbewoning").update(parameters={"min_volwassenen": 6, "herkomst": "x"})
    report = rules.run_rules(reference_date=ref)
    assert "P7" in outcome_of(report, "overbewoning").error
    assert not Signal.objects.filter(channel=Channel.DATA_ANALYSE, phenomenon="woon_adresfraude").exists()
    assert outcome_of(report, "abc_doorverkoop").signals  # the other rules still run


def test_thresholds_are_configurable(truth, ref):
    rule = DataRule.objects.get(code="overbewoning")
    default = outcome_of(rules.run_rules(dry_run=True, reference_date=ref, codes=["overbewoning"]), "overbewoning")
    rule.parameters = {"min_volwassenen": 20, "max_m2_per_volwassene": 10}
    rule.full_clean()
    rule.save()
    stricter = outcome_of(rules.run_rules(dry_run=True, reference_date=ref, codes=["overbewoning"]), "overbewoning")
    assert stricter.found == 0 < default.found
    rule.parameters = {"min_volwassenen": 4, "max_m2_per_volwassene": 30}
    rule.save()
    looser = outcome_of(rules.run_rules(dry_run=True, reference_date=ref, codes=["overbewoning"]), "overbewoning")
    assert looser.found > default.found and planted(truth, "overbewoning") <= {f.key for f in looser.new}
    # A switched-off rule does not run in a normal run.
    DataRule.objects.filter(code="overbewoning").update(active=False)
    assert "overbewoning" not in {o.code for o in rules.run_rules(dry_run=True, reference_date=ref).outcomes}


def test_a_dry_run_changes_nothing(ref):
    signals, hits = Signal.objects.count(), DataRuleHit.objects.count()
    report = rules.run_rules(dry_run=True, reference_date=ref)
    assert sum(len(o.new) for o in report.outcomes) >= 8 and report.created == 0
    assert Signal.objects.count() == signals and DataRuleHit.objects.count() == hits
    # What was shown is logged as read (P2), not as a creation.
    assert ProcessingLogEntry.objects.filter(activity_code="data_analyse", action="datasignaal_proefdraaien").exists()
    assert not ProcessingLogEntry.objects.filter(activity_code="data_analyse", action="datasignaal_maken").exists()


def test_the_command_runs_and_dry_runs(ref):
    out = StringIO()
    call_command("datasignalen", "run", "--dry-run", "--peildatum", ref.isoformat(), stdout=out)
    assert "Proefdraaien: er zijn geen signalen gemaakt." in out.getvalue()
    assert not Signal.objects.filter(channel=Channel.DATA_ANALYSE).exists()
    out = StringIO()
    call_command("datasignalen", "run", "--regel", "abc_doorverkoop", "--peildatum", ref.isoformat(), stdout=out)
    assert "nieuwe signalen in stap 1" in out.getvalue()
    assert Signal.objects.filter(channel=Channel.DATA_ANALYSE, phenomenon="witwassen_vastgoed").count() >= 2
    out = StringIO()
    call_command("datasignalen", "regels", stdout=out)
    assert "min_volwassenen = 6" in out.getvalue()


def test_a_destroyed_signal_takes_its_hit_along(ref):
    rules.run_rules(reference_date=ref, codes=["abc_doorverkoop"])
    hit = DataRuleHit.objects.select_related("signal").first()
    assert len(hit.object_pseudonym) == 64 and hit.signal.address_id not in hit.object_pseudonym
    hit.signal.delete()
    assert not DataRuleHit.objects.filter(pk=hit.pk).exists()


def test_functioneel_beheer_edits_a_rule_in_the_admin_and_p7_is_enforced_there(client, make_user):
    import json

    from django.urls import reverse

    beheerder = make_user("beheerder")
    beheerder.is_staff = beheerder.is_superuser = True
    beheerder.save(update_fields=["is_staff", "is_superuser"])
    client.force_login(beheerder)
    rule = DataRule.objects.get(code="overbewoning")
    url = reverse("admin:intake_datarule_change", args=[rule.pk])
    assert client.get(url).status_code == 200
    form = {"code": rule.code, "kind": rule.kind, "name": rule.name, "description": rule.description,
            "phenomenon": rule.phenomenon_id, "legal_basis": rule.legal_basis, "active": "on"}
    refused = client.post(url, {**form, "parameters": json.dumps({"min_volwassenen": 6, "afkomst": "x"})})
    assert refused.status_code == 200 and "P7" in refused.content.decode()
    rule.refresh_from_db()
    assert rule.version == 1 and "afkomst" not in rule.parameters
    saved = client.post(url, {**form, "parameters": json.dumps({"min_volwassenen": 8})})
    assert saved.status_code == 302
    rule.refresh_from_db()
    assert rule.version == 2 and rule.parameters == {"min_volwassenen": 8, "max_m2_per_volwassene": 10.0}
    assert client.post(reverse("admin:intake_datarule_delete", args=[rule.pk]), {"post": "yes"}).status_code == 403
