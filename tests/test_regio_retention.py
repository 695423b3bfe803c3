"""Retention of regional requests (ADR 0030 §8.8): B's RegionalRequest is part of the dossier of the
signals of B it is about, and is destroyed — with its RV weging — when the last of them is destroyed
through a destruction list. A's side goes with A's signal; a release A received stays A's."""

from __future__ import annotations

import pytest

from conftest import grant_roles
from meldpunt.intake.models import Signal
from meldpunt.privacy.retention import destroy_hooks, destruction, services
from meldpunt.protocol.models import Weging
from meldpunt.regio import services as regio_services
from meldpunt.regio.models import RegionalRelease, RegionalRequest
from meldpunt.regio.retention import forget_requests, requests_gone_with
from regio_support import a_signal_in_research, share, signal_in, zaanstreek
from test_regio_exchange import allowed
from test_retention_support import age, niet_in_behandeling, pass_cooling_off

pytestmark = pytest.mark.django_db


@pytest.fixture
def regio(home_gemeente):
    return zaanstreek()


@pytest.fixture
def people(make_user, regio):
    """As in test_regio_exchange: the walker makes signals in both, pf_b is Wormerland's."""
    zaanstad, wormerland = regio
    walker = grant_roles(make_user("beoordelaar", "regisseur", "teamlid", gemeente=zaanstad),
                         "beoordelaar", "regisseur", "teamlid", gemeente=wormerland)
    return {"walker": walker, "regisseur": make_user("regisseur", gemeente=zaanstad),
            "pf_a": make_user("privacyfunctionaris", gemeente=zaanstad),
            "pf_b": make_user("privacyfunctionaris", gemeente=wormerland)}


def _request_on(people, theirs):
    allowed(people, a_signal_in_research(people["walker"]))
    return RegionalRequest.objects.get()


def test_a_request_goes_with_the_last_of_its_signals(people, regio):
    first = signal_in(people["walker"], regio[1])
    second = signal_in(people["walker"], regio[1], index=1)
    request = _request_on(people, first)
    matched = set(request.matched_signals.values_list("pk", flat=True))
    assert {first.pk, second.pk} <= matched
    assert requests_gone_with([first.pk]) == []  # the other signal still holds it
    assert requests_gone_with(sorted(matched)) == [request.pk]
    forget_requests(destroy_hooks.Destroyed(tuple([first.pk]), (), ()))
    assert RegionalRequest.objects.filter(pk=request.pk).exists()


def test_executing_bs_list_destroys_bs_request_with_its_weging(people, regio, make_user):
    zaanstad, wormerland = regio
    theirs = signal_in(people["walker"], wormerland)
    request = _request_on(people, theirs)
    regio_services.weigh_request(people["pf_b"], request, share({str(theirs.pk): ["fenomeen"]}))
    request.refresh_from_db()
    weging_id = request.weging_id
    release = RegionalRelease.objects.get(request=request)
    # B's signal ends, its term passes, B's archivarissen list, review and execute it.
    age(niet_in_behandeling(people["walker"], Signal.objects.get(pk=theirs.pk)), 400)
    composer, reviewer = (make_user("archivaris", gemeente=wormerland) for _ in range(2))
    destruction_list = services.compose(composer, "Lijst van Wormerland", gemeente=wormerland)
    assert {i.object_id for i in destruction_list.items.all()} >= {theirs.pk}
    services.review(reviewer, destruction_list, True)
    destruction.execute(pass_cooling_off(destruction_list), user=composer)
    assert not Signal.objects.filter(pk=theirs.pk).exists()
    assert not RegionalRequest.objects.filter(pk=request.pk).exists()
    assert not Weging.objects.filter(pk=weging_id).exists()
    # What B shared is A's data now: it stays with A's signal, no longer pointing at B's request.
    release.refresh_from_db()
    assert release.request_id is None and release.content
