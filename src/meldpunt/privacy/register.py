"""The register of processing activities of this product (AVG art. 30), seeded on migrate.

A gemeente edits the register in the admin; a change of purpose or basis is a new version.
"""

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
]


def seed_register(**_kwargs) -> None:
    from .models import ProcessingActivity

    for code, name, purpose, basis in ACTIVITIES:
        ProcessingActivity.objects.get_or_create(
            code=code, version=1, defaults={"name": name, "purpose": purpose, "legal_basis": basis})
