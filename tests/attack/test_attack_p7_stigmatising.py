"""P7 attacked: a functioneel beheerder tries to make a data rule or an indicator that works with
nationality, ethnicity, origin or religion — in its name, description or filter (parameters),
with every case and spacing trick — and a data rule tries to decide about a person.

Before the shared vocabulary (core/stigmatising.py) the two gates used different lists: the rule
gate let 'buitenlands', 'migrant' and 'land van geboorte' through, the indicator gate 'religie',
'moslim' and 'ras'."""

import json
from datetime import date
from types import SimpleNamespace

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from meldpunt.core.stigmatising import find_stigmatising_terms
from meldpunt.insight.models import DataSource, Indicator
from meldpunt.insight.validators import stigmatising_terms as indicator_gate
from meldpunt.intake import rules
from meldpunt.intake.models import Channel, DataRule, DataRuleKind, Signal
from meldpunt.protocol.models import StateChange, Weging

pytestmark = [pytest.mark.attack, pytest.mark.django_db]

TERMS = ["nationaliteit", "etniciteit", "herkomst", "land van geboorte", "geboorteland", "buitenlands", "migrant",
         "allochtoon", "religie", "moslim", "ras", "huidskleur", "afkomst", "migratieachtergrond", "geloof",
         "autochtoon", "islam", "joods", "race", "etnische achtergrond", "niet-westerse"]
# The same terms dressed up: case, accents, separators, letter spacing, compounds, plurals.
VARIANTS = ["NATIONALITEIT", "Nationaliteit ", "nationali-teit", "Land_van-Geboorte", "land  van\tgeboorte",
            "landvangeboorte", "n a t i o n a l i t e i t", "h-e-r-k-o-m-s-t", "Bewonersherkomst",
            "percentage_buitenlandse_inwoners", "Migranten", "Religieuze achtergrond", "Moslims", "RAS",
            "Etnïciteit", "ALLOCHTONEN", "huids kleur", "Geboorte-land", "Nationality", "Country of birth"]
INNOCENT = ["Terras met nachtelijke bezoekers", "Geloofwaardige melding van een buurman", "Internationale handel",
            "Aantal inschrijvingen per verblijfsobject", "Wisselingen van bestuurders in risicobranches",
            "Grasland achter de loods", "Rasterwerk bij de kapsalon", "Originele facturen ontbreken"]
RULE_FORM = {"code": "p7-aanval", "kind": DataRuleKind.OVERBEWONING, "name": "Aanval", "description": "Aanval",
             "phenomenon_id": "woon_adresfraude", "legal_basis": "AVG art. 6 lid 1 sub e", "parameters": {}}


def rule_with(field, term):
    values = dict(RULE_FORM)
    if field == "parameters.value":
        values["parameters"] = {"min_volwassenen": term}
    elif field == "parameters.key":
        values["parameters"] = {term.replace(" ", "_"): 1}
    else:
        values[field] = f"Adressen met {term}"
    return DataRule(**values)


@pytest.mark.parametrize("term", TERMS + VARIANTS)
def test_both_gates_refuse_every_term_and_variant(term):
    """The rule gate and the indicator gate answer the same, and both refuse."""
    assert rules.stigmatising_terms(term), f"dataregel laat '{term}' door"
    assert indicator_gate(term), f"indicator laat '{term}' door"
    assert find_stigmatising_terms(f"Bewoners naar {term} per buurt")


@pytest.mark.parametrize("text", INNOCENT)
def test_ordinary_words_are_no_stigmatising_terms(text):
    assert rules.stigmatising_terms(text) == [] and indicator_gate(text) == []


@pytest.mark.parametrize("field", ["code", "name", "description", "parameters.key", "parameters.value"])
@pytest.mark.parametrize("term", ["buitenlands", "migrant", "land van geboorte", "religie", "moslim", "ras",
                                  "Nationaliteit", "n a t i o n a l i t e i t"])
def test_a_data_rule_with_a_stigmatising_term_is_refused(field, term):
    rule = rule_with(field, term)
    with pytest.raises(ValidationError) as raised:
        rule.full_clean()
    messages = " ".join(m for ms in raised.value.message_dict.values() for m in ms)
    assert "P7" in messages
    assert not DataRule.objects.filter(code="p7-aanval").exists()


@pytest.mark.parametrize("field", ["name", "description"])
@pytest.mark.parametrize("term", ["religie", "moslim", "ras", "geloof", "joods", "huidskleur", "land van geboorte",
                                  "RELIGIE", "Land_van_Geboorte"])
