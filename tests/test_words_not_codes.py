"""Words, not codes, everywhere a person looks (issue 12, item 4).

Every demo role logs in (Django test client, no browser) and opens every GET page (and PDF, and
the header of every CSV) it may open,
with real objects of the demo municipality: signals in several states, a signal with answered
source research and approved BRP/NHR details, a casus with a casusoverleg and a PC2A release, a
casus in uitvoering with an approved PC2B release, an inzageverzoek. The visible text of each page
that answers 200 must not show an internal code: a snake_case state or field path, a registry
field path (``verblijfplaats.adres``), a camelCase registry key, a Python repr, ``signal <id>``,
an English month or a date in a machine format.
"""

from __future__ import annotations

import datetime
import io
import re
from decimal import Decimal
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django import forms
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from pypdf import PdfReader

from factories import (
    add_intervention,
    open_casus,
    open_inzage_request,
    pc1,
    run_to_uitvoering,
    walk_to_research,
    weging,
)
from meldpunt.accounts import services as account_services
from meldpunt.accounts.models import User
from meldpunt.accounts.roles import ROLE_PROFILES, Role
from meldpunt.cases import releases
from meldpunt.cases.models import AgendaItem, Casus, Intervention, Meeting, Participant, ReleaseRequest
from meldpunt.demo.services import ensure_demo_users
from meldpunt.intake import services as intake
from meldpunt.intake.models import Signal
from meldpunt.privacy.inzage.models import AccessRequest
from meldpunt.protocol.research import services as research
from meldpunt.protocol.research.models import DetailRequest, HitResult, Source, SourceRequest
from meldpunt.protocol.sources import SOURCES
from meldpunt.registries.models import Nummeraanduiding, Onderneming, Persoon
from meldpunt.web.forms import StyledForm
from meldpunt.web.templatetags.woorden import datum, datum_kort, datumtijd, gegeven, getal, maand, naam
from urlwalk import ADMIN_NAMESPACE, routes

pytestmark = pytest.mark.django_db

# Words that look like a code but are what people read. Keep this tiny; each has a reason.
ALLOWED_SNAKE = {
    # The demo account of the role 'melder (intern)' is called melder_intern: the logs show the
    # account name on purpose (who was logged in), next to the role's name.
    "melder_intern",
}
# Every dotted field path of the source catalogue (``verblijfplaats.adres``, ``naam.geslachtsnaam``).
FIELD_PATHS = sorted({key for s in SOURCES for keys in s[4].values() for key, _label in keys if "." in key})
FIELD_KEYS = sorted({key for s in SOURCES for keys in s[4].values() for key, _label in keys})

SNAKE = re.compile(r"\b[a-z]+_[a-z_]+\b")
CAMEL = re.compile(r"\b[a-z]+[A-Z][a-z]+[A-Za-z]*\b")
REPR = re.compile(r"\{'|\[\{|\['|<\w+ object|object at 0x|\bNone\b|\bTrue\b|\bFalse\b")
SIGNAL_ID = re.compile(r"\bsignal \d+\b", re.I)
ENGLISH_MONTH = re.compile(r"\b\d{1,2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\.?\b|"
                           r"\b(January|February|March|April|June|July|August|October)\b")
MACHINE_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b|\b\d{1,2}-\d{1,2}-\d{4}\b")
# Addresses people read as they are: e-mail, URLs, file names.
NOT_TEXT = re.compile(r"\S+@\S+|https?://\S+|\S+/\S+|\S+\.(pdf|csv|json|gexf)\b")


class _Text(HTMLParser):
    """The text a person sees: no script, style or hidden input."""

    def __init__(self):
        super().__init__()
        self.parts, self.skip = [], 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style", "template"):
            self.skip += 1

    def handle_endtag(self, tag):
        if tag in ("script", "style", "template") and self.skip:
            self.skip -= 1

    def handle_data(self, data):
        if not self.skip:
            self.parts.append(data)


