from .models import Phenomenon

"""The phenomena catalogue as first seeded (domain reference §3). Functioneel beheer edits it in
the admin afterwards; seeding only adds what is missing and never overwrites an edit.

Labels describe what a neighbour can see, never who someone is: no nationality, ethnicity or
origin (P7).
"""

PHENOMENA = [
    ("hennepteelt_drugs", "Hennepteelt en drugs",
     "Drugs of hennepteelt in een woning of pand",
     "Wietlucht, afgeplakte ramen, zoemende afzuiging, bezoek op rare tijden, warmte door de muren."),
    ("drugslab_buitengebied", "Drugslab in het buitengebied",
     "Drugslab of drugsafval in een schuur, loods of het buitengebied",
     "Chemische of anijsgeur, vaten en jerrycans, veel verkeer 's nachts, een schuur voor erg veel geld verhuurd."),
    ("witwassen_vastgoed", "Witwassen via vastgoed",
     "Verdachte aankoop, verkoop of verbouwing van woningen of panden",
     "Steeds opnieuw verkocht voor meer geld, contant betaald, dure verbouwing die niet past bij de bewoners."),
    ("malafide_onderneming", "Malafide onderneming in een risicobranche",
     "Een bedrijf dat niet lijkt te doen wat het zegt",
     "Een zaak waar nooit klanten komen, alleen contant, goederen op rare tijden, steeds een andere eigenaar."),
    ("woon_adresfraude", "Woon- en adresfraude",
     "Te veel mensen op een adres of verdachte verhuur",
     "Veel mensen in een kleine woning, steeds andere namen op de brievenbus, kamers per bed verhuurd."),
    ("arbeidsuitbuiting", "Arbeidsuitbuiting en mensenhandel",
     "Mensen die onder slechte omstandigheden moeten werken of wonen",
     "Arbeiders in een bedrijfspand zonder ramen, busjes die vroeg groepen ophalen, loon dat moet worden afgestaan."),
    ("criminele_uitbuiting", "Criminele uitbuiting",
     "Jongeren die worden ingezet voor criminele klussen",
     "Jongeren die door ouderen worden aangestuurd, pakketjes rondbrengen, plotseling veel geld of spullen."),
    ("zorgfraude", "Zorgfraude",
     "Zorg die wordt gedeclareerd maar niet wordt gegeven",
     "Een zorgbureau zonder zichtbare zorg, cliënten die worden geronseld, contante betalingen."),
    ("vakantiepark_bedrijventerrein", "Vakantieparken en bedrijventerreinen",
     "Verdachte activiteit op een vakantiepark of bedrijventerrein",
     "Permanente bewoning, zware beveiliging bij weinig activiteit, loodsen die steeds van huurder wisselen."),
    ("omg", "Outlaw motorcycle gangs (OMG)",
     "Een clubhuis of bijeenkomsten van motorclubs die intimideren",
     "Clubhuis met veel beveiliging, intimidatie van buurtbewoners of ondernemers."),
    ("overig", "Overig",
     "Iets anders of ik weet het niet precies",
     "Beschrijf gewoon wat u ziet: wij bepalen wat het is."),
]


def seed_phenomena(**_kwargs) -> None:
    for order, (code, name, public_label, examples) in enumerate(PHENOMENA, start=1):
        Phenomenon.objects.get_or_create(code=code, defaults={
            "name": name, "public_label": public_label, "examples": examples, "order": order * 10})