def test_an_indicator_with_a_stigmatising_term_is_refused(field, term):
    indicator = Indicator(code="p7-aanval", phenomenon_id="overig", kind="hard", name="Aanval",
                          description="Aanval")
    setattr(indicator, field, f"Bewoners met {term}")
    with pytest.raises(ValidationError) as raised:
        indicator.full_clean()
    assert "P7" in " ".join(raised.value.message_dict[field])
    source = DataSource(code="p7-bron", name=f"Register van {term}", department="Burgerzaken")
    with pytest.raises(ValidationError):
        source.full_clean()


@pytest.fixture
def beheerder(client, make_user):
    user = make_user("beheerder")
    user.is_staff = user.is_superuser = True
    user.save(update_fields=["is_staff", "is_superuser"])
    client.force_login(user)
    return user


@pytest.mark.parametrize("term", ["religie", "moslim", "Land van geboorte", "buitenlands"])
def test_the_admin_forms_refuse_and_save_nothing(client, beheerder, term):
    """Through the admin a beheerder would use: the rule's filter and the indicator's name."""
    rules_before, indicators_before = DataRule.objects.count(), Indicator.objects.count()
    response = client.post(reverse("admin:intake_datarule_add"), {
        "code": "p7-admin", "kind": DataRuleKind.OVERBEWONING, "name": "Overbewoning", "description": "Drempels",
        "phenomenon": "woon_adresfraude", "legal_basis": "AVG art. 6 lid 1 sub e", "active": "on",
        "parameters": json.dumps({"min_volwassenen": 6, term.replace(" ", "_"): "ja"})})
    assert response.status_code == 200 and "P7" in response.content.decode()
    response = client.post(reverse("admin:insight_indicator_add"), {
        "code": "p7-admin", "phenomenon": "overig", "kind": "hard", "name": f"Aandeel {term}",
        "description": "", "measure": "", "hotspot_weight": "0", "reference": "", "order": "100", "active": "on"})
    assert response.status_code == 200 and "P7" in response.content.decode()
    assert (DataRule.objects.count(), Indicator.objects.count()) == (rules_before, indicators_before)


def test_no_filter_or_field_anywhere_names_nationality_or_origin():
    """No werkvoorraad or beeld filter (page or API), and no column in any table, can carry a
    stigmatising trait: there is nothing to filter on."""
    from django.apps import apps

    from meldpunt.insight import dashboards
    from meldpunt.insight.forms import DashboardFilterForm
    from meldpunt.intake.forms import QueueFilterForm
    from meldpunt.intake.serializers import QUEUE_PARAMETERS, QueueQuerySerializer

    texts = []
    queue_form = QueueFilterForm({}, states=[])
    for name, field in queue_form.fields.items():
        texts += [name, str(field.label)] + [str(label) for _, label in getattr(field, "choices", [])]
    texts += [p.name + " " + (p.description or "") for p in QUEUE_PARAMETERS]
    texts += list(QueueQuerySerializer().fields)
    for theme in dashboards.THEMES.values():
        form = DashboardFilterForm({}, theme=theme, snapshot=SimpleNamespace(periods=["2025"]),
                                   gemeenten=[("GM0479", "Zaanstad")])
        for name, field in form.fields.items():
            texts += [name, str(field.label)] + [str(label) for _, label in getattr(field, "choices", [])]
    for model in apps.get_models():
        for field in model._meta.get_fields():
            texts += [field.name, str(getattr(field, "verbose_name", ""))]
    found = {text: find_stigmatising_terms(text) for text in texts if find_stigmatising_terms(text)}
    assert found == {}


def test_a_data_rule_suggests_a_step_1_signal_and_decides_nothing(generated_s):
    """No automated decision about a person: a run creates signals in 'ontvangen', never a weging
    or a transition, and never names a person."""
    reference_date = date.fromisoformat(generated_s.ground_truth["meta"]["reference_date"])
    wegingen, changes = Weging.objects.count(), StateChange.objects.count()
    report = rules.run_rules(reference_date=reference_date)
    created = Signal.objects.filter(channel=Channel.DATA_ANALYSE)
    assert report.created > 0 and created.count() == report.created
    assert Weging.objects.count() == wegingen
    # One history line per new signal: its receipt. No step was taken for anyone.
    assert StateChange.objects.count() == changes + report.created
    assert set(StateChange.objects.filter(signal__in=created).values_list("target", flat=True)) == {"ontvangen"}
    assert set(created.values_list("state", flat=True)) == {"ontvangen"}
    assert not created.filter(subjects__kind="persoon").exists()