def visible_text(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    return re.sub(r"\s+", " ", " ".join(parser.parts))


def codes_in(text: str) -> list[str]:
    text = NOT_TEXT.sub(" ", text)
    found = [m.group(0) for m in SNAKE.finditer(text) if m.group(0) not in ALLOWED_SNAKE]
    found += [path for path in FIELD_PATHS if path in text]
    found += [m.group(0) for m in CAMEL.finditer(text) if m.group(0) in FIELD_KEYS or m.group(0).startswith("datum")]
    for pattern in (REPR, SIGNAL_ID, ENGLISH_MONTH, MACHINE_DATE):
        found += [m.group(0) for m in pattern.finditer(text)]
    return found


# ----------------------------------------------------------------------------- the world


def _research_with_details(users, walker) -> Signal:
    """A signal in bronnenonderzoek naming a demo person and company, BRP and NHR asked and
    answered, and details approved: the woonadres and the functionarissen."""
    persoon = Persoon.objects.filter(verblijfplaatsen__isnull=False).order_by("pk").first()
    onderneming = Onderneming.objects.filter(functionarissen__isnull=False).order_by("pk").first()
    data = intake.SignalInput(
        channel="intern", description="Drukte bij een pand, wisselende bewoners.", phenomenon="hennepteelt_drugs",
        reporter_kind="medewerker", address=Nummeraanduiding.objects.order_by("pk").first().pk,
        subjects=[intake.SubjectInput(kind="persoon", name="A. Bewoner", role="bewoner", bsn=persoon.bsn),
                  intake.SubjectInput(kind="onderneming", name="B.V.", kvk_nummer=onderneming.kvk_nummer)])
    signal = walk_to_research(walker, intake.create_signal(data, user=walker))
    person, company = signal.subjects.get(bsn=persoon.bsn), signal.subjects.get(kvk_nummer=onderneming.kvk_nummer)
    brp = research.request_sources(users["regisseur"], signal, [Source.objects.get(code="BRP")], [person.pk],
                                   "Woont de genoemde persoon hier?")[0]
    nhr = research.request_sources(users["regisseur"], signal, [Source.objects.get(code="NHR")], [company.pk],
                                   "Wie bestuurt de onderneming?")[0]
    for item, fields in ((brp, ["naam.geslachtsnaam", "geboorte.datum", "verblijfplaats.adres"]),
                         (nhr, ["naam", "functionarissen"])):
        research.decide_pc1(users["privacyfunctionaris"], item, pc1())
        hit = item.hits.get()
        assert hit.hit, f"{item.source.code} should know the demo subject"
        detail = research.request_details(users["regisseur"], hit, fields, "Nodig voor de weging.")
        research.decide_details(users["privacyfunctionaris"], detail, pc1("toegestaan", approved_fields=fields))
    return signal


@pytest.fixture
def world():
    ensure_demo_users(stories_too=False)  # the pages, not the year of stories (test_demo runs those)
    users = {u.username: u for u in User.objects.filter(username__in=[p.role.value for p in ROLE_PROFILES])}
    walker = account_services.create_user("alle-rollen", "een-lang-wachtwoord-voor-tests", [r.value for r in Role],
                                          first_name="Alle", last_name="Rollen")
    research_signal = _research_with_details(users, walker)
    casus = open_casus(walker, name="C. Bewoner", bsn="999993653")
    action = run_to_uitvoering(walker, users["privacyfunctionaris"], casus, users["deelnemer"],
                               users["uitvoerder"])
    open_inzage_request(Persoon.objects.order_by("pk").first().bsn, users["privacyfunctionaris"])
    return {"users": users, "walker": walker, "research_signal": research_signal, "casus": casus, "action": action}


def _samples(world) -> dict[str, list[dict]]:
    """Real path values per URL name."""
    signals = []
    for state in Signal.objects.values_list("state", flat=True).distinct():
        signals += list(Signal.objects.filter(state=state).order_by("reference")[:2])
    signals.append(world["research_signal"])
    refs = [{"reference": s.reference} for s in {s.pk: s for s in signals}.values()]
    cases = [{"reference": c.reference} for c in Casus.objects.all()]
    sr = SourceRequest.objects.select_related("signal")
    hits = HitResult.objects.select_related("request__signal")
    details = DetailRequest.objects.select_related("hit__request__signal")
    meetings = list(Meeting.objects.all())
    items = list(AgendaItem.objects.all())
    seats = list(Participant.objects.all())
    inzage = [{"reference": r.reference} for r in AccessRequest.objects.all()]
    samples = {
        "protocol:bron_opnieuw": [{"reference": r.signal.reference, "pk": r.pk} for r in sr],
        "protocol:details_aanvragen": [{"reference": h.request.signal.reference, "hit_id": h.pk} for h in hits],
        "protocol:bron_details": [{"reference": d.hit.request.signal.reference, "pk": d.pk} for d in details],
        "protocol:bron_pc1": [{"pk": r.pk} for r in sr],
        "protocol:bron_details_besluit": [{"pk": d.pk} for d in details],
        "protocol:bevraging_beantwoorden": [{"pk": h.pk} for h in hits],
        "protocol:gegevens_leveren": [{"pk": d.pk} for d in details],
        "cases:interventie_vrijgave": [{"reference": i.casus.reference, "pk": i.pk}
                                       for i in Intervention.objects.select_related("casus")],
        "cases:verslag": [{"pk": i.meeting_id, "item_pk": i.pk} for i in items],
        "cases:vrijgave_vragen": [{"pk": i.meeting_id, "item_pk": i.pk, "participant_pk": s.pk}
                                  for i in items for s in seats if s.meeting_id == i.meeting_id],
        "cases:vrijgave_besluiten": [{"pk": r.pk} for r in ReleaseRequest.objects.all()],
        "cases:actie": [{"pk": i.pk} for i in Intervention.objects.all()],
        "cases:rapportage_export": [{"kind": kind, "fmt": fmt} for kind in ("interventies", "trechter")
                                    for fmt in ("csv", "pdf")],
        "registries:koppelen": [{"reference": s.signal.reference, "mention_id": s.pk}
                                for s in world["research_signal"].subjects.all()],
    }
    for route in routes():
        names = list(route.pattern.pattern.regex.groupindex)
        if route.name in samples or not names:
            continue
        if names == ["reference"]:
            samples[route.name] = {"protocol": refs, "registries": refs, "cases": cases, "inzage": inzage}.get(
                route.namespace, [])
        elif names == ["pk"] and route.name.startswith("cases:"):
            samples[route.name] = [{"pk": m.pk} for m in meetings]
    return samples


def _pages(world):
    samples = _samples(world)
    for route in routes():
        if route.namespace in (ADMIN_NAMESPACE, "api") or route.is_drf or not route.pattern.name:
            continue
        names = list(route.pattern.pattern.regex.groupindex)
        for kwargs in (samples.get(route.name, []) if names else [{}]):
            yield route.name, reverse(route.name, kwargs=kwargs)


NUMBER_CELL = re.compile(r'<td class="[^"]*\bmp-num\b[^"]*">(.*?)</td>', re.S)
NUMBER = re.compile(r"\d[\d.,]*\d|\d")
DUTCH_NUMBER = re.compile(r"\d{1,3}(\.\d{3})*(,\d+)?")


def english_numbers(html: str) -> list[str]:
    """Numbers in the number columns of a page (``mp-num``) that are not written the Dutch way
    (``1.234``, ``1.234,5``): ``1234``, ``3.5``, ``1,234.5``."""
    found = []
    for cell in NUMBER_CELL.findall(html):
        found += [n for n in NUMBER.findall(visible_text(cell)) if not DUTCH_NUMBER.fullmatch(n)]
    return found


def _seen(response) -> str | None:
    """What a person sees of a response: the text of a page or PDF, the header row of a CSV (its
    values stay machine-readable, ISO dates included); None for anything else (JSON, redirects)."""
    kind = response.get("Content-Type", "")
    body = b"".join(response.streaming_content) if response.streaming else response.content
    if "text/html" in kind:
        return visible_text(body.decode())
    if "application/pdf" in kind:
        return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(body)).pages)
    if "text/csv" in kind:
        return body.decode("utf-8-sig").splitlines()[0].replace(";", " ; ")
    return None


