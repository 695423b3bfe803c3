"""Each gemeente its own controller, the parts after S2/S5 (ADR 0030 §2, §6, §7): the archivaris's
Bewaartermijnen page per gemeente, the register of processing activities per gemeente, the Logboek
API's ``gemeente`` key. Two tenants: Zaanstad (home) and Wormerland."""

from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from conftest import grant_roles
from factories import new_signal
from meldpunt.intake.models import Signal
from meldpunt.privacy import ldv, log, register
from meldpunt.privacy.models import ProcessingActivity, ProcessingLogEntry
from meldpunt.privacy.retention import selectors as retention
from meldpunt.privacy.retention import services as retention_services
from meldpunt.privacy.retention.models import DestructionList, Tombstone
from test_retention_support import age, niet_in_behandeling, pass_cooling_off


@pytest.fixture
def zaanstad(home_gemeente):
    return home_gemeente


@pytest.fixture
def due(make_user, zaanstad, wormerland):
    """One overdue signal in each gemeente: (Zaanstad's, Wormerland's)."""
    regie = grant_roles(make_user("regisseur", "beoordelaar", gemeente=zaanstad), "regisseur", "beoordelaar",
                        gemeente=wormerland)
    here, there = (age(niet_in_behandeling(regie, new_signal(regie, index=i, gemeente=g)), 400)
                   for i, g in ((0, zaanstad), (1, wormerland)))
    Signal.objects.filter(pk__in=[here.pk, there.pk]).update(destroy_after=timezone.localdate() - timedelta(days=1))
    return Signal.objects.get(pk=here.pk), Signal.objects.get(pk=there.pk)


def _references(overview) -> set[str]:
    return {row.reference for bucket in overview.buckets for row in bucket.rows}


def test_the_archivaris_of_one_gemeente_sees_only_its_watchlist(make_user, due, zaanstad, wormerland, client):
    here, there = due
    archivaris = make_user("archivaris", gemeente=zaanstad)
    overviews = retention.overviews(archivaris)
    assert [o.gemeente for o in overviews] == [zaanstad]
    assert _references(overviews[0]) == {here.reference}
    assert overviews[0].buckets[0].count == 1
    client.force_login(archivaris)
    page = client.get(reverse("web:bewaartermijnen")).content.decode()
    assert here.reference in page and there.reference not in page
    assert "Wormerland" not in page


def test_an_archivaris_of_two_gemeenten_sees_each_part_and_composes_per_gemeente(
        make_user, due, zaanstad, wormerland, client):
    here, there = due
    archivaris = grant_roles(make_user("archivaris", gemeente=zaanstad), "archivaris", gemeente=wormerland)
    overviews = retention.overviews(archivaris)
    assert [o.gemeente.naam for o in overviews] == ["Wormerland", "Zaanstad"]
    assert _references(overviews[0]) == {there.reference} and _references(overviews[1]) == {here.reference}
    client.force_login(archivaris)
    page = client.get(reverse("web:bewaartermijnen")).content.decode()
    assert here.reference in page and there.reference in page and "Wormerland" in page

    form = {"lijst-name": "Vervallen Wormerland", "lijst-kind": "", "lijst-result_class": "", "lijst-until": ""}
    refused = client.post(reverse("retention:opstellen"), form)
    assert refused.status_code == 200 and "Kies de gemeente van de lijst." in refused.content.decode()
    assert not DestructionList.objects.exists()
    client.post(reverse("retention:opstellen"), {**form, "lijst-gemeente": wormerland.code})
    made = DestructionList.objects.get()
    assert made.gemeente == wormerland
    assert list(made.items.values_list("reference", flat=True)) == [there.reference]


def test_the_fg_of_one_gemeente_reads_only_its_watchlist(make_user, due, zaanstad, wormerland, client):
    here, there = due
    fg = make_user("fg", gemeente=wormerland)
    client.force_login(fg)
    page = client.get(reverse("retention:inzien")).content.decode()
    assert there.reference in page and here.reference not in page


# ---------------------------------------------------------------------- the register per gemeente


def _last_line(code: str) -> ProcessingLogEntry:
    return ProcessingLogEntry.objects.filter(gemeente_code=code).order_by("-id").first()


