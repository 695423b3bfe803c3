"""What the destruction date of a casus is computed from, registered with retention in
CasesConfig.ready (issue 15: retention does not read this app's fields itself).

The brondatum of a casus is the date it was closed (None while it is open); its result class is
the one chosen for the casus."""

from __future__ import annotations

from meldpunt.privacy.retention import dates, registry

from .models import Casus


def casus_sources(ids: list[int]) -> list[registry.Source]:
    return [registry.Source(pk=pk, brondatum=dates.local_date(closed_at), term_months=term, valuation=valuation,
                            current=current)
            for pk, closed_at, term, valuation, current in Casus.objects.filter(pk__in=ids).values_list(
                "pk", "closed_at", "result_class__term_months", "result_class__valuation", "destroy_after")]


def register() -> None:
    registry.register_sources(registry.CASUS, casus_sources)
