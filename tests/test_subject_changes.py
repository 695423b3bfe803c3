"""Subjects after intake (issue 12, part 2): add, correct and remove a subject with a reason, each a
logged change on the timeline; who may in which step (policy.subject_change_refusal); partial
identification (name with birth year or age range, signalement) and its search in the BRP, answered
hit/no-hit only."""

from datetime import date

import pytest
from django.urls import reverse

from factories import new_signal, open_casus, pc1, signal_with_named_people, to_research, typo_person, weging
from meldpunt.accounts.roles import Role
from meldpunt.cases.models import Casus
from meldpunt.core.errors import Conflict, NotAllowed, NotFound
from meldpunt.intake import subject_changes
from meldpunt.intake.errors import IntakeError
from meldpunt.intake.models import MentionedSubject, SubjectChange
from meldpunt.intake.services import SubjectInput
from meldpunt.privacy.models import ProcessingLogEntry
from meldpunt.protocol import selectors
from meldpunt.protocol import services as protocol
from meldpunt.protocol.research import services as research
from meldpunt.protocol.research.models import Source

pytestmark = pytest.mark.django_db

REASON = "De melder belde terug met een naam."
PARTIAL = SubjectInput(kind="persoon", role="huurder", name="Kees Voorbeeld", birth_year=1984)


@pytest.fixture
def people(make_user):
    return {"beoordelaar": make_user("beoordelaar"), "regisseur": make_user("regisseur"),
            "teamlid": make_user("teamlid"), "pf": make_user("privacyfunctionaris"),
            "walker": make_user(*[r.value for r in Role])}


def _counts(signal):
    return (MentionedSubject.objects.filter(signal=signal).count(), SubjectChange.objects.filter(signal=signal).count(),
            ProcessingLogEntry.objects.filter(action__startswith="betrokkene_").count())


def test_adding_a_partially_identified_person_is_on_the_timeline_and_in_the_log(people):
    signal = new_signal(people["beoordelaar"])
    mention = subject_changes.add_subject(people["beoordelaar"], signal, PARTIAL, REASON)
    assert (mention.name, mention.birth_year, mention.birth_date) == ("Kees Voorbeeld", 1984, None)
    event = next(e for e in selectors.timeline(signal) if e.kind == "betrokkene")
    assert event.title == "Betrokkene toegevoegd: Persoon (huurder)"
    assert REASON in event.detail and "beoordelaar" in event.who
    line = ProcessingLogEntry.objects.get(action="betrokkene_toegevoegd")
    assert line.object_id == str(signal.pk) and REASON in line.basis and line.role == "beoordelaar"


@pytest.mark.parametrize("reason", ["", "   ", "\u200b", "x\x00"])
def test_a_change_without_a_reason_is_refused_and_changes_nothing(people, reason):
    signal = new_signal(people["beoordelaar"])
    before = _counts(signal)
    with pytest.raises(IntakeError) as refused:
        subject_changes.add_subject(people["beoordelaar"], signal, PARTIAL, reason)
    assert "reason" in refused.value.field_errors
    mention = signal.subjects.get()
    with pytest.raises(IntakeError):
        subject_changes.correct_subject(people["beoordelaar"], signal, mention.pk, PARTIAL, reason)
    with pytest.raises(IntakeError):
        subject_changes.remove_subject(people["beoordelaar"], signal, mention.pk, reason)
    assert _counts(signal) == before


def test_correcting_names_the_changed_fields_and_nothing_changed_is_refused(people):
    signal = new_signal(people["beoordelaar"])
    mention = subject_changes.add_subject(people["beoordelaar"], signal, PARTIAL, REASON)
    corrected = SubjectInput(kind="persoon", role="huurder", name="Kees Voorbeelt", age_from=35, age_to=45)
    subject_changes.correct_subject(people["beoordelaar"], signal, mention.pk, corrected, "Naam verkeerd gespeld.")
    mention.refresh_from_db()
    assert (mention.name, mention.birth_year, mention.age_from, mention.age_to) == ("Kees Voorbeelt", None, 35, 45)
    event = [e for e in selectors.timeline(signal) if e.kind == "betrokkene"][-1]
    assert event.title == "Betrokkene gecorrigeerd: Persoon (huurder)"
    assert "Gewijzigd: naam, geboortejaar, leeftijd van, leeftijd tot en met." in event.detail
    with pytest.raises(IntakeError, match="niets gewijzigd"):
        subject_changes.correct_subject(people["beoordelaar"], signal, mention.pk, corrected, "Nog eens.")


