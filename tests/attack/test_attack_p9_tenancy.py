"""P9 between gemeenten (ADR 0030 §3, step S3): roles are held per gemeente.

Two tenants: A, the home gemeente Zaanstad (GM0479), and B, Wormerland (GM0880) with its own key
slot and log chain. In B lives one of everything: a signal through source research (PC1, hit,
details request) into a casus in uitvoering with a casusoverleg, a PC2A and a PC2B release, an
inzageverzoek and a destruction list. An attacker holding **every** role in A only swaps B's ids and
kenmerken into every detail page (GET and POST), the API and the exports: every attempt is refused,
nothing of B is shown and nothing changes. A regisseur of A and B sees both.
"""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from conftest import grant_roles, make_tenant
from factories import SECRET_NAME, new_signal, pc1, to_research, weging
from meldpunt import policy
from meldpunt.accounts.roles import Role
from meldpunt.cases import interventions, meetings, releases
from meldpunt.cases import services as cases
from meldpunt.cases.models import Casus, Instrument, Intervention, Meeting, ReleaseRequest
from meldpunt.core.errors import NotAllowed
from meldpunt.intake.models import Signal
from meldpunt.privacy import selectors as log_selectors
from meldpunt.privacy.inzage import services as inzage
from meldpunt.privacy.inzage.models import AccessRequest
from meldpunt.privacy.models import SecurityEvent, SecurityLogEntry
from meldpunt.privacy.retention import services as retention
from meldpunt.privacy.retention.models import DestructionList
from meldpunt.protocol import services as protocol
from meldpunt.protocol.models import StateChange, Weging
from meldpunt.protocol.research import services as research
from meldpunt.protocol.research.models import DetailRequest, Source, SourceRequest
from meldpunt.registries.models import Persoon
from test_retention_support import age, niet_in_behandeling

pytestmark = [pytest.mark.attack, pytest.mark.django_db]

REFUSED = (403, 404)
EVERY_ROLE = [role.value for role in Role]


def _bsn():
    return Persoon.objects.order_by("pk").first().bsn


def _world_in(gemeente, make_user):
    """One of everything in ``gemeente``, made by people who hold their roles there only."""
    regie = make_user("regisseur", "teamlid", "beoordelaar", gemeente=gemeente)
    pf = make_user("privacyfunctionaris", gemeente=gemeente)
    deelnemer, uitvoerder = make_user("deelnemer", gemeente=gemeente), make_user("uitvoerder", gemeente=gemeente)
    archivaris = make_user("archivaris", gemeente=gemeente)
    bsn = _bsn()
    signal = to_research(regie, new_signal(regie, SECRET_NAME, bsn, gemeente=gemeente))
    mention = signal.subjects.get()
    source = Source.objects.get(code="BRP", gemeente=gemeente)
    item = research.request_sources(regie, signal, [source], [mention.pk], "Wie woont er?")[0]
    research.decide_pc1(pf, item, pc1())
    hit = item.hits.get()
    details = research.decide_details(
        pf, research.request_details(regie, hit, ["geboorte.datum"], "Leeftijd nodig."), pc1()) if hit.hit else None
    protocol.decide(regie, signal, [weging("W4", "casus")], "hits_casus")
    casus = Casus.objects.get(signal_links__signal=signal)
    meeting = meetings.plan(regie, "Casusoverleg", timezone.now() + timedelta(days=3), "Raadhuis", gemeente=gemeente)
    agenda_item = meetings.add_to_agenda(regie, meeting, casus)
    seat = meetings.invite(regie, meeting, deelnemer, "Afdeling Wonen")
    pc2a = releases.decide(pf, releases.request_pc2a(regie, agenda_item, seat, ["veld:fenomeen"], "Nodig."),
                           weging("PC2A", "vrijgeven"))
    cases.transition(regie, casus, "casus_agenderen")
    meetings.record_minutes(regie, agenda_item, "Besproken.", "Sluiting voorbereiden.")
    meetings.record_attendance(regie, meeting, [seat.pk])
    cases.transition(regie, casus, "pva_vaststellen")
    action = interventions.add(regie, casus, Instrument.objects.get(code="sluiting-13b-opiumwet"), "Sluiting.",
                               uitvoerder, timezone.localdate() + timedelta(days=30))
    releases.decide(pf, releases.request_pc2b(regie, action, ["veld:locatie"], "Adres nodig."),
                    weging("PC2B", "vrijgeven"))
    cases.transition(regie, casus, "uitvoering_starten")
    request = inzage.register(pf, inzage.RequestInput(
        received_on=timezone.localdate(), requester_name="A. Bewoner", requester_contact="per post",
        identity_document="digid", subject_bsn=bsn), gemeente=gemeente)
    inzage.search(pf, request)
    age(niet_in_behandeling(regie, new_signal(regie, gemeente=gemeente)), 400)
    destruction_list = retention.compose(archivaris, "Lijst van B", gemeente=gemeente)
    signal.refresh_from_db()
    return {"regie": regie, "signal": signal, "mention": mention, "casus": casus, "meeting": meeting,
            "item": agenda_item, "seat": seat, "pc2a": pc2a, "action": action, "source_request": item, "hit": hit,
            "details": details, "inzage": request, "destruction_list": destruction_list,
            "secrets": [signal.reference, casus.reference, SECRET_NAME, bsn, request.reference]}


