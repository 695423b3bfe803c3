"""Helpers for the retention, destruction and residue tests (no tests here): walk signals through
the real protocol services, close casussen, make lists due."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

import factories
from factories import REASONING, WEIGHED
from meldpunt.intake import services as intake
from meldpunt.protocol import services as protocol
from meldpunt.protocol.models import Destination
from meldpunt.registries.models import Nummeraanduiding


def weging(kind, decision, reasoning=REASONING, **extra):
    """The shared weging; W4 'casus' here also carries necessity, proportionality and subsidiarity."""
    if kind == "W4" and decision == "casus":
        extra = {**WEIGHED, **extra}
    return factories.weging(kind, decision, reasoning, **extra)


def address():
    return Nummeraanduiding.objects.order_by("pk").first()


def new_signal(user, *, subjects=None, **extra):
    data = intake.SignalInput(
        channel=extra.pop("channel", "intern"), description=extra.pop("description", "Wietlucht, ramen afgeplakt."),
        phenomenon="hennepteelt_drugs", reporter_kind=extra.pop("reporter_kind", "medewerker"), address=address().pk,
        subjects=subjects if subjects is not None else [intake.SubjectInput(kind="persoon", name="A. Bewoner",
                                                                            bsn="999993653")],
        **extra)
    return intake.create_signal(data, user=user)


def to_zwaarte(user, signal, reasoning="Zo gewogen om deze reden."):
    protocol.decide(user, signal, [weging("W1", "ja", reasoning), weging("W2A", "ja", reasoning),
                                   weging("W2B", "ja", reasoning)], "intake_doorzetten")
    signal.refresh_from_db()
    return signal


def geen_actie(user, signal):
    to_zwaarte(user, signal)
    protocol.decide(user, signal, [weging("W3", "geen_actie")], "zwaarte_geen_actie")
    signal.refresh_from_db()
    return signal


def niet_in_behandeling(user, signal):
    protocol.decide(user, signal, [weging("W1", "nee")], "intake_afwijzen")
    signal.refresh_from_db()
    return signal


def doorgezet_riec(user, signal, items=("fenomeen",)):
    to_zwaarte(user, signal)
    protocol.forward(user, signal, Destination.objects.get(code="riec"), "AVG art. 6 lid 1 sub e", list(items))
    protocol.decide(user, signal, [weging("W3", "riec")], "zwaarte_riec")
    signal.refresh_from_db()
    return signal


def to_casus(user, signal, reasoning="Zo gewogen om deze reden."):
    """W3 research, W4 'casus': the protocol opens the casus (cases.services.open_from_signal)."""
    to_zwaarte(user, signal, reasoning)
    protocol.decide(user, signal, [weging("W3", "bronnenonderzoek", reasoning)], "zwaarte_bronnenonderzoek")
    protocol.decide(user, signal, [weging("W4", "casus", reasoning)], "hits_casus")
    signal.refresh_from_db()
    return signal.casus_links.get().casus


def close_casus(casus, result_class_code="handhaving-uitgevoerd", days_ago=0):
    """Close as the casus service does (result class, closed_at, state), with a save()."""
    from meldpunt.privacy.retention.models import ResultClass

    casus.result_class = ResultClass.objects.get(code=result_class_code, gemeente__isnull=True)
    casus.closed_at = timezone.now() - timedelta(days=days_ago)
    casus.state = "afgesloten"
    casus.save(update_fields=["result_class", "closed_at", "state"])
    casus.refresh_from_db()
    return casus


def age(signal, days):
    """Move a signal's end-state date into the past (as if decided ``days`` ago) and recompute."""
    from meldpunt.intake.models import Signal
    from meldpunt.privacy.retention import dates

    Signal.objects.filter(pk=signal.pk).update(state_since=timezone.now() - timedelta(days=days))
    dates.recompute_signals(Signal.objects.filter(pk=signal.pk))
    signal.refresh_from_db()
    return signal


def pass_cooling_off(destruction_list):
    from meldpunt.privacy.retention.models import DestructionList

    DestructionList.objects.filter(pk=destruction_list.pk).update(
        cooling_off_until=timezone.now() - timedelta(minutes=1))
    destruction_list.refresh_from_db()
    return destruction_list


def due_signal(staff, **extra):
    """A signal not taken into treatment, aged past its term: due for destruction."""
    return age(niet_in_behandeling(staff, new_signal(staff, **extra)), 400)
