"""The register of processing activities of this product (AVG art. 30), seeded on migrate.

A gemeente edits the register in the admin; a change of name, purpose, legal basis or categories
is a new version with its own valid-from time (:func:`revise`, Logboek Dataverwerkingen): log lines
keep pointing at the version they were written under, each version has a URI of its own.
"""

from django.db import transaction
from django.db.models import Max, Min
from django.utils import timezone

from .errors import RegisterError
from .models import DataSubjectType, ProcessingActivity, ProcessingLogEntry, SubjectType

# The fields whose change makes a new version (the rest of a row is its identity).
VERSIONED_FIELDS = ("name", "purpose", "legal_basis", "data_categories")
SUBJECT_TYPE_FIELDS = ("name", "description")


def _revise(model, fields, what: str, code: str, valid_from, changes, **where):
    unknown = set(changes) - set(fields)
    if unknown:
        raise RegisterError(f"Deze velden horen niet bij een {what}: {', '.join(sorted(unknown))}.")
    versions = model.objects.select_for_update().filter(code=code, **where)
    latest = versions.order_by("-version").first()
    if latest is None:
        raise RegisterError(f"{what.capitalize()} {code} staat niet in het register.")
    if all(getattr(latest, name) == value for name, value in changes.items()):
        return latest  # nothing changed: no new version
    valid_from = valid_from or timezone.now()
    if valid_from < latest.valid_from:
        raise RegisterError("Een nieuwe versie kan niet eerder ingaan dan de versie ervoor.")
    values = {name: getattr(latest, name) for name in fields} | changes
    version = (versions.aggregate(highest=Max("version"))["highest"] or 0) + 1
    return model.objects.create(code=code, version=version, valid_from=valid_from, **values, **where)


@transaction.atomic
def revise(code: str, *, valid_from=None, gemeente: str = "", **changes) -> ProcessingActivity:
    """A new version of activity ``code`` with ``changes`` (name, purpose, legal_basis,
    data_categories), valid from ``valid_from`` (now). The old version stays as it was.

    ``gemeente`` (a CBS code; "" the shared template): the version goes into that gemeente's own
    register. Its first change starts from the template and numbers on after the template's highest
    version, so an address the gemeente's lines already named (the template's versions, under the
    gemeente's register address) never means two things."""
    if not gemeente:
        return _revise(ProcessingActivity, VERSIONED_FIELDS, "verwerkingsactiviteit", code, valid_from, changes,
                       gemeente_code="")
    unknown = set(changes) - set(VERSIONED_FIELDS)
    if unknown:
        raise RegisterError(f"Deze velden horen niet bij een verwerkingsactiviteit: {', '.join(sorted(unknown))}.")
    versions = ProcessingActivity.objects.select_for_update().filter(code=code, gemeente_code__in={"", gemeente})
    own = versions.filter(gemeente_code=gemeente)
    latest = own.order_by("-version").first() or versions.order_by("-version").first()
    if latest is None:
        raise RegisterError(f"Verwerkingsactiviteit {code} staat niet in het register.")
    if latest.gemeente_code == gemeente and all(getattr(latest, name) == value for name, value in changes.items()):
        return latest
    valid_from = valid_from or timezone.now()
    if valid_from < latest.valid_from:
        raise RegisterError("Een nieuwe versie kan niet eerder ingaan dan de versie ervoor.")
    values = {name: getattr(latest, name) for name in VERSIONED_FIELDS} | changes
    version = (versions.aggregate(highest=Max("version"))["highest"] or 0) + 1
    return ProcessingActivity.objects.create(gemeente_code=gemeente, code=code, version=version,
                                             valid_from=valid_from, **values)


