"""Every transition of every table has a page (issue 12, part 1).

The transition tables are data (docs/adr/0005): ``SIGNAL_TRANSITIONS`` and ``CASUS_TRANSITIONS``.
For every row this audit asserts:

- there is a web page (a URL name) that takes it, and posting that page's form takes it;
- the page is linked from where the user is: the signal page and the queue (signal rows) or the
  casus page (casus rows), for a user whose role may take it;
- when ``check()`` refuses for a reason the form cannot fix (the role, a missing field, an open
  source request, the casus' requirements), the page shows those reasons, in Dutch, and no
  internal code;
- the weging form starts from what is known (the signal's earlier purpose; a weging recorded
  through the API; the casus' last weging 4).

A row only the system takes (retention: ``casus_vernietigen``) has no page on purpose; the audit
asserts it is never offered. A new table anywhere in the source fails ``test_every_table_is_audited``
until it is added here.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from django.urls import reverse

from factories import BASIS, W1_CHECKLIST, WEIGHED, add_intervention, new_signal, planned_meeting, to_research, weging
from meldpunt.cases import interventions, meetings, releases
from meldpunt.cases import services as case_services
from meldpunt.cases.models import Casus
from meldpunt.intake import services as intake
from meldpunt.privacy.retention.models import ResultClass
from meldpunt.protocol import pages, services, transitions
from meldpunt.protocol.models import Destination, Weging
from meldpunt.protocol.research import services as research
from meldpunt.protocol.research.models import Source
from meldpunt.protocol.transitions import CASUS_TRANSITIONS, SIGNAL_TRANSITIONS, CasusState, Transition
from test_words_not_codes import codes_in, visible_text

pytestmark = pytest.mark.django_db

SRC = Path(__file__).resolve().parent.parent / "src" / "meldpunt"
TABLES = {"SIGNAL_TRANSITIONS": SIGNAL_TRANSITIONS, "CASUS_TRANSITIONS": CASUS_TRANSITIONS}
# The casus rows are taken on the casus page itself (a button per step, with what still blocks it,
# posting to cases:overgang), except the two that record more than a note: their own page.
CASUS_PAGES = {
    "casus_agenderen": "cases:overgang", "pva_vaststellen": "cases:overgang",
    "uitvoering_starten": "cases:overgang", "monitoren": "cases:overgang",
    "afsluiten": "cases:afsluiten", "heropenen": "cases:heropenen",
}


def _text(response) -> str:
    return visible_text(response.content.decode())


def _no_codes(response):
    found = codes_in(_text(response))
    assert not found, found


# ------------------------------------------------------------------------------ the tables


def test_every_table_is_audited():
    tables = {name for name, value in vars(transitions).items()
              if isinstance(value, tuple) and value and all(isinstance(t, Transition) for t in value)}
    assert tables == set(TABLES)
    # No table outside transitions.py: a row built elsewhere would escape this audit.
    elsewhere = [str(p.relative_to(SRC)) for p in SRC.rglob("*.py")
                 if p.name != "transitions.py" and re.search(r"\bTransition\(", p.read_text())]
    assert not elsewhere, elsewhere


@pytest.mark.parametrize("row", [t for t in SIGNAL_TRANSITIONS if not t.system_only], ids=lambda t: t.code)
def test_every_signal_row_has_a_page(row):
    page = pages.page_for(row.code)
    assert page is not None, f"{row.code} has no page"
    assert reverse(page.url_name, args=["MO-2026-0000001"])


@pytest.mark.parametrize("row", CASUS_TRANSITIONS, ids=lambda t: t.code)
def test_every_casus_row_has_a_page_or_is_the_systems(row):
    if row.system_only:
        assert row.code not in CASUS_PAGES and not row.roles
        return
    assert reverse(CASUS_PAGES[row.code], args=["CA-2026-00001"])


# ------------------------------------------------------------------------------ the world


@pytest.fixture
def people(make_user):
    return {"walker": make_user("beoordelaar", "teamlid", "regisseur"), "beoordelaar": make_user("beoordelaar"),
            "teamlid": make_user("teamlid"), "regisseur": make_user("regisseur"),
            "pf": make_user("privacyfunctionaris"), "deelnemer": make_user("deelnemer"),
            "uitvoerder": make_user("uitvoerder")}


def _at_intake(people):
    return new_signal(people["walker"])


def _at_zwaarte(people):
    signal = new_signal(people["walker"])
    services.decide(people["walker"], signal, [weging("W1", "ja"), weging("W2A", "ja"), weging("W2B", "ja")],
                    "intake_doorzetten")
    signal.refresh_from_db()
    return signal


def _at_research(people):
    return to_research(people["walker"], new_signal(people["walker"]))


def _casus_led_by(regisseur, people) -> Casus:
    signal = _at_research(people)
    services.decide(regisseur, signal, [weging("W4", "casus")], "hits_casus")
    return Casus.objects.get(signal_links__signal=signal)


def _destination(kind) -> int:
    return Destination.objects.filter(kind=kind, active=True).order_by("pk").first().pk


def _forward(kind):
    return {"doorzending-destination": _destination(kind), "doorzending-items": ["fenomeen", "locatie"]}


def _stap1(decision):
    data = {"purpose": BASIS["purpose"], "legal_basis": BASIS["legal_basis"],
            "w1_kenmerken": W1_CHECKLIST["kenmerken"], "w1_verankering": W1_CHECKLIST["verankering"]}
    for prefix in ("w1", "w2a", "w2b"):
        data.update({f"{prefix}_decision": decision, f"{prefix}_reasoning": "Zo gewogen."})
    return data


def _weging_form(decision, **extra):
    return {"decision": decision, "reasoning": "Zo gewogen.", **BASIS, **WEIGHED, **extra}


# Per signal row: the state it starts from, who takes it, and what its page's form gets.
SIGNAL_CASES = {
    "intake_afwijzen": (_at_intake, "beoordelaar", lambda p: _stap1("nee")),
    "intake_doorzetten": (_at_intake, "beoordelaar", lambda p: _stap1("ja")),
    "zwaarte_geen_actie": (_at_zwaarte, "teamlid", lambda p: _weging_form("geen_actie")),
    "zwaarte_afdeling": (_at_zwaarte, "teamlid", lambda p: _weging_form("afdeling", **_forward("afdeling"))),
    "zwaarte_riec": (_at_zwaarte, "teamlid", lambda p: _weging_form("riec", **_forward("riec"))),
    "zwaarte_bronnenonderzoek": (_at_zwaarte, "teamlid", lambda p: _weging_form("bronnenonderzoek")),
    "hits_geen_hit": (_at_research, "teamlid", lambda p: _weging_form("geen_hit")),
    "hits_afdeling": (_at_research, "regisseur", lambda p: _weging_form("afdeling")),
    "hits_riec": (_at_research, "regisseur", lambda p: _weging_form("riec", **_forward("riec"))),
    "hits_casus": (_at_research, "regisseur", lambda p: _weging_form("casus")),
    "casus_koppelen": (_at_research, "regisseur",
                       lambda p: {"casus": _casus_led_by(p["regisseur"], p).pk, "reasoning": "Hoort erbij.",
                                  **BASIS}),
}


def test_the_audit_covers_every_signal_row():
    assert set(SIGNAL_CASES) == {t.code for t in SIGNAL_TRANSITIONS if not t.system_only}


@pytest.mark.parametrize("code", list(SIGNAL_CASES))
def test_the_signal_page_links_the_step_and_its_page_takes_it(client, people, code):
    at_state, who, form = SIGNAL_CASES[code]
    row = transitions.signal_transition(code)
    signal = at_state(people)
    assert signal.state == row.source
    user = people[who]
    assert user.roles and set(user.roles) & set(row.roles)
    client.force_login(user)
    page = pages.page_for(code)
    url = reverse(page.url_name, args=[signal.reference])
    signal_page = client.get(reverse("protocol:signaal", args=[signal.reference]))
    assert f'href="{url}"' in signal_page.content.decode(), f"no link to {url} on the signal page"
    assert page.label in _text(signal_page)
    # ... and from the queue, one click to the first step the row waits for.
    first = pages.offered(user, signal)[0]
    queue = client.get(reverse("web:werkvoorraad"), {"text": signal.reference}).content.decode()
    assert f'href="{reverse(first.url_name, args=[signal.reference])}"' in queue
    shown = client.get(url)
    assert shown.status_code == 200
    _no_codes(shown)
    assert "kan nog niet" not in _text(shown)
    response = client.post(url, form(people))
    assert response.status_code == 302, _text(response)[:2000]
    signal.refresh_from_db()
    assert signal.state == row.target
    assert signal.history.order_by("-at", "-pk").first().transition == code


def test_a_role_that_may_not_take_a_step_is_not_offered_it_and_the_page_says_why(client, people):
    signal = _at_zwaarte(people)
    client.force_login(people["regisseur"])  # reads the signal, but weging 3 is the team's
    signal_page = client.get(reverse("protocol:signaal", args=[signal.reference]))
    assert reverse("protocol:stap2", args=[signal.reference]) not in signal_page.content.decode()
    shown = client.get(reverse("protocol:stap2", args=[signal.reference]))
    reasons = services.check(people["regisseur"], signal, transitions.signal_transition("zwaarte_afdeling"))[0]
    assert reasons == ["Uw rol mag deze stap niet zetten."]
    text = _text(shown)
    assert "Doorzetten naar een afdeling (die neemt de regie) kan nog niet: Uw rol mag deze stap niet zetten." in text
    assert "Weging 3 vastleggen" not in text
    _no_codes(shown)


def test_stap_1_says_why_a_signal_without_a_place_cannot_go_on_and_still_offers_niet_in_behandeling(
        client, people):
    signal = intake.create_signal(intake.SignalInput(channel="intern", description="Ergens in de stad.",
                                                     location_text="ergens", reporter_kind="medewerker"),
                                  user=people["walker"])
    reasons = services.blockers(people["beoordelaar"], signal, transitions.signal_transition("intake_doorzetten"))
    assert reasons == ["Het signaal heeft nog geen fenomeen.", "Het signaal heeft nog geen buurt of adres."] or \
        reasons == ["Het signaal heeft nog geen buurt of adres."]
    client.force_login(people["beoordelaar"])
    shown = client.get(reverse("protocol:stap1", args=[signal.reference]))
    text = _text(shown)
    assert "Doorzetten naar bepalen zwaarte (stap 2) kan nog niet:" in text
    for reason in reasons:
        assert reason in text
    assert "Wegingen vastleggen" in text  # 'nee' is still possible
    _no_codes(shown)
    # ... and check() refuses with the same reason when someone tries anyway.
    response = client.post(reverse("protocol:stap1", args=[signal.reference]), _stap1("ja"))
    assert response.status_code == 200 and reasons[-1] in _text(response)
    signal.refresh_from_db()
    assert signal.state == "ontvangen"


@pytest.mark.parametrize("url_name", ["protocol:weging4", "cases:signaal_koppelen"])
def test_an_open_source_request_blocks_weging_4_and_linking_and_the_pages_say_so(client, people, url_name):
    signal = _at_research(people)
    research.request_sources(people["regisseur"], signal, [Source.objects.get(code="BRP")],
                             [signal.subjects.get().pk], "Woont de genoemde persoon hier?")
    code = "hits_casus" if url_name == "protocol:weging4" else "casus_koppelen"
    reasons, _used = services.check(people["regisseur"], signal, transitions.signal_transition(code))
    assert reasons
    client.force_login(people["regisseur"])
    shown = client.get(reverse(url_name, args=[signal.reference]))
    text = _text(shown)
    blocking = services.blockers(people["regisseur"], signal, transitions.signal_transition(code))
    assert blocking and set(blocking) <= set(reasons)
    for reason in blocking:
        assert reason in text
    assert "kan nog niet" in text and 'type="submit"' not in shown.content.decode().split("<main", 1)[-1]
    _no_codes(shown)


# ------------------------------------------------------------------------------ pre-filled


def test_the_weging_forms_start_from_what_the_signal_has(client, people):
    signal = _at_zwaarte(people)
    client.force_login(people["teamlid"])
    page = client.get(reverse("protocol:stap2", args=[signal.reference])).content.decode()
    assert f'value="{BASIS["purpose"]}"' in page  # the purpose of the signal's earlier wegingen
    # A W3 recorded through the API (not yet used by a step) fills the whole form.
    services.record_weging(people["teamlid"], signal, weging("W3", "bronnenonderzoek", "Via de API gewogen.",
                                                             legal_basis="Eigen grondslag W3"))
    page = client.get(reverse("protocol:stap2", args=[signal.reference])).content.decode()
    assert "Via de API gewogen." in page and 'value="Eigen grondslag W3"' in page
    assert re.search(r'value="bronnenonderzoek"[^>]*checked', page)


def test_re_opening_starts_from_the_casus_last_weging_4(client, people, result_class):
    regie = people["regisseur"]
    casus = _casus_led_by(regie, people)
    _closed(casus, regie, people, result_class)
    client.force_login(regie)
    page = client.get(reverse("cases:heropenen", args=[casus.reference]))
    html, text = page.content.decode(), _text(page)
    last = Weging.objects.filter(signal__casus_links__casus=casus, type="W4").get()
    assert f'value="{last.legal_basis}"' in html and f'value="{last.purpose}"' in html
    assert f"zei: {last.reasoning}" in text  # shown as context, not copied into the new motivering
    _no_codes(page)


# ------------------------------------------------------------------------------ the casus


@pytest.fixture
def result_class(db):
    return ResultClass.objects.filter(active=True, applies_to="casus").order_by("pk").first() or \
        ResultClass.objects.create(code="handhaving-test", name="Handhaving uitgevoerd", selectielijst_item="12.2",
                                   term_months=120, applies_to="casus")


def _closed(casus, regie, people, result_class):
    for code in ("casus_agenderen", "pva_vaststellen", "uitvoering_starten", "monitoren"):
        _prepare(code, casus, regie, people)
        case_services.transition(regie, casus, code)
    interventions.report(people["uitvoerder"], casus.interventions.get(), "afgerond", result="Gesloten.")
    case_services.close(regie, casus, result_class, "Goed verlopen.")


def _prepare(code, casus, regie, people):
    """Meet what the casus table asks of ``code`` (through the services, as the other pages do)."""
    if code == "casus_agenderen":
        _meeting, item, (seat,) = planned_meeting(regie, casus, people["deelnemer"])
        releases.decide(people["pf"], releases.request_pc2a(regie, item, seat, ["veld:fenomeen"], "Voor het overleg."),
                        weging("PC2A", "vrijgeven"))
    elif code == "pva_vaststellen":
        item = casus.agenda_items.get()
        meetings.record_minutes(regie, item, "Besproken.", "Sluiting voorbereiden.")
        meetings.record_attendance(regie, item.meeting, [item.meeting.participants.get().pk])
    elif code == "uitvoering_starten":
        action = add_intervention(regie, casus, people["uitvoerder"])
        releases.decide(people["pf"], releases.request_pc2b(regie, action, ["veld:locatie"], "Het adres."),
                        weging("PC2B", "vrijgeven"))
    elif code == "monitoren":
        action = casus.interventions.get()
        interventions.report(people["uitvoerder"], action, "in_uitvoering", "Gestart.")


def _casus_page(client, casus) -> tuple[str, str]:
    response = client.get(reverse("cases:casus", args=[casus.reference]))
    assert response.status_code == 200
    _no_codes(response)
    return response.content.decode(), _text(response)


def test_every_casus_row_is_offered_on_the_casus_page_refused_with_reasons_and_taken(client, people,
                                                                                       result_class):
    regie = people["regisseur"]
    casus = _casus_led_by(regie, people)
    client.force_login(regie)
    for row in [t for t in CASUS_TRANSITIONS if not t.system_only]:
        casus.refresh_from_db()
        assert casus.state == row.source, row.code
        html, text = _casus_page(client, casus)
        reasons = case_services.check(regie, casus, row)
        url = reverse(CASUS_PAGES[row.code], args=[casus.reference])
        if CASUS_PAGES[row.code] == "cases:overgang":
            # Refused first when the table asks something (nothing prepared yet): the casus page says
            # why, in Dutch, and has no button. 'Naar monitoring' asks nothing.
            assert reasons or not (row.wegingen or row.required_fields), row.code
            if reasons:
                assert f"{row.label} kan nog niet:" in text
                for reason in reasons:
                    assert reason in text
                assert f'value="{row.code}"' not in html
            _prepare(row.code, casus, regie, people)
            html, text = _casus_page(client, casus)
            assert f'action="{url}"' in html and f'value="{row.code}"' in html
            response = client.post(url, {"overgang": row.code})
        elif row.code == "afsluiten":
            assert f'href="{url}"' in html
            shown = client.get(url)  # the intervention is still running
            assert "Rond eerst alle interventies af of stop ze." in _text(shown)
            assert "Casus afsluiten kan nog niet:" in _text(shown)
            _no_codes(shown)
            interventions.report(people["uitvoerder"], casus.interventions.get(), "afgerond", result="Gesloten.")
            shown = client.get(url)
            assert "kan nog niet" not in _text(shown)
            response = client.post(url, {"result_class": result_class.pk, "evaluation": "Goed verlopen."})
        else:  # heropenen
            assert f'href="{url}"' in html
            response = client.post(url, {"reasoning": "Nieuwe signalen op hetzelfde adres.", **BASIS})
        assert response.status_code == 302, _text(response)[:2000]
        casus.refresh_from_db()
        assert casus.state == row.target, (row.code, casus.state)
        assert casus.history.order_by("-at", "-pk").first().transition == row.code


def test_the_pages_of_afsluiten_and_heropenen_say_why_in_another_state(client, people):
    regie = people["regisseur"]
    casus = _casus_led_by(regie, people)
    client.force_login(regie)
    for name, label in (("cases:afsluiten", "Casus afsluiten"), ("cases:heropenen", "Casus heropenen")):
        shown = client.get(reverse(name, args=[casus.reference]))
        text = _text(shown)
        assert f"{label} kan nog niet: Deze stap kan niet vanuit de status 'Voorbereiding'." in text
        assert 'type="submit"' not in shown.content.decode().split("<main", 1)[-1]
        _no_codes(shown)


def test_only_the_system_destroys_a_casus(people):
    row = next(t for t in CASUS_TRANSITIONS if t.code == "casus_vernietigen")
    casus = _casus_led_by(people["regisseur"], people)
    casus.state = CasusState.AFGESLOTEN
    everyone = [p for p in people.values()]
    assert all(row not in [t for t, _ in case_services.available(p, casus)] for p in everyone)
    assert case_services.check(people["walker"], casus, row) == ["Deze stap zet alleen het systeem (bewaartermijnen)."]


def test_a_signal_joins_an_existing_casus_from_its_own_page_in_one_service_call(client, people):
    regie = people["regisseur"]
    casus = _casus_led_by(regie, people)
    signal = _at_research(people)
    client.force_login(regie)
    url = reverse("cases:signaal_koppelen", args=[signal.reference])
    shown = client.get(url)
    assert casus.reference in _text(shown)
    # Bad input changes nothing and shows the error at the field.
    response = client.post(url, {"casus": casus.pk, "reasoning": "", **{k: v for k, v in BASIS.items()
                                                                       if k != "reasoning"}})
    assert response.status_code == 200
    assert 'utrecht-form-field-error-message' in response.content.decode()
    signal.refresh_from_db()
    assert signal.state == "bronnenonderzoek"
    response = client.post(url, {"casus": casus.pk, "reasoning": "Zelfde pand.", **{
        k: v for k, v in BASIS.items() if k != "reasoning"}}, follow=True)
    assert f"Signaal {signal.reference} hoort nu bij casus {casus.reference}." in _text(response)
    signal.refresh_from_db()
    assert signal.state == "casus" and casus.signal_links.filter(signal=signal).exists()
    assert Weging.objects.filter(casus=casus, type="W4", reasoning="Zelfde pand.").exists()


# ------------------------------------------------------------------------------ thin views


# The modules whose functions write (services); a view calls at most one of them per step.
WRITE_MODULES = {"services", "interventions", "releases", "meetings", "research", "case_services"}
READS = ("check", "blockers", "available", "step", "may_")
VIEW_FILES = sorted([*SRC.rglob("*views.py"), *SRC.rglob("api.py")])


def _write_calls(node, path=()):
    """(call, branch path) for every write call under ``node``; the path names the if/else arms it
    sits in, so two calls in different arms of one ``if`` are never made on the same request."""
    if isinstance(node, ast.If):
        yield from _write_calls(node.test, path)
        for arm in ("body", "orelse"):
            for child in getattr(node, arm):
                yield from _write_calls(child, (*path, (id(node), arm)))
        return
    if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and isinstance(node.func.value, ast.Name)
            and node.func.value.id in WRITE_MODULES and not node.func.attr.startswith(READS)
            and node.func.attr[0].islower()):
        yield f"{node.func.value.id}.{node.func.attr}", path
    for child in ast.iter_child_nodes(node):
        yield from _write_calls(child, path)


def _exclusive(a, b) -> bool:
    return any(x[0] == y[0] and x[1] != y[1] for x in a for y in b)


def _orchestrating(source: str) -> list[str]:
    """The view functions (and API methods) in ``source`` that may call two different write functions
    on one request."""
    found = []
    for fn in [n for n in ast.walk(ast.parse(source)) if isinstance(n, ast.FunctionDef)]:
        calls = list(_write_calls(fn))
        clashes = {tuple(sorted((a, b))) for a, pa in calls for b, pb in calls if a != b and not _exclusive(pa, pb)}
        if clashes:
            found.append(f"{fn.name} {sorted(clashes)}")
    return found


def test_no_view_orchestrates_several_services_for_one_step():
    """A combined step (stap 2 with a forward, W4 to RIEC, linking with its W4) is one service call:
    no view function calls two different write functions on the same request."""
    offenders = [f"{path.relative_to(SRC)}:{found}" for path in VIEW_FILES
                 for found in _orchestrating(path.read_text())]
    assert not offenders, offenders
    # The detector itself: a view that forwards and then decides is caught.
    assert _orchestrating("def stap(request):\n    services.forward(a)\n    services.decide(b)\n")
    assert not _orchestrating("def stap(request):\n    if a:\n        services.decide(b)\n    else:\n"
                              "        services.transition(c)\n")
