"""Roles per gemeente (ADR 0030 §3, step S3): where a role is held, what the policy makes of it, the
constraint that a role holds in a gemeente or a regio, the analist-only regio, and the OIDC map."""

from datetime import date

import pytest
from django.db import IntegrityError, transaction
from django.db.models import Q

from conftest import grant_roles, make_tenant
from meldpunt import policy
from meldpunt.accounts import oidc
from meldpunt.accounts import services as accounts
from meldpunt.accounts.apps import check_oidc_role_map
from meldpunt.accounts.errors import RoleRefused
from meldpunt.accounts.models import RoleAssignment
from meldpunt.accounts.roles import Role
from meldpunt.intake.models import Signal
from meldpunt.privacy.models import SecurityLogEntry
from meldpunt.privacy.security import SecurityEvent
from meldpunt.tenancy.models import Regio

pytestmark = pytest.mark.django_db


@pytest.fixture
def zaanstreek(home_gemeente, wormerland):
    regio = Regio.objects.create(code="zaanstreek", naam="Zaanstreek", convenant="RIEC-convenant",
                                 convenant_valid_from=date(2026, 1, 1))
    for tenant in (home_gemeente, wormerland):
        tenant.regio = regio
        tenant.save(update_fields=["regio"])
    return regio


def test_scopes_say_where_each_role_is_held(make_user, home_gemeente, wormerland):
    user = make_user("regisseur", "beoordelaar", gemeente=home_gemeente)
    grant_roles(user, "regisseur", gemeente=wormerland)
    assert user.scopes() == {"regisseur": {"GM0479", "GM0880"}, "beoordelaar": {"GM0479"}}
    assert user.gemeenten_with(Role.BEOORDELAAR) == {"GM0479"}
    assert user.gemeenten() == {"GM0479", "GM0880"}
    assert user.roles == {"regisseur", "beoordelaar"}  # the union: menus and landing page


def test_holds_gemeenten_with_and_granted_follow_the_gemeente(make_user, home_gemeente, wormerland):
    user = make_user("beoordelaar", gemeente=wormerland)
    assert policy.holds(user, {Role.BEOORDELAAR})  # in some gemeente: the page rule
    assert policy.holds(user, {Role.BEOORDELAAR}, "GM0880") and policy.holds(user, {Role.BEOORDELAAR}, wormerland)
    assert not policy.holds(user, {Role.BEOORDELAAR}, home_gemeente)
    assert not policy.holds(user, {Role.REGISSEUR}, wormerland)
    assert policy.gemeenten_with(user, {Role.BEOORDELAAR, Role.REGISSEUR}) == {"GM0880"}
    assert policy.granted(user, {Role.BEOORDELAAR}, "signal__gemeente") == Q(signal__gemeente__in=["GM0880"])
    nothing = policy.granted(user, {Role.REGISSEUR})
    assert not Signal.objects.filter(nothing).exists()
    assert policy.may_open(user, "werkvoorraad")


def test_a_blocked_user_holds_nothing_anywhere(make_user, home_gemeente):
    user = make_user("regisseur")
    user.is_active = False
    assert not policy.holds(user, {Role.REGISSEUR}, home_gemeente)
    assert policy.gemeenten_with(user, {Role.REGISSEUR}) == frozenset()


def test_a_regio_wide_analist_holds_in_every_active_gemeente_of_the_regio(make_user, zaanstreek, wormerland):
    analist = make_user(username="regio-analist")
    grant_roles(analist, "analist", regio=zaanstreek)
    assert analist.gemeenten_with(Role.ANALIST) == {"GM0479", "GM0880"}
    wormerland.active = False
    wormerland.save(update_fields=["active"])
    analist.forget_roles()
    assert analist.gemeenten_with(Role.ANALIST) == {"GM0479"}
    assert list(policy.holders({Role.ANALIST}, "GM0479")) == [analist]


def test_only_the_analist_may_hold_a_role_for_a_regio(make_user, zaanstreek):
    user = make_user(username="geen-regio")
    with pytest.raises(RoleRefused, match="Alleen de rol analist kan voor een hele regio gelden"):
        accounts.grant_role(user, "regisseur", regio=zaanstreek)
    assert not user.role_assignments.exists()
    assignment = RoleAssignment(user=user, role="regisseur", regio=zaanstreek)
    with pytest.raises(Exception, match="Alleen de rol analist"):
        assignment.full_clean()


