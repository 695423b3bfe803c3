"""The `meldpunt` command: Django's management commands with plain-language help."""

import os
import sys

COMMANDS = [
    ("demo", "Zet de demogemeente klaar (database, gegevens, gebruikers) en start de app."),
    ("setup", "Zet de app klaar voor een gemeente: setup --gemeente GM0363 (een van de 342 CBS-codes)."),
    ("serve", "Start de webserver op http://127.0.0.1:8000."),
    ("generate", "Maak een synthetische gemeente: --size S, M of L, --seed N, --gemeente GM0363."),
    ("partner_token", "Geef een partnerorganisatie een API-token (--vervang, --intrekken)."),
    ("log", "Controleer de hash-keten van het verwerkingslog en het beveiligingslog: log verify."),
    ("retention", "Bewaartermijnen: retention run [--dry-run] herberekent, anonimiseert en vernietigt."),
    ("beeld", "Ondermijningsbeeld: beeld regenerate maakt een nieuwe momentopname."),
    ("interventie_herinneringen", "Stuur herinneringen voor interventies over hun termijn."),
    ("meldingen", "Meldingen: meldingen scan [--peildatum] maakt die van de dag; digest stuurt de dagelijkse e-mail."),
    ("datasignalen", "Signalen uit registraties: datasignalen run [--dry-run] past de dataregels toe."),
    ("regio", "Regio: regio index --gemeente GM0880 bouwt de index voor hit/no-hit van een gemeente opnieuw op."),
    ("migrate", "Werk de database bij naar de nieuwste versie."),
    ("createsuperuser", "Maak een beheerder aan."),
    ("health_check", "Is een draaiende installatie gereed? health_check health:gereed [adres:poort]."),
    ("check", "Controleer de instellingen (met --deploy: voor productie)."),
    ("spectacular", "Schrijf het OpenAPI-document van de API (--file openapi.json)."),
]

HELP = """Meldpunt Ondermijning

Gebruik: meldpunt OPDRACHT [opties]

Opdrachten:
{commands}

Meer over een opdracht: meldpunt OPDRACHT --help
Alle Django-beheeropdrachten werken ook: meldpunt help --commands

Instellingen komen uit omgevingsvariabelen (MELDPUNT_DATABASE_URL, MELDPUNT_SECRET_KEY,
MELDPUNT_REQUIRE_2FA, ...); zonder instellingen gebruikt meldpunt een ingebouwde SQLite-database
in ./var. Zie README.md.
"""


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv[1:] if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "meldpunt.settings.base")
    if not argv or argv[0] in {"-h", "--help", "help"} and len(argv) == 1:
        width = max(len(name) for name, _ in COMMANDS)
        lines = "\n".join(f"  {name:<{width}}  {text}" for name, text in COMMANDS)
        print(HELP.format(commands=lines))
        return
    # Django loads only when a command runs: `meldpunt --help` needs no settings.
    from django.core.management import execute_from_command_line

    execute_from_command_line(["meldpunt", *argv])


if __name__ == "__main__":
    main()