def test_no_page_shows_an_internal_code(client, world):
    pages = list(_pages(world))
    assert len(pages) > 60
    problems, opened, kinds = [], 0, set()
    # Every demo role, and the person with every role who leads the casus in uitvoering.
    people = [world["users"][p.role.value] for p in ROLE_PROFILES] + [world["walker"]]
    for person in people:
        client.force_login(person)
        for name, url in pages:
            response = client.get(url)
            seen = _seen(response) if response.status_code == 200 else None
            if seen is None:
                continue
            opened += 1
            kinds.add(response.get("Content-Type", "").split(";")[0])
            found = codes_in(seen)
            if "text/html" in response.get("Content-Type", ""):
                found += english_numbers(response.content.decode())
            if found:
                problems.append(f"{person.username} {url} ({name}): {sorted(set(found))[:8]}")
    assert opened > 150 and {"text/html", "application/pdf", "text/csv"} <= kinds, (opened, kinds)
    assert not problems, f"{len(problems)} pages show codes:\n" + "\n".join(problems)


def test_the_detector_catches_codes():
    assert codes_in("Status: zwaarte_bronnenonderzoek") == ["zwaarte_bronnenonderzoek"]
    assert "verblijfplaats.adres" in codes_in("Woonadres verblijfplaats.adres")
    assert codes_in("[{'naam': 'X'}]")
    assert codes_in("door signal 340")
    assert codes_in("op 7 Dec 2026")
    assert codes_in("op 2026-12-07") and codes_in("op 7-12-2026")
    assert not codes_in("7 december 2026 14:05, 7 dec. 2026, mail naar fg@gemeente.nl, MO-2026-0000001")