@pytest.fixture
def two_gemeenten(home_gemeente, make_user):
    wormerland = make_tenant()
    world = _world_in(wormerland, make_user)
    attacker = make_user(*EVERY_ROLE, username="alles-in-zaanstad", gemeente=home_gemeente)
    return home_gemeente, wormerland, world, attacker


def _targets(w):
    """(url name, kwargs) of every detail page, action and API endpoint, filled with B's ids."""
    s, c, m = w["signal"].reference, w["casus"].reference, w["meeting"].pk
    request = w["inzage"]
    targets = [
        *((name, {"reference": s}) for name in ("protocol:signaal", "protocol:stap1", "protocol:stap2",
                                               "protocol:doorzenden", "protocol:versleuteld", "protocol:overgang",
                                               "protocol:bronnen_aanvragen")),
        ("protocol:bron_opnieuw", {"reference": s, "pk": w["source_request"].pk}),
        ("protocol:details_aanvragen", {"reference": s, "hit_id": w["hit"].pk}),
        ("protocol:bron_pc1", {"pk": w["source_request"].pk}),
        ("protocol:bevraging_beantwoorden", {"pk": w["hit"].pk}),
        ("registries:koppelen", {"reference": s, "mention_id": w["mention"].pk}),
        *((name, {"kenmerk": s}) for name in ("api:signaal-detail", "api:signaal-wegingen", "api:signaal-overgangen",
                                             "api:signaal-doorzendingen", "api:signaal-versleuteld-inzien")),
        *((name, {"reference": c}) for name in ("cases:casus", "cases:overgang", "cases:netwerk", "cases:netwerk_ftm",
                                               "cases:netwerk_gexf", "cases:regie", "cases:team", "cases:koppelen",
                                               "cases:afsluiten", "cases:heropenen", "cases:interventie_nieuw")),
        ("cases:interventie_vrijgave", {"reference": c, "pk": w["action"].pk}),
        ("api:casus", {"kenmerk": c}),
        *((name, {"pk": m}) for name in ("cases:overleg", "cases:agenderen", "cases:uitnodigen", "cases:aanwezigheid",
                                        "cases:mijn_agenda_pdf")),
        ("cases:verslag", {"pk": m, "item_pk": w["item"].pk}),
        ("cases:vrijgave_vragen", {"pk": m, "item_pk": w["item"].pk, "participant_pk": w["seat"].pk}),
        ("cases:agenda_pdf", {"pk": m, "participant_pk": w["seat"].pk}),
        ("cases:vrijgave_besluiten", {"pk": w["pc2a"].pk}),
        ("cases:actie", {"pk": w["action"].pk}),
        *((name, {"pk": w["destruction_list"].pk}) for name in ("retention:lijst", "retention:beoordelen",
                                                                "retention:annuleren", "retention:uitvoeren")),
        *((name, {"reference": request.reference}) for name in (
            "inzage:verzoek", "inzage:zoeken", "inzage:verlengen", "inzage:afhandelen", "inzage:pakket_json",
            "inzage:pakket_pdf", "inzage:pakket_maken", "inzage:toezicht_verzoek")),
    ]
    if w["details"] is not None:
        targets += [("protocol:bron_details", {"reference": s, "pk": w["details"].pk}),
                    ("protocol:bron_details_besluit", {"pk": w["details"].pk}),
                    ("protocol:gegevens_leveren", {"pk": w["details"].pk})]
    item = request.items.order_by("pk").first()
    if item is not None:
        targets += [("inzage:besluit", {"reference": request.reference, "item_id": item.pk}),
                    ("inzage:herbeoordeling", {"item_id": item.pk})]
    return targets


