"""The FG's pages (toezicht): search the processing log per user, per subject and per period,
the security log, CSV exports that are logged themselves, and read-only for the FG."""

import csv
import io
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from meldpunt.accounts.roles import Role
from meldpunt.core.keys import pseudonymise
from meldpunt.privacy import log, security
from meldpunt.privacy.models import ProcessingLogEntry, SecurityEvent, SecurityLogEntry, SubjectType

pytestmark = pytest.mark.django_db

BSN = "111222333"
OTHER_BSN = "123456782"
KVK = "12345678"
URLS = ["web:toezicht", "privacy:verwerkingslog", "privacy:verwerkingslog_export", "privacy:beveiligingslog",
        "privacy:beveiligingslog_export"]


@pytest.fixture
def fg(client, make_user):
    user = make_user(Role.FG)
    client.force_login(user)
    return user


@pytest.fixture
def processed(make_user):
    """A beoordelaar read a signal about BSN and a company; a regisseur forwarded one about another BSN."""
    beoordelaar, regisseur = make_user(Role.BEOORDELAAR), make_user(Role.REGISSEUR)
    log.record("signaal_inzien", "signaal_beoordelen",
               [log.DataSubject(SubjectType.BSN, BSN), log.DataSubject(SubjectType.KVK, KVK)],
               user=beoordelaar, basis="=HYPERLINK(\"http://evil\")")
    log.record("doorzenden", "doorzenden", [log.DataSubject(SubjectType.BSN, OTHER_BSN)], user=regisseur,
               basis="doorgezonden naar het RIEC")
    return beoordelaar, regisseur


def page(client, name, **params):
    return client.get(reverse(name), params)


def test_toezicht_links_to_the_log_pages(client, fg):
    response = page(client, "web:toezicht")
    html = response.content.decode()
    assert response.status_code == 200
    assert reverse("privacy:verwerkingslog") in html and reverse("privacy:beveiligingslog") in html
    assert "U kunt alles inzien en niets wijzigen" in html


@pytest.mark.parametrize("role", [Role.BEOORDELAAR, Role.REGISSEUR, Role.BEHEERDER, Role.PRIVACYFUNCTIONARIS])
def test_other_roles_are_refused(client, make_user, role):
    client.force_login(make_user(role))
    for name in URLS:
        assert page(client, name).status_code == 403, name


def test_search_per_subject_shows_who_when_what_and_basis(client, fg, processed):
    beoordelaar, _ = processed
    response = page(client, "privacy:verwerkingslog", nummer="111 222 333", soort="bsn")
    html = response.content.decode()
    lines = response.context["lines"]
    assert [line.subject_pseudonym for line in lines] == [pseudonymise(SubjectType.BSN, BSN)]
    line = lines[0]
    assert line.username_now == beoordelaar.username and line.role == "beoordelaar"
    assert beoordelaar.username in html and f"({Role.BEOORDELAAR.label})" in html  # the role's name, not its code
    assert "Wegen van signalen" in html  # the activity from the register, with its basis
    assert "AVG art. 6 lid 1 sub e" in html
    assert "signaalinhoud" in html  # which data
    assert "Signaal inzien" in html and "signaal_inzien" not in html  # the action in words
    # The clear number is never stored, not even by the search that used it.
    assert not ProcessingLogEntry.objects.filter(subject_pseudonym__contains=BSN).exists()
    assert not ProcessingLogEntry.objects.filter(basis__contains=BSN).exists()


def test_the_search_is_itself_logged_per_subject(client, fg, processed):
    page(client, "privacy:verwerkingslog", nummer=BSN, soort="bsn")
    own = ProcessingLogEntry.objects.filter(user_id=fg.pk, activity_code="toezicht")
    assert own.filter(action="verwerkingslog_inzien", subject_type=SubjectType.BSN,
                      subject_pseudonym=pseudonymise(SubjectType.BSN, BSN)).count() == 1
    # The beoordelaar whose line the FG saw is a data subject of that read too.
    assert own.filter(subject_type=SubjectType.INTERNAL,
                      subject_pseudonym=pseudonymise(SubjectType.INTERNAL, f"gebruiker:{processed[0].pk}")).exists()


def test_search_per_kvk_number(client, fg, processed):
    lines = page(client, "privacy:verwerkingslog", nummer=KVK, soort="kvk").context["lines"]
    assert [line.subject_type for line in lines] == [SubjectType.KVK]


