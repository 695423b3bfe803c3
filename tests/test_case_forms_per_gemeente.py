"""The choice lists of a casus's and an overleg's forms offer only people of that gemeente
(ADR 0030 §3): a regisseur of Zaanstad never sees the names of Wormerland's staff."""

from __future__ import annotations

import pytest

from meldpunt.cases.forms import InterventionForm, InviteForm, TeamForm

pytestmark = pytest.mark.django_db


def test_the_forms_offer_only_people_of_the_gemeente(make_user, home_gemeente, wormerland):
    ours = {role: make_user(role, gemeente=home_gemeente) for role in ("teamlid", "deelnemer", "uitvoerder")}
    theirs = {role: make_user(role, gemeente=wormerland) for role in ("teamlid", "deelnemer", "uitvoerder")}
    fields = {"teamlid": TeamForm(gemeente=home_gemeente.code).fields["members"],
              "deelnemer": InviteForm(gemeente=home_gemeente.code).fields["user"],
              "uitvoerder": InterventionForm(gemeente=home_gemeente.code).fields["owner"]}
    for role, field in fields.items():
        offered = set(field.queryset)
        assert ours[role] in offered
        assert theirs[role] not in offered


def test_a_person_of_another_gemeente_is_refused_by_the_form(make_user, home_gemeente, wormerland):
    stranger = make_user("teamlid", gemeente=wormerland)
    form = TeamForm({"members": [stranger.pk]}, gemeente=home_gemeente.code)
    assert not form.is_valid()
    assert "members" in form.errors
