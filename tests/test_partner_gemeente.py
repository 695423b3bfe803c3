"""The partner API says for which gemeente a partner's signal is (ADR 0030 §2): a token delivers to
one gemeente (no field needed) or to several (the partner names one, a CBS code); a gemeente the token
may not deliver to is refused with a Dutch problem and nothing is created."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from meldpunt.intake.models import PartnerOrganisation, Signal
from test_intake_api import assert_problem, counts, good_body, invalid_names, issue, partner_post

pytestmark = pytest.mark.django_db

NAME = "Woningcorporatie Test"


def _issue(*codes) -> str:
    out = io.StringIO()
    call_command("partner_token", NAME, *[f"--gemeente={code}" for code in codes], stdout=out,
                 stderr=io.StringIO())
    return out.getvalue().strip()


def _created(response) -> Signal:
    assert response.status_code == 201, response.content
    return Signal.objects.get(reference=response.json()["kenmerk"])


def test_one_gemeente_needs_no_field(client, home_gemeente):
    token = issue()  # an installation of one gemeente: as before, no gemeente to name
    assert _created(partner_post(client, token, good_body())).gemeente_id == home_gemeente.code
    assert _created(partner_post(client, token, good_body(gemeente=home_gemeente.code))).gemeente_id == "GM0479"


def test_a_token_of_one_gemeente_delivers_there(client, home_gemeente, wormerland):
    token = _issue(wormerland.code)
    assert _created(partner_post(client, token, good_body())).gemeente_id == wormerland.code
    assert _created(partner_post(client, token, good_body(gemeente="GM0880"))).gemeente_id == wormerland.code


def test_a_token_of_two_gemeenten_names_one(client, home_gemeente, wormerland):
    token = _issue(home_gemeente.code, wormerland.code)
    assert _created(partner_post(client, token, good_body(gemeente="GM0880"))).gemeente_id == "GM0880"
    assert _created(partner_post(client, token, good_body(gemeente="GM0479"))).gemeente_id == "GM0479"
    before = counts()
    body = assert_problem(partner_post(client, token, good_body()), 400)
    assert invalid_names(body) == {"gemeente"}
    assert "Noem de gemeente" in str(body) and "Wormerland" in str(body)
    assert counts() == before


@pytest.mark.parametrize("code", ["GM0363", "GM0880", "gm9999", "0479", "Zaanstad", "GM04790"])
def test_a_gemeente_the_token_may_not_deliver_to_is_refused(client, home_gemeente, wormerland, code):
    token = _issue(home_gemeente.code)
    before = counts()
    body = assert_problem(partner_post(client, token, good_body(gemeente=code)), 400)
    assert invalid_names(body) == {"gemeente"}
    assert "gemeente" in str(body).lower() and "Traceback" not in str(body)
    assert counts() == before


def test_a_token_of_no_gemeente_delivers_nowhere_once_there_are_several(client, home_gemeente, wormerland):
    token = issue()
    before = counts()
    body = assert_problem(partner_post(client, token, good_body()), 400)
    assert "koppelen" in str(body)
    assert counts() == before
    PartnerOrganisation.objects.get(name=NAME).gemeenten.add(home_gemeente)
    assert _created(partner_post(client, token, good_body())).gemeente_id == home_gemeente.code


def test_the_command_refuses_a_code_that_is_no_gemeente_of_the_installation(home_gemeente):
    with pytest.raises(CommandError, match="Geen aangesloten gemeente: GM0363"):
        _issue("GM0363")
    assert not PartnerOrganisation.objects.filter(name=NAME).exists()
