"""What the destruction date of a casus is computed from, registered with retention in
CasesConfig.ready (issue 15: retention does not read this app's fields itself).

The brondatum of a casus is the date it was closed (None while it is open); its result class is
the one chosen for the casus, with the term its gemeente set."""

from __future__ import annotations

from meldpunt.privacy.retention import dates, registry, terms

from .models import Casus


def casus_sources(ids: list[int]) -> list[registry.Source]:
    # The term of the class as the casus' own gemeente set it (ADR 0030 §7).
    found = terms.load()
    sources = []
    for pk, gemeente, closed_at, code, current in Casus.objects.filter(pk__in=ids).values_list(
            "pk", "gemeente_id", "closed_at", "result_class__code", "destroy_after"):
        result_class = found.result_class(gemeente, code)
        sources.append(registry.Source(
            pk=pk, brondatum=dates.local_date(closed_at), current=current,
            term_months=result_class.term_months if result_class else None,
            valuation=result_class.valuation if result_class else None))
    return sources


def register() -> None:
    registry.register_sources(registry.CASUS, casus_sources)