def test_removing_keeps_kind_role_and_reason_but_no_name(people):
    signal = new_signal(people["beoordelaar"], name="Verkeerde Persoon")
    mention = signal.subjects.get()
    subject_changes.remove_subject(people["beoordelaar"], signal, mention.pk, "Per vergissing vastgelegd.")
    assert not MentionedSubject.objects.filter(pk=mention.pk).exists()
    change = SubjectChange.objects.get(signal=signal)
    assert change.subject is None and change.subject_label == "Persoon" and change.kind == "verwijderd"
    timeline = " ".join(f"{e.title} {e.detail}" for e in selectors.timeline(signal))
    assert "Betrokkene verwijderd" in timeline and "Verkeerde Persoon" not in timeline
    assert ProcessingLogEntry.objects.filter(action="betrokkene_verwijderd", object_id=str(signal.pk)).exists()


@pytest.mark.parametrize(("item", "message"), [
    (SubjectInput(kind="persoon", name="A", birth_year=1850), "geboortejaar"),
    (SubjectInput(kind="persoon", name="A", birth_year=2999), "geboortejaar"),
    (SubjectInput(kind="persoon", name="A", age_from=50, age_to=30), "hoger"),
    (SubjectInput(kind="persoon", name="A", age_from=130), "leeftijd"),
    (SubjectInput(kind="onderneming", name="A B.V.", birth_year=1990), "alleen bij een persoon"),
    (SubjectInput(kind="persoon", name="A", birth_date=date(1980, 1, 1), birth_year=1981), "past niet"),
    (SubjectInput(kind="persoon", role="bewoner"), "signalement"),
])
def test_partial_identification_is_checked(people, item, message):
    signal = new_signal(people["beoordelaar"])
    before = _counts(signal)
    with pytest.raises(IntakeError, match=message):
        subject_changes.add_subject(people["beoordelaar"], signal, item, REASON)
    assert _counts(signal) == before


def test_a_person_known_only_by_signalement_may_be_recorded(people):
    signal = new_signal(people["beoordelaar"])
    item = SubjectInput(kind="persoon", description="Man van rond de 40, rode jas, fietst 's nachts af en aan.")
    assert subject_changes.add_subject(people["beoordelaar"], signal, item, REASON).description


def test_at_most_ten_subjects(people):
    signal = new_signal(people["beoordelaar"])
    for n in range(9):
        subject_changes.add_subject(people["beoordelaar"], signal, SubjectInput(kind="persoon", name=f"P {n}"), REASON)
    with pytest.raises(IntakeError, match="hoogstens 10"):
        subject_changes.add_subject(people["beoordelaar"], signal, SubjectInput(kind="persoon", name="P 10"), REASON)


# ------------------------------------------------------------------------------ who may, when


def test_only_who_works_on_the_signal_in_its_step_may_change_subjects(people):
    signal = new_signal(people["walker"])
    # Step 1: the beoordelaar and the regisseur; the teamlid does not read the signal yet.
    assert not subject_changes.policy.subject_change_refusal(people["beoordelaar"], signal)
    with pytest.raises(NotFound):
        subject_changes.add_subject(people["teamlid"], signal, PARTIAL, REASON)
    to_research(people["walker"], signal)
    # Step 3: the team and the regisseur; the beoordelaar no longer reads it.
    with pytest.raises(NotFound):
        subject_changes.add_subject(people["beoordelaar"], signal, PARTIAL, REASON)
    assert subject_changes.add_subject(people["teamlid"], signal, PARTIAL, REASON).pk
    assert subject_changes.add_subject(people["regisseur"], signal, PARTIAL, REASON).pk


def test_a_closed_signal_refuses_with_a_dutch_reason(people):
    signal = new_signal(people["walker"])
    protocol.decide(people["walker"], signal, [weging("W1", "nee"), weging("W2A", "ja"), weging("W2B", "ja")],
                    "intake_afwijzen")
    signal.refresh_from_db()
    before = _counts(signal)
    with pytest.raises(NotAllowed, match="afgehandeld"):
        subject_changes.add_subject(people["regisseur"], signal, PARTIAL, REASON)
    with pytest.raises(NotAllowed, match="afgehandeld"):
        subject_changes.remove_subject(people["regisseur"], signal, signal.subjects.get().pk, REASON)
    assert _counts(signal) == before


def test_a_signal_in_a_closed_casus_refuses(make_user):
    regie = make_user("regisseur", "teamlid")
    casus = open_casus(regie)
    signal = casus.signal_links.get().signal
    assert subject_changes.add_subject(regie, signal, PARTIAL, REASON).pk  # open casus: the team may
    Casus.objects.filter(pk=casus.pk).update(state="afgesloten")
    with pytest.raises(NotAllowed, match="casus van dit signaal is afgesloten"):
        subject_changes.add_subject(regie, signal, PARTIAL, REASON)


def test_a_subject_put_to_a_source_is_neither_corrected_nor_removed(people):
    signal, _persoon, known, _invented = signal_with_named_people(people)
    research.request_sources(people["regisseur"], signal, [Source.objects.get(code="BRP")], [known.pk], "Wie?")
    before = _counts(signal)
    with pytest.raises(Conflict, match="bron voorgelegd"):
        subject_changes.correct_subject(people["regisseur"], signal, known.pk, PARTIAL, REASON)
    with pytest.raises(Conflict, match="bron voorgelegd"):
        subject_changes.remove_subject(people["regisseur"], signal, known.pk, REASON)
    assert _counts(signal) == before


