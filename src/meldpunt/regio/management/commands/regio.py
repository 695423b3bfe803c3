"""``meldpunt regio index --gemeente GM0880`` (or ``--alle``): rebuild a gemeente's (or every
gemeente's) hit/no-hit index."""

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from meldpunt.privacy import trace
from meldpunt.regio import index
from meldpunt.tenancy.models import Tenant


class Command(BaseCommand):
    help = "Regio: de index voor hit/no-hit van een gemeente opnieuw opbouwen."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        rebuild = sub.add_parser("index", help="De index van een gemeente opnieuw opbouwen.")
        which = rebuild.add_mutually_exclusive_group(required=True)
        which.add_argument("--gemeente", help="De gemeentecode, bijvoorbeeld GM0880.")
        which.add_argument("--alle", action="store_true", help="De index van elke aangesloten gemeente, in één keer.")

    def handle(self, *args, action, gemeente=None, alle=False, **options):
        if alle:
            with trace.job_span("regio index"), transaction.atomic():
                count = index.rebuild_all()
            self.stdout.write(f"Index van alle gemeenten opnieuw opgebouwd: {count} sleutelwaarden.")
            return
        tenant = Tenant.objects.filter(pk=(gemeente or "").strip().upper()).first()
        if tenant is None:
            raise CommandError(f"Geen aangesloten gemeente met code {gemeente}.")
        with trace.job_span("regio index"), transaction.atomic():
            count = index.rebuild(tenant)
        self.stdout.write(f"Index van {tenant.naam} opnieuw opgebouwd: {count} sleutelwaarden.")
