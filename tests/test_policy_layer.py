"""The policy is one layer (issue 15): every "may this user do X" and "which objects may this user see"
is a named function of ``meldpunt.policy``. No module outside it reads a role (``has_role``) or keeps a
table of roles (``*_ROLES``), so an auditor reads P1 in one place. The AST tests need no database."""

import ast
from pathlib import Path

import pytest

import meldpunt
from meldpunt import policy
from meldpunt.accounts.roles import Role

SRC = Path(meldpunt.__file__).resolve().parent
# Where a role may be read: the policy itself, and the user model that answers ``has_role``.
HAS_ROLE_ALLOWED = ("policy/", "accounts/models.py")
# Where a table of roles may live: the policy, the roles themselves, and settings (configuration).
ROLE_TABLES_ALLOWED = ("policy/", "accounts/roles.py", "settings/")


def _modules():
    for path in sorted(SRC.rglob("*.py")):
        if "migrations" in path.parts:
            continue
        yield path.relative_to(SRC).as_posix(), ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def _module_level_names(tree: ast.Module):
    for node in tree.body:
        targets = node.targets if isinstance(node, ast.Assign) else [node.target] if isinstance(
            node, ast.AnnAssign | ast.AugAssign) else []
        for target in targets:
            for name in ast.walk(target):
                if isinstance(name, ast.Name):
                    yield name.id, node.lineno


def test_no_role_is_checked_outside_the_policy():
    found = [f"{name}:{node.lineno}" for name, tree in _modules() if not name.startswith(HAS_ROLE_ALLOWED)
             for node in ast.walk(tree)
             if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "has_role"]
    assert not found, ("Role checks outside meldpunt/policy/ (ask a named policy function instead):\n"
                       + "\n".join(found))


def test_no_table_of_roles_lives_outside_the_policy():
    found = [f"{name}:{line} {ident}" for name, tree in _modules() if not name.startswith(ROLE_TABLES_ALLOWED)
             for ident, line in _module_level_names(tree) if ident.endswith("_ROLES")]
    assert not found, "Tables of roles outside meldpunt/policy/ (move them into the policy):\n" + "\n".join(found)


def test_the_checks_see_what_they_are_meant_to_see():
    """The two walks above would pass on an empty tree: prove they find what they look for."""
    names = dict(_modules())
    assert "policy/pages.py" in names and "intake/services.py" in names
    policy_calls = [n for n in ast.walk(names["policy/pages.py"])
                    if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and n.func.attr == "has_role"]
    assert not policy_calls  # the policy reads roles through policy.base.holds ...
    assert any(n.func.attr == "has_role" for n in ast.walk(names["policy/base.py"])
               if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute))  # ... which the walk finds
    assert "PAGE_ROLES" in dict(_module_level_names(names["policy/pages.py"]))


def test_the_policy_is_one_package_and_the_old_module_is_gone():
    assert not (SRC / "accounts" / "policy.py").exists()
    for name in ("may_open", "may_change", "signals_visible_to", "cases_visible_to", "may_read_signal",
                 "may_register_channel", "may_reveal_sealed", "may_forward", "may_take_weging",
                 "may_take_transition", "may_request_sources", "may_compose_destruction_list"):
        assert callable(getattr(policy, name)), name


def test_casus_wegingen_have_one_table_with_the_right_roles():
    expected = {"W4": {Role.REGISSEUR, Role.TEAMLID}, "PC2A": {Role.PRIVACYFUNCTIONARIS},
                "PC2B": {Role.PRIVACYFUNCTIONARIS}}
    table = policy.CASUS_WEGING_ROLES
    assert table == expected
    assert policy.weging_roles("PC2A") is None  # a privacy check 2 belongs to a casus, never to a signal
    assert policy.weging_roles("PC2A", on_casus=True) == {Role.PRIVACYFUNCTIONARIS}
    assert policy.weging_roles("W1", on_casus=True) is None


# ------------------------------------------------------------------------------ channel, in the service


