"""P2 attack: the processing log must say the right thing, not just something.

A log line that names the wrong person, claims data that was never stored, files a read under the
wrong purpose, or points at a record that no longer exists is a false statement in an append-only
chain — it cannot be corrected afterwards. These tests read the lines as the FG and an auditor
would: who is named, which data, which register activity, and what the Toezicht pages show for a
line about a destroyed signal (docs/adr/0019)."""

import csv
import io

import pytest
from django.urls import reverse

from meldpunt.accounts.roles import Role
from meldpunt.intake import selectors as intake_selectors
from meldpunt.intake import services as intake
from meldpunt.privacy import chain
from meldpunt.privacy.models import ProcessingLogEntry
from meldpunt.privacy.retention import jobs, services
from meldpunt.privacy.retention.models import DestructionStatement
from meldpunt.protocol import services as protocol
from meldpunt.protocol.research import services as research
from meldpunt.protocol.research.models import Source
from meldpunt.protocol.research.services import Pc1Input
from meldpunt.registries.models import Nummeraanduiding, Persoon
from test_retention_support import age, new_signal, niet_in_behandeling, pass_cooling_off, to_casus, weging

pytestmark = [pytest.mark.attack, pytest.mark.django_db]

COMPATIBILITY = {key: "Gewogen: past bij het doel." for key in research.COMPATIBILITY_FACTORS}


def pc1():
    return Pc1Input(decision="toegestaan", reasoning="De bron is nodig om het signaal te toetsen.",
                    primary_basis="Wet BRP art. 3.2", compatibility=dict(COMPATIBILITY),
                    necessity="Zonder deze bron geen toets.", proportionality="Alleen hit/no-hit.",
                    subsidiarity="Geen lichter middel.")


def lines(**filters):
    return list(ProcessingLogEntry.objects.filter(**filters).order_by("seq"))


def signal_in_research(walker, bsn):
    signal = new_signal(walker, subjects=[intake.SubjectInput(kind="persoon", name="A. Bewoner", bsn=bsn)])
    protocol.decide(walker, signal, [weging("W1", "ja"), weging("W2A", "ja"), weging("W2B", "ja")],
                    "intake_doorzetten")
    protocol.decide(walker, signal, [weging("W3", "bronnenonderzoek")], "zwaarte_bronnenonderzoek")
    signal.refresh_from_db()
    assert signal.state == "bronnenonderzoek"
    return signal


def test_a_brp_query_is_logged_under_the_regisseur_who_asked_not_the_privacyfunctionaris(make_user):
    """The privacyfunctionaris approves privacy check 1; approving is not consulting the BRP. The
    consultation that follows is done for the regisseur who asked — the log must say so and name
    the approver as approver."""
    walker = make_user(*[r.value for r in Role])
    regisseur, pf = make_user("regisseur"), make_user("privacyfunctionaris")
    bsn = Persoon.objects.filter(verblijfplaatsen__isnull=False).order_by("pk").first().bsn
    signal = signal_in_research(walker, bsn)
    item = research.request_sources(regisseur, signal, [Source.objects.get(code="BRP")],
                                    [signal.subjects.get().pk], "Woont de genoemde persoon hier?")[0]
    research.decide_pc1(pf, item, pc1())

    consulted = lines(action="hit_bevraagd", object_id=str(signal.pk))
    assert consulted, "the BRP was consulted (hit/no-hit)"
    assert {(line.user_id, line.role) for line in consulted} == {(regisseur.pk, "regisseur")}
    assert all(f"goedgekeurd door {pf.get_username()}" in line.basis for line in consulted)
    # The approver's own act is the decision, logged under them — and only that.
    assert {line.action for line in lines(user_id=pf.pk, object_id=str(signal.pk))} == {"pc1_toegestaan"}


def test_an_anonymous_report_is_not_logged_as_holding_reporter_contact():
    """Nothing about the reporter is stored for an anonymous report (P5): a log line claiming
    'contactgegevens melder' is false, and would tell an inzage requester something untrue."""
    anonymous = intake.create_signal(intake.SignalInput(
        channel="webformulier", description="Elke nacht busjes bij de loods.", reporter_kind="anoniem",
        subjects=[intake.SubjectInput(kind="voertuig", kenteken="XQ-77-ZR")]))
    (line,) = lines(action="signaal_registreren", object_id=str(anonymous.pk))
    assert "contactgegevens melder" not in line.data_categories
    assert "BSN" not in line.data_categories and "KvK" not in line.data_categories
    assert "personen" not in line.data_categories and "bedrijven" not in line.data_categories
    assert line.data_categories == "signaalinhoud, genoemde voertuigen (kenteken)"

    # A named reporter who left contact details and a BSN: then, and only then, they are named.
    address = Nummeraanduiding.objects.order_by("pk").first()
    named = intake.create_signal(intake.SignalInput(
        channel="telefoon", description="Drukte bij het pand, wisselende bezoekers.", reporter_kind="burger",
        address=address.pk, contact_email="melder@example.org",
        subjects=[intake.SubjectInput(kind="persoon", name="A. Bewoner", bsn="999993653")]))
    logged = lines(action="signaal_registreren", object_id=str(named.pk))
    assert len(logged) == 2  # the person (BSN) and the address (BAG)
    assert {line.data_categories for line in logged} == {
        "signaalinhoud, adres (BAG), genoemde personen (BSN), contactgegevens melder"}


