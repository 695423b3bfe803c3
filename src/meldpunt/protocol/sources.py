"""The source catalogue for bronnenonderzoek (seeded; functioneel beheer edits it in the admin),
and how a mentioned subject becomes a question to a source."""

from __future__ import annotations

from meldpunt.registries.connectors import Subject, SubjectKind
from meldpunt.tenancy.models import Tenant

from .research.models import Source

PERSOON, ONDERNEMING, ADRES = SubjectKind.PERSOON.value, SubjectKind.ONDERNEMING.value, SubjectKind.ADRES.value

# code, name, department, connector, fields per subject kind, primary basis, note for PC1
SOURCES = [
    ("BRP", "BRP (Basisregistratie Personen)", "Burgerzaken", "BRP", {
        PERSOON: [["burgerservicenummer", "BSN"], ["naam.voornamen", "Voornamen"],
                  ["naam.voorvoegsel", "Voorvoegsel"], ["naam.geslachtsnaam", "Geslachtsnaam"],
                  ["geboorte.datum", "Geboortedatum"], ["verblijfplaats.adres", "Woonadres"],
                  ["verblijfplaats.datumAanvangAdreshouding", "Ingeschreven sinds"]],
        ADRES: [["aantalIngeschrevenen", "Aantal ingeschrevenen"],
                ["ingeschrevenen.burgerservicenummer", "BSN's van de ingeschrevenen"]],
    }, "AVG art. 6 lid 1 sub c en e; Wet BRP art. 3.2",
     "Gemeentelijke afnemer van de BRP: verstrekking voor een gemeentelijke taak (Wet BRP art. 3.2)."),
    ("BAG", "BAG (Basisregistratie Adressen en Gebouwen)", "Geo-informatie", "BAG", {
        ADRES: [["adres", "Adres"], ["postcode", "Postcode"], ["oppervlakte", "Oppervlakte (m²)"],
                ["gebruiksdoel", "Gebruiksdoel"], ["buurtcode", "Buurtcode"], ["pand.bouwjaar", "Bouwjaar pand"],
                ["verblijfsobject.identificatie", "Verblijfsobject-id"]],
    }, "AVG art. 6 lid 1 sub c; Wet BAG", "Openbare basisregistratie; geen persoonsgegevens behalve via het adres."),
    ("NHR", "Handelsregister (KvK)", "Economische zaken", "NHR", {
        ONDERNEMING: [["naam", "Naam"], ["rechtsvorm", "Rechtsvorm"], ["datumOprichting", "Datum oprichting"],
                      ["datumOpheffing", "Datum opheffing"], ["vestigingen", "Vestigingen"],
                      ["functionarissen", "Functionarissen"]],
        ADRES: [["vestigingen", "Vestigingen op dit adres"]],
        PERSOON: [["functies", "Functies bij ondernemingen"]],
    }, "AVG art. 6 lid 1 sub c; Handelsregisterwet 2007", "Openbaar register; functionarissen zijn personen."),
    ("WOZ", "WOZ (waardering onroerende zaken)", "Belastingen", "WOZ", {
        ADRES: [["waarde", "WOZ-waarde"], ["peildatum", "Peildatum"], ["waardeHistorie", "Waardeverloop"]],
    }, "AVG art. 6 lid 1 sub c; Wet WOZ art. 40", "Gebruik buiten de belastingheffing alleen voor een publieke taak."),
    ("VERGUNNINGEN", "Vergunningen", "Vergunningen, Toezicht en Handhaving", "VERGUNNINGEN", {
        ADRES: [["vergunningen", "Vergunningen op dit adres"]],
        ONDERNEMING: [["vergunningen", "Vergunningen van deze onderneming"]],
    }, "AVG art. 6 lid 1 sub e; Omgevingswet, Alcoholwet, APV", "Verleende exploitatie-, drank- en "
       "omgevingsvergunningen."),
    ("VTH_DOSSIERS", "Toezicht- en handhavingsdossiers (VTH)", "Vergunningen, Toezicht en Handhaving", "", {
        ADRES: [["controles", "Controles en bevindingen"], ["handhaving", "Lopende handhavingstrajecten"]],
        ONDERNEMING: [["controles", "Controles en bevindingen"], ["handhaving", "Lopende handhavingstrajecten"]],
    }, "AVG art. 6 lid 1 sub e; Omgevingswet hfst. 18; Gemeentewet art. 125",
     "Kan strafrechtelijke gegevens bevatten (bestuurlijke boetes, processen-verbaal): art. 10 afwegen."),
    ("SOCIAAL_DOMEIN", "Sociaal domein (Participatiewet, Wmo, Jeugdwet)", "Werk, Inkomen en Zorg", "", {
        PERSOON: [["uitkering", "Lopende uitkering (ja/nee en soort)"],
                  ["woonadres_uitkering", "Adres waarop de uitkering is verstrekt"],
                  ["wmo_voorziening", "Wmo-voorziening (ja/nee)"]],
        ADRES: [["uitkeringen_op_adres", "Aantal uitkeringen op dit adres"]],
    }, "AVG art. 6 lid 1 sub c en e; Participatiewet art. 64; Wmo 2015 art. 5.1.1",
     "Gezondheidsgegevens (Wmo, Jeugdwet) zijn bijzondere persoonsgegevens (art. 9): alleen als het strikt "
     "noodzakelijk is. Participatiewet art. 64 beperkt verder gebruik."),
]


