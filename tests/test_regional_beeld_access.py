"""Who opens the regional beeld (ADR 0030 §11): the regio level and its gemeenten side by side only
for a regio-wide analist or a user with the beeld role in *every* active member gemeente — never
with the role in some of them (the regional table shows the other members' cells)."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from conftest import grant_roles, make_tenant
from meldpunt import policy
from meldpunt.tenancy.home import home_tenant
from meldpunt.tenancy.models import Regio, Tenant

pytestmark = pytest.mark.django_db


@pytest.fixture
def zaanstreek():
    regio = Regio.objects.create(code="zaanstreek", naam="Zaanstreek", convenant="Convenant Zaanstreek",
                                 convenant_valid_from=date(2026, 1, 1))
    make_tenant()
    make_tenant("GM0431", "Oostzaan", "OZ")
    Tenant.objects.filter(code__in=[home_tenant().code, "GM0880", "GM0431"]).update(regio=regio)
    return regio


def test_a_regio_wide_analist_opens_the_regional_beeld(zaanstreek, make_user):
    analist = make_user(gemeente="GM0880")
    grant_roles(analist, "analist", regio=zaanstreek)
    assert policy.may_open_regional_beeld(analist, zaanstreek)
    assert policy.may_open_regional_beeld(analist, "zaanstreek")


def test_the_beeld_role_in_every_member_opens_it_in_some_does_not(zaanstreek, make_user):
    regisseur = make_user("regisseur", gemeente=home_tenant())
    grant_roles(regisseur, "regisseur", gemeente="GM0880")
    assert not policy.may_open_regional_beeld(regisseur, zaanstreek)  # Oostzaan is missing
    grant_roles(regisseur, "analist", gemeente="GM0431")  # the other beeld role counts too
    assert policy.may_open_regional_beeld(regisseur, zaanstreek)


def test_a_role_without_the_beeld_or_an_inactive_member_and_blocked_users(zaanstreek, make_user):
    fg = make_user("fg", gemeente=home_tenant())
    for code in ("GM0880", "GM0431"):
        grant_roles(fg, "fg", gemeente=code)
    assert not policy.may_open_regional_beeld(fg, zaanstreek)  # the FG has no beeld role
    two = make_user("analist", gemeente=home_tenant())
    grant_roles(two, "analist", gemeente="GM0880")
    Tenant.objects.filter(code="GM0431").update(active=False)  # an inactive member is no member
    assert policy.may_open_regional_beeld(two, zaanstreek)
    two.is_active = False
    assert not policy.may_open_regional_beeld(two, zaanstreek)
    assert not policy.may_open_regional_beeld(fg, "geen-regio")


def test_the_page_refuses_a_user_of_one_member_in_dutch(zaanstreek, make_user, client):
    one = make_user("analist", gemeente=home_tenant())
    client.force_login(one)
    response = client.get(reverse("insight:regio"))
    assert response.status_code == 403
    assert "Geen toegang" in response.content.decode()
    grant_roles(one, "analist", regio=zaanstreek)
    assert client.get(reverse("insight:regio")).status_code == 200