def test_a_role_holds_in_a_gemeente_or_a_regio_never_both_or_neither(make_user, home_gemeente, zaanstreek):
    user = make_user(username="xor")
    with pytest.raises(IntegrityError), transaction.atomic():
        RoleAssignment.objects.create(user=user, role="analist", gemeente=home_gemeente, regio=zaanstreek)
    with pytest.raises(IntegrityError), transaction.atomic():
        RoleAssignment.objects.bulk_create([RoleAssignment(user=user, role="analist")])
    with pytest.raises(IntegrityError), transaction.atomic():
        RoleAssignment.objects.bulk_create([RoleAssignment(user=user, role="fg", gemeente=home_gemeente)] * 2)
    assert not user.role_assignments.exists()


def test_one_gemeente_needs_no_choice_several_do(make_user, home_gemeente):
    user = make_user("fg")  # one tenant: the role holds there
    assert user.role_assignments.get().gemeente == home_gemeente
    make_tenant()
    with pytest.raises(Exception, match="meer dan één gemeente"):
        make_user("fg")


def test_set_roles_changes_one_gemeente_and_logs_it_in_words(make_user, home_gemeente, wormerland):
    user = make_user("teamlid", gemeente=home_gemeente)
    grant_roles(user, "teamlid", gemeente=wormerland)
    accounts.set_roles(user, ["regisseur"], gemeente=wormerland)
    assert user.scopes() == {"teamlid": {"GM0479"}, "regisseur": {"GM0880"}}
    details = set(SecurityLogEntry.objects.filter(event__in=[SecurityEvent.ROLE_GRANTED, SecurityEvent.ROLE_REVOKED])
                  .values_list("event", "detail"))
    assert (SecurityEvent.ROLE_GRANTED, f"rol regisseur voor {user.username} in Wormerland") in details
    assert (SecurityEvent.ROLE_REVOKED, f"rol teamlid voor {user.username} in Wormerland") in details
    with pytest.raises(RoleRefused, match="werkt niet voor gemeente GM0363"):
        accounts.set_roles(user, ["fg"], gemeente="GM0363")


# ------------------------------------------------------------------------------ OIDC (ADR 0027)


def test_the_oidc_map_names_a_gemeente_or_a_regio(settings, home_gemeente, wormerland, zaanstreek):
    settings.MELDPUNT_OIDC_ROLE_MAP = ["zs-regie=regisseur@GM0479", "wl-regie=regisseur@gm0880",
                                       "analisten=analist@regio:zaanstreek"]
    assert [(e.group, e.role, e.gemeente, e.regio) for e in oidc.role_map()] == [
        ("zs-regie", "regisseur", "GM0479", ""), ("wl-regie", "regisseur", "GM0880", ""),
        ("analisten", "analist", "", "zaanstreek")]
    assert [e.where for e in oidc.role_map()] == ["Zaanstad", "Wormerland", "regio Zaanstreek"]
    grants = oidc.grants_for(["zs-regie", "wl-regie", "analisten", "onbekend"])
    assert [(role, scope.gemeente, scope.regio) for role, scope in grants] == [
        ("analist", "", "zaanstreek"), ("regisseur", "GM0479", ""), ("regisseur", "GM0880", "")]
    assert check_oidc_role_map() == []


def test_the_oidc_map_refuses_wrong_entries_and_one_without_a_gemeente_when_there_are_several(
        settings, home_gemeente):
    settings.MELDPUNT_OIDC_ROLE_MAP = ["a=regisseur", "b=regisseur@regio:zaanstreek", "c=koning@GM0479",
                                       "d=fg@GM9999"]
    assert oidc.unknown_roles_in_map() == ["b=regisseur@regio:zaanstreek", "c=koning@GM0479", "d=fg@GM9999"]
    assert {error.id for error in check_oidc_role_map()} == {"meldpunt.E010"}
    settings.MELDPUNT_OIDC_ROLE_MAP = ["a=regisseur", "e=fg@GM0880"]
    assert [error.id for error in check_oidc_role_map()] == ["meldpunt.E012"]  # one gemeente: 'a' is fine
    make_tenant()
    errors = check_oidc_role_map()
    assert [error.id for error in errors] == ["meldpunt.E011"]
    assert "'a=regisseur' noemt geen gemeente" in errors[0].msg


def test_signing_in_replaces_the_roles_with_those_of_the_groups(settings, make_user, home_gemeente, wormerland):
    settings.MELDPUNT_OIDC_ROLE_MAP = ["zs=regisseur@GM0479", "wl=teamlid@GM0880"]
    user = make_user("fg", gemeente=home_gemeente)
    accounts.set_all_roles(user, oidc.grants_for(["zs", "wl"]))
    assert user.scopes() == {"regisseur": {"GM0479"}, "teamlid": {"GM0880"}}
