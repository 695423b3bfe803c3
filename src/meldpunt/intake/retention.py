"""What the destruction date of a signal is computed from, registered with retention in
IntakeConfig.ready (issue 15: retention does not read this app's fields itself).

The brondatum of a signal is the date it reached its state ('afgehandeld', Open Zaak's default
afleidingswijze); its result class is the one the signal rules of its gemeente give that state (an
end state of the protocol), with that gemeente's term. A signal in the state 'casus' follows its casus' dossier."""

from __future__ import annotations

from meldpunt.privacy.retention import dates, registry, terms

from .models import Signal


def signal_sources(ids: list[int]) -> list[registry.Source]:
    # The rules and terms of each signal's own gemeente (ADR 0030 §7: each sets its own terms).
    found = terms.load()
    sources = []
    for pk, gemeente, state, since, current in Signal.objects.filter(pk__in=ids).values_list(
            "pk", "gemeente_id", "state", "state_since", "destroy_after"):
        result_class = found.signal_class(gemeente, state)
        sources.append(registry.Source(
            pk=pk, brondatum=dates.local_date(since),
            term_months=result_class.term_months if result_class else None,
            valuation=result_class.valuation if result_class else None,
            current=current, follows_casus=state == dates.CASUS_STATE))
    return sources


def register() -> None:
    registry.register_sources(registry.SIGNAL, signal_sources)
