"""P9 between gemeenten for the retention settings (ADR 0030 §7): each gemeente is the controller of
its records and only its own beheerder sets its terms. A beheerder of Zaanstad (A) who forges
Wormerland's (B) code into the form, the address or the service call is refused (403, a security
event), and B's terms and the destruction dates of B's records stay as they were."""

import pytest
from django.urls import reverse

from conftest import grant_roles
from factories import new_signal
from meldpunt.accounts.roles import Role
from meldpunt.core.errors import NotAllowed
from meldpunt.intake.models import Signal
from meldpunt.privacy.models import SecurityEvent, SecurityLogEntry
from meldpunt.privacy.retention import configure
from meldpunt.privacy.retention.models import ResultClass, SignalRetentionRule
from test_retention_support import niet_in_behandeling

pytestmark = [pytest.mark.attack, pytest.mark.django_db]

CLASS = "signaal-niet-in-behandeling"


@pytest.fixture
def b_signal(make_user, wormerland):
    staff = make_user(Role.BEOORDELAAR, Role.REGISSEUR, gemeente=wormerland)
    return niet_in_behandeling(staff, new_signal(staff, gemeente=wormerland))


def _state(signal) -> tuple:
    return (sorted(ResultClass.objects.filter(gemeente__isnull=False).values_list("gemeente_id", "code",
                                                                                  "term_months")),
            sorted(SignalRetentionRule.objects.filter(gemeente__isnull=False).values_list("gemeente_id", "state")),
            Signal.objects.get(pk=signal.pk).destroy_after)


def test_a_beheerder_of_a_cannot_edit_bs_terms(client, make_user, home_gemeente, wormerland, b_signal):
    attacker = make_user(Role.BEHEERDER, username="beheer-zaanstad", gemeente=home_gemeente)
    # Every other role in B does not make one B's beheerder either.
    grant_roles(attacker, Role.ARCHIVARIS, Role.FG, Role.PRIVACYFUNCTIONARIS, Role.REGISSEUR, gemeente=wormerland)
    client.force_login(attacker)
    before = _state(b_signal)
    denied = SecurityLogEntry.objects.filter(event=SecurityEvent.ACCESS_DENIED).count()
    attempts = [
        ("web:bewaartermijnen_termijn", {"gemeente": "GM0880", "resultaatklasse": CLASS, "waardering": "vernietigen",
                                         "termijn": "1"}),
        ("web:bewaartermijnen_termijn", {"gemeente": "gm0880", "resultaatklasse": CLASS, "waardering": "vernietigen",
                                         "termijn": "1", "standaard": "1"}),
        ("web:bewaartermijnen_termijn", {"gemeente": "GM0880", "resultaatklasse": CLASS,
                                         "waardering": "blijvend_bewaren"}),
        ("web:bewaartermijnen_regel", {"gemeente": "GM0880", "eindstatus": "niet_in_behandeling",
                                       "resultaatklasse": "signaal-doorgezet"}),
        # A forged form with no or a bad gemeente is refused the same way.
        ("web:bewaartermijnen_termijn", {"resultaatklasse": CLASS, "waardering": "vernietigen", "termijn": "1"}),
        ("web:bewaartermijnen_regel", {"gemeente": "GM0880'--", "eindstatus": "niet_in_behandeling",
                                       "resultaatklasse": "signaal-doorgezet"}),
    ]
    for name, data in attempts:
        response = client.post(reverse(name), data)
        assert response.status_code == 403, (name, data, response.status_code)
    # Opening B's page through a shared link is refused too (the switcher refuses a foreign gemeente).
    assert client.get(reverse("web:bewaartermijnen_instellen"), {"gemeente": "GM0880"}).status_code == 403
    assert _state(b_signal) == before
    assert SecurityLogEntry.objects.filter(event=SecurityEvent.ACCESS_DENIED).count() >= denied + len(attempts)
    # The service refuses on its own, whoever calls it.
    with pytest.raises(NotAllowed, match="functioneel beheerder van deze gemeente"):
        configure.set_term(attacker, wormerland, CLASS, valuation="vernietigen", term_months=1)
    with pytest.raises(NotAllowed):
        configure.reset_term(attacker, wormerland, CLASS)
    with pytest.raises(NotAllowed):
        configure.set_signal_rule(attacker, wormerland, "niet_in_behandeling", "signaal-doorgezet")
    assert _state(b_signal) == before
    # Their own gemeente's terms they set; B's records do not move.
    configure.set_term(attacker, home_gemeente, CLASS, valuation="vernietigen", term_months=1)
    assert _state(b_signal)[2] == before[2]


def test_b_page_shows_only_bs_terms_to_bs_beheerder(client, make_user, home_gemeente, wormerland, b_signal):
    a = make_user(Role.BEHEERDER, gemeente=home_gemeente)
    configure.set_term(a, home_gemeente, CLASS, valuation="vernietigen", term_months=7)
    client.force_login(make_user(Role.BEHEERDER, gemeente=wormerland))
    html = client.get(reverse("web:bewaartermijnen_instellen")).content.decode()
    assert "Bewaartermijnen van Wormerland" in html and "Zaanstad" not in html.split("<main", 1)[1]
    assert "7 maanden" not in html and "(eigen keuze)" not in html
