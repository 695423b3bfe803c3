"""Word lists and weights for the synthetic municipality. No nationality, origin or ethnicity
is generated anywhere (P7); names are common Dutch given names and surnames."""

FIRST_NAMES = [
    "Jan", "Pieter", "Kees", "Johan", "Willem", "Hendrik", "Gerrit", "Cornelis", "Dirk", "Jacob",
    "Maria", "Anna", "Johanna", "Elisabeth", "Cornelia", "Wilhelmina", "Hendrika", "Geertruida",
    "Daan", "Sem", "Lucas", "Levi", "Finn", "Milan", "Noah", "Liam", "Bram", "Thijs", "Ruben",
    "Emma", "Julia", "Mila", "Tess", "Sophie", "Zoë", "Sara", "Nora", "Evi", "Fleur", "Lotte",
    "Mohamed", "Adam", "Yusuf", "Amir", "Ibrahim", "Noor", "Yara", "Amira", "Fatima", "Layla",
    "Sanne", "Femke", "Iris", "Anouk", "Lisa", "Marieke", "Esther", "Ingrid", "Petra", "Monique",
    "Mark", "Dennis", "Jeroen", "Martijn", "Bas", "Stefan", "Erik", "Marco", "Rob", "Sander",
    "Ahmet", "Mehmet", "Emre", "Can", "Elif", "Zeynep", "Priya", "Ravi", "Anil", "Kevin",
    "Tom", "Niels", "Joost", "Wouter", "Rik", "Koen", "Sven", "Jesse", "Luuk", "Stijn",
    "Linda", "Karin", "Marloes", "Eva", "Roos", "Isa", "Lieke", "Manon", "Wendy", "Ilse",
]

# (voorvoegsel, geslachtsnaam)
SURNAMES = [
    ("de", "Jong"), ("", "Jansen"), ("de", "Vries"), ("van den", "Berg"), ("van", "Dijk"),
    ("", "Bakker"), ("", "Janssen"), ("", "Visser"), ("", "Smit"), ("", "Meijer"),
    ("de", "Boer"), ("", "Mulder"), ("de", "Groot"), ("", "Bos"), ("", "Vos"), ("", "Peters"),
    ("", "Hendriks"), ("van", "Leeuwen"), ("", "Dekker"), ("", "Brouwer"), ("de", "Wit"),
    ("", "Dijkstra"), ("", "Smits"), ("de", "Graaf"), ("van der", "Meer"), ("van der", "Linden"),
    ("", "Kok"), ("", "Jacobs"), ("de", "Haan"), ("", "Vermeulen"), ("van den", "Heuvel"),
    ("van der", "Veen"), ("van den", "Broek"), ("de", "Bruijn"), ("de", "Bruin"),
    ("van der", "Heijden"), ("", "Schouten"), ("van", "Beek"), ("", "Willems"), ("van", "Vliet"),
    ("van de", "Ven"), ("", "Hoekstra"), ("", "Maas"), ("", "Verhoeven"), ("", "Koster"),
    ("van", "Dam"), ("van der", "Wal"), ("", "Prins"), ("", "Blom"), ("", "Huisman"),
    ("", "Peeters"), ("de", "Jonge"), ("", "Kuipers"), ("van", "Veen"), ("", "Post"),
    ("", "Kuiper"), ("", "Veenstra"), ("", "Kramer"), ("van den", "Brink"), ("", "Scholten"),
    ("van", "Wijk"), ("", "Postma"), ("", "Martens"), ("", "Vink"), ("de", "Ruiter"),
    ("", "Timmermans"), ("", "Groen"), ("", "Gerritsen"), ("", "Jonker"), ("van", "Loon"),
    ("", "Boer"), ("van der", "Velde"), ("", "Willemsen"), ("", "Smeets"), ("de", "Lange"),
    ("de", "Vos"), ("", "Bosch"), ("van", "Dongen"), ("", "Schipper"), ("de", "Koning"),
    ("van der", "Laan"), ("", "Koning"), ("van der", "Velden"), ("", "Driessen"), ("van", "Doorn"),
    ("", "Hermans"), ("", "Evers"), ("van den", "Bosch"), ("van der", "Meulen"), ("", "Hofman"),
    ("", "Bosman"), ("", "Wolters"), ("", "Sanders"), ("van der", "Horst"), ("", "Mol"),
    ("", "Kuijpers"), ("", "Molenaar"), ("van de", "Pol"), ("de", "Leeuw"), ("", "Verbeek"),
    ("", "Yilmaz"), ("", "El Amrani"), ("", "Kaya"), ("", "Bouzid"), ("", "Demir"),
    ("", "Ramdin"), ("", "Nguyen"), ("", "Kowalski"), ("", "Santos"), ("", "Öztürk"),
]