@pytest.mark.django_db
def test_only_meldpunt_staff_register_a_telephone_report_even_calling_the_service(make_user):
    from meldpunt.intake import services as intake
    from meldpunt.intake.models import Signal
    from meldpunt.registries.models import Buurt

    buurt = Buurt.objects.order_by("code").first()

    def telephone_report():
        return intake.SignalInput(channel="telefoon", reporter_kind="burger", buurt=buurt.code,
                                  phenomenon="hennepteelt_drugs", contact_name="Bellende Buurvrouw",
                                  description="Belt over sterke wietlucht en afgeplakte ramen bij de buren.")

    before = Signal.objects.count()
    for roles in (("melder_intern",), ("teamlid",), ("melder_intern", "teamlid"), ("privacyfunctionaris",)):
        with pytest.raises(intake.IntakeError) as refused:
            intake.create_signal(telephone_report(), user=make_user(*roles))
        assert refused.value.field_errors == {"channel": [
            "Alleen medewerkers van het meldpunt registreren meldingen per telefoon of balie."]}
    assert Signal.objects.count() == before  # refused before anything was written (P8)
    assert not Signal.objects.filter(contact__name="Bellende Buurvrouw").exists()

    # The same staff member's own observation is fine, and meldpunt staff register the call.
    own = intake.SignalInput(channel="intern", reporter_kind="medewerker", buurt=buurt.code,
                             phenomenon="hennepteelt_drugs",
                             description="Zelf gezien: sterke wietlucht en afgeplakte ramen bij de buren.")
    assert intake.create_signal(own, user=make_user("melder_intern")).channel == "intern"
    for role in ("beoordelaar", "regisseur"):
        assert intake.create_signal(telephone_report(), user=make_user(role)).channel == "telefoon"
    inactive = make_user("beoordelaar")
    inactive.is_active = False
    assert not policy.may_register_channel(inactive, "telefoon")


# ------------------------------------------------------------------ gemeente filters, in the policy only

# ADR 0030 §3: which gemeenten a user's rows come from is decided by the policy (``granted``, ``on_page``)
# and the tenancy layer (the current-gemeente UX filter of §4, ``tenancy/current.py``) — never by a
# module filtering ``gemeente__in`` on its own, which would be a second, unaudited gate.
GEMEENTE_FILTER_ALLOWED = ("policy/", "tenancy/")
# The exceptions, each by file with the number of such filters it holds, and why. They are no gate on a
# person's reach: they pick which gemeenten' rows go into a beeld that is built for a scope.
GEMEENTE_FILTER_EXCEPTIONS = {
    # The beeld's extract for one gemeente or regio (ADR 0030 §11): areas, signals and casussen of
    # the scope's gemeenten, aggregated and suppressed before anyone sees them (one is the CBS wijk's).
    "insight/extract.py": 4,
    # The default snapshot scope of the home gemeente (its regio's, or its own).
    "insight/scope.py": 1,
}


def _gemeente_filters(tree: ast.Module):
    """Lines of keyword filters ``…gemeente__in=`` / ``…gemeente_id__in=`` and of such lookups in a
    dict or string (``{"gemeente__in": codes}``, ``Q(**{...})``)."""
    def is_filter(name) -> bool:
        return isinstance(name, str) and name.endswith(("gemeente__in", "gemeente_id__in"))

    for node in ast.walk(tree):
        if isinstance(node, ast.keyword) and is_filter(node.arg):
            yield node.value.lineno
        elif isinstance(node, ast.Constant) and is_filter(node.value):
            yield node.lineno


def test_no_gemeente_filter_outside_the_policy_and_tenancy():
    found = {name: [line for line in _gemeente_filters(tree)] for name, tree in _modules()
             if not name.startswith(GEMEENTE_FILTER_ALLOWED)}
    found = {name: lines for name, lines in found.items() if lines}
    unexpected = {name: lines for name, lines in found.items()
                  if len(lines) != GEMEENTE_FILTER_EXCEPTIONS.get(name, 0)}
    assert not unexpected, ("gemeente__in filters outside meldpunt/policy/ and meldpunt/tenancy/ (ask "
                            "policy.granted / policy.on_page, or the current-gemeente filter of "
                            f"tenancy): {unexpected}")
    # An exception that no longer holds its filters must leave the list (so it cannot hide a new one).
    assert set(found) == set(GEMEENTE_FILTER_EXCEPTIONS), set(GEMEENTE_FILTER_EXCEPTIONS) - set(found)


def test_the_gemeente_filter_walk_finds_what_it_looks_for():
    tree = ast.parse('qs.filter(gemeente__in=codes)\nQ(signal__gemeente_id__in=c)\nx = {"gemeente__in": 1}\n'
                     'Buurt.objects.filter(wijk__gemeente="GM0479")\n')
    assert list(_gemeente_filters(tree)) == [1, 2, 3]
    assert GEMEENTE_FILTER_EXCEPTIONS and all(list(_gemeente_filters(tree)) for name, tree in _modules()
                                              if name in GEMEENTE_FILTER_EXCEPTIONS)
