import os
import sys
from pathlib import Path

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Start de webserver (gunicorn) op http://127.0.0.1:8000. Stoppen met Ctrl+C."

    def add_arguments(self, parser):
        parser.add_argument("--host", default=os.environ.get("MELDPUNT_HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=int(os.environ.get("MELDPUNT_PORT", "8000")))
        parser.add_argument("--workers", type=int, default=int(os.environ.get("MELDPUNT_WORKERS", "2")))

    def handle(self, *args, host, port, workers, **options):
        self.stdout.write(f"Meldpunt Ondermijning draait op http://{host}:{port}/ (stoppen: Ctrl+C)")
        self.stdout.flush()
        gunicorn = Path(sys.executable).with_name("gunicorn")
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "meldpunt.settings.base")
        argv = [str(gunicorn), "meldpunt.wsgi:application", "--bind", f"{host}:{port}",
                "--workers", str(workers), "--access-logfile", "-",
                # No client address or user agent in the access log: anonymous means anonymous (P5).
                "--access-logformat", '%(t)s "%(m)s %(U)s" %(s)s %(b)s %(M)sms']
        os.execv(argv[0], argv)  # noqa: S606 - become gunicorn; fixed argv, no shell
