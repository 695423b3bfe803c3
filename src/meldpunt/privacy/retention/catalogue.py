from .models import ResultClass, SignalRetentionRule

"""Default result classes and signal rules, seeded on migrate (domain reference §5.1 and §8.5).

Functioneel beheer changes terms in the admin; seeding never overwrites an existing row, so a
local choice survives every migrate.
"""

SELECTIELIJST = "Selectielijst gemeenten en intergemeentelijke organen 2020"

# code, name, selectielijst item, valuation, term in months, applies to, source
RESULT_CLASSES = [
    ("signaal-geen-actie", "Signaal: geen actie na weging 3", "", "vernietigen", 12, "signaal",
     "Modelprotocol ondermijning (CCV 2020) stap 2: een jaar versleuteld bewaren, daarna vernietigen"),
    ("signaal-niet-in-behandeling", "Signaal: niet in behandeling of geen hit", "", "vernietigen", 12, "signaal",
     "Lokale standaard: als 'geen actie' (CCV stap 2) behandeld; het protocol noemt geen termijn, "
     "de gemeente stelt deze vast"),
    ("signaal-doorgezet", "Signaal: doorgezet, regie elders", "19.1", "vernietigen", 60, "signaal",
     f"{SELECTIELIJST}, 19.1 Verwerkt (5 jaar) voor het eigen afschrift; het dossier van de ontvanger volgt "
     "het zaaktype van de ontvangende partij"),
    ("toezicht-uitgevoerd", "Toezicht uitgevoerd", "12.1", "vernietigen", 60, "casus",
     f"{SELECTIELIJST}, 12.1 Toezien en handhaven: toezicht uitgevoerd"),
    ("toezicht-brp-adresonderzoek", "Toezicht uitgevoerd: onderzoek BRP (adresonderzoek)", "12.1.6", "vernietigen",
     120, "casus", f"{SELECTIELIJST}, 12.1.6"),
    ("toezicht-integriteitsonderzoek", "Toezicht uitgevoerd: integriteitsonderzoek (Bibob)", "12.1.7", "vernietigen",
     120, "casus", f"{SELECTIELIJST}, 12.1.7"),
    ("handhaving-uitgevoerd", "Handhaving uitgevoerd", "12.2", "vernietigen", 120, "casus",
     f"{SELECTIELIJST}, 12.2 Toezien en handhaven: handhaving uitgevoerd"),
    ("handhaving-bestuurlijke-boete", "Handhaving uitgevoerd: bestuurlijke boete", "12.2.5", "vernietigen", 84,
     "casus", f"{SELECTIELIJST}, 12.2.5"),
    ("toezicht-afgebroken", "Toezien en handhaven afgebroken", "12.3", "vernietigen", 12, "casus",
     f"{SELECTIELIJST}, 12.3"),
    ("overleg-intern", "Agenda en verslag van intern ambtelijk overleg", "19.1.9", "vernietigen", 12, "overleg",
     f"{SELECTIELIJST}, 19.1.9"),
    ("overleg-derden", "Agenda en verslag van ambtelijk overleg met derden", "19.1.11", "vernietigen", 60,
     "overleg", f"{SELECTIELIJST}, 19.1.11"),
    # An inzageverzoek (AVG art. 15) is a request the gemeente grants by answering it, in full or
    # restricted: 6.1 'Verzoeken behandelen: ingewilligd', 5 years after the answer. After that the
    # request is anonymised, not destroyed (ADR 0009, addendum). A gemeente that classifies it as
    # 6.2 'afgewezen' (1 year) changes the term in the admin.
    ("inzageverzoek-afgehandeld", "Inzageverzoek (AVG art. 15) afgehandeld", "6.1", "vernietigen", 60,
     "inzageverzoek", f"{SELECTIELIJST}, 6.1 Verzoeken behandelen: ingewilligd (5 jaar na afhandeling)"),
    ("archiefvernietiging", "Archiefvernietiging (verklaring van vernietiging)", "19.1.18", "blijvend_bewaren",
     None, "vernietiging", f"{SELECTIELIJST}, 19.1.18; Archiefbesluit 1995 art. 8"),
]

# End state of the protocol -> result class.
SIGNAL_RULES = {
    "geen_actie": "signaal-geen-actie",
    "niet_in_behandeling": "signaal-niet-in-behandeling",
    "doorgezet_afdeling": "signaal-doorgezet",
    "doorgezet_riec": "signaal-doorgezet",
    "afdeling_regie": "signaal-doorgezet",
}


def seed_retention(**_kwargs) -> None:
    classes = {}
    for code, name, item, valuation, term, applies_to, source in RESULT_CLASSES:
        classes[code], _ = ResultClass.objects.get_or_create(code=code, gemeente=None, defaults={
            "name": name, "selectielijst_item": item, "valuation": valuation, "term_months": term,
            "applies_to": applies_to, "source": source})
    for state, code in SIGNAL_RULES.items():
        SignalRetentionRule.objects.get_or_create(state=state, gemeente=None, defaults={"result_class": classes[code]})
