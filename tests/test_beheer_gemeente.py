"""Beheer › Gemeente (issue 14, "What must work" 1): the functioneel beheerder sets the gemeente of
an empty installation with the same service as `meldpunt setup --gemeente`; with data of a
gemeente present the page says so and refuses, changing nothing."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.urls import reverse

from beeld_support import beeld_dir, forget_snapshots
from meldpunt.demo import setup
from meldpunt.insight.models import Snapshot
from meldpunt.registries.models import Buurt, Gemeente

pytestmark = pytest.mark.django_db


def test_the_page_offers_the_342_gemeenten_by_name_and_warns_about_the_loaded_one(client, make_user):
    client.force_login(make_user("beheerder"))
    html = client.get(reverse("web:gemeente")).content.decode()
    assert "Let op: er staan al gegevens van Zaanstad in deze installatie." in html
    assert html.count("<option") == 343  # "Kies een gemeente" and the 342
    assert "Schiermonnikoog (Fryslân)" in html and "Amsterdam (Noord-Holland)" in html
    assert "Gemeente instellen" in client.get(reverse("web:beheer")).content.decode()


def test_another_gemeente_is_refused_while_data_of_one_is_there(client, make_user):
    client.force_login(make_user("beheerder"))
    buurten = Buurt.objects.count()
    response = client.post(reverse("web:gemeente"), {"gemeente": "GM0363"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Er staan al registratiegegevens van Zaanstad in deze installatie." in html
    assert "Amsterdam instellen kan alleen in een lege installatie" in html
    assert list(Gemeente.objects.values_list("naam", flat=True)) == ["Zaanstad"]
    assert Buurt.objects.count() == buurten


def test_a_choice_outside_the_list_gets_a_dutch_error(client, make_user):
    client.force_login(make_user("beheerder"))
    html = client.post(reverse("web:gemeente"), {"gemeente": "GM9999"}).content.decode()
    assert "Kies een gemeente uit de lijst." in html
    html = client.post(reverse("web:gemeente"), {"gemeente": ""}).content.decode()
    assert "Kies een gemeente." in html


@pytest.mark.parametrize("role", ["analist", "regisseur", "fg"])
def test_only_the_beheerder_sets_the_gemeente(client, make_user, role):
    client.force_login(make_user(role))
    assert client.get(reverse("web:gemeente")).status_code == 403
    assert client.post(reverse("web:gemeente"), {"gemeente": "GM0096"}).status_code == 403
    assert list(Gemeente.objects.values_list("code", flat=True)) == ["GM0479"]


@pytest.mark.django_db(transaction=True)
def test_the_command_and_the_service_set_an_empty_installation_up(tmp_path, settings, capsys):
    """The same service behind the command: on an empty database Vlieland is generated, loaded and
    given a first beeld; a second run (now with data) is refused in Dutch. The installation is not
    yet set to a gemeente (MELDPUNT_GEMEENTE empty): Vlieland becomes its home tenant."""
    settings.MELDPUNT_GEMEENTE = ""
    call_command("flush", interactive=False, verbosity=0)
    forget_snapshots()
    settings.VAR_DIR = tmp_path
    with beeld_dir(tmp_path / "beeld"):
        try:
            call_command("setup", gemeente="GM0096", verbosity=0)
            assert setup.loaded_gemeente() == ("GM0096", "Vlieland")
            assert Snapshot.objects.exists()  # the first beeld (the demo stories may add one)
            assert "Klaar: Meldpunt Ondermijning staat klaar voor Vlieland (GM0096)." in capsys.readouterr().out
            with pytest.raises(setup.GemeenteSetupError, match="al registratiegegevens van Vlieland"):
                setup.setup_gemeente("GM0363")

        finally:
            forget_snapshots()


@pytest.mark.django_db(transaction=True)
def test_an_installation_set_to_one_gemeente_refuses_another_before_generating(settings, tmp_path):
    call_command("flush", interactive=False, verbosity=0)  # empty: no registry data, home tenant Zaanstad
    settings.VAR_DIR = tmp_path
    with pytest.raises(setup.GemeenteSetupError, match="ingesteld voor Zaanstad, niet voor Vlieland"):
        setup.setup_gemeente("GM0096")
    assert not (tmp_path / "generated").exists()