def test_each_gemeentes_log_lines_point_at_its_own_register(make_user, zaanstad, wormerland, settings):
    home_base = settings.MELDPUNT_LDV_REGISTER_URI.rstrip("/")
    user = make_user("regisseur", gemeente=zaanstad)
    subject = [log.DataSubject("bsn", "999993653")]
    log.record("inzien", "signaal_beoordelen", subject, user=user, gemeente=zaanstad)
    log.record("inzien", "signaal_beoordelen", subject, user=user, gemeente=wormerland)
    here, there = _last_line(zaanstad.code), _last_line(wormerland.code)
    # The home gemeente keeps the installation's addresses (old lines stay valid); Wormerland its own.
    assert here.activity_uri == f"{home_base}/verwerkingsactiviteiten/signaal_beoordelen/1"
    assert there.activity_uri == "urn:nl:gm0880:register/verwerkingsactiviteiten/signaal_beoordelen/1"
    assert ldv.activity_of(there.activity_uri) == ("signaal_beoordelen", 1)

    # Wormerland changes its entry: a version of its own, numbered after the template's.
    own = register.revise("signaal_beoordelen", gemeente=wormerland.code, purpose="Het doel volgens Wormerland.")
    assert (own.gemeente_code, own.version) == (wormerland.code, 2)
    assert own.uri == "urn:nl:gm0880:register/verwerkingsactiviteiten/signaal_beoordelen/2"
    log.record("inzien", "signaal_beoordelen", subject, user=user, gemeente=wormerland)
    log.record("inzien", "signaal_beoordelen", subject, user=user, gemeente=zaanstad)
    assert _last_line(wormerland.code).activity_version == 2
    assert _last_line(wormerland.code).activity_uri.endswith("signaal_beoordelen/2")
    assert _last_line(zaanstad.code).activity_version == 1  # Zaanstad reads the template still
    assert register.entry(wormerland.code, "signaal_beoordelen", 2).purpose == "Het doel volgens Wormerland."
    assert register.entry(wormerland.code, "signaal_beoordelen", 1).gemeente_code == ""

    # Each register shows its own rows: Wormerland its version 2 (and the template's 1 its old lines
    # named), Zaanstad the template only.
    theirs = [(a.gemeente_code, a.version) for a in register.register_of(wormerland.code)
              if a.code == "signaal_beoordelen"]
    assert theirs == [("", 1), (wormerland.code, 2)]
    assert [a.version for a in register.register_of(zaanstad.code) if a.code == "signaal_beoordelen"] == [1]

    # A template change does not reach a gemeente that changed the activity itself.
    template = register.revise("signaal_beoordelen", purpose="Nieuw gedeeld doel.")
    assert (template.gemeente_code, template.version) == ("", 2)
    assert log.activity_at("signaal_beoordelen", gemeente_code=wormerland.code).pk == own.pk
    assert log.activity_at("signaal_beoordelen", gemeente_code=zaanstad.code).pk == template.pk


def test_the_same_version_may_exist_once_per_register(zaanstad, wormerland):
    register.revise("signaal_beoordelen", gemeente=wormerland.code, purpose="Eigen doel van Wormerland.")
    with pytest.raises(IntegrityError), transaction.atomic():
        ProcessingActivity.objects.create(gemeente_code=wormerland.code, code="signaal_beoordelen", version=2,
                                          name="dubbel", purpose="x", legal_basis="y")


# ------------------------------------------------------------------ the Logboek API per gemeente

API = "/api/v1/logboek/verwerkingen"


def test_the_logboek_api_asks_an_fg_of_several_gemeenten_which_one(make_user, zaanstad, wormerland, client):
    worker = make_user("regisseur", gemeente=zaanstad)
    subject = [log.DataSubject("bsn", "999993653")]
    log.record("inzien", "signaal_beoordelen", subject, user=worker, gemeente=zaanstad)
    log.record("inzien", "signaal_beoordelen", subject, user=worker, gemeente=wormerland)
    question = {"dataSubjectId": "999993653", "dataSubjectIdType": "bsn"}

    fg_a = make_user("fg", gemeente=zaanstad)
    client.force_login(fg_a)
    answer = client.get(API, question)
    assert answer.status_code == 200 and len(answer.json()["records"]) == 1  # one gemeente: no key needed
    refused = client.get(API, {**question, "gemeente": wormerland.code})
    assert refused.status_code == 400 and refused["Content-Type"].startswith("application/problem+json")
    assert "geen FG of auditor van gemeente GM0880" in refused.json()["detail"]

    both = grant_roles(make_user("fg", gemeente=zaanstad), "fg", gemeente=wormerland)
    client.force_login(both)
    ambiguous = client.get(API, question)
    assert ambiguous.status_code == 400 and "meer dan één gemeente" in ambiguous.json()["detail"]
    assert "GM0880 (Wormerland)" in ambiguous.json()["detail"]
    assert client.get(API, {**question, "gemeente": "Zaanstad"}).status_code == 400
    theirs = client.get(API, {**question, "gemeente": wormerland.code.lower()})
    assert theirs.status_code == 200
    uris = [r["attributes"]["dpl.core.processing_activity_id"] for r in theirs.json()["records"]]
    assert uris == ["urn:nl:gm0880:register/verwerkingsactiviteiten/signaal_beoordelen/1"]


# --------------------------------------------------------------------- tombstones name their gemeente


def test_a_tombstone_names_the_gemeente_of_its_list(make_user, due, wormerland):
    here, there = due
    archivaris = make_user("archivaris", gemeente=wormerland)
    tweede = make_user("archivaris", gemeente=wormerland)
    listed = retention_services.compose(archivaris, "Vervallen Wormerland", gemeente=wormerland)
    retention_services.review(tweede, listed, True)
    pass_cooling_off(listed)
    retention_services.execute(archivaris, listed)
    stone = Tombstone.objects.get()
    assert (stone.reference, stone.gemeente_code) == (there.reference, wormerland.code)
    assert Signal.objects.filter(pk=here.pk).exists() and not Signal.objects.filter(pk=there.pk).exists()
