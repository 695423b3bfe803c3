from meldpunt.intake.catalogue import seed_phenomena
from meldpunt.intake.models import Phenomenon

from .models import DataSource, Indicator

"""The indicator matrix as first seeded, from the domain reference §3.2 (phenomena, indicators,
vindplaatsen). Functioneel beheer edits it in the admin afterwards; seeding only adds what is
missing and never overwrites an edit.

Indicators are signs, never proof. None names nationality, ethnicity or origin (P7; enforced by
``validators.validate_not_stigmatising`` and a test). ``measure`` links an indicator to the
aggregate the pipeline counts for it; ``weight`` is its weight in the hotspot score.
"""

# code, name, department, legal note, availability, in pipeline
SOURCES = [
    ("brp", "BRP (personen en inschrijvingen)", "Burgerzaken",
     "Wet BRP art. 3.8/3.9 en het lokale reglement: alleen voor zover nodig voor een wettelijke taak. "
     "In het beeld alleen geteld per adres, nooit per persoon.", "beschikbaar", True),
    ("bag", "BAG (adressen en verblijfsobjecten)", "Basisregistraties / GIS",
     "Openbare basisregistratie; gebruiksdoel en oppervlakte per verblijfsobject.", "beschikbaar", True),
    ("nhr", "Handelsregister (KvK)", "KvK, via de gemeentelijke afnemersaansluiting",
     "Handelsregisterwet; SBI-code, start- en einddatum, adres van vestigingen.", "beschikbaar", True),
    ("woz", "WOZ-waarden", "Belastingen",
     "Wet WOZ; fiscale geheimhouding beperkt hergebruik binnen de gemeente: alleen geaggregeerd.",
     "beschikbaar", True),
    ("kadaster", "Kadaster (BRK, eigendomsoverdrachten)", "Vastgoed / Kadaster-abonnement",
     "Kadasterwet; koopsommen en datums van overdrachten.", "beschikbaar", True),
    ("meldingen", "Signalen van het meldpunt", "Meldpunt ondermijning (OOV)",
     "AVG art. 6 lid 1 sub e; in het beeld alleen geteld per buurt, fenomeen en periode.", "beschikbaar", True),
    ("vth", "VTH: vergunningen, toezicht en handhaving", "VTH / Omgevingsdienst",
     "Omgevingswet, APV, Alcoholwet; Bibob-dossiers alleen via de Bibob-coördinator.", "op_verzoek", False),
    ("laa", "LAA-signalen adreskwaliteit", "Burgerzaken (RvIG)",
     "Wet BRP Adreskwaliteit (2023); maandelijkse signalen van de minister.", "op_verzoek", False),
    ("sociaal_domein", "Sociaal domein (Wmo, Jeugd, Participatiewet)", "Sociaal domein",
     "Wmo 2015, Jeugdwet; bijzondere persoonsgegevens (gezondheid): alleen na PC1.", "op_verzoek", False),
    ("politie", "Politie (via RIEC)", "Politie / RIEC",
     "Wet politiegegevens art. 20; alleen via het RIEC-convenant.", "extern", False),
    ("fiu", "FIU-Nederland (ongebruikelijke transacties)", "FIU via RIEC",
     "Wwft; alleen via het RIEC, geaggregeerd.", "extern", False),
    ("netbeheerder", "Netbeheerder (energieverbruik)", "Netbeheerder",
     "Alleen langs een wettelijke route (vordering); niet standaard beschikbaar.", "niet_beschikbaar", False),
    ("woningcorporatie", "Woningcorporatie", "Woningcorporatie (convenant)",
     "Convenant met de corporatie; huurders en leegstand.", "extern", False),
    ("cbs", "CBS Kerncijfers wijken en buurten", "CBS (open data)",
     "Openbare statistiek, CC BY 4.0; context (inwoners, WOZ, geregistreerde misdrijven).", "beschikbaar", True),
]