def test_dates_are_dutch_whatever_the_locale():
    moment = datetime.datetime(2026, 12, 7, 13, 5, tzinfo=datetime.UTC)
    with translation.override("en"):
        assert datum(datetime.date(2026, 12, 7)) == "7 december 2026"
        assert datum_kort(datetime.date(2026, 3, 1)) == "1 mrt. 2026"
        assert datumtijd(moment) == "7 december 2026 14:05"  # Europe/Amsterdam
    assert datum(None) == "" and datum("") == ""


def test_structured_details_and_names_read_as_words():
    html = str(gegeven([{"burgerservicenummer": "999993653", "naam": "J. Jansen", "functie": "bestuurder",
                         "datumAanvang": "2020-01-02", "datumEinde": None}]))
    assert "{'" not in html and "datumAanvang" not in html
    assert "BSN: 999993653; naam: J. Jansen; functie: bestuurder; sinds: 2 januari 2020" in html
    assert gegeven(None) == "—" and gegeven([]) == "geen"
    person = User(username="regisseur", first_name="Rana", last_name="de Vries")
    assert naam(person) == "Rana de Vries"
    assert naam(User(username="zonder-naam")) == "zonder-naam"


def test_the_demo_users_have_real_names():
    ensure_demo_users(stories_too=False)  # the pages, not the year of stories (test_demo runs those)
    for user in User.objects.filter(username__in=[p.role.value for p in ROLE_PROFILES]):
        assert user.get_full_name() and user.username.lower() not in user.get_full_name().lower()


def _pc2b_cell(client, casus) -> str:
    html = client.get(reverse("cases:casus", args=[casus.reference])).content.decode()
    rows = re.findall(r"<tr class=\"utrecht-table__row\">(.*?)</tr>", html[html.index("Plan van aanpak"):], re.S)
    return [visible_text(re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)[-1]).strip() for row in rows if "<td" in row]


def test_the_pc2b_column_says_what_happened_to_the_request(client, make_user):
    regie, pf = make_user("regisseur", "teamlid", "beoordelaar"), make_user("privacyfunctionaris")
    casus = open_casus(regie)
    approved = run_to_uitvoering(regie, pf, casus, make_user("deelnemer"), make_user("uitvoerder"))
    waiting = add_intervention(regie, casus, make_user("uitvoerder"), days=40)
    releases.request_pc2b(regie, waiting, ["veld:locatie"], "Het adres van het pand.")
    refused = add_intervention(regie, casus, make_user("uitvoerder"), days=50)
    releases.decide(pf, releases.request_pc2b(regie, refused, ["veld:locatie"], "Het adres."),
                    weging("PC2B", "weigeren"))
    fresh = add_intervention(regie, casus, make_user("uitvoerder"), days=60)
    client.force_login(regie)
    cells = _pc2b_cell(client, casus)
    by_deadline = dict(zip(sorted([approved, waiting, refused, fresh], key=lambda i: (i.deadline, i.pk)), cells,
                           strict=True))
    assert by_deadline[approved] == "Vrijgegeven"
    assert by_deadline[waiting] == "Wacht op privacytoets 2B"
    assert by_deadline[refused].startswith("Niet vrijgegeven – Opnieuw aanvragen")
    assert by_deadline[fresh] == "Vrijgave aanvragen"


