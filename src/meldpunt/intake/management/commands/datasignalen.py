"""`meldpunt datasignalen run [--dry-run]`: apply the active data rules to the registries and create
a signal in channel 'data-analyse' per new finding (idempotent: a finding is signalled once).
`meldpunt datasignalen regels` lists the rules with their thresholds."""

from django.core.management.base import BaseCommand, CommandError

from meldpunt.core import peildatum
from meldpunt.intake import rules
from meldpunt.intake.models import DataRule
from meldpunt.privacy import trace


class Command(BaseCommand):
    help = ("Signalen uit registraties: 'run' past de actieve dataregels toe en maakt per nieuwe bevinding een "
            "signaal in stap 1 (kanaal data-analyse); 'regels' toont de regels en hun drempels.")

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True, title="opdrachten")
        run = sub.add_parser("run", help="Pas de actieve dataregels toe.")
        run.add_argument("--dry-run", action="store_true",
                         help="Toon alleen wat er gevonden wordt; maak geen signalen.")
        run.add_argument("--regel", action="append", dest="codes", metavar="CODE",
                         help="Alleen deze regel (mag vaker; ook een regel die uit staat).")
        peildatum.add_argument(run, help="Stand van de registraties (standaard vandaag).")
        sub.add_parser("regels", help="Toon de dataregels met hun drempels en grondslag.")

    @trace.job_span("meldpunt datasignalen")
    def handle(self, *args, action, **options):
        if action == "regels":
            return self._list()
        reference_date = peildatum.parse(options.get("peildatum"))
        codes = options.get("codes")
        if codes:
            unknown = sorted(set(codes) - set(DataRule.objects.filter(code__in=codes).values_list("code", flat=True)))
            if unknown:
                raise CommandError(f"Onbekende regel(s): {', '.join(unknown)}. Zie: meldpunt datasignalen regels.")
        report = rules.run_rules(dry_run=options["dry_run"], reference_date=reference_date, codes=codes)
        for outcome in report.outcomes:
            title = f"{outcome.name} ({outcome.code}, versie {outcome.version})"
            if outcome.error:
                self.stderr.write(self.style.ERROR(f"{title}: niet uitgevoerd. {outcome.error}"))
                continue
            self.stdout.write(f"{title}: {outcome.found} bevindingen, {outcome.already_signalled} al eerder gemeld, "
                              f"{len(outcome.new)} nieuw.")
            if report.dry_run:
                for finding in outcome.new:
                    self.stdout.write(f"  - {finding.location_text or finding.key}")
            elif outcome.signals:
                self.stdout.write(f"  signalen: {', '.join(outcome.signals)}")
        if report.dry_run:
            self.stdout.write("Proefdraaien: er zijn geen signalen gemaakt.")
        else:
            self.stdout.write(self.style.SUCCESS(f"{report.created} nieuwe signalen in stap 1 (ontvangen)."))
        if any(o.error for o in report.outcomes):
            raise CommandError("Niet alle regels konden worden uitgevoerd; zie hierboven.")

    def _list(self):
        for rule in DataRule.objects.select_related("phenomenon").order_by("code"):
            state = "actief" if rule.active else "uit"
            self.stdout.write(f"{rule.code} — {rule.name} (versie {rule.version}, {state}, fenomeen {rule.phenomenon})")
            for name, value in rules.effective_parameters(rule.kind, rule.parameters).items():
                self.stdout.write(f"    {name} = {value}")
            self.stdout.write(f"    grondslag: {rule.legal_basis}")