# phenomenon, code, kind, name, description, sources, measure, weight
INDICATORS = [
    # Hennepteelt / drugslabs in woningen
    ("hennepteelt_drugs", "hennep_geur_ramen", "zacht", "Aanhoudende wietlucht of afgeplakte ramen",
     "Geur, afgeplakte of geblindeerde ramen, extra ventilatie op het dak.", ["meldingen"], "signalen", 1),
    ("hennepteelt_drugs", "hennep_bezoek", "zacht", "Bezoek op vreemde tijden, grote tassen",
     "Vooral 's nachts komen en gaan, mensen met grote tassen.", ["meldingen", "politie"], "", 0),
    ("hennepteelt_drugs", "hennep_inschrijvingen", "hard", "Veel of wisselende inschrijvingen, bewoner onbekend",
     "Inschrijvingen die niet passen bij het adres.", ["brp", "bag"], "adressen_overbewoning", 0),
    ("hennepteelt_drugs", "hennep_energie", "hard", "Energieverbruik dat niet past",
     "Alleen via een wettelijke route bij de netbeheerder.", ["netbeheerder"], "", 0),
    # Drugslabs in het buitengebied
    ("drugslab_buitengebied", "buitengebied_huur", "zacht", "Schuur of loods voor een absurd hoge huur, contant",
     "Boeren benaderd om leegstaande schuren te verhuren.", ["meldingen", "politie"], "signalen", 1),
    ("drugslab_buitengebied", "buitengebied_nieuwe_bv", "hard", "Nieuwe rechtspersonen op agrarische adressen",
     "Plotseling opgerichte bv's op een boerderijadres; wijziging van gebruik.", ["nhr", "bag", "vth"],
     "vestigingen_kortlevend", 0),
    # Witwassen via vastgoed
    ("witwassen_vastgoed", "abc_transacties", "hard", "ABC-transacties",
     "Hetzelfde object binnen zes maanden opnieuw verkocht met een grote waardestijging.",
     ["kadaster"], "abc_doorverkopen", 3),
    ("witwassen_vastgoed", "woz_afwijking", "hard", "Koopsom wijkt sterk af van de WOZ-waarde",
     "Koopsom ten minste 1,35 keer of hoogstens 0,65 keer de WOZ-waarde.", ["kadaster", "woz"], "woz_afwijkingen", 1),
    ("witwassen_vastgoed", "contante_betaling", "zacht", "Contante betalingen, verbouwing die niet past",
     "Een dure verbouwing die niet past bij de bewoners.", ["meldingen"], "signalen", 1),
    ("witwassen_vastgoed", "onverklaarbare_aankoop", "hard", "Onverklaarbare woningaankopen",
     "Koopsom boven het maximale budget van het huishouden (Zicht op Ondermijning).", ["fiu", "kadaster"], "", 0),
    # Malafide ondernemingen in risicobranches
    ("malafide_onderneming", "risicobranche_concentratie", "hard", "Risicobranches geconcentreerd in één straat",
     "Ten minste vier actieve vestigingen van dezelfde risicobranche in één straat.", ["nhr", "bag"],
     "risicobranche_straten", 3),
    ("malafide_onderneming", "risicobranche_dichtheid", "hard", "Dichtheid van risicobranches",
     "Actieve vestigingen in risicobranches (SBI) per 1.000 adressen.", ["nhr"], "risicobranche_vestigingen", 1),
    ("malafide_onderneming", "risicobranche_verloop", "hard", "Verloop in risicobranches",
     "Vestigingen in risicobranches die in de laatste twee jaar zijn gestart.", ["nhr"], "risicobranche_nieuw", 1),
    ("malafide_onderneming", "bedrijven_op_woonadres", "hard", "Veel bedrijven op één woonadres",
     "Ten minste drie vestigingen op één woonadres in de laatste drie jaar.", ["nhr", "bag"],
     "adressen_veel_bedrijven", 3),
    ("malafide_onderneming", "kortlevende_bedrijven", "hard", "Kortlevende bedrijven",
     "Vestigingen die binnen een jaar na de start zijn opgeheven (failliet en opnieuw beginnen).", ["nhr"],
     "vestigingen_kortlevend", 1),
    ("malafide_onderneming", "zaak_zonder_klanten", "zacht", "Zaak waar nooit klanten komen",
     "Licht altijd aan maar geen klanten, alleen contant.", ["meldingen"], "signalen", 1),
    # Woon- en adresfraude
    ("woon_adresfraude", "overbewoning", "hard", "Veel volwassenen op een klein oppervlak",
     "Ten minste zes volwassenen ingeschreven en hoogstens 10 m² per volwassene (LAA-profiel).",
     ["brp", "bag", "laa"], "adressen_overbewoning", 3),
    ("woon_adresfraude", "post_retour", "zacht", "Post retour, steeds andere namen op de brievenbus",
     "Een vreemde samenstelling van het huishouden.", ["meldingen", "laa"], "signalen", 1),
    # Arbeidsuitbuiting
    ("arbeidsuitbuiting", "huisvesting_bedrijfspand", "zacht", "Arbeiders gehuisvest in bedrijfspanden",
     "Bijvoorbeeld een opslagruimte zonder ramen; busjes die vroeg groepen ophalen.", ["meldingen", "vth"],
     "signalen", 1),
    ("arbeidsuitbuiting", "uitzendbureau_adressen", "hard", "Uitzendbureau met meerdere woonadressen",
     "Vestigingen van uitzendbureaus op woonadressen.", ["nhr", "bag"], "adressen_veel_bedrijven", 0),
    # Criminele uitbuiting
    ("criminele_uitbuiting", "jongeren_aangestuurd", "zacht", "Jongeren die door ouderen worden aangestuurd",
     "CCV-indicatorenmatrix criminele uitbuiting.", ["meldingen", "politie"], "signalen", 1),
    # Zorgfraude
    ("zorgfraude", "zorg_niet_geleverd", "zacht", "Zorg gedeclareerd maar niet gegeven",
     "Een cliënt met een pgb maar zonder zorg.", ["meldingen", "sociaal_domein"], "signalen", 1),
    ("zorgfraude", "nieuwe_zorgaanbieders", "hard", "Veel nieuwe kleine zorgaanbieders, herstart onder nieuwe naam",
     "Herstart na verlies van een contract of faillissement.", ["nhr", "sociaal_domein"], "vestigingen_kortlevend", 0),
    # Vakantieparken en bedrijventerreinen
    ("vakantiepark_bedrijventerrein", "permanente_bewoning", "hard", "Permanente bewoning van recreatiewoningen",
     "Inschrijvingen op recreatieadressen; clusters van eigendom.", ["brp", "bag", "kadaster"], "", 0),
    # OMG
    ("omg", "clubhuis", "zacht", "Clubhuis met intimidatie van de buurt",
     "Intimidatie van buurtbewoners of ondernemers.", ["meldingen", "politie"], "signalen", 1),
]