def test_a_conditionally_required_field_says_when():
    class Form(StyledForm):
        reasoning = forms.CharField(label="Toelichting", required=False, help_text="Verplicht bij toestaan.")
        note = forms.CharField(label="Notitie", required=False)
        choice = forms.TypedChoiceField(label="Keuze", choices=[("a", "A")], widget=forms.Select)

    form = Form()
    html = {name: render_to_string("web/includes/field.html", {"field": form[name]}) for name in form.fields}
    assert "(verplicht bij toestaan)" in html["reasoning"] and "niet verplicht" not in html["reasoning"]
    assert "(niet verplicht)" in html["note"]
    assert 'class="utrecht-select utrecht-select--html-select"' in html["choice"]


# ------------------------------------------------------------------------------- numbers


def test_numbers_are_dutch_whatever_the_locale():
    with translation.override("en"):
        assert getal(1234567) == "1.234.567"
        assert getal(1234.5) == "1.234,5"
        assert getal(3.25) == "3,25" and getal(3.0) == "3" and getal(0.45, 1) == "0,5"
        assert getal(Decimal("1234.50")) == "1.234,5"
    assert getal("–") == "–" and getal("<5") == "<5" and getal(None) == ""
    assert maand("2026-12") == "december 2026" and maand(datetime.date(2026, 3, 1)) == "maart 2026"


def test_the_number_check_catches_english_numbers():
    cell = '<td class="utrecht-table__cell mp-num">{}</td>'
    assert english_numbers(cell.format("1234")) == ["1234"]
    assert english_numbers(cell.format("3.5")) == ["3.5"]
    assert not english_numbers(cell.format("1.234") + cell.format("3,5") + cell.format("–") + cell.format("<5"))


def test_report_pdfs_write_numbers_and_months_the_dutch_way():
    html = render_to_string("cases/rapportage_print.html", {
        "title": "Trechter", "columns": ["stap", "aantal", "mediaan (dagen)"], "start": datetime.date(2026, 1, 1),
        "end": datetime.date(2026, 12, 31), "printed_at": datetime.datetime(2026, 12, 7, 12, 0, tzinfo=datetime.UTC),
        "rows": [["Ontvangen", 1234, 3.5], ["december 2026", 12, ""]]})
    text = visible_text(html)
    assert "1.234" in text and "3,5" in text and "1234" not in text and "3.5" not in text
    assert not codes_in(text)


# ------------------------------------------------------------------------------- e-mails

SENDERS = {"notifications/delivery.py"}  # every module that sends mail; a new one must be checked here


def test_every_module_that_sends_mail_is_checked():
    src = Path(__file__).resolve().parent.parent / "src" / "meldpunt"
    senders = {str(p.relative_to(src)) for p in src.rglob("*.py")
               if re.search(r"\b(send_mail|send_mass_mail|EmailMessage|EmailMultiAlternatives|mail_admins)\b",
                            p.read_text())}
    assert senders == SENDERS


def test_e_mails_are_words_not_codes(mailoutbox, make_user, django_capture_on_commit_callbacks):
    from meldpunt.cases import interventions
    from meldpunt.notifications import delivery, services
    from meldpunt.notifications.models import Kind, Mode, Notification

    regie, uitvoerder = make_user("regisseur", "teamlid", "beoordelaar"), make_user("uitvoerder")
    uitvoerder.email = "uitvoerder@gemeente.example"
    uitvoerder.save(update_fields=["email"])
    casus = open_casus(regie)
    run_to_uitvoering(regie, make_user("privacyfunctionaris"), casus, make_user("deelnemer"), uitvoerder)
    action = casus.interventions.get()
    # The reminder is a melding (meldpunt.notifications): mailed once its transaction commits.
    with django_capture_on_commit_callbacks(execute=True):
        assert interventions.remind_overdue(action.deadline + datetime.timedelta(days=1)) == 1
    (mail,) = mailoutbox
    text = f"{mail.subject} {mail.body}"
    assert casus.reference in text and "Een interventie is over de uiterste datum" in text
    assert not codes_in(text), codes_in(text)
    assert "interventie:" not in text
    # Every kind of melding, alone and in the daily digest, reads as words.
    services.set_mode(uitvoerder, Mode.DIGEST)
    for kind in Kind:
        services.notify(uitvoerder, kind, casus.reference, f"/casussen/{casus.reference}/", f"woorden:{kind}")
    assert delivery.send_digests() == 1
    singles = [delivery.single_message(n) for n in Notification.objects.filter(recipient=uitvoerder)]
    for message in [*singles, mailoutbox[-1]]:
        text = f"{message.subject} {message.body}"
        assert not codes_in(text), codes_in(text)
