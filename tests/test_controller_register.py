"""Each gemeente its own controller, the parts after S2/S5 (ADR 0030 §2, §6, §7): the archivaris's
Bewaartermijnen page per gemeente, the register of processing activities per gemeente, the Logboek
API's ``gemeente`` key. Two tenants: Zaanstad (home) and Wormerland."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from conftest import grant_roles
from factories import new_signal
from meldpunt.intake.models import Signal
from meldpunt.privacy.retention import selectors as retention
from meldpunt.privacy.retention.models import DestructionList


@pytest.fixture
def zaanstad(home_gemeente):
    return home_gemeente


@pytest.fixture
def due(make_user, zaanstad, wormerland):
    """One overdue signal in each gemeente: (Zaanstad's, Wormerland's)."""
    regie = grant_roles(make_user("regisseur", "beoordelaar", gemeente=zaanstad), "regisseur", "beoordelaar",
                        gemeente=wormerland)
    here, there = new_signal(regie, gemeente=zaanstad), new_signal(regie, index=1, gemeente=wormerland)
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