def _state(w) -> dict:
    """What an attempt could change in B: states, decisions and the number of rows of each kind."""
    signal, casus = Signal.objects.get(pk=w["signal"].pk), Casus.objects.get(pk=w["casus"].pk)
    return {
        "signal": (signal.state, signal.assigned_to_id), "casus": (casus.state, casus.lead_id),
        "team": sorted(casus.team.values_list("pk", flat=True)),
        "meeting": Meeting.objects.filter(pk=w["meeting"].pk).values_list("state", flat=True).first(),
        "list": DestructionList.objects.get(pk=w["destruction_list"].pk).status,
        "inzage": AccessRequest.objects.get(pk=w["inzage"].pk).status,
        "counts": [model.objects.count() for model in (StateChange, Weging, SourceRequest, DetailRequest,
                                                        ReleaseRequest, Intervention, Meeting, Casus, Signal)],
    }


def _refused(response, url) -> bool:
    """403 or 404; or a redirect away with a notice (the restriction review answers an item it does not
    find with "niet (meer) beperkt", as for any unknown item) — that the POST changed nothing is checked
    on the state afterwards."""
    if response.status_code == 302:
        return response["Location"] != url
    return response.status_code in REFUSED


def test_every_role_in_a_opens_nothing_of_b_by_get_or_post(two_gemeenten, client):
    _a, _b, world, attacker = two_gemeenten
    client.force_login(attacker)
    before = _state(world)
    opened = []
    for name, kwargs in _targets(world):
        url = reverse(name, kwargs=kwargs)
        for method in (client.get, client.post):
            response = method(url, {})
            if response.status_code == 405:
                continue
            body = response.content.decode(errors="replace")
            leaked = [secret for secret in world["secrets"] if secret in body]
            if not _refused(response, url) or leaked:
                opened.append((method.__name__, url, response.status_code, leaked))
    assert not opened, opened
    assert _state(world) == before


def test_lists_exports_and_the_api_of_a_show_nothing_of_b(two_gemeenten, client):
    _a, _b, world, attacker = two_gemeenten
    client.force_login(attacker)
    s = world["signal"].reference
    urls = [reverse("web:werkvoorraad"), f"{reverse('web:werkvoorraad')}?text={s}", reverse("web:werkvoorraad_export"),
            f"{reverse('web:werkvoorraad_export')}?text={s}", reverse("web:te_beoordelen"), reverse("web:bevragingen"),
            reverse("cases:casussen"), reverse("cases:overleggen"), reverse("inzage:overzicht"),
            reverse("inzage:toezicht"), reverse("web:bewaartermijnen"), reverse("web:mijn_casussen"),
            reverse("web:mijn_acties"), "/api/v1/signalen",
            f"/api/v1/signalen?kenmerk={s}", "/api/v1/signalen/kaart", "/api/v1/casussen"]
    for url in urls:
        response = client.get(url)
        body = response.content.decode(errors="replace")
        # A page repeats a typed kenmerk in its search form, the API in its paging links: what must not
        # show is a link to the signal (HTML) or the kenmerk as a value (JSON, CSV).
        html = "text/html" in response.get("Content-Type", "")
        marker = f"/{s}/" if html else (f'"{s}"' if "json" in response.get("Content-Type", "") else s)
        assert response.status_code == 200, url
        assert marker not in body and SECRET_NAME not in body and world["casus"].reference not in body, url
        assert world["inzage"].reference not in body and "Lijst van B" not in body, url