def register_of(gemeente: str) -> list[ProcessingActivity]:
    """A gemeente's register as it reads it: its own versions of an activity it changed, and the
    shared template's versions from before its first own one (its earlier lines name those), by
    name, then version."""
    rows = list(ProcessingActivity.objects.filter(gemeente_code__in={"", gemeente}))
    first_own: dict[str, int] = {}
    for a in rows:
        if gemeente and a.gemeente_code == gemeente:
            first_own[a.code] = min(first_own.get(a.code, a.version), a.version)
    return sorted((a for a in rows if a.gemeente_code == gemeente or a.version < first_own.get(a.code, 1 << 30)),
                  key=lambda a: (a.code, a.version))


def entry(gemeente: str, code: str, version: int) -> ProcessingActivity | None:
    """The register entry a line of ``gemeente`` names: its own version, else the template's."""
    rows = {a.gemeente_code: a for a in ProcessingActivity.objects.filter(
        code=code, version=version, gemeente_code__in={"", gemeente})}
    return rows.get(gemeente) or rows.get("")


@transaction.atomic
def revise_subject_type(code: str, *, valid_from=None, **changes) -> DataSubjectType:
    """A new version of data subject type ``code`` with ``changes`` (name, description), valid from
    ``valid_from`` (now). Lines written before keep pointing at the version they were written under."""
    return _revise(DataSubjectType, SUBJECT_TYPE_FIELDS, "soort betrokkene", code, valid_from, changes)


def _version_at(model, code: str, moment):
    versions = model.objects.filter(code=code).order_by("-valid_from", "-version")
    return versions.filter(valid_from__lte=moment).first() or versions.order_by("version").first()


def subject_type_at(code: str, moment=None) -> DataSubjectType:
    """The register version of subject type ``code`` valid at ``moment`` (now); read every time."""
    subject_type = _version_at(DataSubjectType, code, moment or timezone.now())
    if subject_type is None:
        raise LookupError(f"Soort betrokkene {code!r} staat niet in het register.")
    return subject_type


# What each kind of identifier is (version 1 of the register of subject types).
SUBJECT_TYPES = {
    SubjectType.BSN: ("Natuurlijk persoon (BSN)",
                      "Een natuurlijk persoon, aangeduid met het burgerservicenummer (Wet algemene bepalingen "
                      "burgerservicenummer; BRP)."),
    SubjectType.KVK: ("Onderneming of rechtspersoon (KvK-nummer)",
                      "Een onderneming of rechtspersoon in het Handelsregister, aangeduid met het KvK-nummer; "
                      "persoonsgegeven voor zover het een eenmanszaak of de bestuurders betreft."),
    SubjectType.BAG: ("Adres of object (BAG-id)",
                      "Een verblijfsobject, pand of nummeraanduiding in de BAG; persoonsgegeven voor zover het "
                      "herleidbaar is tot de bewoners of gebruikers."),
    SubjectType.INTERNAL: ("Betrokkene zonder landelijk nummer (intern id)",
                           "Een betrokkene die alleen met een nummer in dit systeem bekend is, bijvoorbeeld een "
                           "genoemde persoon zonder BSN of een melder."),
}


def seed_subject_types(model=DataSubjectType, log_model=ProcessingLogEntry) -> None:
    """Version 1 of each subject type, valid from before the first log line (or now): lines written
    before the register existed were written under version 1. Used by migration 0005 too."""
    first = log_model.objects.aggregate(first=Min("started_at"))["first"]
    valid_from = min(first, timezone.now()) if first else timezone.now()
    for code, (name, description) in SUBJECT_TYPES.items():
        model.objects.get_or_create(code=str(code), version=1, defaults={
            "name": name, "description": description, "valid_from": valid_from})

