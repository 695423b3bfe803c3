"""The protocol engine: every allowed transition works with its weging, every other one is
refused (P3), and the step rules (roles, fields, forwards, sealing) hold."""

import json

import pytest

from factories import resident_signal, weging
from meldpunt.accounts.roles import Role
from meldpunt.intake import services as intake
from meldpunt.intake.models import MentionedSubject, ReporterContact, Signal
from meldpunt.privacy.models import ProcessingLogEntry
from meldpunt.protocol import services
from meldpunt.protocol.models import Destination, StateChange, Weging
from meldpunt.protocol.services import ProtocolError, WegingInput
from meldpunt.protocol.transitions import CASUS_TRANSITIONS, SIGNAL_STATES, SIGNAL_TRANSITIONS, SignalState
from meldpunt.protocol.wegingen import DECISIONS
from meldpunt.registries.models import Nummeraanduiding

pytestmark = pytest.mark.django_db

ALL_ROLES = [r.value for r in Role]


@pytest.fixture
def superuser(make_user):
    """One person with every role, to reach every state (four-eyes is per person, not needed here)."""
    return make_user(*ALL_ROLES)


def wegingen_for(step):
    """The wegingen that make ``step`` possible."""
    result = []
    for kind in step.wegingen:
        decisions = dict(step.decisions).get(kind)
        result.append(weging(kind, sorted(decisions)[0] if decisions else "ja"))
    if step.any_negative:
        result = [weging("W1", "nee")]
    return result


def bring_to(user, signal, state):
    """Walk the shortest path of allowed transitions from 'ontvangen' to ``state``."""
    paths = {SignalState.ONTVANGEN: []}
    frontier = [SignalState.ONTVANGEN]
    while frontier:
        current = frontier.pop(0)
        for step in SIGNAL_TRANSITIONS:
            if step.source == current and step.target not in paths and not (step.system_only or step.service_only):
                paths[step.target] = [*paths[current], step]
                frontier.append(step.target)
    for step in paths[state]:
        take(user, signal, step)
        signal.refresh_from_db()
    return signal


def take(user, signal, step):
    if step.needs_forward:
        services.forward(user, signal, Destination.objects.get(code="riec"), "AVG art. 6 lid 1 sub e", ["fenomeen"])
    return services.decide(user, signal, wegingen_for(step), step.code)


@pytest.mark.parametrize("step", [t for t in SIGNAL_TRANSITIONS if not (t.system_only or t.service_only)],
                         ids=lambda t: t.code)
def test_every_allowed_transition_works_with_its_wegingen(superuser, step):
    signal = bring_to(superuser, resident_signal(superuser), step.source)
    take(superuser, signal, step)
    signal.refresh_from_db()
    assert signal.state == step.target
    last = StateChange.objects.filter(signal=signal).latest("at", "id")
    assert (last.source, last.target, last.transition) == (step.source, step.target, step.code)
    assert set(Weging.objects.filter(used_by=last).values_list("type", flat=True)) >= set(step.wegingen[:1])


@pytest.mark.parametrize("state", [s for s in SIGNAL_STATES if s != SignalState.VERNIETIGD])
def test_every_other_transition_is_refused(superuser, state):
    """From each state, every transition of the table that does not start there is refused,
    with or without wegingen, and nothing changes."""
    signal = bring_to(superuser, resident_signal(superuser), state)
    history = StateChange.objects.filter(signal=signal).count()
    for step in SIGNAL_TRANSITIONS:
        if step.source == state and not (step.system_only or step.service_only):
            continue
        with pytest.raises(ProtocolError):
            services.transition(superuser, signal, step.code)
    with pytest.raises(ProtocolError):
        services.transition(superuser, signal, "bestaat_niet")
    signal.refresh_from_db()
    assert signal.state == state
    assert StateChange.objects.filter(signal=signal).count() == history


@pytest.mark.parametrize("step", [t for t in SIGNAL_TRANSITIONS if t.wegingen and not t.system_only],
                         ids=lambda t: t.code)
def test_no_transition_without_its_complete_weging(superuser, step):
    """P3: without the weging, or with an incomplete one, the step is refused."""
    signal = bring_to(superuser, resident_signal(superuser), step.source)
    if step.needs_forward:
        services.forward(superuser, signal, Destination.objects.get(code="riec"), "grondslag", ["fenomeen"])
    with pytest.raises(ProtocolError, match="Leg eerst weging"):
        services.transition(superuser, signal, step.code)
    incomplete = [WegingInput(w.type, w.decision, reasoning="") for w in wegingen_for(step)]
    with pytest.raises(ProtocolError, match="motivering is verplicht"):
        services.decide(superuser, signal, incomplete, step.code)
    signal.refresh_from_db()
    assert signal.state == step.source
    assert not Weging.objects.filter(signal=signal, used_by__isnull=True, reasoning="").exists()