def test_services_refuse_b_records_to_a_role_held_in_a(two_gemeenten):
    _a, wormerland, world, attacker = two_gemeenten
    signal, casus = world["signal"], world["casus"]
    assert not policy.may_read_signal(attacker, signal)
    assert not policy.cases_visible_to(attacker, Casus.objects.filter(pk=casus.pk)).exists()
    assert not policy.may_take_weging(attacker, "W4", casus)
    assert not policy.may_manage_casus(attacker, casus.gemeente_id)
    assert not policy.may_decide_release(attacker, casus.gemeente_id)
    assert not policy.may_decide_pc1(attacker, signal.gemeente_id)
    assert not policy.may_review_destruction_list(attacker, world["destruction_list"].gemeente_id)
    assert not policy.may_be_invited(attacker, wormerland)
    with pytest.raises(NotAllowed, match="annuleren"):
        retention.cancel(attacker, world["destruction_list"], "weg ermee")
    with pytest.raises(NotAllowed, match="privacyfunctionaris"):
        research.decide_pc1(attacker, world["source_request"], pc1())
    with pytest.raises(NotAllowed, match="regisseur"):
        meetings.plan(attacker, "Overleg", timezone.now() + timedelta(days=1), gemeente=wormerland)


def test_a_regisseur_of_a_and_b_sees_both(two_gemeenten, make_user):
    zaanstad, wormerland, world, _attacker = two_gemeenten
    both = make_user("regisseur", "beoordelaar", gemeente=zaanstad)
    grant_roles(both, "regisseur", "beoordelaar", gemeente=wormerland)
    own = new_signal(both, gemeente=zaanstad)
    theirs = new_signal(both, gemeente=wormerland)
    visible = set(policy.signals_visible_to(both, Signal.objects.all()).values_list("pk", flat=True))
    assert {own.pk, theirs.pk} <= visible
    assert both.gemeenten_with(Role.REGISSEUR) == {"GM0479", "GM0880"}
    only_a = make_user("regisseur", "beoordelaar", gemeente=zaanstad)
    seen = set(policy.signals_visible_to(only_a, Signal.objects.all()).values_list("pk", flat=True))
    assert own.pk in seen and theirs.pk not in seen and world["signal"].pk not in seen


def test_a_refusal_of_bs_kenmerk_is_seen_by_bs_fg_and_by_as(two_gemeenten, client, make_user):
    """ADR 0030 §6, §15: a 404 on B's kenmerk (or overleg) leaves a line in B's gemeente, so B's FG sees
    the probe; the installation's line, which every FG reads (A's too), stays as it was — and is the
    same for a kenmerk that exists nowhere, so A's FG learns nothing of B's records from it."""
    zaanstad, wormerland, world, attacker = two_gemeenten
    client.force_login(attacker)
    s, c, m = world["signal"].reference, world["casus"].reference, world["meeting"].pk
    before = SecurityLogEntry.objects.count()
    for url in (reverse("protocol:signaal", kwargs={"reference": s}), reverse("cases:casus", kwargs={"reference": c}),
                reverse("cases:overleg", kwargs={"pk": m}), f"/api/v1/signalen/{s}",
                reverse("inzage:verzoek", kwargs={"reference": world["inzage"].reference})):
        assert client.get(url).status_code in REFUSED, url
    lines = SecurityLogEntry.objects.order_by("seq")[before:]
    theirs = [line for line in lines if line.gemeente_code == wormerland.code]
    assert {line.object_id for line in theirs} >= {s, c, str(m), world["inzage"].reference}
    assert sum(line.object_id == s for line in theirs) == 2  # the page and the API
    assert all(line.user_id == attacker.pk and line.event == SecurityEvent.ACCESS_DENIED for line in theirs)
    assert not [line for line in lines if line.gemeente_code == zaanstad.code]
    shared = [line.object_id for line in lines if line.gemeente_code == ""]
    assert s in shared and c in shared
    fg_b = make_user(Role.FG, gemeente=wormerland)
    fg_a = make_user(Role.FG, gemeente=zaanstad)
    seen_b = set(log_selectors.security_log(fg_b, log_selectors.LogFilter()).values_list("pk", flat=True))
    seen_a = set(log_selectors.security_log(fg_a, log_selectors.LogFilter()).values_list("pk", flat=True))
    assert {line.pk for line in theirs} <= seen_b and not {line.pk for line in theirs} & seen_a
    # A kenmerk that exists nowhere: one line for the installation, none in any gemeente.
    before = SecurityLogEntry.objects.count()
    assert client.get(reverse("protocol:signaal", kwargs={"reference": "WL-2026-0999999"})).status_code == 404
    assert [line.gemeente_code for line in SecurityLogEntry.objects.order_by("seq")[before:]] == [""]
