"""P1 (need to know), attacked on the page "Koppelen aan een bestaande casus": a regisseur who does
not lead and is not on the team of a casus swaps its id into the form, and calls the service with
it. The casus is not offered, the post is refused, and nothing is linked or weighed."""

import pytest
from django.urls import reverse

from factories import BASIS, new_signal, to_research, weging
from meldpunt.cases import services as case_services
from meldpunt.cases.models import Casus, CasusSignal
from meldpunt.core.errors import MeldpuntError
from meldpunt.protocol import services
from meldpunt.protocol.models import Weging

pytestmark = [pytest.mark.attack, pytest.mark.django_db]


@pytest.fixture
def world(make_user):
    walker = make_user("beoordelaar", "teamlid", "regisseur")
    owner, outsider = make_user("regisseur"), make_user("regisseur")
    first = to_research(walker, new_signal(walker))
    services.decide(owner, first, [weging("W4", "casus")], "hits_casus")
    casus = Casus.objects.get(signal_links__signal=first)
    assert casus.lead == owner
    return {"casus": casus, "outsider": outsider, "signal": to_research(walker, new_signal(walker))}


def test_a_casus_of_someone_else_is_not_offered_and_a_swapped_id_links_nothing(client, world):
    casus, signal = world["casus"], world["signal"]
    client.force_login(world["outsider"])
    url = reverse("cases:signaal_koppelen", args=[signal.reference])
    assert casus.reference not in client.get(url).content.decode()
    weighed = Weging.objects.count()
    response = client.post(url, {"casus": casus.pk, **BASIS, "reasoning": "Zelfde pand."})
    assert response.status_code in (200, 403, 404, 422)
    signal.refresh_from_db()
    assert signal.state == "bronnenonderzoek"
    assert not CasusSignal.objects.filter(signal=signal).exists()
    assert Weging.objects.count() == weighed


def test_the_service_refuses_the_swapped_casus_too(world):
    with pytest.raises(MeldpuntError):
        case_services.link_signal(world["outsider"], world["casus"], world["signal"],
                                  weging("W4", "casus"))
    assert not CasusSignal.objects.filter(signal=world["signal"]).exists()