def test_w1_yes_needs_a_verankering_indicator(make_user):
    beoordelaar = make_user("beoordelaar")
    signal = resident_signal(beoordelaar)
    data = weging("W1", "ja", checklist={"kenmerken": ["openbare_orde"]})
    with pytest.raises(ProtocolError, match="verankering"):
        services.record_weging(beoordelaar, signal, data)
    with pytest.raises(ProtocolError, match="Onbekend onderdeel"):
        services.record_weging(beoordelaar, signal, weging("W1", "ja", checklist={"verankering": ["nationaliteit"]}))
    assert not Weging.objects.filter(signal=signal).exists()


def test_w3_is_weighed_against_versioned_criteria_and_research_needs_proportionality(make_user):
    beoordelaar, team = make_user("beoordelaar"), make_user("teamlid")
    signal = resident_signal(beoordelaar)
    services.decide(beoordelaar, signal, [weging("W1", "ja"), weging("W2A", "ja"), weging("W2B", "ja")],
                    "intake_doorzetten")
    with pytest.raises(ProtocolError, match="proportionaliteit"):
        services.record_weging(team, signal, weging("W3", "bronnenonderzoek", proportionality=""))
    recorded = services.record_weging(team, signal, weging("W3", "bronnenonderzoek"))
    assert recorded.criteria.kind == "W3" and recorded.criteria.version == 1


def test_roles_per_step(make_user):
    beoordelaar, team, melder = make_user("beoordelaar"), make_user("teamlid"), make_user("melder_intern")
    signal = resident_signal(melder)
    with pytest.raises(services.NotAllowed):  # a staff melder sees their own signal, but cannot weigh it
        services.record_weging(melder, signal, weging("W1", "ja"))
    with pytest.raises(services.NotAllowed):  # step 1 is not in the team's queue
        services.record_weging(team, signal, weging("W1", "ja"))
    services.decide(beoordelaar, signal, [weging("W1", "ja"), weging("W2A", "ja"), weging("W2B", "ja")],
                    "intake_doorzetten")
    with pytest.raises(services.NotAllowed):  # after step 1 the beoordelaar is no longer involved
        services.record_weging(beoordelaar, signal, weging("W3", "geen_actie"))


def test_moving_on_needs_a_location(make_user):
    beoordelaar = make_user("beoordelaar")
    data = intake.SignalInput(channel="intern", description="Iets vreemds gezien bij een loods.")
    signal = intake.create_signal(data, user=beoordelaar)
    with pytest.raises(ProtocolError, match="buurt of adres"):
        services.decide(beoordelaar, signal, [weging("W1", "ja"), weging("W2A", "ja"), weging("W2B", "ja")],
                        "intake_doorzetten")
    assert Signal.objects.get(pk=signal.pk).state == SignalState.ONTVANGEN
    assert not Weging.objects.filter(signal=signal).exists()  # decide is all or nothing


def test_a_negative_intake_weging_ends_intake(make_user):
    beoordelaar = make_user("beoordelaar")
    signal = resident_signal(beoordelaar)
    with pytest.raises(ProtocolError):  # three times yes cannot end intake
        services.decide(beoordelaar, signal, [weging("W1", "ja"), weging("W2A", "ja"), weging("W2B", "ja")],
                        "intake_afwijzen")
    services.decide(beoordelaar, signal, [weging("W1", "ja"), weging("W2A", "nee")], "intake_afwijzen")
    signal.refresh_from_db()
    assert signal.state == SignalState.NIET_IN_BEHANDELING