def seed_sources(tenants=None) -> None:
    """Add each gemeente's missing sources (every gemeente has its own bronnen and bronhouders, ADR
    0030 §2); never overwrite what functioneel beheer changed. Without a tenant yet (a fresh
    installation) nothing is seeded: the tenant's creation seeds its sources (`seed_tenant_sources`)."""
    for tenant in Tenant.objects.all() if tenants is None else tenants:
        for code, name, department, connector, fields, basis, note in SOURCES:
            Source.objects.get_or_create(gemeente=tenant, code=code, defaults={
                "name": name, "department": department, "connector": connector, "fields": fields,
                "primary_basis": basis, "legal_note": note})


def seed_tenant_sources(tenant, **_kwargs) -> None:
    """Receiver of `tenancy.home.tenant_created`."""
    seed_sources([tenant])


def subject_kind(mention) -> str:
    """The registry kind a mention can be asked about, or '' when it has no registry number."""
    if mention.kind == PERSOON and mention.bsn:
        return PERSOON
    if mention.kind == ONDERNEMING and mention.kvk_nummer:
        return ONDERNEMING
    if mention.address_id and mention.kind in (ADRES, PERSOON, ONDERNEMING):
        return ADRES
    return ""


# The one source a person known only by name and roughly when born may be asked: its hit/no-hit comes
# from the linker (registries.linking), a search on what is known, since without a BSN there is
# nothing to put to the connector.
LINKER_SOURCE = "BRP"


def known_birth(mention) -> bool:
    """A birth date, a birth year or an age range: enough, with a name, for a search in the BRP."""
    return (mention.birth_date is not None or mention.birth_year is not None
            or mention.age_from is not None or mention.age_to is not None)


def linkable_by_name(mention) -> bool:
    """A person without a BSN (or address) but with a name and a birth date, birth year or age range:
    the BRP only, via the linker."""
    return (mention.kind == PERSOON and not subject_kind(mention) and bool((mention.name or "").strip())
            and known_birth(mention))


def partially_known(mention) -> bool:
    """Known by name with a birth year or age range, not a birth date: the search may fit several people."""
    return linkable_by_name(mention) and mention.birth_date is None


def asked_via_linker(mention, source) -> bool:
    return source.code == LINKER_SOURCE and linkable_by_name(mention)


def not_askable(mention) -> str:
    """Why no source can be asked about ``mention`` (a Dutch sentence), or '' when one can."""
    if subject_kind(mention) or linkable_by_name(mention):
        return ""
    who = f"{mention.get_kind_display()} {mention.name or ''}".strip()
    if mention.kind == PERSOON and (mention.name or "").strip():
        return (f"{who} heeft alleen een naam, geen BSN, KvK-nummer of adres uit de BAG: vul een geboortedatum, "
                "geboortejaar of leeftijd aan om de BRP te laten zoeken.")
    if mention.kind == PERSOON and mention.description:
        return f"{who} heeft alleen een signalement: daarop zoekt geen bron. Vul een naam met geboortejaar aan."
    if mention.kind == "voertuig":
        return f"{who} {mention.kenteken}: geen van de bronnen zoekt op kenteken.".replace("  ", " ")
    return f"{who} heeft geen BSN, KvK-nummer of adres uit de BAG: dat kan geen bron opzoeken."


def detail_kind(mention, source) -> str:
    """The kind whose fields may be asked behind a hit: the registry kind, or for a person known by
    name and birth date (asked through the linker) the person fields of the BRP."""
    return PERSOON if asked_via_linker(mention, source) else subject_kind(mention)


def identifier(mention) -> str:
    kind = subject_kind(mention)
    return {PERSOON: mention.bsn, ONDERNEMING: mention.kvk_nummer, ADRES: mention.address_id}.get(kind, "")


def registry_subject(mention) -> Subject:
    return Subject(subject_kind(mention), identifier(mention))


KIND_LABELS = {PERSOON: "persoon (BSN)", ONDERNEMING: "onderneming (KvK-nummer)", ADRES: "adres (BAG-id)"}


def question_label(mention) -> str:
    """What a bronhouder sees: the kind and the registry number, never the signal."""
    if linkable_by_name(mention):
        return f"persoon (naam en {birth_words(mention)}, alleen BRP)"
    if not subject_kind(mention) and mention.kenteken:
        return f"voertuig (kenteken) {mention.kenteken}"
    return f"{KIND_LABELS.get(subject_kind(mention), 'betrokkene')} {identifier(mention)}"


def birth_words(mention) -> str:
    """What is known of when a person was born, in words (no values): for labels and log lines."""
    if mention.birth_date is not None:
        return "geboortedatum"
    if mention.birth_year is not None:
        return "geboortejaar"
    return "leeftijd"
