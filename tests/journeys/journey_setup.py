"""The starting state of a journey, built through the real services before the person starts
clicking (the "fixture" of each journey): signals in a step, a casus at a stage. Nothing here
runs once the browser is open."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

import factories
from factories import weging
from meldpunt.accounts import services as account_services
from meldpunt.accounts.roles import Role
from meldpunt.cases import interventions, meetings
from meldpunt.cases import services as casus_services
from meldpunt.cases.models import Casus
from meldpunt.intake import services as intake
from meldpunt.protocol import services as protocol
from meldpunt.protocol.sources import seed_sources
from meldpunt.registries.models import Nummeraanduiding, Persoon

PASSWORD = "een-lang-wachtwoord-voor-tests"


def clerk(username="j-opzet"):
    """The colleague who did the earlier steps (every staff role), not the person under test."""
    staff = [Role.BEOORDELAAR, Role.TEAMLID, Role.REGISSEUR]
    return account_services.create_user(username, PASSWORD, [r.value for r in staff],
                                        first_name="Olaf", last_name="Opzet")


def demo_person() -> Persoon:
    """A person of the demo municipality with an address: the BRP knows them."""
    return Persoon.objects.filter(verblijfplaatsen__isnull=False).order_by("pk").first()


def signal(user, description: str, *, name: str = "", bsn: str = "", index: int = 0, **extra):
    """A signal at the ``index``-th demo address, naming one person when ``name`` is given."""
    address = Nummeraanduiding.objects.order_by("pk")[index]
    subjects = [intake.SubjectInput(kind="persoon", name=name, bsn=bsn, role="bewoner")] if name else []
    return intake.create_signal(intake.SignalInput(
        channel="intern", reporter_kind="medewerker", description=description, phenomenon="hennepteelt_drugs",
        address=address.pk, subjects=subjects, **extra), user=user)


def in_zwaarte(user, signal_):
    protocol.decide(user, signal_, [weging("W1", "ja"), weging("W2A", "ja"), weging("W2B", "ja")],
                    "intake_doorzetten")
    signal_.refresh_from_db()
    return signal_


def in_research(user, signal_):
    seed_sources()
    return factories.to_research(user, signal_)


def casus_from(user, signal_) -> Casus:
    """Steps 1-3 and weging 4 'casus' for ``signal_``: the casus it opened, without a regisseur."""
    in_research(user, signal_)
    protocol.decide(user, signal_, [weging("W4", "casus")], "hits_casus")
    casus = Casus.objects.get(signal_links__signal=signal_)
    casus.lead = None  # the regisseur of the journey takes the lead in the pages
    casus.save(update_fields=["lead"])
    return casus


def led_casus(user, signal_) -> Casus:
    """A casus whose regisseur is ``user``."""
    casus = casus_from(user, signal_)
    casus_services.take_lead(user, casus)
    return casus


def after_casusoverleg(regie, pf, casus, deelnemer):
    """The casusoverleg held: a PC2A release, minutes, attendance; the casus in 'casusoverleg'."""
    meeting, item, (seat,) = factories.planned_meeting(regie, casus, deelnemer)
    factories.release(regie, pf, item, seat, ["veld:fenomeen"])
    casus_services.transition(regie, casus, "casus_agenderen")
    meetings.record_minutes(regie, item, "Besproken: aanpak via sluiting.", "Sluiting 13b voorbereiden.")
    meetings.record_attendance(regie, meeting, [seat.pk])
    casus.refresh_from_db()
    return casus


def all_done(regie, pf, casus, deelnemer, uitvoerder):
    """Step 4 up to 'uitvoering' with the one intervention reported done by ``uitvoerder``."""
    action = factories.run_to_uitvoering(regie, pf, casus, deelnemer, uitvoerder)
    interventions.report(uitvoerder, action, "in_uitvoering")
    interventions.report(uitvoerder, action, "afgerond", result="Pand gesloten voor zes maanden.")
    casus.refresh_from_db()
    return casus


def in_days(days: int):
    return timezone.localdate() + timedelta(days=days)
