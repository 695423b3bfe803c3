"""The archive: the signals the team closed over the past twelve months in the previous
registration system, taken over into the meldpunt as a historic import.

The stories walk a few hundred signals through the protocol services; that is too few for an
ondermijningsbeeld whose buurt figures pass the suppression threshold (5). A real meldpunt that
starts with this application brings its closed signals along, already decided: this module writes
them in bulk (``bulk_create``, one transaction), each with its history (ontvangen and every step up
to its end state), its wegingen, its forward where it was sent on, and the destruction date the
retention rules give it. Only ``meldpunt demo`` tells it; the test session's municipality stays at
size S without it, so the suite does not slow down.

Density follows the generator (generator/build.py, ``_signals``): a buurt gets signals in proportion
to the crimes the police registered there (CBS, misdrijven 2025, plus one), so they concentrate where
the generator's own signals and patterns do. Every signal was closed within the last twelve months:
its term (twelve months or longer from the end state) has not passed, so none is overdue for
destruction. Signals are made deterministic from a fixed seed: the same day gives the same archive.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from django.db import transaction

from meldpunt.accounts.models import User
from meldpunt.demo.generator import vocabulary as voc
from meldpunt.demo.loader import _reset_sequences
from meldpunt.intake.models import Signal
from meldpunt.privacy.retention import dates as retention_dates
from meldpunt.protocol.models import Destination, Forward, StateChange, Weging
from meldpunt.registries.models import Buurt, Verblijfsobject
from meldpunt.tenancy import counters
from meldpunt.tenancy.home import home_tenant

from .clock import moment

# One archived signal for every this many crimes registered in the buurt (CBS 2025, plus one).
# Zaanstad (7,482 crimes) gets ~2,500 signals a year: enough for most buurten to pass the threshold
# with all phenomena together.
CRIMES_PER_SIGNAL = 3
SEED = 479
OLDEST_DAYS, YOUNGEST_DAYS = 340, 25  # received; closed at most three weeks later, always before today
IMPORTED = "Overgenomen uit het vorige registratiesysteem (historische import)."
COMMON = {"purpose": "Voorkomen en bestrijden van ondermijning", "legal_basis": "AVG art. 6 lid 1 sub e"}
REPORTER = {"webformulier": "anoniem", "partner": "partner", "import": "mma", "telefoon": "burger"}
# End state -> (share, W3 decision, destination code); None: refused at step 1.
ENDS = [("niet_in_behandeling", 40, None, None), ("doorgezet_afdeling", 40, "afdeling", "afdeling_vth"),
        ("doorgezet_riec", 20, "riec", "riec")]


def is_there() -> bool:
    return StateChange.objects.filter(note=IMPORTED).exists()


@transaction.atomic
def load(today: date) -> int:
    """Write the archive once; returns the number of signals (0 when it is there already)."""
    if is_there():
        return 0
    rng = random.Random(SEED)
    beoordelaar, teamlid = User.objects.get(username="beoordelaar"), User.objects.get(username="teamlid")
    destinations = {d.code: d for d in Destination.objects.filter(code__in=[e[3] for e in ENDS if e[3]])}
    addresses: dict[str, list[str]] = {}
    for buurt, address in Verblijfsobject.objects.values_list("buurt_id", "hoofdadres_id"):
        addresses.setdefault(buurt, []).append(address)
    next_id = (Signal.objects.order_by("-id").values_list("id", flat=True).first() or 0) + 1
    gemeente = home_tenant()
    signals, plans = [], []
    for buurt, crimes in Buurt.objects.order_by("code").values_list("code", "misdrijven_2025"):
        for _ in range(round(((crimes or 0) + 1) / CRIMES_PER_SIGNAL)):
            signal, plan = _signal(rng, next_id, buurt, addresses.get(buurt), today, gemeente)
            signals.append(signal)
            plans.append(plan)
            next_id += 1
    # Kenmerken per gemeente (ADR 0030 §7): consecutive numbers from the gemeente's own counter.
    _tenant, first = counters.draw(gemeente, "next_signal_number", len(signals))
    for offset, signal in enumerate(signals):
        signal.reference = counters.signal_reference_of(gemeente.reference_prefix, signal.received_at.year,
                                                        first + offset)
    Signal.objects.bulk_create(signals, batch_size=2000)
    _reset_sequences([Signal])
    _histories(signals, plans, beoordelaar, teamlid, destinations)
    retention_dates.recompute_signals(Signal.objects.filter(id__in=[s.id for s in signals]), today)
    return len(signals)


def _pick(rng: random.Random, items: list[tuple]) -> tuple:
    return rng.choices(items, weights=[item[1] for item in items])[0]


def _signal(rng, pk: int, buurt: str, addresses: list[str] | None, today: date, gemeente) -> tuple[Signal, tuple]:
    phenomenon = _pick(rng, [(code, weight) for code, (_, weight, _) in voc.PHENOMENA.items()])[0]
    text = voc.PHENOMENA[phenomenon][2]
    channel = _pick(rng, voc.CHANNELS)[0]
    end = _pick(rng, ENDS)
    received = moment(today - timedelta(days=rng.randint(YOUNGEST_DAYS, OLDEST_DAYS)), rng.randint(8, 16),
                      rng.randint(0, 59))
    step1 = received + timedelta(days=rng.randint(1, 4), hours=rng.randint(0, 5))
    step2 = step1 + timedelta(days=rng.randint(3, 14), hours=rng.randint(0, 5))
    closed = step1 if end[2] is None else step2
    signal = Signal(
        id=pk, gemeente=gemeente, reference="", received_at=received, channel=channel,
        reporter_kind=REPORTER.get(channel, "medewerker"), phenomenon_id=phenomenon, description=text,
        buurt_id=buurt, address_id=rng.choice(addresses) if addresses else None, state=end[0],
        state_since=closed, deadline=None)
    return signal, (end, received, step1, step2)


def _histories(signals, plans, beoordelaar, teamlid, destinations) -> None:
    """Per signal its history rows, then the wegingen that each step used (they point at the row)."""
    changes, wegingen = [], []
    for signal, (end, received, step1, step2) in zip(signals, plans, strict=True):
        state, _, decision, _ = end
        changes.append(StateChange(signal_id=signal.id, transition="ontvangen", target="ontvangen", at=received,
                                   note=IMPORTED))
        if decision is None:
            changes.append(StateChange(signal_id=signal.id, transition="intake_afwijzen", source="ontvangen",
                                       target=state, at=step1, by=beoordelaar, role="beoordelaar", note=IMPORTED))
        else:
            changes.append(StateChange(signal_id=signal.id, transition="intake_doorzetten", source="ontvangen",
                                       target="zwaarte", at=step1, by=beoordelaar, role="beoordelaar",
                                       note=IMPORTED))
            changes.append(StateChange(signal_id=signal.id, transition=f"zwaarte_{decision}", source="zwaarte",
                                       target=state, at=step2, by=teamlid, role="teamlid", note=IMPORTED))
    StateChange.objects.bulk_create(changes, batch_size=2000)
    forwards = []
    steps = iter(c for c in changes if c.transition != "ontvangen")
    for signal, (end, _, _, step2) in zip(signals, plans, strict=True):
        _, _, decision, destination = end
        first = next(steps)
        if decision is None:
            wegingen.append(_weging(signal, first, "W1", "nee", "Geen aanwijzing voor ondermijning.", beoordelaar))
            continue
        wegingen += [
            _weging(signal, first, "W1", "ja", "Concreet signaal dat past bij het fenomeen.", beoordelaar),
            _weging(signal, first, "W2A", "ja", "Openbare orde en integriteit: bevoegdheid van de burgemeester.",
                    beoordelaar),
            _weging(signal, first, "W2B", "ja", "De plek ligt in onze gemeente.", beoordelaar),
        ]
        second = next(steps)
        reason = {"afdeling": "Past bij het toezicht van de afdeling; die pakt het op eigen bevoegdheid op.",
                  "riec": "Mogelijk regio-overstijgend netwerk: het RIEC brengt het samen met de partners."}
        wegingen.append(_weging(signal, second, "W3", decision, reason[decision], teamlid))
        target = destinations.get(destination)
        if target is not None:
            forwards.append(Forward(signal_id=signal.id, destination=target, legal_basis=target.default_legal_basis,
                                    items=["fenomeen", "omschrijving"],
                                    content={"kenmerk": signal.reference, "omschrijving": signal.description},
                                    note=IMPORTED, sent_at=step2, sent_by=teamlid))
    Weging.objects.bulk_create(wegingen, batch_size=2000)
    Forward.objects.bulk_create(forwards, batch_size=2000)


def _weging(signal, change: StateChange, kind: str, decision: str, reasoning: str, user) -> Weging:
    return Weging(signal_id=signal.id, gemeente_id=signal.gemeente_id, type=kind, decision=decision,
                  reasoning=reasoning, decided_by=user, role=change.role, decided_at=change.at,
                  used_by=change, **COMMON)
