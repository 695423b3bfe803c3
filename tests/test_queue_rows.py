"""The werkvoorraad of several gemeenten (ADR 0030 §10, §14): each page is cut from every
gemeente's own first rows (intake.selectors.queue_rows), and holds exactly the rows the plain
queue order gives — every page, ties on the deadline broken the same way."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from conftest import grant_roles, make_tenant
from factories import new_signal
from meldpunt.intake import selectors
from meldpunt.intake.models import Signal

pytestmark = pytest.mark.django_db


def test_every_page_of_several_gemeenten_is_the_plain_slice(make_user, home_gemeente):
    oostzaan = make_tenant("GM0431", "Oostzaan", "OZ")
    wormerland = make_tenant()
    user = make_user("beoordelaar", "regisseur", gemeente=home_gemeente)
    for tenant in (wormerland, oostzaan):
        grant_roles(user, "beoordelaar", "regisseur", gemeente=tenant)
    tenants = [home_gemeente, wormerland, oostzaan]
    today = timezone.localdate()
    for n in range(23):
        signal = new_signal(user, index=n % 5, gemeente=tenants[(n * 7) % 3])
        # Deadlines that interleave the gemeenten, with ties (the id decides).
        Signal.objects.filter(pk=signal.pk).update(deadline=today + timedelta(days=(n * 5) % 4))
    scope = tenants
    queue = selectors.queue(user, gemeenten=scope)
    everything = list(queue)
    assert len({s.gemeente_id for s in everything}) == 3  # (next to the demo's signals, if loaded)
    for start in (0, 5, 10, 20, len(everything) - 3):
        assert selectors.queue_rows(queue, scope, start, 5) == everything[start:start + 5]
    assert selectors.queue_rows(queue, [home_gemeente], 0, 5) == list(
        selectors.queue(user, gemeenten=[home_gemeente])[:5])


def test_the_werkvoorraad_page_of_several_gemeenten_lists_each_row_once(client, make_user, home_gemeente):
    wormerland = make_tenant()
    user = grant_roles(make_user("beoordelaar", gemeente=home_gemeente), "beoordelaar", gemeente=wormerland)
    made = [new_signal(user, index=n % 5, gemeente=(home_gemeente, wormerland)[n % 2]) for n in range(30)]
    client.force_login(user)
    expected = [s.reference for s in selectors.queue(user, gemeenten=[home_gemeente, wormerland])]
    for number in (1, 2):
        page = client.get("/werkvoorraad/", {"gemeente": "alle", "pagina": number})
        assert page.status_code == 200
        assert [s.reference for s in page.context["page"].object_list] == expected[(number - 1) * 25:number * 25]
    assert {s.reference for s in made} <= set(expected)
