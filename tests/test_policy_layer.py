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
