from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from meldpunt.demo import loader
from meldpunt.demo.generator.build import build
from meldpunt.demo.generator.sizes import SIZES


class Command(BaseCommand):
    help = (
        "Maak een synthetische gemeente (vast per seed): adressen, personen, bedrijven, WOZ, "
        "vergunningen en signalen op echte CBS-gebieden, met geplante patronen en hun grondwaarheid. "
        "S en M worden ook in de database geladen; L (landelijk) alleen als Parquet."
    )

    def add_arguments(self, parser):
        parser.add_argument("--size", choices=sorted(SIZES), default="S",
                            help="S: demo (seconden), M: een stad (±161.000 inwoners), L: landelijk.")
        parser.add_argument("--seed", type=int, default=479, help="Zelfde seed, zelfde gegevens.")
        parser.add_argument("--out", type=Path, default=None,
                            help="Map voor de Parquet-bestanden en ground_truth.json.")
        parser.add_argument("--no-load", action="store_true", help="Niet in de database laden.")
        parser.add_argument("--memory-limit", default="2GB", help="Geheugengrens voor DuckDB.")
        parser.add_argument("--gemeente", default="GM0479",
                            help="CBS-gemeentecode voor S en M (standaard GM0479, Zaanstad; bv. GM0363 Amsterdam).")

    def handle(self, *args, size, seed, out, no_load, memory_limit, gemeente="GM0479", **options):
        gemeente = (gemeente or "GM0479").strip().upper()
        suffix = "" if gemeente == "GM0479" else f"-{gemeente}"
        out = out or Path(settings.VAR_DIR) / "generated" / f"{size}-{seed}{suffix}"
        spec = SIZES[size]
        load = spec.load_into_database and not no_load
        if load and loader.is_loaded():
            raise CommandError(
                "Er staan al registratiegegevens in de database. Gebruik een lege database "
                "(zet MELDPUNT_VAR_DIR op een nieuwe map of verwijder var/meldpunt.sqlite3) of gebruik --no-load."
            )
        bar = tqdm(total=10, desc=f"Gemeente {size}", unit="stap", disable=options["verbosity"] == 0)

        def step(label):
            bar.set_postfix_str(label)
            bar.update(1)

        try:
            result = build(size, out, seed=seed, progress=step, memory_limit=memory_limit, gemeente=gemeente)
        except ValueError as error:
            bar.close()
            raise CommandError(str(error)) from error
        bar.close()
        self.stdout.write(f"Gegenereerd in {result.seconds:.1f} s naar {out}")
        for table, n in result.counts.items():
            self.stdout.write(f"  {table:<20} {n:>12,}".replace(",", "."))
        self.stdout.write(f"Grondwaarheid van de geplante patronen: {out / 'ground_truth.json'}")
        if load:
            counts = loader.load(out)
            self.stdout.write(self.style.SUCCESS(f"Geladen in de database: {sum(counts.values()):,} rijen."
                                                 .replace(",", ".")))
