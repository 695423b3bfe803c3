"""Django's ``flush`` with the log tables' DELETE guard lifted for its duration.

``flush`` empties the whole database (tests between live-server runs, a fresh demo). On SQLite it
does so with DELETE statements, which the append-only triggers refuse (ADR 0008); emptying
everything is not tampering with a log, so the guard steps aside here and nowhere else in the app
but the retention of the security log. The chain heads are seeded again on post_migrate.
"""

from django.core.management.commands import flush

from meldpunt.privacy import chain


class Command(flush.Command):
    def handle(self, **options):
        with chain.allow_deletes():
            return super().handle(**options)