ACTIVITIES = [
    ("intake", "Ontvangen en registreren van signalen",
     "Signalen over mogelijke ondermijning ontvangen, vastleggen en bevestigen.",
     "AVG art. 6 lid 1 sub e; Gemeentewet art. 172 (openbare orde); Modelprotocol ondermijning stap 1"),
    ("signaal_beoordelen", "Wegen van signalen (stap 1 en 2)",
     "Bepalen of een signaal ondermijning betreft, een gemeentelijke taak raakt, het eigen grondgebied "
     "betreft en hoe zwaar het is (wegingen 1, 2A, 2B en 3).",
     "AVG art. 6 lid 1 sub e; AVG art. 10 jo. UAVG art. 33; Modelprotocol ondermijning stap 1-2"),
    ("doorzenden", "Doorzenden van signalen",
     "Een signaal doorzenden naar een afdeling, het RIEC, de politie, een andere gemeente of Meld Misdaad "
     "Anoniem, met vastlegging van wat er is verzonden.",
     "AVG art. 6 lid 1 sub e; Convenant RIEC; Wet politiegegevens (ontvangende partij)"),
    ("versleuteld_inzien", "Inzien van versleuteld bewaarde signalen",
     "Een signaal met besluit 'geen actie' inzien, met vastgelegde reden.",
     "AVG art. 6 lid 1 sub e; Modelprotocol ondermijning stap 2 (een jaar versleuteld bewaren)"),
    ("casus", "Voeren van een casus (stap 4)",
     "Signalen die samenhangen in een casus onder regie van de regisseur brengen, een casusoverleg voorbereiden "
     "en verslaan, een plan van aanpak vaststellen en de casus afsluiten.",
     "AVG art. 6 lid 1 sub e; Gemeentewet art. 172; Modelprotocol ondermijning stap 4"),
    ("casus_delen", "Delen van casusgegevens met deelnemers en uitvoerders",
     "Per deelnemer van een casusoverleg (privacytoets 2A) en per uitvoerder van een interventie (privacytoets "
     "2B) alleen de vrijgegeven gegevens tonen.",
     "AVG art. 6 lid 1 sub e; Modelprotocol ondermijning stap 4 (privacytoetsen 2A en 2B)"),
    ("interventie", "Uitvoeren en volgen van interventies",
     "Interventies uit het plan van aanpak uitvoeren op de eigen wettelijke bevoegdheid, de voortgang "
     "vastleggen en bewaken.",
     "AVG art. 6 lid 1 sub e; de wettelijke grondslag van het gekozen instrument (bv. Opiumwet art. 13b)"),
    ("exporteren", "Exporteren van de werkvoorraad",
     "Een medewerker neemt de signalen van de eigen werkvoorraad mee als CSV-bestand (kenmerk, fenomeen, "
     "buurt, stap en termijn), bijvoorbeeld voor een overleg.",
     "AVG art. 6 lid 1 sub e; AVG art. 32 (herleidbaarheid van wat het systeem verlaat)"),
    ("vernietigen", "Bewaren en vernietigen",
     "Dossiers na afloop van de bewaartermijn vernietigen (vernietigingslijst, verklaring van vernietiging), "
     "bewaarplichten vastleggen en contactgegevens van melders na afsluiten anonimiseren.",
     "AVG art. 5 lid 1 sub e en art. 17; Archiefwet 1995 art. 3 en 5; Archiefbesluit 1995 art. 8; "
     "Selectielijst gemeenten en intergemeentelijke organen 2020"),
    ("toezicht", "Toezicht op verwerkingen door de FG",
     "De functionaris gegevensbescherming zoekt in het verwerkingslog en het beveiligingslog (per gebruiker, "
     "betrokkene of periode) en exporteert de uitkomst, om toe te zien op naleving van de AVG.",
     "AVG art. 38 en 39 (taken van de FG); AVG art. 5 lid 2 (verantwoordingsplicht); BIO 12.4.1"),
    ("inzage", "Behandelen van inzageverzoeken",
     "Een verzoek om inzage van een betrokkene registreren, alles over de betrokkene zoeken in signalen, "
     "casussen en het verwerkingslog, per onderdeel besluiten over beperking en het antwoord verstrekken.",
     "AVG art. 12 en 15; UAVG art. 41 (beperking); AVG art. 6 lid 1 sub c (wettelijke verplichting)"),
    ("ondermijningsbeeld", "Samenstellen van het ondermijningsbeeld",
     "Registraties (BRP-inschrijvingen per adres, BAG, NHR, WOZ, Kadaster) en signalen tellen per buurt, "
     "fenomeen en periode tot een geaggregeerd beeld met afgeschermde kleine aantallen; geen persoonsgegevens "
     "in de uitkomst.",
     "AVG art. 6 lid 1 sub e; AVG art. 89 (statistische doeleinden, dataminimalisatie); Gemeentewet art. 172"),
    ("koppelen", "Koppelen van genoemde betrokkenen aan basisregistraties",
     "Bij een betrokkene uit een signaal kandidaten zoeken in de BRP, het Handelsregister en de BAG (met score "
     "en redenen) en het oordeel van een medewerker vastleggen: dezelfde of niet dezelfde. Nooit automatisch "
     "samenvoegen.",
     "AVG art. 6 lid 1 sub e; AVG art. 5 lid 1 sub d (juistheid); Modelprotocol ondermijning stap 3 "
     "(bronnenonderzoek)"),
    ("bronnenonderzoek", "Bronnenonderzoek (stap 3)",
     "Per signaal en bron na privacytoets 1 vragen of een gemeentelijke bron iets heeft over een betrokkene "
     "(hit/no-hit), en na goedkeuring alleen de goedgekeurde gegevens openen.",
     "AVG art. 6 lid 1 sub e en art. 6 lid 4 (verenigbaar verder gebruik); de grondslag van de bron; "
     "Modelprotocol ondermijning stap 3 (privacytoets 1)"),
    ("regionale_bevraging", "Andere gemeenten in de regio bevragen (hit/no-hit)",
     "Na privacytoets 1 per gekozen betrokkene (BSN, KvK-nummer, adres of kenteken) de andere gemeenten van de "
     "regio vragen of zij de betrokkene kennen: per gemeente alleen treffer of geen treffer; wat een gemeente na "
     "eigen weging deelt, lezen de regisseur en het team bij het signaal.",
     "AVG art. 6 lid 1 sub e en art. 6 lid 4; het regionale convenant; Modelprotocol ondermijning stap 3 "
     "(privacytoets 1)"),
    ("regionale_bevraging_beantwoorden", "Vragen van andere gemeenten in de regio beantwoorden",
     "Een vraag van een andere gemeente uit de regio beantwoorden met treffer of geen treffer (gesleutelde "
     "vergelijking, geen inhoud), en bij een treffer wegen of en wat met die gemeente wordt gedeeld.",
     "AVG art. 6 lid 1 sub e en art. 6 lid 4; het regionale convenant"),
    ("gerelateerd", "Tonen van gerelateerde gegevens bij een signaal",
     "Bij een signaal dat de medewerker mag inzien tonen wat ermee samenhangt: andere signalen en casussen op "
     "hetzelfde adres of over dezelfde betrokkene (alleen die de medewerker mag inzien), het aantal ingeschreven "
     "personen en gevestigde ondernemingen op het adres, hun bestuurders en de andere ondernemingen van die "
     "bestuurders; namen alleen na goedkeuring van bronnenonderzoek.",
     "AVG art. 6 lid 1 sub e; Gemeentewet art. 172; Modelprotocol ondermijning stap 2-3 (privacytoets 1)"),
    ("data_analyse", "Signalen uit registraties (dataregels)",
     "Vastgestelde dataregels (indicatoren met drempels) toepassen op de basisregistraties (BRP-inschrijvingen "
     "per adres, BAG, Handelsregister, Kadaster); een bevinding wordt een signaal in stap 1 dat een medewerker "
     "weegt zoals elk ander signaal. Geen geautomatiseerd besluit, geen nationaliteit, etniciteit of afkomst.",
     "AVG art. 6 lid 1 sub e; AVG art. 22 (een medewerker beslist); Gemeentewet art. 172; de grondslag die "
     "bij elke dataregel is vastgelegd"),
    ("netwerk", "Netwerkbeeld van een casus",
     "Voor het casusteam de personen, ondernemingen, adressen en voertuigen uit de signalen van een casus en hun "
     "onderlinge verbanden tonen (met verbanden uit BRP en Handelsregister tussen wie al genoemd is) en exporteren "
     "voor netwerkanalyse (FollowTheMoney, GEXF).",
     "AVG art. 6 lid 1 sub e; Gemeentewet art. 172; Modelprotocol ondermijning stap 4"),
]

