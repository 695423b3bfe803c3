"""Issue 18's BIO 12.4.1 list, in one place: authorisation refusals and bad partner tokens are in the
security log (bulk admin actions, bulk role grants and a failed chain verification are tested in
test_ldv_register_api.py; the refusals in depth in tests/attack/test_attack_p1_refusals.py)."""

import json

import pytest

from meldpunt.accounts.roles import Role
from meldpunt.privacy.models import LogChainHead, SecurityEvent, SecurityLogEntry, SecurityResult

pytestmark = [pytest.mark.ldv, pytest.mark.django_db]


def security_seq():
    return LogChainHead.objects.get(chain="beveiliging").last_seq


def since(seq):
    return list(SecurityLogEntry.objects.filter(seq__gt=seq).order_by("seq"))


def test_an_authorisation_refusal_and_a_bad_partner_token_are_security_events(client, make_user):
    regisseur = make_user(Role.REGISSEUR)
    client.force_login(regisseur)
    start = security_seq()
    assert client.get("/api/v1/logboek/verwerkingen", {"traceId": "4bf92f3577b34da6a3ce929d0e0e4736"},
                      REMOTE_ADDR="192.0.2.18").status_code == 403
    client.logout()
    assert client.post("/api/v1/partner/signalen", data=json.dumps({"description": "x"}),
                       content_type="application/json", HTTP_AUTHORIZATION="Bearer geraden-token",
                       REMOTE_ADDR="192.0.2.19").status_code == 401
    refused, bad_token = [line for line in since(start) if line.event == SecurityEvent.ACCESS_DENIED]
    assert (refused.result, refused.user_id, refused.ip_address) == (SecurityResult.FAILURE, regisseur.pk,
                                                                     "192.0.2.18")
    assert "HTTP 403" in refused.detail and "toezicht" in refused.detail
    assert (bad_token.result, bad_token.ip_address) == (SecurityResult.FAILURE, "192.0.2.19")
    assert "onbekend partnertoken" in bad_token.detail and "geraden-token" not in bad_token.detail