def seed_matrix(**_kwargs) -> None:
    """Add the seeded sources and indicators that are missing (idempotent)."""
    seed_phenomena()
    sources = {}
    for code, name, department, note, availability, in_pipeline in SOURCES:
        sources[code], _ = DataSource.objects.get_or_create(code=code, defaults={
            "name": name, "department": department, "legal_note": note, "availability": availability,
            "in_pipeline": in_pipeline})
    known = set(Phenomenon.objects.values_list("code", flat=True))
    for order, (phenomenon, code, kind, name, description, source_codes, measure, weight) in enumerate(INDICATORS):
        if phenomenon not in known:
            continue
        indicator, created = Indicator.objects.get_or_create(code=code, defaults={
            "phenomenon_id": phenomenon, "kind": kind, "name": name, "description": description,
            "measure": measure, "hotspot_weight": weight, "order": order,
            "reference": "Domeinreferentie §3.2 (CCV, RIEC, Zicht op Ondermijning)"})
        if created:
            indicator.sources.set([sources[c] for c in source_codes])


def seed_weights() -> dict[str, float]:
    """The hotspot weights of the seeded matrix, per measure (for runs without a database: bench)."""
    weights: dict[str, float] = {}
    for _phenomenon, _code, _kind, _name, _description, _sources, measure, weight in INDICATORS:
        if measure and weight:
            weights[measure] = max(float(weight), weights.get(measure, 0.0))
    return weights
