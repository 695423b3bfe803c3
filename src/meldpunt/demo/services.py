"""Demo users: one per role, with a fresh password shown once."""

from django.db import transaction

from meldpunt.accounts import services as account_services
from meldpunt.accounts.models import User
from meldpunt.accounts.roles import ROLE_PROFILES
from meldpunt.cases.demo import give_demo_casus
from meldpunt.intake.models import Signal
from meldpunt.protocol import services as protocol
from meldpunt.protocol.services import WegingInput

DEMO_NAMES = {  # real-looking names, so pages show people, not roles
    "regisseur": ("Rana", "de Vries"), "beoordelaar": ("Bart", "Jansen"),
    "teamlid": ("Tess", "van den Berg"), "privacyfunctionaris": ("Priya", "Ramdin"),
    "bronhouder": ("Bram", "Visser"), "deelnemer": ("Dewi", "Smit"),
    "uitvoerder": ("Umar", "El Amrani"), "fg": ("Femke", "Bakker"),
    "auditor": ("Aisha", "Mulder"),
    "archivaris": ("Arno", "de Boer"), "beheerder": ("Bea", "Meijer"),
    "analist": ("Anna", "Bos"), "melder_intern": ("Mick", "Vos"),
}


@transaction.atomic
def ensure_demo_users(new_passwords: bool = False) -> list[tuple[str, str, str | None]]:
    """Create the demo users that are missing. Returns (username, role, password or None)."""
    result = []
    for profile in ROLE_PROFILES:
        role = profile.role.value
        first, last = DEMO_NAMES[role]
        user = User.objects.filter(username=role).first()
        password = None
        if user is None:
            password = account_services.generate_password()
            user = account_services.create_user(role, password, [role], first_name=first, last_name=last,
                                                organisation="Demogemeente Zaanstad")
            if role == "beheerder":
                user.is_staff = True
                user.is_superuser = True
                user.save(update_fields=["is_staff", "is_superuser"])
        elif new_passwords:
            password = account_services.generate_password()
            user.set_password(password)
            user.save(update_fields=["password"])
        result.append((role, profile.role.label, password))
    _give_demo_users_work()
    return result


def _give_demo_users_work() -> None:
    """A staff melder with their own reports, and signals that went through step 1 for the team —
    through the protocol services, so they have their wegingen, history and log lines."""
    melder = User.objects.get(username="melder_intern")
    beoordelaar = User.objects.get(username="beoordelaar")
    if not Signal.objects.filter(reported_by=melder).exists():
        ids = list(Signal.objects.filter(channel="intern").order_by("received_at").values_list("id", flat=True)[:5])
        Signal.objects.filter(id__in=ids).update(reported_by=melder)
    if Signal.objects.exclude(state="ontvangen").exists():
        return
    _walk_step1(beoordelaar)
    give_demo_casus()  # step 4: one casus with a planned casusoverleg and a release to decide


def _walk_step1(beoordelaar) -> None:
    common = {"purpose": "Voorkomen en bestrijden van ondermijning", "legal_basis": "AVG art. 6 lid 1 sub e"}
    checklist = {"kenmerken": ["openbare_orde"], "verankering": ["betrokkenheid_locatie_netwerk"],
                 "signalering": ["malafide_activiteiten"]}
    for signal in Signal.objects.filter(address__isnull=False).order_by("reference")[:8]:
        protocol.decide(beoordelaar, signal, [
            WegingInput("W1", "ja", "Concreet signaal over een adres in onze gemeente, past bij het fenomeen.",
                        checklist=checklist, **common),
            WegingInput("W2A", "ja", "Openbare orde en integriteit: bevoegdheid van de burgemeester.", **common),
            WegingInput("W2B", "ja", "Het adres ligt in onze gemeente.", **common),
        ], "intake_doorzetten")