def test_geen_actie_is_sealed_outside_the_row_and_reading_it_needs_a_reason(make_user):
    beoordelaar, team, regisseur = make_user("beoordelaar"), make_user("teamlid"), make_user("regisseur")
    signal = intake.create_signal(intake.SignalInput(
        channel="telefoon", reporter_kind="burger", description="Geheime omschrijving met de naam Pietersen.",
        phenomenon="zorgfraude", address=Nummeraanduiding.objects.order_by("pk").first().pk,
        contact_name="Melder Klaassen", contact_phone="0612345678",
        subjects=[intake.SubjectInput(kind="persoon", name="Pietersen", bsn="999993653")]), user=beoordelaar)
    services.decide(beoordelaar, signal, [weging("W1", "ja"), weging("W2A", "ja"), weging("W2B", "ja")],
                    "intake_doorzetten")
    services.decide(team, signal, [weging("W3", "geen_actie")], "zwaarte_geen_actie")
    signal.refresh_from_db()
    assert signal.is_sealed and signal.description == ""
    assert b"Pietersen" not in bytes(signal.sealed)
    assert not MentionedSubject.objects.filter(signal=signal).exists()
    assert not ReporterContact.objects.filter(signal=signal).exists()
    assert (signal.destroy_after - signal.state_since.date()).days >= 365
    with pytest.raises(ProtocolError, match="reden"):
        services.reveal_sealed(regisseur, signal, "")
    with pytest.raises(services.NotAllowed):
        services.reveal_sealed(beoordelaar, signal, "Ik wil het graag even nakijken voor mijn werk.")
    before = ProcessingLogEntry.objects.filter(action="versleuteld_inzien").count()
    payload = services.reveal_sealed(regisseur, signal, "Nieuw signaal op hetzelfde adres, samenhang nagaan.")
    assert payload["omschrijving"].startswith("Geheime omschrijving")
    assert payload["contact"]["naam"] == "Melder Klaassen"
    lines = ProcessingLogEntry.objects.filter(action="versleuteld_inzien")
    assert lines.count() == before + 2  # the person (BSN) and the address (BAG)
    assert set(lines.values_list("basis", flat=True)) == {"Nieuw signaal op hetzelfde adres, samenhang nagaan."}


def test_forward_records_exactly_what_left(make_user):
    beoordelaar = make_user("beoordelaar")
    signal = resident_signal(beoordelaar, contact_name="", contact_phone="")
    destination = Destination.objects.get(code="politie")
    with pytest.raises(ProtocolError, match="Onbekende onderdelen"):
        services.forward(beoordelaar, signal, destination, "Sv art. 162", ["fenomeen", "contact_melder"])
    sent = services.forward(beoordelaar, signal, destination, "Sv art. 162", ["omschrijving", "fenomeen"])
    assert sent.items == ["fenomeen", "omschrijving"]
    assert set(sent.content) == {"kenmerk", "fenomeen", "omschrijving"}
    assert "betrokkenen" not in json.dumps(sent.content)
    from meldpunt.protocol.letters import forward_letter

    pdf = forward_letter(sent)
    assert pdf.startswith(b"%PDF")


def test_every_write_is_logged_per_data_subject(make_user):
    beoordelaar = make_user("beoordelaar")
    signal = resident_signal(beoordelaar)
    services.record_weging(beoordelaar, signal, weging("W1", "ja"))
    lines = ProcessingLogEntry.objects.filter(object_id=str(signal.pk), action="weging_W1")
    assert sorted(lines.values_list("subject_type", flat=True)) == ["bag", "bsn"]
    assert all("999993653" not in line.subject_pseudonym for line in lines)
    assert {line.trace_id for line in lines} and all(len(line.trace_id) == 32 for line in lines)


def test_casus_table_is_well_formed():
    codes = [t.code for t in CASUS_TRANSITIONS]
    assert len(codes) == len(set(codes))
    assert all(t.roles or t.system_only for t in CASUS_TRANSITIONS)
    for step in SIGNAL_TRANSITIONS:
        for kind, decisions in step.decisions:
            assert decisions <= set(DECISIONS[kind])


def test_the_team_member_who_decided_w3_stays_involved(make_user):
    beoordelaar, team, other_team = make_user("beoordelaar"), make_user("teamlid"), make_user("teamlid")
    signal = resident_signal(beoordelaar)
    services.decide(beoordelaar, signal, [weging("W1", "ja"), weging("W2A", "ja"), weging("W2B", "ja")],
                    "intake_doorzetten")
    services.decide(team, signal, [weging("W3", "geen_actie")], "zwaarte_geen_actie")
    signal.refresh_from_db()
    assert signal.assigned_to == team
    assert services.reveal_sealed(team, signal, "Samenhang met een nieuw signaal nagaan.")["omschrijving"]
    with pytest.raises(services.NotAllowed):  # the rest of the team has no involvement any more
        services.reveal_sealed(other_team, signal, "Samenhang met een nieuw signaal nagaan.")


def test_timeline_names_decisions_in_words(make_user):
    from meldpunt.protocol.selectors import timeline

    beoordelaar = make_user("beoordelaar")
    signal = resident_signal(beoordelaar)
    services.record_weging(beoordelaar, signal, weging("W1", "ja"))
    titles = [event.title for event in timeline(signal)]
    assert "Weging 1: is het ondermijning? — Ja, dit is ondermijning" in titles