# "Which data" per activity (AVG art. 30 lid 1 sub c), copied onto each log line (NEN 7513).
DATA_CATEGORIES = {
    "intake": "signaalinhoud, adres (BAG), genoemde personen en bedrijven (BSN, KvK), contactgegevens melder",
    "signaal_beoordelen": "signaalinhoud, genoemde personen en bedrijven, wegingen",
    "doorzenden": "signaalinhoud en genoemde personen en bedrijven, voor zover doorgezonden",
    "versleuteld_inzien": "versleuteld bewaarde signaalinhoud",
    "exporteren": "kenmerk, fenomeen, buurt, stap en termijn van de meegenomen signalen (welke signalen, en "
                  "daarmee over wie)",
    "toezicht": "verwerkingslog (gepseudonimiseerde betrokkenen, gebruikers en rollen), beveiligingslog",
    "inzage": "identificerende gegevens van de verzoeker en de betrokkene, gevonden signalen, casussen en logregels",
    "ondermijningsbeeld": "per adres: aantal volwassen ingeschrevenen, vestigingen (SBI, data), WOZ en koopsommen; "
                          "per signaal: datum, kanaal, fenomeen, buurt en stap — alleen geteld, nooit getoond",
    "koppelen": "genoemde naam, geboortedatum, adres, BSN en KvK-nummer; van kandidaten in BRP, NHR en BAG: "
                "naam, geboortedatum, adres, BSN, KvK-nummer; het oordeel en wie het gaf",
    "bronnenonderzoek": "BSN, KvK-nummer of BAG-id van de gekozen betrokkenen; per bron hit of geen hit; "
                        "na goedkeuring alleen de goedgekeurde gegevens uit de bron",
    "regionale_bevraging": "BSN, KvK-nummer, adres of kenteken van de gekozen betrokkenen; per gemeente treffer of "
                           "geen treffer; wat een andere gemeente deelde",
    "regionale_bevraging_beantwoorden": "de vraag (vragende gemeente, privacytoets 1); bij een treffer de eigen "
                                        "betrokkene en signalen, en wat na weging is gedeeld",
    "gerelateerd": "kenmerk, fenomeen en datum van andere signalen en casussen; aantallen ingeschrevenen (BRP), "
                   "ondernemingen en bestuurders (NHR) op een adres; na goedkeuring namen, BSN en KvK-nummers",
    "data_analyse": "per adres: aantal volwassen ingeschrevenen en oppervlakte; vestigingen (KvK-nummer, SBI, data) "
                    "en aantallen bijgekomen en vertrokken bestuurders; data en koopsommen van overdrachten; "
                    "geen namen van personen",
}


def seed_register(apps=None, **_kwargs) -> None:
    try:  # after `migrate privacy 0004` the register of subject types does not exist yet
        if apps is not None:
            apps.get_model("privacy", "DataSubjectType")
        seed_subject_types()
    except LookupError:
        pass
    for code, name, purpose, basis in ACTIVITIES:
        activity, _ = ProcessingActivity.objects.get_or_create(
            gemeente_code="", code=code, version=1, defaults={"name": name, "purpose": purpose, "legal_basis": basis})
        if code in DATA_CATEGORIES and not activity.data_categories:
            activity.data_categories = DATA_CATEGORIES[code]
            activity.save(update_fields=["data_categories"])
