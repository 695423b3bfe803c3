"""P9 attacked: hit/no-hit tells A one bit per gemeente, nothing more (ADR 0030 §8.4, §15). A asks
about a subject that B holds in 1 signal, and again (from the same starting point) in 7 signals in
different states: A's signal page (with its "Gerelateerd"), the API detail, list and search, the
werkvoorraad search and CSV export are byte-identical apart from the times on them. A subject known
only by name cannot be asked, and without an allowed PC1 nothing is asked."""

from __future__ import annotations

import re

import pytest
from django.db import transaction
from django.urls import reverse

from factories import walk_to_research
from meldpunt.intake import services as intake
from meldpunt.protocol.errors import ProtocolError
from meldpunt.protocol.research import services as research
from meldpunt.regio import services
from meldpunt.regio.errors import RegioError
from meldpunt.regio.models import RegionalAnswer
from regio_support import a_signal_in_research, ask, regio_pc1, signal_in, zaanstreek

pytestmark = [pytest.mark.attack, pytest.mark.django_db]

# Times (7 dec. 2026 21:15, 21:15:02, ISO in the API) and the form token are all that may differ (and A's own ids).
_VARYING = [re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?([+-]\d{2}:\d{2}|Z)?"),
            re.compile(r"\d{1,2}:\d{2}(:\d{2})?"), re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"'),
            re.compile(r'"csrfToken"[^,}]*')]


class _Rollback(Exception):
    pass


def _seen_after_asking(client, people, b_signals: int) -> dict[str, str]:
    """From the same starting point: B holds the subject in ``b_signals`` signals (some walked on
    to bronnenonderzoek), A asks and allows, the job runs, A's regisseur opens the signal page."""
    bodies: dict[str, str] = {}
    try:
        with transaction.atomic():
            _, wormerland = zaanstreek()
            # B's signals are made by B's own staff: since S3 a role in A opens nothing of B.
            b_walker = people["make"]("beoordelaar", "regisseur", "teamlid", gemeente=wormerland)
            for index in range(b_signals):
                theirs = signal_in(b_walker, wormerland, index=index)
                if index % 2:
                    walk_to_research(b_walker, theirs)
            signal = a_signal_in_research(people["walker"])
            item = ask(people["regisseur"], signal)
            research.decide_pc1(people["pf_a"], item, regio_pc1())
            services.ask_region(item.pk)
            assert RegionalAnswer.objects.get().hit is True
            client.force_login(people["regisseur"])
            # The page, and A's exports, API and search for the signal (ADR 0030 §15).
            urls = {"page": reverse("protocol:signaal", args=[signal.reference]),
                    "api": f"/api/v1/signalen/{signal.reference}", "api_list": "/api/v1/signalen?limit=100",
                    "api_search": f"/api/v1/signalen?limit=100&zoek={signal.reference}",
                    "search": f"{reverse('web:werkvoorraad')}?text={signal.reference}",
                    "export": reverse("web:werkvoorraad_export")}
            for name, url in urls.items():
                response = client.get(url)
                assert response.status_code == 200, url
                # A's own kenmerk and row ids come from counters a rollback need not reset (B's rows
                # were made in between): named, not compared. Everything a person reads is compared.
                body = response.content.decode("utf-8-sig").replace(signal.reference, "KENMERK")
                bodies[name] = re.sub(r"/\d+/", "/ID/", body)
            raise _Rollback
    except _Rollback:
        pass
    for pattern in _VARYING:
        bodies = {name: pattern.sub("", body) for name, body in bodies.items()}
    return bodies


@pytest.fixture
def people(make_user):
    return {"walker": make_user("beoordelaar", "regisseur", "teamlid"), "regisseur": make_user("regisseur"),
            "pf_a": make_user("privacyfunctionaris"), "make": make_user}


def test_a_sees_the_same_page_for_one_or_seven_matching_signals(client, people, home_gemeente):
    one = _seen_after_asking(client, people, 1)
    seven = _seen_after_asking(client, people, 7)
    assert "Wormerland: treffer" in one["page"]
    assert "KENMERK" in one["export"] and "KENMERK" in one["api_search"]
    for name in one:
        assert one[name] == seven[name], name


def test_a_name_alone_cannot_be_asked_and_no_pc1_means_no_question(people, home_gemeente):
    zaanstreek()
    signal = a_signal_in_research(people["walker"], extra_subjects=[
        intake.SubjectInput(kind="persoon", name="Alleen Een Naam")])
    with pytest.raises(ProtocolError, match="niet op naam"):
        ask(people["regisseur"], signal, [signal.subjects.get(name="Alleen Een Naam")])
    item = ask(people["regisseur"], signal, [signal.subjects.exclude(name="Alleen Een Naam").get()])
    with pytest.raises(RegioError, match="privacytoets 1"):
        services.ask_region(item.pk)
    assert not RegionalAnswer.objects.exists()
