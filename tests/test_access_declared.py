"""Need to know (P1): every URL pattern and every API endpoint declares its access rule.

The test walks the live resolver, so a view added later (by any issue) must either name a rule of
the policy (``@page("<rule>")``; ``access_rule`` / ``access_rules`` / ``access_rules_by_action`` with
``PolicyPermission`` on an API view) or be on the small, reasoned list in tests/urlwalk.py.
"""

import pytest
from django.contrib import admin
from django.urls import reverse

from meldpunt import policy
from meldpunt.accounts.roles import Role
from meldpunt.api.permissions import PolicyPermission
from urlwalk import ADMIN_NAMESPACE, PUBLIC_VIEWS, routes

HOW_TO = ("Give the view a rule of meldpunt.policy.PAGE_ROLES: @page('<rule>') for a page; "
          "access_rule / access_rules / access_rules_by_action plus permission_classes = [PolicyPermission] "
          "for an API view. A public view needs a reasoned entry in tests/urlwalk.py PUBLIC_VIEWS.")


def _guarded_routes():
    return [r for r in routes() if r.namespace != ADMIN_NAMESPACE and r.name not in PUBLIC_VIEWS]


@pytest.mark.unit
def test_the_walk_finds_pages_api_and_admin():
    names = {r.name for r in routes()}
    assert {"web:werkvoorraad", "web:werkvoorraad_export", "protocol:signaal", "api:signaal-list",
            "api:signaal-detail", "api:signaal-kaart", "intake:melden"} <= names
    assert any(r.namespace == ADMIN_NAMESPACE for r in routes())
    assert len(_guarded_routes()) >= 35


@pytest.mark.unit
def test_every_view_declares_an_access_rule():
    missing = []
    for route in _guarded_routes():
        for action, rules in sorted(route.declared_rules().items()):
            if not rules:
                where = "" if action == "*" else f" (action {action!r})"
                missing.append(f"  {route.name}  [{route.route}] -> {route.dotted}{where}")
    assert not missing, "Views without a declared access rule:\n" + "\n".join(missing) + "\n" + HOW_TO


@pytest.mark.unit
def test_every_declared_rule_exists_in_the_policy():
    """A misspelt rule would fail closed at run time; here it fails loudly instead."""
    unknown = [f"  {route.name} -> {route.dotted}: {rule!r}"
               for route in _guarded_routes()
               for rules in route.declared_rules().values() for rule in rules
               if rule not in policy.PAGE_ROLES]
    assert not unknown, "Access rules that are not in policy.PAGE_ROLES:\n" + "\n".join(unknown)


@pytest.mark.unit
def test_every_api_view_checks_its_rule_with_the_policy_permission():
    unchecked = [f"  {route.name} -> {route.dotted}" for route in _guarded_routes()
                 if route.is_drf and PolicyPermission not in route.view_class.permission_classes]
    assert not unchecked, "API views that declare a rule but do not check it (PolicyPermission):\n" + "\n".join(
        unchecked)


@pytest.mark.unit
def test_the_public_list_is_small_and_current():
    """Every reasoned exception still exists; a removed view must leave the list too."""
    names = {r.name for r in routes()}
    assert set(PUBLIC_VIEWS) <= names, set(PUBLIC_VIEWS) - names
    assert all(reason.strip() for reason in PUBLIC_VIEWS.values())
    # Ten views, the two of adding to a report with the receipt code (intake.additions) and the
    # three health probes (meldpunt.health) and the three of signing in at the identity provider.
    assert len(PUBLIC_VIEWS) <= 18


@pytest.mark.unit
def test_public_api_views_check_something_else():
    """The partner endpoint has no user rule, but it is not open: it takes a partner token."""
    from meldpunt.intake.authentication import IsPartner

    partner = next(r for r in routes() if r.name == "api:partner-signalen")
    assert IsPartner in partner.view_class.permission_classes


@pytest.mark.unit
def test_an_undeclared_view_would_be_named(monkeypatch):
    """The failure names the view exactly (so the helper who added it knows what to fix)."""
    from meldpunt.web import views

    route = next(r for r in routes() if r.name == "web:gebieden")
    monkeypatch.delattr(route.callback, "access_rule")
    assert route.declared_rules() == {"*": ()}
    with pytest.raises(AssertionError, match=r"web:gebieden  \[gebieden/\] -> meldpunt\.web\.views\.gebieden"):
        test_every_view_declares_an_access_rule()
    assert views.gebieden is route.callback


@pytest.mark.unit
def test_an_api_action_without_rule_would_be_named(monkeypatch):
    from meldpunt.intake.api import SignalViewSet

    by_action = {k: v for k, v in SignalViewSet.access_rules_by_action.items() if k != "kaart"}
    monkeypatch.setattr(SignalViewSet, "access_rules_by_action", by_action)
    with pytest.raises(AssertionError, match=r"api:signaal-kaart .*SignalViewSet \(action 'kaart'\)"):
        test_every_view_declares_an_access_rule()


# ------------------------------------------------------------------------------- admin


@pytest.mark.django_db
def test_admin_is_only_for_active_staff(client, make_user):
    """Django's admin is outside the page rules: it is guarded by is_staff (the beheerder)."""
    index = reverse("admin:index")
    everything = make_user(*Role.values)
    client.force_login(everything)
    response = client.get(index)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))

    staff = make_user(Role.BEHEERDER)
    staff.is_staff = True
    staff.save(update_fields=["is_staff"])
    client.force_login(staff)
    assert client.get(index).status_code == 200
    staff.is_active = False
    staff.save(update_fields=["is_active"])
    assert not admin.site.has_permission(type("R", (), {"user": staff})())


@pytest.mark.django_db
def test_staff_accounts_need_the_second_factor_even_without_a_role(make_user):
    """The admin shows personal data, so an is_staff account needs TOTP like a personal-data role."""
    staff = make_user()
    assert not staff.needs_second_factor
    staff.is_staff = True
    assert staff.needs_second_factor
