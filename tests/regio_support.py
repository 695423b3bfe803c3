"""The regional demo in a test (ADR 0030 §13): the session's database holds the one-gemeente demo,
so a regional test empties the database first (a transactional test: it runs after the others and
the next live-server test gets the demo back, conftest.demo_reloaded)."""

from __future__ import annotations

import io

from django.core.management import call_command


def regional_demo() -> str:
    """Empty the database, then `meldpunt demo --regio --no-serve`; returns what it printed."""
    call_command("flush", interactive=False, verbosity=0)
    out = io.StringIO()
    call_command("demo", regio=True, no_serve=True, stdout=out, verbosity=0)
    return out.getvalue()