STREET_STEMS = [
    "Eiken", "Beuken", "Linden", "Essen", "Populieren", "Wilgen", "Berken", "Kastanje", "Iepen",
    "Zuider", "Noorder", "Ooster", "Wester", "Kerk", "Molen", "Dijk", "Sluis", "Haven", "Kade",
    "Zaan", "Wormer", "Veen", "Polder", "Weide", "Akker", "Tuin", "Bloemen", "Rozen", "Tulpen",
    "Narcis", "Lelie", "Iris", "Krokus", "Anjer", "Hyacint", "Vlinder", "Merel", "Lijster",
    "Zwaluw", "Meeuwen", "Reiger", "Ooievaar", "Kievit", "Spreeuwen", "Vinken", "Mussen",
    "Rembrandt", "Vermeer", "Frans Hals", "Jan Steen", "Mondriaan", "Van Gogh", "Escher",
    "Vondel", "Bilderdijk", "Multatuli", "Hooft", "Huygens", "Spinoza", "Erasmus", "Thorbecke",
    "Oranje", "Nassau", "Prins Hendrik", "Wilhelmina", "Juliana", "Beatrix", "Koning",
    "Stations", "Fabrieks", "Zeilmakers", "Houtzaag", "Olieslagers", "Cacao", "Verver",
    "Timmer", "Smeden", "Bakkers", "Brouwers", "Kuipers", "Touwslagers", "Scheepmakers",
    "Gouw", "Rietvink", "Kwartel", "Dotter", "Boterbloem", "Klaver", "Distel", "Heide",
]
STREET_SUFFIXES = ["straat", "laan", "weg", "plein", "gracht", "kade", "dijk", "hof", "singel", "pad"]

COMPANY_WORDS = [
    "Zaan", "Noord", "Delta", "Polder", "Kompas", "Anker", "Horizon", "Vast", "Prima", "Totaal",
    "Stad", "Regio", "Centrum", "Groen", "Blauw", "Ster", "Zon", "Maan", "Golf", "Brug",
    "Royal", "Elite", "Quick", "Smart", "Pro", "Euro", "Holland", "Atlas", "Titan", "Nova",
]
COMPANY_NOUNS = {
    "4": "Handel", "5": "Horeca", "6": "Diensten", "7": "Advies", "8": "Service",
    "9": "Studio", "1": "Productie", "2": "Techniek", "3": "Energie", "0": "Agro",
}

# (rechtsvorm, weight, role of the functionaris)
LEGAL_FORMS = [
    ("Eenmanszaak", 60, "eigenaar"),
    ("Besloten Vennootschap", 30, "bestuurder"),
    ("Vennootschap onder firma", 7, "vennoot"),
    ("Stichting", 3, "bestuurder"),
]

# Common SBI codes with rough weights; the rest of the SBI list fills a uniform tail.
COMMON_SBI = [
    ("6201", 4), ("6202", 4), ("70221", 6), ("7490", 3), ("4120", 4), ("43221", 2), ("4334", 3),
    ("47191", 1), ("4711", 2), ("47711", 1), ("56101", 3), ("56102", 3), ("5630", 2), ("96021", 3),
    ("96022", 4), ("9604", 1), ("4742", 1), ("45112", 2), ("4941", 2), ("4932", 2), ("78201", 1),
    ("6810", 2), ("68203", 2), ("6832", 1), ("69203", 2), ("8121", 2), ("8130", 1), ("9313", 1),
    ("85599", 2), ("86221", 1), ("88101", 1), ("74101", 2), ("7311", 1), ("1071", 1), ("2562", 1),
]

# Risk branches named in the domain reference (kapsalons, nagelstudio's, zonnestudio's,
# belwinkels, autohandel, horeca, uitzendbureaus, vastgoed).
RISK_BRANCH_SBI = ["96021", "96022", "9604", "4742", "45112", "5630", "56102", "78201", "6810"]

GEBRUIKSDOELEN_NON_RESIDENTIAL = [
    ("winkelfunctie", 35), ("kantoorfunctie", 30), ("industriefunctie", 20),
    ("bijeenkomstfunctie", 10), ("logiesfunctie", 5),
]

CHANNELS = [
    ("webformulier", 45), ("intern", 25), ("telefoon", 15), ("partner", 10), ("import", 5),
]

# Phenomena of the domain reference; the intake issue turns them into a configurable catalogue.
PHENOMENA = {
    "hennepteelt_drugs": ("Hennepteelt en drugs", 22,
                          "Sterke wietlucht bij woning, ramen altijd afgeplakt en een zoemende afzuiging."),
    "drugslab_buitengebied": ("Drugslab in het buitengebied", 5,
                              "Vreemde chemische geur bij een loods; 's nachts komen en gaan busjes."),
    "witwassen_vastgoed": ("Witwassen via vastgoed", 10,
                           "Woning is binnen korte tijd meerdere keren verkocht voor steeds meer geld."),
    "malafide_onderneming": ("Malafide onderneming in een risicobranche", 18,
                             "Zaak waar nooit klanten komen maar die wel steeds open is; alleen contant."),
    "woon_adresfraude": ("Woon- en adresfraude", 15,
                         "Veel mensen wonen op een klein adres; steeds andere namen op de brievenbus."),
    "arbeidsuitbuiting": ("Arbeidsuitbuiting en mensenhandel", 8,
                          "Busje haalt 's ochtends vroeg groepen arbeiders op bij een woning."),
    "criminele_uitbuiting": ("Criminele uitbuiting", 6,
                             "Jongeren worden bij een portiek steeds door een oudere man aangestuurd."),
    "zorgfraude": ("Zorgfraude", 5, "Zorgbureau op een woonadres zonder zichtbare activiteit."),
    "vakantiepark_bedrijventerrein": ("Vakantieparken en bedrijventerreinen", 5,
                                      "Loods op het bedrijventerrein met veel beveiliging en weinig activiteit."),
    "omg": ("Outlaw motorcycle gangs (OMG)", 3, "Clubhuis waar vaak groepen in clubkleding samenkomen."),
    "overig": ("Overig", 3, "Zorgen over activiteiten bij een pand in de buurt."),
}
