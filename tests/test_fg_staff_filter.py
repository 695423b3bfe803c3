"""The FG's 'Medewerker' filter on Toezicht (ADR 0030 §7): it lists the accounts with a role in the
FG's own gemeente(n), never every account of the installation."""

import pytest
from django.urls import reverse

from conftest import grant_roles
from meldpunt.accounts.roles import Role

pytestmark = pytest.mark.django_db


def _choices(client, name="privacy:verwerkingslog") -> dict[int, str]:
    form = client.get(reverse(name)).context["form"]
    return {value: label for value, label in form.fields["gebruiker"].choices if value != ""}


def test_the_staff_filter_lists_only_accounts_of_the_fgs_gemeente(client, make_user, home_gemeente, wormerland):
    fg = make_user(Role.FG, gemeente=home_gemeente)
    ours = make_user(Role.BEOORDELAAR, gemeente=home_gemeente)
    theirs = make_user(Role.REGISSEUR, gemeente=wormerland)
    both = make_user(Role.REGISSEUR, gemeente=wormerland)
    grant_roles(both, Role.TEAMLID, gemeente=home_gemeente)
    without = make_user()
    client.force_login(fg)
    for name in ("privacy:verwerkingslog", "privacy:beveiligingslog"):
        listed = _choices(client, name)
        assert {ours.pk, both.pk, fg.pk} <= set(listed)
        assert theirs.pk not in listed and without.pk not in listed


def test_an_fg_of_two_gemeenten_sees_the_staff_of_both(client, make_user, home_gemeente, wormerland):
    fg = make_user(Role.FG, gemeente=home_gemeente)
    grant_roles(fg, Role.FG, gemeente=wormerland)
    theirs = make_user(Role.REGISSEUR, gemeente=wormerland)
    client.force_login(fg)
    assert theirs.pk in _choices(client)