def test_an_invalid_bsn_gets_a_dutch_error_and_no_rows(client, fg, processed):
    response = page(client, "privacy:verwerkingslog", nummer="123456789", soort="bsn")
    html = response.content.decode()
    assert "Pas de zoekvragen aan" in html
    assert "elfproef" in html.lower() or "geen geldig" in html.lower() or "BSN" in html
    assert response.context["form"].errors["nummer"]


def test_search_per_user_and_per_period(client, fg, processed):
    _, regisseur = processed
    lines = page(client, "privacy:verwerkingslog", gebruiker=regisseur.pk).context["lines"]
    assert {line.user_id for line in lines} == {regisseur.pk} and lines[0].action == "doorzenden"
    today = timezone.localdate()
    in_period = page(client, "privacy:verwerkingslog", van=today.isoformat(), tot=today.isoformat()).context["lines"]
    assert {line.action for line in in_period} >= {"doorzenden", "signaal_inzien"}
    earlier = (today - timedelta(days=30)).isoformat()
    before = page(client, "privacy:verwerkingslog", van=earlier, tot=(today - timedelta(days=1)).isoformat())
    assert not [line for line in before.context["lines"] if line.user_id == regisseur.pk]
    wrong_way = page(client, "privacy:verwerkingslog", van=today.isoformat(), tot=earlier)
    assert "De einddatum ligt vóór de begindatum." in wrong_way.content.decode()


def test_export_is_csv_escaped_and_logged(client, fg, processed):
    response = page(client, "privacy:verwerkingslog_export", nummer=BSN, soort="bsn")
    assert response["Content-Type"].startswith("text/csv")
    assert response["Cache-Control"] == "no-store"
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    header, body = rows[0], rows[1:]
    assert header[:6] == ["regel", "tijdstip", "medewerker", "rol", "handeling", "verwerkingsactiviteit"]
    assert len(body) == 1
    row = dict(zip(header, body[0], strict=True))
    assert row["medewerker"] == processed[0].username and row["betrokkene (pseudoniem)"] == pseudonymise("bsn", BSN)
    assert row["reden"].startswith("'=")  # a spreadsheet does not run it as a formula
    assert BSN not in response.content.decode()
    assert ProcessingLogEntry.objects.filter(user_id=fg.pk, action="verwerkingslog_exporteren",
                                             subject_pseudonym=pseudonymise("bsn", BSN)).exists()


def test_security_log_page_and_export(client, fg, make_user):
    other = make_user(Role.ANALIST)
    security.log_event(SecurityEvent.LOGIN_FAILED, "mislukt", username=other.username, detail="proef")
    response = page(client, "privacy:beveiligingslog", gebeurtenis=SecurityEvent.LOGIN_FAILED)
    lines = response.context["lines"]
    assert lines and all(line.event == SecurityEvent.LOGIN_FAILED for line in lines)
    assert other.username in response.content.decode() and "Inloggen mislukt" in response.content.decode()
    export = page(client, "privacy:beveiligingslog_export", gebeurtenis=SecurityEvent.LOGIN_FAILED)
    text = export.content.decode("utf-8-sig")
    assert text.splitlines()[0].startswith("regel;tijdstip;gebeurtenis;resultaat;gebruiker")
    assert other.username in text
    assert ProcessingLogEntry.objects.filter(user_id=fg.pk, action="beveiligingslog_exporteren").exists()


def test_pages_are_paginated(client, fg, make_user):
    user = make_user(Role.BEOORDELAAR)
    log.record("signaal_inzien", "signaal_beoordelen",
               [log.DataSubject(SubjectType.INTERNAL, f"p:{i}") for i in range(60)], user=user)
    first = page(client, "privacy:verwerkingslog", gebruiker=user.pk)
    assert len(first.context["lines"]) == 50 and first.context["page"].paginator.count == 60
    second = page(client, "privacy:verwerkingslog", gebruiker=user.pk, pagina=2)
    assert len(second.context["lines"]) == 10
    assert "Pagina 2 van 2" in second.content.decode()


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_the_fg_can_change_nothing(client, fg, processed, method):
    processing, securitylog = ProcessingLogEntry.objects.count(), SecurityLogEntry.objects.count()
    for name in URLS:
        response = getattr(client, method)(reverse(name), {"nummer": BSN})
        assert response.status_code == 405, (name, method)
    assert ProcessingLogEntry.objects.count() == processing
    assert SecurityLogEntry.objects.count() == securitylog