def test_a_subject_of_another_signal_is_not_found(people):
    signal, other = new_signal(people["beoordelaar"]), new_signal(people["beoordelaar"], index=1)
    foreign = other.subjects.get()
    with pytest.raises(NotFound):
        subject_changes.correct_subject(people["beoordelaar"], signal, foreign.pk, PARTIAL, REASON)
    with pytest.raises(NotFound):
        subject_changes.remove_subject(people["beoordelaar"], signal, foreign.pk, REASON)
    assert MentionedSubject.objects.filter(pk=foreign.pk, name=foreign.name).exists()


# ------------------------------------------------------------------------------ search on what is known


def _partial_signal(people, *items):
    signal = to_research(people["walker"], new_signal(people["walker"]))
    return signal, [subject_changes.add_subject(people["teamlid"], signal, item, REASON) for item in items]


def test_name_with_birth_year_or_age_range_is_searched_in_the_brp_hit_or_no_hit(people):
    persoon, _typo = typo_person()
    name = f"{persoon.voornamen} {persoon.voorvoegsel} {persoon.geslachtsnaam}".replace("  ", " ")
    age = date.today().year - persoon.geboortedatum.year
    signal, (by_year, by_age, invented) = _partial_signal(
        people, SubjectInput(kind="persoon", name=name, birth_year=persoon.geboortedatum.year),
        SubjectInput(kind="persoon", name=name, age_from=age - 3, age_to=age + 2),
        SubjectInput(kind="persoon", name="Xander Quintus Zwartveld", birth_year=1971))
    for code in ("NHR", "SOCIAAL_DOMEIN"):
        with pytest.raises(research.ProtocolError, match="naam en geboortejaar: vraag daarvoor alleen de BRP"):
            research.request_sources(people["regisseur"], signal, [Source.objects.get(code=code)], [by_year.pk], "x")
    item = research.request_sources(people["regisseur"], signal, [Source.objects.get(code="BRP")],
                                    [by_year.pk, by_age.pk, invented.pk], "Bestaan deze personen in de BRP?")[0]
    research.decide_pc1(people["pf"], item, pc1())
    answers = {h.subject_id: h.hit for h in item.hits.all()}
    assert answers == {by_year.pk: True, by_age.pk: True, invented.pk: False}
    assert ProcessingLogEntry.objects.filter(action="hit_bevraagd", basis__contains="naam en geboortejaar").exists()


def test_a_signalement_or_a_bare_name_cannot_be_put_to_a_source_and_says_why(people, client):
    signal, (described, named) = _partial_signal(
        people, SubjectInput(kind="persoon", description="Lange man met rode jas."),
        SubjectInput(kind="persoon", name="Alleen Naam"))
    for mention, why in ((described, "alleen een signalement"), (named, "alleen een naam")):
        with pytest.raises(research.ProtocolError, match=why):
            research.request_sources(people["regisseur"], signal, [Source.objects.get(code="BRP")], [mention.pk], "x")
    client.force_login(people["regisseur"])
    page = client.get(reverse("protocol:bronnen_aanvragen", args=[signal.reference])).content.decode()
    assert "alleen een signalement" in page and "Niet te bevragen" in page


def test_an_inzageverzoek_finds_a_person_recorded_by_name_and_birth_year(people):
    from factories import open_inzage_request
    from meldpunt.privacy.inzage import selectors as inzage

    persoon, _typo = typo_person()
    name = f"{persoon.voornamen} {persoon.voorvoegsel} {persoon.geslachtsnaam}".replace("  ", " ")
    age = date.today().year - persoon.geboortedatum.year
    by_year = new_signal(people["beoordelaar"], name="Iemand Anders")
    subject_changes.add_subject(people["beoordelaar"], by_year,
                                SubjectInput(kind="persoon", name=name, birth_year=persoon.geboortedatum.year), REASON)
    by_age = new_signal(people["beoordelaar"], name="Iemand Anders", index=1)
    subject_changes.add_subject(people["beoordelaar"], by_age,
                                SubjectInput(kind="persoon", name=name, age_from=age - 2, age_to=age + 2), REASON)
    other_year = new_signal(people["beoordelaar"], name="Iemand Anders", index=2)
    subject_changes.add_subject(people["beoordelaar"], other_year,
                                SubjectInput(kind="persoon", name=name, birth_year=persoon.geboortedatum.year - 9),
                                REASON)
    found = inzage.find(open_inzage_request(persoon.bsn, people["pf"])).signals
    assert "naam en geboortejaar" in found[by_year.pk] and "naam en geschatte leeftijd" in found[by_age.pk]
    assert not {"naam en geboortejaar", "naam en geschatte leeftijd"} & found.get(other_year.pk, set())