def test_a_signal_read_in_a_casus_is_logged_under_the_casus_activity(make_user, client):
    """Once a signal joined a casus (step 4) it is read for the casus, not for the weging of steps
    1-2; in step 3 for the bronnenonderzoek. The register activity is the purpose of the read."""
    staff = make_user("beoordelaar", "regisseur", "teamlid")
    client.force_login(staff)
    early = new_signal(staff)
    intake_selectors.signal_for(staff, early.reference)
    assert lines(action="signaal_inzien", object_id=str(early.pk))[-1].activity_code == "signaal_beoordelen"

    research_signal = signal_in_research(staff, "999993653")
    intake_selectors.signal_for(staff, research_signal.reference)
    assert lines(action="signaal_inzien", object_id=str(research_signal.pk))[-1].activity_code == "bronnenonderzoek"

    casus = to_casus(staff, new_signal(staff))
    in_casus = casus.signal_links.get().signal
    assert in_casus.state == "casus"
    response = client.get(reverse("protocol:signaal", args=[in_casus.reference]))
    assert response.status_code == 200
    read = lines(action="signaal_inzien", object_id=str(in_casus.pk))
    assert read and read[-1].activity_code == "casus"
    assert read[-1].basis == "rol in stap 'Casus'"  # the step in words, not the state code


@pytest.fixture
def destroyed(make_user, django_capture_on_commit_callbacks):
    """A signal read by staff, then destroyed through the real list workflow."""
    staff = make_user("beoordelaar", "regisseur", "teamlid")
    signal = niet_in_behandeling(staff, new_signal(staff))
    intake_selectors.signal_for(staff, signal.reference)
    age(signal, 400)
    destruction_list = services.compose(make_user("archivaris"), "Logwaarheid")
    services.review(make_user("archivaris"), destruction_list, True)
    pass_cooling_off(destruction_list)
    with django_capture_on_commit_callbacks(execute=True):
        assert "1 vernietigd" in str(jobs.run())
    statement = DestructionStatement.objects.get(destruction_list=destruction_list)
    return signal, statement


def test_the_fg_sees_vernietigd_not_a_dangling_signal_id_after_destruction(destroyed, make_user, client):
    """After destruction the lines about the signal still say 'signal <id>' in the database (they
    cannot change); the FG's page and export must resolve that to the tombstone — 'vernietigd',
    with the kenmerk and the verklaring — and never show an id that points nowhere."""
    signal, statement = destroyed
    client.force_login(make_user(Role.FG))
    expected = f"vernietigd: signaal {signal.reference}, verklaring van vernietiging {statement.number}"
    query = {"activiteit": "signaal_beoordelen"}
    html = client.get(reverse("privacy:verwerkingslog"), query).content.decode()
    assert expected in html
    assert f"signal {signal.pk}" not in html

    export = client.get(reverse("privacy:verwerkingslog_export"), query)
    rows = list(csv.DictReader(io.StringIO(export.content.decode("utf-8-sig")), delimiter=";"))
    assert rows and {row["object"] for row in rows} == {expected}
    assert f"signal {signal.pk}" not in export.content.decode("utf-8-sig")


def test_lines_about_a_destroyed_signal_stay_unchanged_and_the_chain_verifies(destroyed):
    """The log is append-only: destruction rewrites no line (the FG view resolves the reference
    through the tombstone) and the chain still verifies end to end."""
    signal, statement = destroyed
    about = lines(object_type="signal", object_id=str(signal.pk))
    assert {"signaal_registreren", "signaal_inzien"} <= {line.action for line in about}
    assert all(line.hash == chain._line_hash_of(line) for line in about)
    assert chain.verify(ProcessingLogEntry).problems == []
    # The destruction itself is logged, on the list, with the verklaring as basis.
    assert lines(action="vernietigen", basis=f"Verklaring {statement.number}")


def test_the_fg_sees_the_kenmerk_of_a_live_signal_not_its_database_id(make_user, client):
    staff = make_user("beoordelaar")
    signal = new_signal(staff)
    client.force_login(make_user(Role.FG))
    html = client.get(reverse("privacy:verwerkingslog"), {"activiteit": "intake"}).content.decode()
    assert f"signaal {signal.reference}" in html
    assert f"signal {signal.pk}" not in html
