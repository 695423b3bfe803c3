from .models import Instrument

"""Seed of the intervention instruments (domain reference §2): legal basis, bevoegd orgaan and
the usual department. Functioneel beheer edits them in the admin; seeding only adds what is
missing and never overwrites a change."""

INSTRUMENTS = [
    ("sluiting-13b-opiumwet", "Sluiting drugspand (art. 13b Opiumwet)", "Opiumwet art. 13b; Damoclesbeleid",
     "Burgemeester", "Openbare orde en veiligheid"),
    ("sluiting-174a-gemeentewet", "Woningsluiting (art. 174a Gemeentewet)", "Gemeentewet art. 174a; Awb 5:25-5:28",
     "Burgemeester", "Openbare orde en veiligheid"),
    ("bibob-onderzoek", "Bibob-onderzoek", "Wet Bibob; Awb 4:81 (beleidsregels Bibob)",
     "Burgemeester en/of college, ieder voor de eigen bevoegdheid", "Vergunningen (Bibob-coördinator)"),
    ("vergunning-weigeren-intrekken", "Weigeren of intrekken vergunning",
     "Wet Bibob art. 3; Alcoholwet; APV; Omgevingswet", "Burgemeester of college (per vergunning)", "Vergunningen"),
    ("last-onder-dwangsom", "Last onder dwangsom", "Awb 5:31d e.v.; de overtreden regel",
     "Het bevoegd gezag van de overtreden regel (meestal het college)", "Vergunningen, toezicht en handhaving"),
    ("bestuursdwang", "Last onder bestuursdwang", "Awb 5:21 e.v.; Gemeentewet art. 125",
     "College; burgemeester bij openbare orde", "Vergunningen, toezicht en handhaving"),
    ("bestuurlijke-boete", "Bestuurlijke boete", "Awb 5:40 e.v.; de bijzondere wet", "Per wet",
     "Vergunningen, toezicht en handhaving"),
    ("brp-adresonderzoek", "BRP-adresonderzoek / huisbezoek", "Wet BRP (bijhouding, hoofdstuk 2 afdeling 1)",
     "College (bijhouding BRP)", "Burgerzaken"),
    ("integrale-controle", "Integrale controle", "Gemeentewet art. 172 en 125; APV; de bevoegdheden per partner",
     "Burgemeester en college", "Openbare orde en veiligheid"),
    ("belastingcontrole", "Belastingcontrole (gemeentelijke belastingen, WOZ)", "Gemeentewet; Wet WOZ; AWR",
     "College / heffingsambtenaar", "Belastingen"),
    ("bestuurlijke-rapportage-riec", "Bestuurlijke rapportage aan het RIEC", "Convenant RIEC-LIEC; AVG art. 26",
     "Burgemeester", "Openbare orde en veiligheid"),
    ("gebiedsverbod", "Gebiedsverbod", "Gemeentewet art. 172a; APV", "Burgemeester", "Openbare orde en veiligheid"),
    ("preventief-gesprek-zorgtraject", "Preventief gesprek / zorgtraject", "Wmo 2015; Jeugdwet; Gemeentewet art. 172",
     "College", "Zorg en veiligheid"),
]


def seed_instruments(**_kwargs) -> None:
    for order, (code, name, basis, authority, department) in enumerate(INSTRUMENTS, start=1):
        Instrument.objects.get_or_create(code=code, defaults={
            "name": name, "legal_basis": basis, "competent_authority": authority, "department": department,
            "order": order * 10})
